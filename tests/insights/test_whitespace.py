"""Open whitespace, its breakdowns and its conversion over a period (from history)."""

from decimal import Decimal

import pytest

from keyplan.insights import whitespace

from .conftest import ago


def contributions(figure) -> dict:
    return {account.name: account.contribution for account in figure.breakdown}


def test_open_whitespace_sums_the_estimates_of_open_cells(portfolio):
    # Acme: Engineering x Platform 80,000 + Finance x Analytics 120,000 (the evaluating and
    # sold cells do not count); Beta: Stores x Analytics 30,000.
    figure = whitespace.open_whitespace(portfolio.accounts)
    assert figure.value == Decimal(80_000 + 120_000 + 30_000)
    assert figure.inputs["open cells"] == 3
    assert contributions(figure) == {
        "Acme Corp": Decimal(200_000),
        "Beta Retail": Decimal(30_000),
        "Gamma Labs": Decimal(0),
    }
    assert next(iter(figure.breakdown)).name == "Acme Corp"


def test_open_whitespace_per_product(portfolio):
    parts = dict(whitespace.whitespace_by_product(portfolio.accounts))
    assert list(parts) == ["Analytics", "Platform"]  # largest first
    assert parts["Analytics"].value == Decimal(120_000 + 30_000)
    assert parts["Platform"].value == Decimal(80_000)
    assert contributions(parts["Analytics"]) == {
        "Acme Corp": Decimal(120_000),
        "Beta Retail": Decimal(30_000),
    }


def test_open_whitespace_per_tier_and_per_owner(portfolio):
    tiers = {
        label: figure.value for label, figure in whitespace.whitespace_by_tier(portfolio.accounts)
    }
    assert tiers == {"Tier 1": Decimal(200_000), "Tier 2": Decimal(30_000), "Tier 3": Decimal(0)}
    owners = dict(whitespace.whitespace_by_owner(portfolio.accounts))
    # Owners by full name, the login where no name is set.
    assert {name: figure.value for name, figure in owners.items()} == {
        "Olga Owner": Decimal(200_000),
        "otto": Decimal(30_000),
    }
    assert list(owners["otto"].breakdown.values_list("name", flat=True)) == ["Beta Retail"]


def test_conversion_counts_cells_moved_from_open_to_sold_in_the_period(portfolio):
    # Acme's Engineering x Analytics went open -> evaluating -> sold 20 days ago (40,000).
    conversion = whitespace.whitespace_conversion(portfolio.accounts, ago(30), portfolio.today)
    assert conversion.cells.value == 1
    assert conversion.value.value == Decimal(40_000)
    assert contributions(conversion.value)["Acme Corp"] == Decimal(40_000)


def test_conversion_over_a_longer_period(portfolio):
    # Also Beta's Online x Analytics, open -> sold 70 days ago (25,000); Online x Platform was
    # entered as sold, which is no conversion.
    conversion = whitespace.whitespace_conversion(portfolio.accounts, ago(110), portfolio.today)
    assert conversion.cells.value == 2
    assert conversion.value.value == Decimal(40_000 + 25_000)
    assert contributions(conversion.cells) == {"Acme Corp": 1, "Beta Retail": 1, "Gamma Labs": 0}


def test_conversion_outside_the_period_does_not_count(portfolio):
    conversion = whitespace.whitespace_conversion(portfolio.accounts, ago(19), portfolio.today)
    assert (conversion.cells.value, conversion.value.value) == (0, Decimal(0))
    only_beta = whitespace.whitespace_conversion(portfolio.accounts, ago(80), ago(60))
    assert (only_beta.cells.value, only_beta.value.value) == (1, Decimal(25_000))


def test_conversion_of_one_account(portfolio):
    beta = portfolio.only(portfolio.beta)
    assert whitespace.whitespace_conversion(beta, ago(30), portfolio.today).cells.value == 0


def test_a_period_that_ends_before_it_starts_is_refused(portfolio):
    with pytest.raises(ValueError, match=r"ends .* before it starts"):
        whitespace.whitespace_conversion(portfolio.accounts, portfolio.today, ago(1))
