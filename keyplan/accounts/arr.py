"""Current ARR, the one definition: the ARR of an account's live contracts, those
active and not ended before the day. insights computes it in SQL for many accounts
(insights.accounts) and the sanity checks read it for one (accounts.sanity), both
from `live_contracts`."""

from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from keyplan.accounts.models import Contract, ContractStatus
from keyplan.core import clock


def live_contracts(today: date) -> Q:
    """Contracts that count towards ARR on `today` (as Plan.live_contracts)."""
    return Q(status=ContractStatus.ACTIVE) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def current_arr(account_id: int | None, today: date | None = None) -> Decimal:
    """The account's ARR on `today`: 0 without live contracts (one query)."""
    if account_id is None:
        return Decimal(0)
    live = Contract.objects.filter(live_contracts(today or clock.today()), account_id=account_id)
    return live.aggregate(total=Sum("arr"))["total"] or Decimal(0)
