"""Whitespace numbers: unsold value in the whitespace grid, broken down by product, tier
and owner, and its conversion over a period.

Rules
- Open whitespace = the sum of the estimated value of open (unsold, red) cells; an open
  cell without an estimate adds 0 but is counted among the open cells.
- Conversion in a period (start and end dates, both included) comes from the cells'
  history: a history row inside the period that sets a cell to sold while the cell's
  previous row had it unsold (open, or in evaluation on the way from open to sold) is
  one conversion. A cell sold, reopened and sold again in the period converts twice; a
  cell entered as sold (no earlier row) never converts. The value converted is the
  estimate the cell had before the sale, else the estimate on the sold row.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from keyplan.accounts.models import Tier
from keyplan.growth.models import CellStatus, WhitespaceCell
from keyplan.insights.figures import COUNT, Figure
from keyplan.insights.figures import MONEY as MONEY_UNIT
from keyplan.insights.revenue import check_period
from keyplan.insights.sql import MONEY, ZERO, ranked, subtotal, tally

OPEN_RULE = "sum of the estimated value of open (unsold) whitespace cells"
UNSOLD = (CellStatus.OPEN, CellStatus.EVALUATING)


def _open_cells(**filters) -> QuerySet:
    return WhitespaceCell.objects.filter(status=CellStatus.OPEN, **filters)


@dataclass(frozen=True)
class OpenCells:
    """Where open whitespace is summed from: the open cells themselves (`open_cells`), or
    per-account figures kept current on write (insights.stored), whose rows have the same
    `account` and `product` relations and carry a value and a number of cells."""

    rows: QuerySet
    value_field: str = "estimated_value"
    cells_field: str = "pk"
    counted: bool = True  # cells are rows to count, else a column to sum

    def value(self, **filters) -> Sum:
        return Sum(self.value_field, **filters)

    def cells(self, **filters) -> Coalesce:
        total = Count if self.counted else Sum
        return Coalesce(total(self.cells_field, **filters), Value(0))


def open_cells(accounts: QuerySet) -> OpenCells:
    """The open cells of `accounts`: the reference every stored whitespace figure is
    computed from."""
    return OpenCells(_open_cells(account__in=accounts.values("pk")))


def open_value(**filters) -> Coalesce:
    """Per-account expression: open whitespace value (of cells matching `filters`)."""
    return subtotal(_open_cells(account=OuterRef("pk"), **filters), "estimated_value")


def open_whitespace(accounts: QuerySet, source: OpenCells | None = None) -> Figure:
    """Unsold whitespace, in money, over the accounts (summed from `source`, by default
    their open cells)."""
    source = source or open_cells(accounts)
    totals = source.rows.aggregate(value=source.value(), cells=source.cells())
    return Figure(
        key="open_whitespace",
        label="Open whitespace",
        value=totals["value"] or ZERO,
        unit=MONEY_UNIT,
        formula=OPEN_RULE,
        inputs={"open cells": totals["cells"]},
        breakdown=ranked(accounts, open_value()),
    )


def _part(key: str, label: str, value, cells: int, breakdown: QuerySet) -> Figure:
    return Figure(
        key=key,
        label=label,
        value=value or ZERO,
        unit=MONEY_UNIT,
        formula=OPEN_RULE,
        inputs={"open cells": cells},
        breakdown=breakdown,
    )


def whitespace_by_product(
    accounts: QuerySet, source: OpenCells | None = None
) -> list[tuple[str, Figure]]:
    """Open whitespace per product of the catalog (products with open cells), largest first."""
    source = source or open_cells(accounts)
    rows = (
        source.rows.values("product_id", "product__name")
        .annotate(value=Coalesce(source.value(), Value(ZERO)), cells=source.cells())
        .order_by("-value", "product__name")
    )
    # One row per product of the catalog, not per account.
    return [
        (
            row["product__name"],
            _part(
                f"open_whitespace_product_{row['product_id']}",
                f"Open whitespace in {row['product__name']}",
                row["value"],
                row["cells"],
                ranked(
                    accounts.filter(
                        Exists(_open_cells(account=OuterRef("pk"), product_id=row["product_id"]))
                    ),
                    open_value(product_id=row["product_id"]),
                ),
            ),
        )
        for row in rows
    ]


def whitespace_by_tier(
    accounts: QuerySet, source: OpenCells | None = None
) -> list[tuple[str, Figure]]:
    """Open whitespace per account tier (1, 2, 3)."""
    source = source or open_cells(accounts)
    totals = source.rows.aggregate(
        **{f"value{t}": source.value(filter=Q(account__tier=t)) for t in Tier.values},
        **{f"cells{t}": source.cells(filter=Q(account__tier=t)) for t in Tier.values},
    )
    return [
        (
            Tier(tier).label,
            _part(
                f"open_whitespace_tier_{tier}",
                f"Open whitespace in {Tier(tier).label.lower()}",
                totals[f"value{tier}"],
                totals[f"cells{tier}"],
                ranked(accounts.filter(tier=tier), open_value()),
            ),
        )
        for tier in Tier.values
    ]


def whitespace_by_owner(
    accounts: QuerySet, source: OpenCells | None = None
) -> list[tuple[str, Figure]]:
    """Open whitespace per account owner (the KAM), largest first, each named by full name
    (the login where no name is set); "No owner" for the rest."""
    source = source or open_cells(accounts)
    rows = (
        source.rows.values(
            "account__owner_id",
            "account__owner__first_name",
            "account__owner__last_name",
            "account__owner__username",
        )
        .annotate(value=Coalesce(source.value(), Value(ZERO)), cells=source.cells())
        .order_by("-value", "account__owner__username")
    )

    def name(row) -> str:
        full = f"{row['account__owner__first_name']} {row['account__owner__last_name']}"
        return full.strip() or row["account__owner__username"] or ""

    # One row per owner (a few dozen KAMs), not per account.
    return [
        (
            name(row) or "No owner",
            _part(
                f"open_whitespace_owner_{row['account__owner_id'] or 'none'}",
                f"Open whitespace of {name(row) or 'accounts without owner'}",
                row["value"],
                row["cells"],
                ranked(accounts.filter(owner_id=row["account__owner_id"]), open_value()),
            ),
        )
        for row in rows
    ]


# Conversion --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversion:
    cells: Figure  # how many cells moved from unsold to sold
    value: Figure  # the estimated value they carried


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def conversions(start: date, end: date, *, per_account: bool = False) -> QuerySet:
    """History rows of whitespace cells that turned unsold -> sold from `start` to `end`
    (local dates, both included), annotated with `converted_value`.

    `per_account`: the same rows, for a subquery per account. There the moment is compared
    through COALESCE(history_date, history_date), which no index covers, so PostgreSQL
    finds the rows by account instead of scanning the period's rows once per account.
    """
    check_period(start, end)
    history = WhitespaceCell.history
    previous = history.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    when = Coalesce("history_date", "history_date") if per_account else F("history_date")
    period = Q(
        GreaterThanOrEqual(when, _moment(start)), LessThan(when, _moment(end + timedelta(days=1)))
    )
    return (
        history.filter(period, status=CellStatus.SOLD, history_type__in=("+", "~"))
        .annotate(
            previous_status=Subquery(previous.values("status")[:1]),
            previous_value=Subquery(previous.values("estimated_value")[:1], output_field=MONEY),
        )
        .filter(previous_status__in=UNSOLD)
        .annotate(
            converted_value=Coalesce(
                "previous_value", "estimated_value", Value(ZERO), output_field=MONEY
            )
        )
    )


def whitespace_conversion(accounts: QuerySet, start: date, end: date) -> Conversion:
    """Cells converted from unsold to sold in the period, and their value."""
    rows = conversions(start, end)
    totals = rows.filter(account_id__in=accounts.values("pk")).aggregate(
        cells=Count("pk"), value=Sum("converted_value")
    )
    per_account = conversions(start, end, per_account=True).filter(account_id=OuterRef("pk"))
    count_rule = (
        f"whitespace cells that moved from open or in evaluation to sold "
        f"between {start} and {end} (from the cells' history)"
    )
    inputs = {"start": start, "end": end, "conversions": totals["cells"]}
    return Conversion(
        cells=Figure(
            key="whitespace_conversions",
            label="Whitespace cells converted",
            value=totals["cells"],
            unit=COUNT,
            formula=count_rule,
            inputs=inputs,
            breakdown=ranked(accounts, tally(per_account, by="account_id")),
        ),
        value=Figure(
            key="whitespace_converted_value",
            label="Whitespace value converted",
            value=totals["value"] or ZERO,
            unit=MONEY_UNIT,
            formula=f"estimated value, before the sale, of the {count_rule}",
            inputs=inputs,
            breakdown=ranked(
                accounts, subtotal(per_account, F("converted_value"), by="account_id")
            ),
        ),
    )
