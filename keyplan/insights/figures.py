"""`Figure`: a number together with how it was computed.

Every number keyplan shows can explain itself: its formula in words, the inputs
that went into it, and the accounts behind it (each with its own share), so a page
can show "how is this computed" and link to the records to fix. A figure without
enough data has `value=None` and says why in `reason`, never a division by zero.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from keyplan.core.formats import counted, format_money, format_number, format_percent

MONEY, PERCENT, COUNT, DAYS, SCORE, RATIO = "money", "percent", "count", "days", "score", "ratio"


@dataclass(frozen=True)
class Figure:
    key: str  # stable name, e.g. "open_whitespace"
    label: str  # what a person calls it, e.g. "Open whitespace"
    value: Decimal | int | float | None  # None: not enough data (see reason)
    unit: str  # one of MONEY, PERCENT, COUNT, DAYS, SCORE, RATIO
    formula: str  # the rule in words, e.g. "sum of the estimated value of open cells"
    inputs: dict[str, Any] = field(default_factory=dict)  # named inputs and their values
    reason: str = ""  # why value is None
    # The accounts behind the figure, annotated with `contribution` (their part of it),
    # so the explanation can list and link them. None when it is about one account.
    breakdown: QuerySet | None = None
    # Records behind a one-account figure: (label, anchor on the plan page) pairs.
    records: tuple[tuple[str, str], ...] = ()
    # The unit of the breakdown's contributions when it is not the figure's (a share of
    # plans explained by each plan's days overdue).
    breakdown_unit: str = ""

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def shown(self) -> str:
        """The value as people read it, by its unit."""
        return shown(self.value, self.unit)


def shown(value, unit: str) -> str:
    """A value with a Figure unit as people read it, in the organisation's locale
    (keyplan.core.formats): $45,000, 12.5%, 30 days; "not enough data" when unknown.
    Every page and export writes figures through here."""
    if value is None:
        return "not enough data"
    if unit == MONEY:
        return format_money(value)
    if unit == PERCENT:
        return format_percent(value)
    if unit == DAYS:
        return counted(round(value), "day")
    if unit == RATIO:
        return format_number(value, 2, fixed=True)
    if unit == COUNT:
        return format_number(value)
    if unit == SCORE:
        return format_number(value, 1, fixed=True)
    return str(value)


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator as a Decimal, or None when the denominator is 0 or None."""
    if not denominator:
        return None
    return Decimal(numerator or 0) / Decimal(denominator)


def percent(numerator, denominator) -> Decimal | None:
    share = ratio(numerator, denominator)
    return None if share is None else (share * 100).quantize(Decimal("0.1"))
