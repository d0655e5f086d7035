"""Money: amounts in the organisation's currency, never negative."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models

ZERO = Decimal("0.00")


class MoneyField(models.DecimalField):
    """An amount in the organisation's currency, up to 999 billion, in cents."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
        self.validators.append(MinValueValidator(ZERO))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("max_digits", 14), ("decimal_places", 2)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs


def organisation_currency() -> str:
    """The organisation's currency (ISO 4217 code), in which every amount is kept."""
    from django.apps import apps  # the organisation is a model of team, built on this module

    return apps.get_model("team", "Organisation").current().currency


def format_money(amount: Decimal | None, currency: str | None = None) -> str:
    """An amount in `currency`, by default the organisation's: $45,000, €45,000."""
    if amount is None:
        return "-"
    currency = currency or organisation_currency()
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, f"{currency} ")
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.0f}"


def format_compact(amount: Decimal | int | None, currency: str | None = None) -> str:
    """A short amount for tight spaces (grid cells, chart labels): $950, $45K, $1.2M."""
    if amount is None:
        return "-"
    symbol = format_money(ZERO, currency).removesuffix("0")  # the same symbol as format_money
    sign, value = ("-" if amount < 0 else ""), abs(Decimal(amount))
    for scale, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(1000), "K")):
        # 999,950 rounds to "1000K": such an amount belongs to the next scale up.
        if abs(value) >= scale * Decimal("0.9995"):
            short = value / scale
            places = Decimal(1) if abs(short) >= Decimal("99.95") else Decimal("0.1")
            text = f"{short.quantize(places, rounding=ROUND_HALF_UP):f}".removesuffix(".0")
            return f"{sign}{symbol}{text}{suffix}"
    return f"{sign}{symbol}{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):f}"
