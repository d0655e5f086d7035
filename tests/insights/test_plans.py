"""Plan completeness per section, plan freshness and review cadence compliance."""

from decimal import Decimal

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.cadence import services as cadence_services
from keyplan.core import clock
from keyplan.insights import plans

from .conftest import ago, moment

SECTIONS = [
    "profile",
    "history",
    "stakeholders",
    "whitespace",
    "growth",
    "risks",
    "cadence",
    "resources",
    "swot",
    "objectives",
    "actions",
]


def sections(result) -> dict:
    return {key: figure.value for key, figure in result.sections}


def test_a_complete_plan_meets_every_section(portfolio):
    result = plans.completeness(portfolio.only(portfolio.acme), today=portfolio.today)
    assert [key for key, _ in result.sections] == SECTIONS
    assert set(sections(result).values()) == {Decimal("100.0")}
    assert result.overall.value == Decimal("100.0")


def test_a_thin_plan_meets_only_some_sections(portfolio):
    # Beta: no annual revenue, 2 revenue years, 2 stakeholders, a grid cell missing, no
    # thesis, an open risk without mitigation, its QBR beyond 90 days, one SWOT quadrant,
    # one objective, an action tied to nothing. It has a resource request.
    result = plans.completeness(portfolio.only(portfolio.beta), today=portfolio.today)
    met = {key for key, value in sections(result).items() if value == Decimal("100.0")}
    assert met == {"resources"}
    assert result.overall.value == Decimal("9.1")  # 1 of 11


def test_history_does_not_apply_to_a_prospect(portfolio):
    result = plans.completeness(portfolio.only(portfolio.gamma), today=portfolio.today)
    history = dict(result.sections)["history"]
    assert history.value is None
    assert history.reason == "no plan this section applies to"
    assert result.overall.value == Decimal("0.0")  # 0 of 10


def test_portfolio_completeness_averages_the_plans(portfolio):
    result = plans.completeness(portfolio.accounts, today=portfolio.today)
    assert result.overall.value == Decimal("36.4")  # (100 + 100 / 11 + 0) / 3
    values = sections(result)
    assert values["history"] == Decimal("50.0")  # Acme of the 2 customers
    assert values["resources"] == Decimal("66.7")  # Acme and Beta of 3
    assert values["profile"] == Decimal("33.3")
    assert [(a.name, a.contribution) for a in result.overall.breakdown] == [
        ("Gamma Labs", Decimal("0.0")),
        ("Beta Retail", Decimal("9.1")),  # 1 / 11
        ("Acme Corp", Decimal("100.0")),
    ]
    stakeholders = dict(result.sections)["stakeholders"]
    assert {a.name: a.contribution for a in stakeholders.breakdown} == {
        "Gamma Labs": 0,
        "Beta Retail": 0,
        "Acme Corp": 1,
    }


def test_a_missing_cell_for_an_active_product_leaves_the_grid_incomplete(portfolio, admin_user):
    from keyplan.core import services
    from keyplan.growth.models import Product

    services.create(Product, by=admin_user, name="Copilot")
    result = plans.completeness(portfolio.only(portfolio.acme), today=portfolio.today)
    assert sections(result)["whitespace"] == Decimal("0.0")


def test_freshness_counts_days_since_the_later_of_last_change_and_review(owner, private_plans):
    with clock.travel(moment(50)):
        old = account_services.create_account(by=owner, name="Old plan")
    reviewed_on = ago(45)
    with clock.travel(moment(40)):
        late = account_services.create_account(by=owner, name="Late review")
        cadence_services.record_review(late, "weekly", by=owner, date=reviewed_on)
    accounts = Account.objects.filter(pk__in=[old.pk, late.pk])
    figure = plans.plan_freshness(accounts, today=clock.today())
    assert figure.value == Decimal("45.0")  # (50 + 40) / 2
    assert figure.inputs["stale (over 30 days)"] == 2
    assert {a.name: a.contribution for a in figure.breakdown} == {"Old plan": 50, "Late review": 40}
    ten_days_ago = plans.plan_freshness(accounts.filter(pk=old.pk), today=ago(10))
    assert ten_days_ago.value == 40


def test_a_review_after_the_last_change_makes_the_plan_fresh(owner, private_plans):
    reviewed_on = ago(12)
    with clock.travel(moment(30)):
        account = account_services.create_account(by=owner, name="Reviewed")
        # Entered ahead of its date (a planned review recorded early).
        cadence_services.record_review(account, "weekly", by=owner, date=reviewed_on)
    figure = plans.plan_freshness(Account.objects.filter(pk=account.pk), today=clock.today())
    assert figure.value == 12


def test_freshness_of_no_accounts_is_unknown(db):
    figure = plans.plan_freshness(Account.objects.none())
    assert figure.value is None
    assert figure.reason == "no change or review recorded"


def test_cadence_compliance_is_the_share_reviewed_within_their_tier_s_cadence(portfolio):
    # Acme (tier 1, every 7 days) 3 days ago; Beta (tier 2, every 30) 40 days ago; Gamma never.
    figure = plans.cadence_compliance(portfolio.accounts, today=portfolio.today)
    assert figure.value == Decimal("33.3")  # 1 / 3
    assert figure.inputs == {"plans": 3, "reviewed on time": 1, "never reviewed": 1}
    assert [(a.name, a.contribution) for a in figure.breakdown] == [
        ("Gamma Labs", None),  # never reviewed first
        ("Beta Retail", 10),  # 40 - 30 days overdue
        ("Acme Corp", -4),  # 3 - 7: due in 4 days
    ]


def test_a_tier_s_cadence_comes_from_the_organisation(portfolio, admin_user):
    from keyplan.core import services
    from keyplan.team.models import Organisation

    organisation = Organisation.current()
    services.update(organisation, by=admin_user, version=organisation.version, review_days_tier2=45)
    figure = plans.cadence_compliance(portfolio.accounts, today=portfolio.today)
    assert figure.value == Decimal("66.7")  # Beta's 40 days are now within 45
