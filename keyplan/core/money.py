"""Money: amounts in the organisation's currency, never negative.

Amounts are written by Babel (CLDR data, keyplan.core.formats) in the organisation's
locale, so every ISO 4217 currency gets its own symbol: $45,000, €45,000, £45,000,
¥45,000, ₹45,000, CHF45,000; a code CLDR does not know is written out as it is.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models

# Where amounts have always been written from; they live with the other formats now.
from keyplan.core.formats import format_compact, format_money, organisation_currency

__all__ = ["ZERO", "MoneyField", "format_compact", "format_money", "organisation_currency"]

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
