"""Per-account figures for lists of accounts, as SQL annotations (one query for any
number of accounts).

- ARR: the sum of the ARR of live contracts (active, and not ended before today).
- Renewal: the nearest end date of a live contract.
- Open whitespace: the sum of the estimated value of open (unsold) whitespace cells.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from keyplan.accounts.models import Contract, ContractStatus
from keyplan.core import clock
from keyplan.growth.models import CellStatus, WhitespaceCell
from keyplan.insights.figures import MONEY as MONEY_UNIT
from keyplan.insights.figures import Figure

MONEY = DecimalField(max_digits=16, decimal_places=2)


def live_contracts(today: date) -> Q:
    """Contracts that count towards ARR on `today` (as Plan.live_contracts)."""
    return Q(status=ContractStatus.ACTIVE) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def _sum(queryset: QuerySet, field: str) -> Coalesce:
    total = queryset.values("account").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


def with_figures(accounts: QuerySet, today: date | None = None) -> QuerySet:
    """Annotate `arr`, `renewal` and `open_whitespace` on each account."""
    today = today or clock.today()
    live = Contract.objects.filter(live_contracts(today), account=OuterRef("pk"))
    cells = WhitespaceCell.objects.filter(account=OuterRef("pk"), status=CellStatus.OPEN)
    renewal = live.filter(end_date__isnull=False).order_by("end_date").values("end_date")[:1]
    return accounts.annotate(
        arr=_sum(live, "arr"),
        renewal=Subquery(renewal),
        open_whitespace=_sum(cells, "estimated_value"),
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
