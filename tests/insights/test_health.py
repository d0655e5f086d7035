"""The health score: a weighted blend of adoption, sentiment, escalations, coverage, risk."""

from decimal import Decimal

from keyplan.insights import health
from keyplan.risks import services as risk_services

from .conftest import ago


def parts(result) -> dict:
    return {name: figure.value for name, figure in result.parts}


def test_the_score_blends_the_parts_by_their_weights(portfolio):
    result = health.health_score(portfolio.only(portfolio.acme), today=portfolio.today)
    # The snapshot of 10 days ago, not the one of 40: 150 of 200 seats, NPS 40, 1 escalation.
    # Coverage 2 of 3 key stakeholders; exposure 110,000 on ARR 300,000.
    assert parts(result) == {
        "adoption": Decimal("75.0"),
        "sentiment": Decimal("70.0"),  # (40 + 100) / 2
        "escalations": Decimal("75.0"),  # 100 - 25
        "coverage": Decimal("66.7"),
        "risk": Decimal("63.3"),  # 100 x (1 - 110 / 300)
    }
    # (30 x 75 + 20 x 70 + 15 x 75 + 20 x 66.7 + 15 x 63.3) / 100 = 70.585
    assert result.score.value == Decimal("70.6")
    weights = {name: figure.inputs["weight (%)"] for name, figure in result.parts}
    assert weights == {
        "adoption": 30,
        "sentiment": 20,
        "escalations": 15,
        "coverage": 20,
        "risk": 15,
    }


def test_parts_without_data_are_left_out_and_the_weights_scaled_up(portfolio):
    result = health.health_score(portfolio.only(portfolio.beta), today=portfolio.today)
    # No seats: no adoption. CSAT 81 stands in for NPS; 5 escalations score 0.
    assert parts(result) == {
        "adoption": None,
        "sentiment": Decimal("81.0"),
        "escalations": Decimal("0.0"),
        "coverage": Decimal("50.0"),
        "risk": Decimal("96.0"),  # 100 x (1 - 4,000 / 100,000)
    }
    # (20 x 81 + 15 x 0 + 20 x 50 + 15 x 96) / (20 + 15 + 20 + 15) = 4,060 / 70
    assert result.score.value == Decimal("58.0")
    assert dict(result.parts)["adoption"].reason == "no data for adoption"


def test_an_account_without_any_signal_has_no_score(portfolio):
    result = health.health_score(portfolio.only(portfolio.gamma), today=portfolio.today)
    assert result.score.value is None
    assert result.score.reason
    assert all(value is None for value in parts(result).values())


def test_several_accounts_average_their_scores_and_parts(portfolio):
    result = health.health_score(portfolio.accounts, today=portfolio.today)
    assert result.score.value == Decimal("64.3")  # (70.6 + 58.0) / 2
    assert result.score.inputs["accounts scored"] == 2
    assert parts(result)["sentiment"] == Decimal("75.5")  # (70 + 81) / 2
    assert parts(result)["coverage"] == Decimal("58.4")  # (66.7 + 50) / 2 = 58.35


def test_the_portfolio_is_ranked_least_healthy_first(portfolio):
    ranked = health.ranked_by_health(portfolio.accounts, today=portfolio.today)
    assert [(a.name, a.contribution) for a in ranked] == [
        ("Beta Retail", Decimal("58.0")),
        ("Acme Corp", Decimal("70.6")),
        ("Gamma Labs", None),
    ]
    beta = ranked[0]
    assert (beta.health_sentiment, beta.health_adoption) == (Decimal("81.0"), None)


def test_adoption_is_capped_at_100_and_reads_the_latest_snapshot_up_to_today(portfolio, owner):
    risk_services.record_health(
        portfolio.acme, portfolio.today, by=owner, licensed_seats=10, active_seats=12
    )
    result = health.health_score(portfolio.only(portfolio.acme), today=portfolio.today)
    assert parts(result)["adoption"] == Decimal("100.0")
    assert parts(result)["sentiment"] is None  # the new snapshot has no NPS or CSAT
    earlier = health.health_score(portfolio.only(portfolio.acme), today=ago(1))
    assert parts(earlier)["adoption"] == Decimal("75.0")
