"""Amounts as people read them: the currency's own symbol, in whole units."""

from decimal import Decimal

import pytest

from keyplan.core import services
from keyplan.core.money import format_compact, format_money
from keyplan.team.models import Organisation

# Amounts are written in the organisation's locale, read from its settings.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("currency", "shown"),
    [
        ("USD", "$45,000"),
        ("EUR", "€45,000"),
        ("GBP", "£45,000"),
        ("JPY", "¥45,000"),
        ("INR", "₹45,000"),
        # Codes with no symbol of their own in English are written out, as Babel does.
        ("CHF", "CHF45,000"),
        ("SEK", "SEK45,000"),
    ],
)
def test_an_amount_has_its_currency_s_symbol(currency, shown):
    assert format_money(Decimal(45000), currency) == shown


def test_amounts_are_shown_in_whole_units():
    assert format_money(Decimal("45000.40"), "USD") == "$45,000"
    assert format_money(Decimal("45000.60"), "EUR") == "€45,001"
    assert format_money(Decimal("1234567.89"), "JPY") == "¥1,234,568"  # the yen has no decimals
    assert format_money(Decimal("0.40"), "GBP") == "£0"


def test_large_and_negative_amounts():
    assert format_money(Decimal("999999999999.99"), "USD") == "$1,000,000,000,000"
    assert format_money(Decimal(-45000), "USD") == "-$45,000"
    assert format_money(Decimal(-45000), "JPY") == "-¥45,000"
    assert format_compact(Decimal(-1_200_000), "EUR") == "-€1.2M"
    assert format_compact(Decimal(-950), "USD") == "-$950"


def test_no_amount_is_a_dash():
    assert format_money(None, "USD") == "-"
    assert format_compact(None, "JPY") == "-"


@pytest.mark.parametrize(
    ("currency", "amount", "shown"),
    [
        ("JPY", 45000, "¥45K"),
        ("JPY", 1_234_567, "¥1.2M"),
        ("JPY", "950.40", "¥950"),
        ("GBP", 12_500, "£12.5K"),
        ("CHF", 145_500, "CHF146K"),
        ("SEK", 999_950, "SEK1M"),  # not "SEK1000K"
        ("INR", 3_000_000_000, "₹3B"),
        ("USD", "999.50", "$1K"),
        ("USD", 45_250, "$45.3K"),  # halves round up
        ("USD", 1_500_000_000_000, "$1.5T"),
    ],
)
def test_short_amounts_keep_the_currency_s_symbol(currency, amount, shown):
    assert format_compact(Decimal(amount), currency) == shown


def test_amounts_default_to_the_organisation_s_currency(db, admin_user):
    assert format_money(Decimal(45000)) == "$45,000"
    organisation = Organisation.current()
    services.update(organisation, by=admin_user, version=organisation.version, currency="JPY")

    assert format_money(Decimal("45000.50")) == "¥45,000"
    assert format_compact(Decimal(45000)) == "¥45K"
