"""Clearing a trigger event's "plan update needed" task: with a note, or by the changes
made to the plan since the trigger was logged, read from its history."""

from django.core.exceptions import ValidationError

from keyplan.cadence.models import TriggerEvent
from keyplan.cadence.services import handle_trigger
from keyplan.core import access
from keyplan.core.protocols import Actor
from keyplan.plan import timeline

# What changing these records says about the plan: they are the rhythm, not the plan.
NOT_PLAN_UPDATES = frozenset({"trigger event", "plan review", "snoozed alert"})


def plan_updates_since(trigger: TriggerEvent, limit: int = 5) -> list[timeline.Change]:
    """Changes to the trigger's plan since it was logged (from history), other than
    trigger events, reviews and snoozes: what answered it."""
    found = timeline.changes(trigger.account, since=trigger.created_at, limit=50)
    return [change for change in found if change.model not in NOT_PLAN_UPDATES][:limit]


def close_trigger(
    trigger: TriggerEvent, note: str = "", *, by: Actor, version: int | str | None
) -> TriggerEvent:
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
