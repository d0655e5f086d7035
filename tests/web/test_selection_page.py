"""The account selection page: leaders score, weigh, rank and tier accounts; every
write goes through the services and is refused, changing nothing, when invalid or
stale."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account, SelectionCriterion, SelectionScore

HX = {"HTTP_HX_REQUEST": "true"}
WEIGHTED = (
    "expansion_potential",
    "strategic_fit",
    "current_revenue",
    "executive_access",
    "reference_value",
)


def criterion(key):
    return SelectionCriterion.objects.get(key=key)


def rate(account, by, value, **others):
    """Score `account` `value` on every weighted criterion but `others`."""
    for key, score in {**dict.fromkeys(WEIGHTED, value), **others}.items():
        account_services.score(account, criterion(key), score, by=by)
    return account


@pytest.fixture
def browser(client, leader):
    client.force_login(leader)
    return client


@pytest.fixture
def scored(account, leader):
    """Acme Corp (tier 1) scored 3 everywhere: weighted 3.00, suggested tier 2."""
    return rate(account, leader, 3)


def score_url(account, key):
    return reverse("selection-score", args=[account.pk, criterion(key).pk])


def row_of(html, account):
    """The table row of `account` in `html`."""
    match = re.search(rf'<tr id="account-{account.pk}".*?</tr>', html, re.S)
    assert match, f"no row for {account}"
    return match.group(0)


def test_a_leader_sees_the_scorecard(browser, scored, leader, owner):
    account_services.create_account(by=owner, name="Newco", relationship="prospect")

    response = browser.get(reverse("selection"))

    assert response.status_code == 200
    html = response.text
    assert "Expansion potential <small>30%</small>" in html
    assert "Competitive position <small>0%</small>" in html
    row = row_of(html, scored)
    assert '<td class="num weighted">3.00' in row
    assert 'data-rank="1"' in row
    assert "Apply tier 2" in row
    newco = row_of(html, Account.objects.get(name="Newco"))
    assert "not scored yet" in newco and "(5 to score)" in newco
    assert "<small>prospect</small>" in newco
    assert "Apply tier" not in newco


def test_an_administrator_may_use_it_too(client, admin_user, scored):
    client.force_login(admin_user)
    assert client.get(reverse("selection")).status_code == 200


def test_a_kam_is_refused(client, owner, scored):
    client.force_login(owner)

    assert client.get(reverse("selection")).status_code == 403
    assert client.get(reverse("selection-explain", args=[scored.pk])).status_code == 403
    response = client.post(score_url(scored, "strategic_fit"), {"score": 5, "version": 1}, **HX)
    assert response.status_code == 403
    assert SelectionScore.objects.get(account=scored, criterion__key="strategic_fit").score == 3
    response = client.post(
        reverse("selection-tier", args=[scored.pk]), {"tier": 2, "version": scored.version}
    )
    assert response.status_code == 403
    assert Account.objects.get(pk=scored.pk).tier == 1


def test_signing_in_is_asked_first(client, db):
    response = client.get(reverse("selection"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_editing_a_score_updates_the_weighted_score(browser, scored, leader):
    existing = SelectionScore.objects.get(account=scored, criterion__key="expansion_potential")

    response = browser.post(
        score_url(scored, "expansion_potential"), {"score": 5, "version": existing.version}, **HX
    )

    assert response.status_code == 200
    row = row_of(response.text, scored)
    assert '<td class="num weighted">3.60' in row  # 3.00 + (5 - 3) x 30%
    existing.refresh_from_db()
    assert existing.score == 5
    assert existing.history.first().history_user == leader


def test_a_first_score_is_created_and_the_ranks_move(browser, scored, leader, owner):
    rival = rate(account_services.create_account(by=owner, name="Rival"), leader, 4)
    rival_score = SelectionScore.objects.get(account=rival, criterion__key="reference_value")
    rival_score.delete()  # Rival is one score short: not ranked

    before = browser.get(reverse("selection")).text
    assert 'data-rank=""' in row_of(before, rival)
    response = browser.post(score_url(rival, "reference_value"), {"score": 4, "version": ""}, **HX)

    assert response.status_code == 200
    assert 'data-rank="1"' in row_of(response.text, rival)
    assert 'data-rank="2"' in row_of(response.text, scored)


def test_a_score_of_6_is_refused_at_the_field(browser, scored):
    existing = SelectionScore.objects.get(account=scored, criterion__key="strategic_fit")

    response = browser.post(
        score_url(scored, "strategic_fit"), {"score": 6, "version": existing.version}, **HX
    )

    assert response.status_code == 422
    cell = re.search(r'<td class="num score invalid">.*?</td>', response.text, re.S).group(0)
    assert 'aria-label="Strategic fit of Acme Corp" aria-invalid="true"' in cell
    assert "less than or equal to 5" in cell
    existing.refresh_from_db()
    assert (existing.score, existing.version) == (3, 1)


def test_a_stale_score_is_refused(browser, scored, admin_user):
    existing = SelectionScore.objects.get(account=scored, criterion__key="strategic_fit")
    account_services.score(scored, existing.criterion, 4, by=admin_user, version=1)

    response = browser.post(score_url(scored, "strategic_fit"), {"score": 2, "version": 1}, **HX)

    assert response.status_code == 409
    assert "changed by ada since the page was loaded; it is now 4" in response.text
    existing.refresh_from_db()
    assert existing.score == 4


def test_a_score_someone_gave_since_the_page_was_loaded_is_not_overwritten(
    browser, account, admin_user
):
    account_services.score(account, criterion("strategic_fit"), 4, by=admin_user)

    response = browser.post(score_url(account, "strategic_fit"), {"score": 2, "version": ""}, **HX)

    assert response.status_code == 409
    assert "it is now 4" in response.text
    assert SelectionScore.objects.get(account=account).score == 4


def test_clearing_a_score_makes_the_account_not_scored_yet(browser, scored, leader):
    existing = SelectionScore.objects.get(account=scored, criterion__key="strategic_fit")

    response = browser.post(
        score_url(scored, "strategic_fit"), {"score": "", "version": existing.version}, **HX
    )

    assert response.status_code == 200
    assert "not scored yet" in row_of(response.text, scored)
    assert not SelectionScore.objects.filter(pk=existing.pk).exists()
    assert existing.history.first().history_type == "-"


def test_weights_not_totalling_100_are_refused_and_nothing_changes(browser, scored):
    criteria = list(SelectionCriterion.objects.all())
    data = {f"weight-{c.key}": c.weight for c in criteria}
    data |= {f"version-{c.key}": c.version for c in criteria}
    data["weight-expansion_potential"] = 25

    response = browser.post(reverse("selection-weights"), data)

    assert response.status_code == 422
    assert "The weights must total 100%; these total 95%." in response.text
    assert '<details class="weights plan-section" open>' in response.text
    assert 'value="25"' in response.text  # the input is kept
    after = dict(SelectionCriterion.objects.values_list("key", "weight"))
    assert after == {c.key: c.weight for c in criteria}
    assert all(c.version == 1 for c in SelectionCriterion.objects.all())


def test_a_weight_that_is_not_a_percent_is_refused_at_its_field(browser, scored):
    criteria = list(SelectionCriterion.objects.all())
    data = {f"weight-{c.key}": c.weight for c in criteria}
    data |= {f"version-{c.key}": c.version for c in criteria}
    data |= {"weight-expansion_potential": 130, "weight-strategic_fit": -75}

    response = browser.post(reverse("selection-weights"), data)

    assert response.status_code == 422
    assert "less than or equal to 100" in response.text
    assert "greater than or equal to 0" in response.text
    assert criterion("expansion_potential").weight == 30


def test_new_weights_are_saved_and_rescore_every_account(browser, scored, leader):
    data = {f"version-{c.key}": c.version for c in SelectionCriterion.objects.all()}
    data |= {f"weight-{key}": 20 for key in WEIGHTED} | {"weight-competitive_position": 0}
    account_services.score(scored, criterion("expansion_potential"), 5, by=leader, version=1)

    response = browser.post(reverse("selection-weights") + "?sort=name", data)

    assert response.status_code == 302
    assert response["Location"] == reverse("selection") + "?sort=name"
    assert criterion("expansion_potential").weight == 20
    assert criterion("expansion_potential").history.first().history_user == leader
    page = browser.get(reverse("selection")).text
    assert '<td class="num weighted">3.40' in row_of(page, scored)  # (5 + 3 x 4) x 20%


def test_stale_weights_are_refused(browser, scored, admin_user):
    data = {f"version-{c.key}": c.version for c in SelectionCriterion.objects.all()}
    data |= {f"weight-{c.key}": c.weight for c in SelectionCriterion.objects.all()}
    account_services.set_weights(
        {"competitive_position": 10, "reference_value": 0},
        by=admin_user,
        versions={"competitive_position": 1, "reference_value": 1},
    )

    response = browser.post(reverse("selection-weights"), data)

    assert response.status_code == 409
    assert "Competitive position is now 10%" in response.text
    assert criterion("competitive_position").weight == 10
    assert criterion("reference_value").weight == 0


def test_applying_the_suggested_tier_records_who_did_it(browser, scored, leader):
    url = reverse("selection-tier", args=[scored.pk])

    response = browser.post(url, {"tier": 2, "version": scored.version}, **HX)

    assert response.status_code == 200
    row = row_of(response.text, scored)
    assert "Apply tier" not in row
    account = Account.objects.get(pk=scored.pk)
    assert account.tier == 2
    last = account.history.first()
    assert (last.tier, last.history_user) == (2, leader)
    assert account.history.count() == 2  # created, then this change


def test_a_stale_tier_change_is_refused(browser, scored, owner):
    shown = scored.version
    account_services.services.update(scored, by=owner, version=shown, industry="Retail")

    response = browser.post(
        reverse("selection-tier", args=[scored.pk]), {"tier": 2, "version": shown}, **HX
    )

    assert response.status_code == 409
    assert "Not applied: Acme Corp was changed by Olga Owner" in response.text
    assert Account.objects.get(pk=scored.pk).tier == 1


def test_a_tier_outside_1_to_3_is_refused(browser, scored):
    response = browser.post(
        reverse("selection-tier", args=[scored.pk]), {"tier": 7, "version": scored.version}, **HX
    )

    assert response.status_code == 422
    assert "Value 7 is not a valid choice." in row_of(response.text, scored)
    assert Account.objects.get(pk=scored.pk).tier == 1


def test_without_javascript_a_change_redirects_back(browser, scored):
    url = reverse("selection-tier", args=[scored.pk]) + "?tier=1&page=1"

    response = browser.post(url, {"tier": 2, "version": scored.version})

    assert response.status_code == 302
    assert response["Location"] == reverse("selection") + "?tier=1&page=1"


def test_filters_narrow_the_rows_but_keep_the_portfolio_rank(browser, scored, leader, owner):
    prospect = account_services.create_account(by=owner, name="Prospect", relationship="prospect")
    account_services.create_account(by=owner, name="Newco")
    rate(prospect, leader, 2)

    html = browser.get(reverse("selection"), {"relationship": "prospect", "q": "pro"}).text

    assert "Acme Corp" not in html
    assert 'data-rank="2"' in row_of(html, prospect)
    assert "Account selection <small>1 account</small>" in html

    by_name = browser.get(reverse("selection"), {"sort": "name", "tier": 2}).text
    # By rank the scored Prospect comes first; by name, Newco (not scored yet) does.
    assert by_name.index(">Newco<") < by_name.index(f'id="account-{prospect.pk}"')
    assert 'data-rank="2"' in row_of(by_name, prospect)


def test_the_explanation_shows_each_criterion_and_the_total(browser, scored, leader):
    account_services.score(scored, criterion("expansion_potential"), 5, by=leader, version=1)
    url = reverse("selection-explain", args=[scored.pk])

    panel = browser.get(url, **HX)
    page = browser.get(url)

    assert panel.status_code == page.status_code == 200
    assert "<html" not in panel.text and "<html" in page.text
    assert "5 × 30% = 1.50" in panel.text
    assert "3 × 10% = 0.30" in panel.text
    assert "not weighted" in panel.text  # competitive position, 0%
    assert '<th class="num">3.60</th>' in panel.text
    assert "this account: <strong>tier 2</strong> (now tier 1)" in panel.text


def test_the_explanation_says_what_is_not_scored_yet(browser, account):
    response = browser.get(reverse("selection-explain", args=[account.pk]), **HX)

    assert "Not scored yet on Expansion potential, Strategic fit" in response.text


def test_the_page_costs_the_same_queries_for_more_accounts(browser, scored, leader, owner):
    browser.get(reverse("selection"))  # warm the session and the organisation row

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(reverse("selection"))
        assert response.status_code == 200
        return len(captured), response.text.count('<tr id="account-')

    for number in range(2):
        rate(account_services.create_account(by=owner, name=f"Small {number}"), leader, 4)
    few = queries()
    for number in range(12):
        rate(account_services.create_account(by=owner, name=f"Large {number}"), leader, 2)
    many = queries()

    assert few[1] == 3 and many[1] == 15
    assert few[0] == many[0]
