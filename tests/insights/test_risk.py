"""Risk exposure and its concentration by category."""

from decimal import Decimal

from keyplan.insights import risk


def test_exposure_weights_the_arr_at_risk_of_open_risks_by_probability(portfolio):
    # Acme: 100,000 x 0.8 (high, open) + 60,000 x 0.5 (medium, mitigating); the closed risk
    # is out. Beta: 20,000 x 0.2 (low).
    figure = risk.risk_exposure(portfolio.accounts)
    assert figure.value == Decimal(80_000 + 30_000 + 4_000)
    assert figure.inputs["open risks"] == 3
    assert figure.inputs["ARR at risk as stated on the risks"] == Decimal(180_000)
    assert figure.inputs["accounts whose risks state more than their ARR"] == 0
    assert {a.name: a.contribution for a in figure.breakdown} == {
        "Acme Corp": Decimal(110_000),
        "Beta Retail": Decimal(4_000),
        "Gamma Labs": Decimal(0),
    }


def test_concentration_gives_each_category_its_exposure_and_share(portfolio):
    rows = risk.risk_concentration(portfolio.accounts)
    assert [row.category for row in rows[:3]] == [
        "champion_departure",
        "budget_freeze",
        "support_escalation",
    ]
    shares = {row.category: (row.exposure.value, row.share.value) for row in rows}
    assert shares["champion_departure"] == (Decimal(80_000), Decimal("70.2"))  # 80 / 114
    assert shares["budget_freeze"] == (Decimal(30_000), Decimal("26.3"))  # 30 / 114
    assert shares["support_escalation"] == (Decimal(4_000), Decimal("3.5"))  # 4 / 114
    assert shares["competitor"] == (Decimal(0), Decimal("0.0"))  # closed
    assert len(rows) == 9


def test_without_open_risks_there_is_no_concentration(portfolio):
    rows = risk.risk_concentration(portfolio.only(portfolio.gamma))
    assert all(row.exposure.value == 0 for row in rows)
    assert all(row.share.value is None for row in rows)
    assert rows[0].share.reason.startswith("no exposure")
