"""Per-account figures for lists of accounts, as SQL annotations (one query for any
number of accounts).

- ARR: the sum of the ARR of live contracts (active, and not ended before today; the
  one definition is accounts.arr.live_contracts, which other modules import from here).
- Renewal: the nearest end date of a live contract.
- Open whitespace: the sum of the estimated value of open (unsold) whitespace cells.
"""

from datetime import date

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum

from keyplan.accounts.arr import live_contracts
from keyplan.accounts.models import Contract
from keyplan.core import clock
from keyplan.growth.models import CellStatus, WhitespaceCell
from keyplan.insights.figures import MONEY as MONEY_UNIT
from keyplan.insights.figures import Figure
from keyplan.insights.sql import subtotal

__all__ = ["arr", "live_contracts", "with_figures"]


def with_figures(accounts: QuerySet, today: date | None = None) -> QuerySet:
    """Annotate `arr`, `renewal` and `open_whitespace` on each account."""
    today = today or clock.today()
    live = Contract.objects.filter(live_contracts(today), account=OuterRef("pk"))
    cells = WhitespaceCell.objects.filter(account=OuterRef("pk"), status=CellStatus.OPEN)
    renewal = live.filter(end_date__isnull=False).order_by("end_date").values("end_date")[:1]
    return accounts.annotate(
        arr=subtotal(live, "arr"),
        renewal=Subquery(renewal),
        open_whitespace=subtotal(cells, "estimated_value"),
    )


def arr(accounts: QuerySet, today: date | None = None) -> Figure:
    """The portfolio's ARR: the sum of the ARR of every account's live contracts."""
    today = today or clock.today()
    rows = with_figures(accounts, today).annotate(contribution=F("arr"))
    totals = rows.aggregate(total=Sum("arr"), accounts=Count("pk"))
    return Figure(
        key="arr",
        label="ARR",
        value=totals["total"] if totals["accounts"] else None,
        unit=MONEY_UNIT,
        formula="sum of the ARR of live contracts (active, not ended before today)",
        inputs={"accounts": totals["accounts"], "on": today},
        reason="" if totals["accounts"] else "no account",
        breakdown=rows.order_by("-contribution", "name"),
    )
