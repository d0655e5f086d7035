"""Risks, SWOT and health signals."""

from keyplan.core import services
from keyplan.risks.models import HealthSnapshot


def record_health(account, date, *, by, version=None, **signals) -> HealthSnapshot:
    """The account's health signals on `date`: new, or a change to the ones read at `version`."""
    snapshot = HealthSnapshot.objects.filter(account=account, date=date).first()
    if snapshot is None:
        return services.create(HealthSnapshot, by=by, account=account, date=date, **signals)
    return services.update(snapshot, by=by, version=version, **signals)
