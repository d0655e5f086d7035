"""Review cadence per tier and kind of review: which reviews are due or overdue, the
alert naming them, and the portfolio's compliance figures, each explained."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyplan.accounts.models import Account
from keyplan.cadence import services as cadence_services
from keyplan.cadence.models import ReviewKind
from keyplan.core import services
from keyplan.core.errors import Forbidden
from keyplan.insights import alerts, cadence
from keyplan.team.models import Organisation

from .conftest import ago


def review_alerts(accounts=None):
    found = alerts.alerts(Account.objects.all() if accounts is None else accounts)
    return [alert for alert in found if alert.rule == "review_overdue"]


def state(account):
    return cadence.with_review_state(Account.objects.filter(pk=account.pk)).get()


def late(account) -> dict:
    return {due.kind: due.late for due in cadence.dues(state(account))}


def test_each_tier_expects_its_kinds_of_review_by_default(db):
    organisation = Organisation.current()
    assert organisation.review_cadence(1) == {
        "weekly": 7, "monthly": 30, "quarterly": 90, "annual": 365,
    }  # fmt: skip
    assert organisation.review_cadence(2) == {
        "weekly": 30, "monthly": 30, "quarterly": 90, "annual": 365,
    }  # fmt: skip
    assert organisation.review_cadence(3) == {
        "weekly": 90, "monthly": None, "quarterly": 90, "annual": 365,
    }  # fmt: skip
    assert ReviewKind.covering("monthly") == ["monthly", "quarterly", "annual"]


def test_a_heavier_review_counts_for_the_lighter_kinds(old_plan, owner):
    plan = old_plan("Globex", 1, 200)
    cadence_services.record_review(plan, "quarterly", by=owner, date=ago(28))
    assert late(plan) == {
        "weekly": 21,  # 28 days since the quarterly review, every 7
        "monthly": -2,  # due in 2 days
        "quarterly": -62,
        "annual": 200 - 365,  # never held: counted from the plan's creation
    }
    due = cadence.review_due(state(plan))
    # The heaviest kind due within 3 days: one monthly review settles the weekly too.
    assert (due.kind, due.overdue, due.days) == ("monthly", False, 2)


def test_a_lighter_review_does_not_count_for_a_heavier_kind(old_plan, owner):
    plan = old_plan("Globex", 1, 100)
    cadence_services.record_review(plan, "weekly", by=owner, date=ago(3))
    assert late(plan)["monthly"] == 100 - 30
    (alert,) = review_alerts()  # one alert for the plan, naming each kind overdue
    assert alert.why == (
        "Monthly review (the stakeholder map and heat map) overdue: none in the 100 days "
        "since the plan was created; every 30 days for tier 1; quarterly review (the whole "
        "plan and the QBR) overdue: none in the 100 days since the plan was created; every "
        "90 days for tier 1"
    )


def test_a_tier_that_expects_no_monthly_review_is_not_late_for_one(old_plan, owner):
    plan = old_plan("Initech", 3, 80)
    assert "monthly" not in late(plan)
    assert review_alerts() == []
    assert cadence.review_due(state(plan)) is None


def test_the_review_is_overdue_the_day_after_its_cadence(old_plan, owner):
    plan = old_plan("Globex", 1, 10)
    cadence_services.record_review(plan, "annual", by=owner, date=ago(7))
    assert review_alerts() == []
    cadence_services.record_review(plan, "annual", by=owner, date=ago(8))  # an older one
    assert review_alerts() == []  # the latest review counts
    other = old_plan("Initech", 1, 10)
    cadence_services.record_review(other, "annual", by=owner, date=ago(8))
    (alert,) = review_alerts()
    assert alert.account_name == "Initech"
    assert alert.why.startswith(f"The last plan review was on {alerts._day(ago(8))}, 8 days ago")


def test_an_administrator_sets_the_cadence_and_nobody_else(old_plan, owner, admin_user, leader):
    plan = old_plan("Globex", 1, 100)
    cadence_services.record_review(plan, "weekly", by=owner, date=ago(3))
    organisation = Organisation.current()
    with pytest.raises(Forbidden):
        services.update(organisation, by=leader, version=organisation.version, monthly_days_tier1=0)
    services.update(
        organisation, by=admin_user, version=organisation.version,
        monthly_days_tier1=0, quarterly_days_tier1=120,
    )  # fmt: skip
    assert Organisation.current().review_cadence(1)["monthly"] is None
    assert review_alerts() == []  # no monthly review expected; the quarterly not yet due


def test_every_tier_is_reviewed_at_least_every_few_days(admin_user, db):
    organisation = Organisation.current()
    with pytest.raises(ValidationError) as error:
        services.update(
            organisation, by=admin_user, version=organisation.version, review_days_tier2=0
        )
    assert "review_days_tier2" in error.value.message_dict


@pytest.fixture
def four_plans(old_plan, owner):
    """Acme and Beta (tier 1), Gamma (tier 3) and Delta (tier 2, never reviewed)."""
    acme, beta = old_plan("Acme", 1, 400), old_plan("Beta", 1, 400)
    gamma = old_plan("Gamma", 3, 400)
    old_plan("Delta", 2, 400)
    cadence_services.record_review(acme, "monthly", by=owner, date=ago(10))
    cadence_services.record_review(beta, "monthly", by=owner, date=ago(40))
    cadence_services.record_review(beta, "annual", by=owner, date=ago(300))
    cadence_services.record_review(gamma, "quarterly", by=owner, date=ago(20))
    return Account.objects.filter(name__in=["Acme", "Beta", "Gamma", "Delta"])


def test_compliance_per_kind_is_the_share_of_the_plans_expecting_it(four_plans):
    figures = {figure.key: figure for figure in cadence.compliance_by_kind(four_plans)}
    monthly = figures["cadence_monthly"]
    # Gamma's tier expects none; of Acme, Beta and Delta only Acme is on time.
    assert monthly.value == Decimal("33.3")
    assert monthly.inputs == {"plans expecting it": 3, "on time": 1, "never given one": 1}
    assert [(a.name, a.contribution) for a in monthly.breakdown] == [
        ("Delta", 400 - 30),  # never reviewed first
        ("Beta", 10),  # 40 - 30 days late
        ("Acme", -20),
    ]
    assert "tier 1: 30 days, tier 2: 30 days, tier 3: none" in monthly.formula
    assert figures["cadence_quarterly"].value == Decimal("25.0")  # Gamma of the four
    assert figures["cadence_annual"].value == Decimal("25.0")  # Beta's, 300 days ago
    # Weekly is any review at all: the headline cadence compliance.
    assert figures["cadence_weekly"].inputs["on time"] == 1  # Gamma (90 days), not Acme (7)


def test_plans_with_a_review_overdue_are_counted_and_listed(four_plans):
    figure = cadence.reviews_overdue(four_plans)
    assert figure.value == 4
    assert figure.inputs["monthly review overdue"] == 2  # Beta and Delta
    assert figure.inputs["annual review overdue"] == 3  # created 400 days ago; Beta's in time
    overdue = cadence.cadence(four_plans).overdue_rows()
    # The most overdue first: Delta's weekly review (400 - 30 days), Acme's quarterly
    # (400 - 90), Beta's quarterly (300 - 90: its annual review counts), Gamma's annual.
    assert [(account.name, [d.kind for d in dues]) for account, dues in overdue] == [
        ("Delta", ["annual", "quarterly", "monthly", "weekly"]),
        ("Acme", ["annual", "quarterly", "weekly"]),
        ("Beta", ["quarterly", "monthly", "weekly"]),
        ("Gamma", ["annual"]),
    ]
    assert [a.contribution for a in figure.breakdown] == [370, 310, 210, 35]


@pytest.mark.parametrize("size", [2, 10])
def test_the_cadence_costs_the_same_queries_for_more_plans(
    old_plan, owner, size, django_assert_num_queries
):
    for number in range(size):
        plan = old_plan(f"Plan {number}", number % 3 + 1, 100)
        cadence_services.record_review(plan, "weekly", by=owner, date=ago(number))
    accounts = Account.objects.all()
    Organisation.forget()  # as at the start of a request
    with django_assert_num_queries(2):  # the organisation, then one aggregate
        cadence.compliance_by_kind(accounts)
    with django_assert_num_queries(1):  # the rows (the organisation is read once)
        assert len(list(cadence.due_reviews(accounts))) == size


def test_an_administrator_edits_the_cadence_on_the_admin_site(client, admin_user):
    from django.urls import reverse

    organisation = Organisation.current()
    client.force_login(admin_user)
    url = reverse("admin:team_organisation_change", args=[organisation.pk])
    text = client.get(url).text
    assert "Review cadence, tier 3 (days between reviews; 0: none expected)" in text
    assert "Tier 3: monthly review (stakeholder map, heat map) every" in text
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    response = client.post(url, {**data, "monthly_days_tier3": 60})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.review_cadence(3)["monthly"] == 60
    assert organisation.history.first().history_user == admin_user


def test_a_kind_no_tier_expects_has_no_compliance_figure(four_plans, admin_user):
    organisation = Organisation.current()
    services.update(
        organisation, by=admin_user, version=organisation.version,
        monthly_days_tier1=0, monthly_days_tier2=0,
    )  # fmt: skip
    monthly = cadence.kind_compliance("monthly", four_plans)
    assert (monthly.value, monthly.reason) == (None, "no plan's tier expects a monthly review")
    assert list(monthly.breakdown) == []
    overdue = cadence.cadence(four_plans).overdue_rows()
    assert "monthly" not in {due.kind for _, dues in overdue for due in dues}
