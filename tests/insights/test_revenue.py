"""Retention, share of wallet, revenue growth, cost to serve and profitability."""

from decimal import Decimal

import pytest

from keyplan.insights import revenue


def test_nrr_and_grr_over_the_accounts_with_revenue_in_both_years(portfolio):
    y = portfolio.this_year
    # Acme 250,000 -> 300,000; Beta 100,000 -> 80,000; Gamma has no revenue.
    result = revenue.retention(portfolio.accounts, base_year=y - 2)
    assert result.nrr.value == Decimal("108.6")  # 380 / 350
    assert result.grr.value == Decimal("94.3")  # (250 + 80) / 350
    assert result.nrr.inputs["accounts"] == 2
    assert {a.name: a.contribution for a in result.nrr.breakdown} == {
        "Beta Retail": Decimal(-20_000),
        "Acme Corp": Decimal(50_000),
    }
    assert {a.name: a.contribution for a in result.grr.breakdown} == {
        "Beta Retail": Decimal(20_000),  # lost
        "Acme Corp": Decimal(0),
    }


def test_retention_of_one_account(portfolio):
    y = portfolio.this_year
    acme = revenue.retention(portfolio.only(portfolio.acme), base_year=y - 3, year=y - 2)
    assert (acme.nrr.value, acme.grr.value) == (Decimal("125.0"), Decimal("100.0"))  # 250 / 200


def test_retention_without_revenue_history_is_unknown(portfolio):
    result = revenue.retention(portfolio.only(portfolio.gamma), base_year=portfolio.this_year - 2)
    assert result.nrr.value is None and result.grr.value is None
    assert result.nrr.reason.startswith("no revenue history")


def test_retention_needs_a_later_year(portfolio):
    with pytest.raises(ValueError, match="must come after the base year"):
        revenue.retention(portfolio.accounts, base_year=2025, year=2024)


def test_revenue_growth_year_over_year(portfolio):
    y = portfolio.this_year
    figure = revenue.revenue_growth(portfolio.accounts, year=y - 1)
    assert figure.value == Decimal("8.6")  # (380,000 - 350,000) / 350,000
    acme = revenue.revenue_growth(portfolio.only(portfolio.acme), year=y - 2)
    assert acme.value == Decimal("25.0")  # 250 / 200 - 1
    beta = revenue.revenue_growth(portfolio.only(portfolio.beta), year=y - 2)
    assert beta.value is None
    assert beta.reason == f"no revenue history for {y - 3}"


def test_share_of_wallet_is_arr_over_the_wallet_estimate(portfolio):
    figure = revenue.share_of_wallet(portfolio.accounts, today=portfolio.today)
    assert figure.value == Decimal("26.7")  # (300,000 + 100,000) / (1,000,000 + 500,000)
    assert {a.name: a.contribution for a in figure.breakdown} == {
        "Acme Corp": Decimal("30.0"),
        "Beta Retail": Decimal("20.0"),
    }
    gamma = revenue.share_of_wallet(portfolio.only(portfolio.gamma), today=portfolio.today)
    assert (gamma.value, gamma.reason) == (None, "no wallet estimate")


def test_cost_to_serve_prices_hours_at_the_organisation_s_rates(portfolio):
    figure = revenue.cost_to_serve(portfolio.accounts, year=portfolio.this_year)
    # Acme: 30 SE hours delivered x 150 + 20 CS hours committed x 100 + 5,000 marketing;
    # Beta: 10 CS hours x 100.
    assert figure.value == Decimal(4_500 + 2_000 + 5_000 + 1_000)
    assert figure.inputs["Solution-engineering hours"] == Decimal(30)
    assert figure.inputs["Customer-success hours"] == Decimal(30)
    assert {a.name: a.contribution for a in figure.breakdown} == {
        "Acme Corp": Decimal(11_500),
        "Beta Retail": Decimal(1_000),
        "Gamma Labs": Decimal(0),
    }
    gamma = revenue.cost_to_serve(portfolio.only(portfolio.gamma), year=portfolio.this_year)
    assert gamma.value is None
    assert gamma.reason.startswith("no committed or delivered resources")


def test_profitability_is_arr_minus_cost_to_serve(portfolio):
    result = revenue.profitability(
        portfolio.accounts, year=portfolio.this_year, today=portfolio.today
    )
    assert result.profit.value == Decimal(400_000 - 12_500)
    assert result.margin.value == Decimal("96.9")  # 387,500 / 400,000
    acme = revenue.profitability(
        portfolio.only(portfolio.acme), year=portfolio.this_year, today=portfolio.today
    )
    assert acme.margin.value == Decimal("96.2")  # 288,500 / 300,000
    gamma = revenue.profitability(
        portfolio.only(portfolio.gamma), year=portfolio.this_year, today=portfolio.today
    )
    assert gamma.profit.value is None and gamma.margin.reason == "no ARR"
