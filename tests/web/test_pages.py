"""The page shell: sign-in, the visible accounts, and the read-only plan page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyplan.core import services
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Stakeholder


def test_pages_ask_for_sign_in(client, account):
    response = client.get(reverse("plan", args=[account.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_shows_the_accounts_of_the_user(client, account, owner):
    owner.set_password("a-long-test-password")
    owner.save()
    response = client.post(
        reverse("login"), {"username": "olga", "password": "a-long-test-password"}, follow=True
    )
    assert response.status_code == 200
    assert "Acme Corp" in response.text


def test_a_wrong_password_is_told(client, account):
    response = client.post(reverse("login"), {"username": "olga", "password": "nope"})
    assert "did not match" in response.text


def test_an_outsider_sees_no_private_plan(client, account, outsider):
    client.force_login(outsider)
    assert "Acme Corp" not in client.get(reverse("accounts")).text
    assert client.get(reverse("plan", args=[account.pk])).status_code == 404


def test_the_team_reads_the_plan(client, account, champion, member, viewer):
    for person in (member, viewer):
        client.force_login(person)
        response = client.get(reverse("plan", args=[account.pk]))
        assert response.status_code == 200
        assert "Sarah Lin" in response.text
        assert "1 green" in response.text


def test_section_headings_count_their_records(client, account, champion, owner):
    from keyplan.growth.models import Play

    relationship_services.log_interaction(
        account, by=owner, date="2026-04-01", subject="Kick-off", stakeholders=[champion]
    )
    client.force_login(owner)
    url = reverse("plan", args=[account.pk])

    def heading(page, section):
        return page.split(f'id="section-{section}"')[1].split("</small>")[0].split("<small>")[1]

    page = client.get(url).text
    assert heading(page, "stakeholders") == "1 stakeholder"
    assert heading(page, "interactions") == "1 interaction"
    assert heading(page, "growth").startswith("0 open plays ·")

    services.create(Stakeholder, by=owner, account=account, name="James Park")
    services.create(Play, by=owner, account=account, name="Analytics upsell")
    page = client.get(url).text
    assert heading(page, "stakeholders") == "2 stakeholders"
    assert heading(page, "growth").startswith("1 open play ·")


def test_the_plan_page_costs_the_same_queries_for_more_stakeholders(
    client, account, champion, owner
):
    relationship_services.log_interaction(
        account, by=owner, date="2026-04-01", subject="Kick-off", stakeholders=[champion]
    )
    client.force_login(owner)
    url = reverse("plan", args=[account.pk])
    client.get(url)  # warm the session and the organisation row
    services.update(champion, by=owner, version=champion.version, title="VP")

    def queries():
        """The first read after a change (from the database), then the next (kept)."""
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    before = queries()
    for number in range(12):
        person = services.create(
            Stakeholder, by=owner, account=account, name=f"Person {number}", reports_to=champion
        )
        relationship_services.log_interaction(
            account, by=owner, date="2026-05-01", subject="Call", stakeholders=[person, champion]
        )
    assert queries() == before


def test_health_check_answers(client, db):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.text) == (200, "ok")


def grow(account, owner, member, number: int):
    """Add `number` of every kind of plan record, links included."""
    from datetime import date
    from decimal import Decimal

    from keyplan.accounts import services as account_services
    from keyplan.cadence import services as cadence_services
    from keyplan.growth import services as growth_services
    from keyplan.growth.models import BusinessUnit, Play, Product

    product = Product.objects.get()
    for n in range(number):
        person = services.create(
            Stakeholder, by=owner, account=account, name=f"Person {number}-{n}", power=3
        )
        unit = services.create(BusinessUnit, by=owner, account=account, name=f"Unit {number}-{n}")
        cell = growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=1)
        play = services.create(Play, by=owner, account=account, name=f"Play {number}-{n}")
        play = services.set_links(play, "stakeholders", [person], by=owner, version=play.version)
        services.set_links(play, "cells", [cell], by=owner, version=play.version)
        relationship_services.log_interaction(
            account, by=owner, date=date(2026, 5, 1), subject="Call", stakeholders=[person]
        )
        account_services.add_contract(
            account,
            by=owner,
            name=f"Contract {number}-{n}",
            start_date=date(2026, 1, 1),
            arr=Decimal(10),
            lines=[{"product": product, "quantity": 1, "arr": Decimal(10)}],
        )
        cadence_services.plan_touchpoint(
            account, by=owner, date=date(2026, 12, 1), hosts=[owner], attendees=[person]
        )


def test_the_plan_page_runs_a_fixed_number_of_queries(
    client, account, champion, owner, member, product, django_assert_num_queries
):
    grow(account, owner, member, 1)
    client.force_login(member)
    url = reverse("plan", args=[account.pk])
    client.get(url)  # the session's first use; reads the plan and keeps it

    # Session and user (2), the organisation's visibility setting (1), the account
    # (1), the plan's state in the shared cache (1: the directory token) and its rows
    # kept there (1), the stakeholders as they stood a month ago (1: the heat map's
    # trajectories, read afresh as the month's edge moves through the day), and the
    # headline numbers of insights.numbers (5: open whitespace, weighted pipeline, path
    # to target, ARR at risk, risk exposure).
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    grow(account, owner, member, 6)
    client.get(url)  # the plan moved: read again from the database, once
    with django_assert_num_queries(12):
        response = client.get(url)
    assert "Person 6-5" in response.text and "Play 6-5" in response.text


def test_the_plan_page_shows_a_change_as_soon_as_it_is_made(client, account, champion, owner):
    client.force_login(owner)
    url = reverse("plan", args=[account.pk])
    assert "Olga Owner" in client.get(url).text  # read, and kept

    services.update(champion, by=owner, version=champion.version, title="Chief of Staff")
    owner.last_name = "Olsen"
    owner.save()
    page = client.get(url).text

    assert "Chief of Staff" in page and "Olga Olsen" in page


def test_the_plan_as_of_a_past_date_is_read_only_and_shows_what_was_true(
    client, owner, private_plans
):
    from datetime import timedelta

    from django.utils import timezone

    from keyplan.accounts import services as account_services
    from keyplan.core import clock

    with clock.travel(timezone.now() - timedelta(days=30)):
        account = account_services.create_account(by=owner, name="Acme Corp")
        sarah = services.create(Stakeholder, by=owner, account=account, name="Sarah Lin")
    services.update(sarah, by=owner, version=sarah.version, title="Chief Operating Officer")
    client.force_login(owner)
    earlier = (timezone.localdate() - timedelta(days=10)).isoformat()

    page = client.get(reverse("plan", args=[account.pk]), {"as_of": earlier})

    assert page.status_code == 200
    assert "as it stood on" in page.text
    assert "Chief Operating Officer" not in page.text
    assert "Sarah Lin" in page.text
    assert "hx-post" not in page.text and "Add stakeholder" not in page.text
    today = client.get(reverse("plan", args=[account.pk]))
    assert "Chief Operating Officer" in today.text


def test_the_accounts_list_filters_searches_and_sorts(client, owner, leader, private_plans):
    from datetime import date
    from decimal import Decimal

    from keyplan.accounts import services as account_services

    for name, tier, arr in [("Acme", 1, 300), ("Borealis", 2, 100), ("Cobalt", 1, 200)]:
        account = account_services.create_account(by=owner, name=name, tier=tier)
        account_services.add_contract(
            account, by=owner, name="MSA", arr=Decimal(arr), start_date=date(2025, 1, 1)
        )
    client.force_login(leader)
    url = reverse("accounts")

    def names(**params):
        text = client.get(url, params).text
        return [n for n in ("Acme", "Borealis", "Cobalt") if f">{n}</a>" in text], text

    assert names(tier=1)[0] == ["Acme", "Cobalt"]
    assert names(q="bor")[0] == ["Borealis"]
    _, text = names(sort="-arr")
    assert text.index(">Acme<") < text.index(">Cobalt<") < text.index(">Borealis<")
    assert "$300" in text


def test_the_accounts_list_runs_a_fixed_number_of_queries(
    client, owner, leader, private_plans, django_assert_max_num_queries
):
    from keyplan.accounts import services as account_services

    client.force_login(leader)
    for count in (2, 20):
        for n in range(count):
            account_services.create_account(by=owner, name=f"Account {count}-{n}")
        with django_assert_max_num_queries(8):
            assert client.get(reverse("accounts")).status_code == 200


def test_the_portfolio_adds_up_the_visible_accounts(
    client, account, owner, outsider, unit, product
):
    from datetime import date
    from decimal import Decimal

    from keyplan.accounts import services as account_services
    from keyplan.growth import services as growth_services

    account_services.add_contract(
        account, by=owner, name="MSA", arr=Decimal(180000), start_date=date(2025, 1, 1)
    )
    growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=45000)
    client.force_login(owner)
    page = client.get(reverse("portfolio")).text
    assert "$180,000" in page and "$45,000" in page
    client.force_login(outsider)
    page = client.get(reverse("portfolio")).text
    assert "$180,000" not in page and "No plan is visible to you yet" in page


def test_the_plan_numbers_explain_the_account(client, account, champion, owner):
    client.force_login(owner)
    page = client.get(reverse("plan", args=[account.pk])).text
    assert reverse("plan-numbers", args=[account.pk]) in page  # loaded right after
    numbers = client.get(reverse("plan-numbers", args=[account.pk]))
    assert numbers.status_code == 200
    text = numbers.text
    for name in ("health", "completeness", "freshness", "coverage", "forecast"):
        assert f'data-figure="{name}"' in text
    # Sarah Lin is the only warm stakeholder: the account is single-threaded.
    assert "Single-threaded" in text or "single-threaded" in text


def test_the_plan_numbers_are_private_too(client, account, outsider):
    client.force_login(outsider)
    assert client.get(reverse("plan-numbers", args=[account.pk])).status_code == 404


def test_an_edit_asks_the_numbers_to_refresh(client, account, champion, owner):
    client.force_login(owner)
    url = reverse("plan-record", args=[account.pk, "stakeholders", champion.pk])
    data = {"name": "Sarah Lin", "role": "champion", "power": 3, "interest": 3, "strength": 3,
            "priority": 1, "status": "active", "version": champion.version}  # fmt: skip
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "plan-changed"


def test_my_week_lists_my_due_actions_and_alerts(client, account, owner, member):
    from datetime import timedelta

    from keyplan.core import clock
    from keyplan.growth.models import Action

    services.create(
        Action, by=owner, account=account, title="Send the proposal", owner=owner,
        due_date=clock.today() - timedelta(days=2),
    )  # fmt: skip
    client.force_login(owner)
    text = client.get(reverse("my-week")).text
    assert "Send the proposal" in text
    assert "Overdue actions <small>1</small>" in text
    assert "Overdue action" in text  # the alert, with the record to fix
    client.force_login(member)
    assert "Send the proposal" not in client.get(reverse("my-week")).text.split("My alerts")[0]


@pytest.mark.parametrize("page", ["portfolio", "accounts", "alerts", "selection"])
def test_an_owner_id_too_large_for_the_database_is_ignored(client, account, leader, page):
    client.force_login(leader)

    response = client.get(reverse(page), {"owner": "18488348166148140790519431168"})

    assert response.status_code == 200
    assert "Acme Corp" in response.text


def test_amounts_are_shown_in_the_organisation_s_currency(
    client, account, owner, admin_user, unit, product
):
    from decimal import Decimal

    from keyplan.growth.models import WhitespaceCell
    from keyplan.team.models import Organisation

    services.create(
        WhitespaceCell, by=owner, account=account, business_unit=unit, product=product,
        status="open", estimated_value=Decimal(45000),
    )  # fmt: skip
    client.force_login(owner)
    url = reverse("plan", args=[account.pk])
    assert "$45,000" in client.get(url).text.split('id="section-summary"')[1]

    organisation = Organisation.current()
    services.update(organisation, by=admin_user, version=organisation.version, currency="EUR")

    page = client.get(url).text
    summary = page.split('id="section-summary"')[1].split("</section>")[0]
    assert "€45,000" in summary and "$" not in summary  # open whitespace
    assert "€45K" in page.split('id="section-whitespace"')[1]  # the grid's open cell
    assert "€45K" in client.get("/").text

    from django.core.exceptions import ValidationError

    organisation = Organisation.current()
    with pytest.raises(ValidationError) as error:
        services.update(organisation, by=admin_user, version=organisation.version, currency="eu")
    assert error.value.message_dict["currency"][0].startswith("A currency is its three-letter")
    assert Organisation.current().currency == "EUR"


def test_yen_amounts_have_the_yen_sign_and_no_decimals(
    client, account, owner, admin_user, unit, product
):
    import re
    from datetime import date
    from decimal import Decimal

    from keyplan.accounts import services as account_services
    from keyplan.growth import services as growth_services
    from keyplan.team.models import Organisation

    organisation = Organisation.current()
    services.update(organisation, by=admin_user, version=organisation.version, currency="JPY")
    account_services.add_contract(
        account, by=owner, name="MSA", arr=Decimal("1234567.80"), start_date=date(2026, 1, 1)
    )
    growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=4_500_000)
    client.force_login(owner)

    page = client.get(reverse("plan", args=[account.pk])).text
    summary = page.split('id="section-summary"')[1].split("</section>")[0]
    assert "¥1,234,568" in summary  # ARR, in whole yen
    assert "¥4,500,000" in summary  # open whitespace
    assert "¥50,000,000" in page.split('id="section-profile"')[1]  # annual revenue
    assert "¥4.5M" in page.split('id="section-whitespace"')[1]  # the grid's open cell
    assert not re.search(r"\$\d|JPY|¥[\d,]+\.\d\d", page)

    dashboard = client.get(reverse("portfolio")).text
    assert "¥1,234,568" in dashboard and "¥4.5M" in dashboard
    assert not re.search(r"\$\d|JPY|¥[\d,]+\.\d\d", dashboard)


def test_read_mode_renders_the_plan_without_edit_controls(client, account, champion, owner, viewer):
    client.force_login(owner)
    url = reverse("plan", args=[account.pk])
    editing = client.get(url).text
    assert 'href="?read=1">Read mode</a>' in editing
    assert "hx-post" in editing and ">Edit</button>" in editing

    reading = client.get(url, {"read": "1"}).text
    assert "Sarah Lin" in reading
    assert "hx-post" not in reading and '<form class="record-form"' not in reading
    assert ">Edit</button>" not in reading and ">Remove</button>" not in reading
    assert 'href="?">Edit mode</a>' in reading
    # A viewer, who may not edit, has no mode to switch.
    client.force_login(viewer)
    assert "Read mode</a>" not in client.get(url).text
