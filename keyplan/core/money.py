"""Money: amounts in the organisation's currency, never negative.

Amounts are written by Babel (CLDR data), so every ISO 4217 currency gets its own
symbol: $45,000, €45,000, £45,000, ¥45,000, ₹45,000, CHF45,000; a code CLDR does
not know is written out as it is.
"""

import copy
import functools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, format_compact_currency, format_currency
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import to_locale

ZERO = Decimal("0.00")


class MoneyField(models.DecimalField):
    """An amount in the organisation's currency, up to 999 billion, in cents."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
        self.validators.append(MinValueValidator(ZERO))

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("max_digits", 14), ("decimal_places", 2)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs


def organisation_currency() -> str:
    """The organisation's currency (ISO 4217 code), in which every amount is kept."""
    from django.apps import apps  # the organisation is a model of team, built on this module

    currency: str = apps.get_model("team", "Organisation").current().currency
    return currency


@functools.cache
def _locale(language_code: str) -> Locale:
    """The locale amounts are written in: the site's language (LANGUAGE_CODE, en-us).

    Every page, export and email is written in that language, so its amounts read like
    the words around them (en-us: "$45,000", thousands split by commas). en-us also
    keeps the plain "$" for US dollars, where other English locales write "US$"."""
    return Locale.parse(to_locale(language_code))


@functools.cache
def _whole_units(locale: Locale) -> NumberPattern:
    """The locale's currency pattern without decimals (en-us: ¤#,##0.00 -> ¤#,##0).

    keyplan shows amounts in whole units of any currency, as it always has: an ARR or a
    deal is read in dollars, not cents, and a currency without minor units (JPY) has
    no decimals to show anyway."""
    standard: NumberPattern = locale.currency_formats["standard"]
    pattern = copy.copy(standard)
    pattern.frac_prec = (0, 0)
    return pattern


def format_money(amount: Decimal | int | None, currency: str | None = None) -> str:
    """An amount in `currency`, by default the organisation's, in whole units:
    $45,000, €45,000, ¥45,000; a dash when there is no amount."""
    if amount is None:
        return "-"
    currency = currency or organisation_currency()
    locale = _locale(settings.LANGUAGE_CODE)
    return format_currency(
        amount, currency, format=_whole_units(locale), locale=locale, currency_digits=False
    )


def format_compact(amount: Decimal | int | None, currency: str | None = None) -> str:
    """A short amount for tight spaces (grid cells, chart labels): $950, $45K, $1.2M;
    at most three digits, with a decimal only below a hundred ($12.5K, but $146K); a
    dash when there is no amount."""
    if amount is None:
        return "-"
    currency = currency or organisation_currency()
    value = Decimal(amount)
    # Round half up to the last digit shown, so that Babel only picks the unit (K, M,
    # B) and places the symbol: 1,234,567 to 1,200,000 ($1.2M), 145,500 to 146,000
    # ($146K), 999,950 to 1,000,000 ($1M, never "$1000K"), 950.40 to 950 ($950).
    first = value.adjusted()  # the power of ten of the first digit
    last = first - 1 if first % 3 == 0 else first - 2
    value = value.quantize(Decimal(1).scaleb(max(last, 0)), rounding=ROUND_HALF_UP)
    return format_compact_currency(
        value, currency, locale=_locale(settings.LANGUAGE_CODE), fraction_digits=1
    )
