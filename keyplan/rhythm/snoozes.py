"""Setting an alert aside (snoozing it) and waking it: the alert must be firing now,
by its rule in keyplan.insights.alerts."""

from datetime import timedelta

from django.core.exceptions import ValidationError

from keyplan.accounts.models import Account
from keyplan.cadence.models import AlertSnooze
from keyplan.core import access, clock, services
from keyplan.core.protocols import Actor
from keyplan.insights import alerts
from keyplan.team.models import Organisation

SNOOZE_DAYS = 7


def snooze_alert(
    account: Account,
    rule: str,
    record_id: int | str,
    reason: str,
    *,
    by: Actor,
    days: int | str = SNOOZE_DAYS,
) -> AlertSnooze:
    """Set an alert on `account` aside for `days` (a week by default), with the reason.

    The alert must be firing now: its rule, on this record of this plan."""
    rule_ = alerts.RULES_BY_KEY.get(rule)
    if rule_ is None:
        raise ValidationError({"rule": f"“{rule}” is not an alert rule."})
    try:
        record_id = int(record_id)
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise ValidationError("Say which alert to snooze, and for how many days.") from exc
    today = clock.today()
    access.check_edit(by, AlertSnooze(account=account))
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why this alert can wait: a reason is required."})
    firing = rule_.rule(type(account).objects.filter(pk=account.pk), Organisation.current(), today)
    if record_id not in {alert.record_id for alert in firing}:
        raise ValidationError(
            f"This {rule_.title.lower()} alert is not raised on {account} any more: "
            "nothing to snooze."
        )
    return services.create(
        AlertSnooze,
        by=by,
        account=account,
        rule=rule,
        record_id=record_id,
        reason=(reason or "").strip(),
        until=today + timedelta(days=days),
        snoozed_by=by,
    )


def wake_alert(snooze: AlertSnooze, *, by: Actor, version: int | str | None) -> None:
    """End a snooze now: the alert fires again."""
    services.delete(snooze, by=by, version=version)
