"""Touchpoints and their follow-ups, plan reviews, trigger events and snoozed alerts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from keyplan.cadence.models import (
    AlertSnooze,
    PlanReview,
    Touchpoint,
    TouchpointAction,
    TouchpointStatus,
    TriggerEvent,
    TriggerStatus,
)
from keyplan.core import access, clock, services
from keyplan.growth.models import Action


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
    needs no update): its "plan update needed" task is done. A blank note is refused
    (TriggerEvent.clean)."""
    return services.update(
        trigger,
        by=by,
        version=version,
        status=TriggerStatus.HANDLED,
        handled_on=on or clock.today(),
        handled_by=by,
        handled_note=note,
    )


@dataclass(frozen=True)
class Commitment:
    """A follow-up commitment made at a touchpoint, to become an action of the plan."""

    title: str
    owner: object | None  # a User
    due_date: date | None
    objective: object | None = None  # an Objective of the account
    play: object | None = None  # a Play of the account

    @property
    def blank(self) -> bool:
        return not (self.title.strip() or self.owner or self.due_date)


@transaction.atomic
def commit_follow_ups(touchpoint: Touchpoint, commitments: Iterable[Commitment], *, by):
    """Turn a touchpoint's follow-up commitments into actions of its account's plan,
    each tied to the objective or play chosen for it, and linked to the touchpoint.

    All or nothing: every commitment needs a title, an owner and a due date, and if
    one is refused no action is created. Blank commitments are ignored. A planned
    touchpoint whose day has come is marked held. Returns the new actions.
    """
    touchpoint = services.lock(Touchpoint, touchpoint.pk)
    access.check_edit(by, touchpoint)
    wanted = [c for c in commitments if not c.blank]
    if not wanted:
        raise ValidationError("Write at least one commitment: what, who owns it and by when.")
    problems = []
    for number, commitment in enumerate(wanted, start=1):
        missing = [
            need
            for need, value in (
                ("a title", commitment.title.strip()),
                ("an owner", commitment.owner),
                ("a due date", commitment.due_date),
            )
            if not value
        ]
        if missing:
            problems.append(f"{_name(number, commitment)} needs {' and '.join(missing)}.")
    if problems:
        raise ValidationError([*problems, "Nothing was saved."])
    note = f"Follow-up of the {touchpoint.get_kind_display()} on {touchpoint.date:%d %b %Y}."
    created = []
    for number, commitment in enumerate(wanted, start=1):
        try:
            action = services.create(
                Action,
                by=by,
                account=touchpoint.account,
                title=commitment.title.strip(),
                owner=commitment.owner,
                due_date=commitment.due_date,
                objective=commitment.objective,
                play=commitment.play,
                notes=note,
            )
            services.create(TouchpointAction, by=by, touchpoint=touchpoint, action=action)
        except ValidationError as exc:
            raise ValidationError(
                [f"{_name(number, commitment)}: {' '.join(exc.messages)}", "Nothing was saved."]
            ) from exc
        created.append(action)
    if touchpoint.status == TouchpointStatus.PLANNED and touchpoint.date <= clock.today():
        services.update(touchpoint, by=by, version=touchpoint.version, status=TouchpointStatus.HELD)
    return created


def _name(number: int, commitment: Commitment) -> str:
    title = commitment.title.strip()
    return f"Commitment {number} (“{title}”)" if title else f"Commitment {number}"


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
