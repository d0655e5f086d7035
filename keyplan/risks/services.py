"""Risks, SWOT and health signals."""

from datetime import date as Date
from typing import Any

from keyplan.core import services
from keyplan.core.protocols import Actor, PlanAccount
from keyplan.risks.models import HealthSnapshot


def record_health(
    account: PlanAccount,
    date: Date,
    *,
    by: Actor,
    version: int | str | None = None,
    **signals: Any,
) -> HealthSnapshot:
    """The account's health signals on `date`: new, or a change to the ones read at `version`."""
    # The plugin wants an accounts.Account here, which risks (a layer below) cannot name.
    snapshot = HealthSnapshot.objects.filter(account=account, date=date).first()  # type: ignore[misc]
    if snapshot is None:
        return services.create(HealthSnapshot, by=by, account=account, date=date, **signals)
    return services.update(snapshot, by=by, version=version, **signals)
