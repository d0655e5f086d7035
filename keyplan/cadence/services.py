"""Touchpoints, plan reviews, trigger events and snoozed alerts."""

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from keyplan.cadence.models import (
    AlertSnooze,
    PlanReview,
    Touchpoint,
    TriggerEvent,
    TriggerStatus,
)
from keyplan.core import access, clock, services


@transaction.atomic
def plan_touchpoint(
    account, *, by, hosts: Iterable = (), attendees: Iterable = (), **values
) -> Touchpoint:
    """An executive touchpoint with who attends from our side (`hosts`) and theirs."""
    touchpoint = services.create(Touchpoint, by=by, account=account, **values)
    hosts, attendees = list(hosts), list(attendees)
    if hosts:
        touchpoint = services.set_links(
            touchpoint, "hosts", hosts, by=by, version=touchpoint.version
        )
    if attendees:
        touchpoint = services.set_links(
            touchpoint, "attendees", attendees, by=by, version=touchpoint.version
        )
    return touchpoint


def record_review(account, kind: str, *, by, date=None, notes="") -> PlanReview:
    return services.create(
        PlanReview,
        by=by,
        account=account,
        kind=kind,
        date=date or clock.today(),
        reviewer=by,
        notes=notes,
    )


def log_trigger(account, kind: str, description: str, *, by, date=None) -> TriggerEvent:
    return services.create(
        TriggerEvent,
        by=by,
        account=account,
        kind=kind,
        description=description,
        date=date or clock.today(),
    )


def handle_trigger(trigger: TriggerEvent, note: str, *, by, version, on=None) -> TriggerEvent:
    """Mark a trigger event handled, saying how the plan was updated for it (or why it
    needs no update): its "plan update needed" task is done."""
    if not (note or "").strip():
        raise ValidationError(
            {
                "handled_note": "Say how the plan was updated for this trigger, "
                "or why it needs no update."
            }
        )
    return services.update(
        trigger,
        by=by,
        version=version,
        status=TriggerStatus.HANDLED,
        handled_on=on or clock.today(),
        handled_by=by,
        handled_note=note,
    )


# What changing these records says about the plan: they are the rhythm, not the plan.
NOT_PLAN_UPDATES = frozenset({"trigger event", "plan review", "snoozed alert"})


def plan_updates_since(trigger: TriggerEvent, limit: int = 5):
    """Changes to the trigger's plan since it was logged (from history), other than
    trigger events, reviews and snoozes: what answered it."""
    from keyplan.accounts import timeline

    found = timeline.changes(trigger.account, since=trigger.created_at, limit=50)
    return [change for change in found if change.model not in NOT_PLAN_UPDATES][:limit]


def close_trigger(trigger: TriggerEvent, note: str = "", *, by, version) -> TriggerEvent:
    """Clear a trigger's "plan update needed" task: with a note, or, without one, because
    the plan has been updated since the trigger was logged (the note then names the
    changes, read from history). Neither: refused, nothing changes."""
    if (note or "").strip():
        return handle_trigger(trigger, note.strip(), by=by, version=version)
    access.check_edit(by, trigger)
    updates = plan_updates_since(trigger)
    if not updates:
        raise ValidationError(
            {
                "handled_note": f"The plan has not changed since this "
                f"{trigger.get_kind_display().lower()} was logged: update the plan, or say in "
                "a note why it needs no update."
            }
        )
    done = "; ".join(
        f"{change.kind} {change.model} {change.record}"
        + (f" ({', '.join(name for name, _, _ in change.fields)})" if change.fields else "")
        for change in updates
    )
    return handle_trigger(trigger, f"Plan updated: {done}.", by=by, version=version)


SNOOZE_DAYS = 7


def snooze_alert(
    account, rule: str, record_id, reason: str, *, by, days: int = SNOOZE_DAYS
) -> AlertSnooze:
    """Set an alert on `account` aside for `days` (a week by default), with the reason.

    The alert must be firing now: its rule, on this record of this plan."""
    from keyplan.insights import alerts
    from keyplan.team.models import Organisation

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


def wake_alert(snooze: AlertSnooze, *, by, version) -> None:
    """End a snooze now: the alert fires again."""
    services.delete(snooze, by=by, version=version)
