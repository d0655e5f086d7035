"""The SQL building blocks that the insights modules share: per-account subtotals and
counts as subqueries (a subquery per relation avoids join fan-out), percentages and
day counts computed in the database, and ranking accounts by their contribution.
"""

from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round

MONEY = DecimalField(max_digits=16, decimal_places=2)  # sums of money amounts
ZERO = Decimal("0.00")
TENTH = Decimal("0.1")
SHARE = DecimalField(max_digits=9, decimal_places=1)  # a percentage with one decimal


def subtotal(rows: QuerySet, value, *, by: str = "account", output=MONEY) -> Coalesce:
    """The sum of `value` over `rows` (filtered on `by`=OuterRef("pk")), as a subquery
    per account: 0 when there are none. A subquery per relation avoids join fan-out."""
    total = rows.order_by().values(by).annotate(total=Sum(value)).values("total")
    zero = Value(ZERO if isinstance(output, DecimalField) else 0)
    return Coalesce(Subquery(total, output_field=output), zero, output_field=output)


def tally(rows: QuerySet, *, by: str = "account") -> Coalesce:
    """The number of `rows` per account, as a subquery: 0 when there are none."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def sql_percent(numerator, denominator) -> Round:
    """numerator / denominator x 100 in SQL, one decimal, NULL when the denominator is 0.
    Both sides go through floating point: SQLite divides integers as integers."""
    share = (
        Cast(numerator, FloatField())
        * Value(100.0)
        / NullIf(Cast(denominator, FloatField()), Value(0.0))
    )
    return Round(Cast(share, SHARE), 1)


def ranked(accounts: QuerySet, contribution, *, ascending: bool = False) -> QuerySet:
    """`accounts` annotated with `contribution` and ordered by it: largest first, or smallest
    first when `ascending` (shares where a low value needs attention); NULLs last."""
    order = F("contribution").asc(nulls_last=True)
    if not ascending:
        order = F("contribution").desc(nulls_last=True)
    return accounts.annotate(contribution=contribution).order_by(order, "name", "pk")


def tenth(value) -> Decimal | None:
    """An average from SQL (float or Decimal) to one decimal, rounded as figures.percent."""
    return None if value is None else Decimal(str(value)).quantize(TENTH)


class DaysSince(Func):
    """Whole days from a date expression to `today`, in SQL (negative if it is later)."""

    output_field = IntegerField()
    arg_joiner = " - "
    template = "(%(expressions)s)"  # PostgreSQL: date - date is a number of days

    def __init__(self, expression, today: date):
        super().__init__(Value(today, output_field=DateField()), expression)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )
