"""The account-selection scorecard: weighted score, rank, suggested tier, explanation."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account, SelectionCriterion
from keyplan.insights.selection import explain, narrow, scorecard
from keyplan.team.models import Organisation

WEIGHTED = (
    "expansion_potential",
    "strategic_fit",
    "current_revenue",
    "executive_access",
    "reference_value",
)


@pytest.fixture
def rate(leader):
    """rate(account, expansion_potential=4, ...): score an account on the criteria named."""
    criteria = {c.key: c for c in SelectionCriterion.objects.all()}

    def rate(account, **scores):
        for key, value in scores.items():
            account_services.score(account, criteria[key], value, by=leader)
        return account

    return rate


def uniform(value, **others):
    """The same score on every weighted criterion, but for `others`."""
    return {**dict.fromkeys(WEIGHTED, value), **others}


def new_account(leader, name, **values):
    return account_services.create_account(by=leader, name=name, **values)


def by_hand(scores: dict) -> Decimal:
    weights = dict(SelectionCriterion.objects.values_list("key", "weight"))
    return sum(Decimal(value * weights[key]) for key, value in scores.items()) / 100


def scored(name, organisation=None):
    return scorecard(Account.objects.all(), organisation=organisation).get(name=name)


def test_the_default_weights_total_100_with_competitive_position_at_0(db):
    weights = dict(SelectionCriterion.objects.values_list("key", "weight"))
    assert weights == {
        "expansion_potential": 30,
        "strategic_fit": 25,
        "current_revenue": 20,
        "executive_access": 15,
        "reference_value": 10,
        "competitive_position": 0,
    }


def test_the_weighted_score_is_score_times_weight_over_100(leader, rate):
    scores = {
        "expansion_potential": 4,
        "strategic_fit": 5,
        "current_revenue": 3,
        "executive_access": 2,
        "reference_value": 1,
        "competitive_position": 5,  # weighs 0%: adds nothing
    }
    rate(new_account(leader, "Acme"), **scores)

    account = scored("Acme")

    assert by_hand(scores) == Decimal("3.45")
    assert account.weighted_score == Decimal("3.45")
    assert account.weighted_points == 345
    assert account.missing == 0
    assert account.rank == 1
    assert account.suggested_tier == 2


def test_accounts_rank_by_weighted_score_and_ties_share_a_rank(leader, rate):
    rate(new_account(leader, "Beta"), **uniform(3, reference_value=5))  # 3.20
    rate(new_account(leader, "Alpha"), **uniform(3, reference_value=5))  # 3.20, tied
    rate(new_account(leader, "Gamma"), **uniform(4))  # 4.00
    rate(new_account(leader, "Delta"), **uniform(2))  # 2.00
    rate(new_account(leader, "Eps", relationship="prospect"), **uniform(5))  # prospects too
    new_account(leader, "Zeta")  # not scored

    rows = [(a.name, a.weighted_score, a.rank) for a in scorecard(Account.objects.all())]

    assert rows == [
        ("Eps", Decimal("5.00"), 1),
        ("Gamma", Decimal("4.00"), 2),
        ("Alpha", Decimal("3.20"), 3),
        ("Beta", Decimal("3.20"), 3),
        ("Delta", Decimal("2.00"), 5),
        ("Zeta", None, None),
    ]


def test_suggested_tiers_at_the_thresholds(leader, rate):
    rate(new_account(leader, "At 4"), **uniform(4))  # 4.00: tier 1 (inclusive)
    rate(new_account(leader, "At 3.9"), **uniform(4, reference_value=3))  # 3.90
    rate(new_account(leader, "At 3"), **uniform(3))  # 3.00: tier 2 (inclusive)
    rate(new_account(leader, "At 2.9"), **uniform(3, reference_value=2))  # 2.90

    tiers = {a.name: a.suggested_tier for a in scorecard(Account.objects.all())}
    assert tiers == {"At 4": 1, "At 3.9": 2, "At 3": 2, "At 2.9": 3}

    organisation = Organisation.current()
    organisation.tier1_min_score, organisation.tier2_min_score = Decimal("3.9"), Decimal("2.9")
    tiers = {
        a.name: a.suggested_tier
        for a in scorecard(Account.objects.all(), organisation=organisation)
    }
    assert tiers == {"At 4": 1, "At 3.9": 1, "At 3": 2, "At 2.9": 2}


def test_an_account_missing_a_weighted_score_is_not_scored_yet(leader, rate):
    scores = uniform(5)
    del scores["reference_value"]
    rate(new_account(leader, "Partly"), competitive_position=1, **scores)
    rate(new_account(leader, "Only unweighted"), competitive_position=4)

    partly = scored("Partly")
    assert (partly.weighted_score, partly.rank, partly.suggested_tier) == (None, None, None)
    assert partly.missing == 1
    assert scored("Only unweighted").missing == 5

    figure = explain(partly)
    assert figure.value is None
    assert figure.reason == "Not scored yet on Reference value."


def test_the_explanation_lists_each_criterion_and_matches_the_scorecard(leader, rate):
    scores = {**uniform(4, executive_access=2), "competitive_position": 3}
    account = rate(new_account(leader, "Acme"), **scores)

    figure = explain(account)

    lines = {
        line.criterion.key: (line.weight, line.score, line.points)
        for line in figure.inputs["lines"]
    }
    assert lines["expansion_potential"] == (30, 4, Decimal("1.20"))
    assert lines["executive_access"] == (15, 2, Decimal("0.30"))
    assert lines["competitive_position"] == (0, 3, Decimal("0.00"))
    assert figure.value == by_hand(scores) == Decimal("3.70")
    assert figure.value == scored("Acme").weighted_score
    assert figure.inputs["suggested_tier"] == 2
    assert figure.inputs["total_weight"] == 100
    assert "score (1-5) × weight ÷ 100" in figure.formula


def test_narrowing_keeps_the_rank_among_all_accounts(leader, rate):
    rate(new_account(leader, "Top"), **uniform(5))
    rate(new_account(leader, "Prospect", relationship="prospect"), **uniform(3))
    new_account(leader, "Unscored prospect", relationship="prospect")

    ranked = scorecard(Account.objects.all())
    prospects = narrow(ranked, Q(relationship="prospect"))

    assert [(a.name, a.rank) for a in prospects] == [
        ("Prospect", 2),
        ("Unscored prospect", None),
    ]
    assert prospects.count() == 2
    assert [a.name for a in prospects[1:]] == ["Unscored prospect"]
    # A plain filter would have ranked among prospects only.
    assert ranked.filter(relationship="prospect").first().rank == 1


def test_the_scorecard_is_one_query_however_many_accounts(leader, rate):
    organisation = Organisation.current()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = list(scorecard(Account.objects.all(), organisation=organisation))
        return len(captured), len(rows)

    for number in range(3):
        rate(new_account(leader, f"Small {number}"), **uniform(number % 5 + 1))
    few = queries()
    for number in range(12):
        rate(new_account(leader, f"Large {number}"), **uniform(number % 5 + 1))
    many = queries()

    assert few == (1, 3)
    assert many == (1, 15)
