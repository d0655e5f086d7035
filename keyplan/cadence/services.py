"""Touchpoints and their follow-ups, plan reviews and trigger events. Clearing a trigger
by the plan's changes since (keyplan.rhythm.triggers) and snoozing an alert
(keyplan.rhythm.snoozes) read history and the alert rules, so they live above."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from keyplan.accounts.models import Account
from keyplan.cadence.models import (
    PlanReview,
    Touchpoint,
    TouchpointAction,
    TouchpointStatus,
    TriggerEvent,
    TriggerStatus,
)
from keyplan.core import access, clock, services
from keyplan.core.formats import format_date
from keyplan.core.protocols import Actor
from keyplan.growth.models import Action, Objective, Play
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import User


@transaction.atomic
def plan_touchpoint(
    account: Account,
    *,
    by: Actor,
    hosts: Iterable[User] = (),
    attendees: Iterable[Stakeholder] = (),
    **values: Any,
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


def record_review(
    account: Account, kind: str, *, by: Actor, date: date | None = None, notes: str = ""
) -> PlanReview:
    return services.create(
        PlanReview,
        by=by,
        account=account,
        kind=kind,
        date=date or clock.today(),
        reviewer=by,
        notes=notes,
    )


def log_trigger(
    account: Account, kind: str, description: str, *, by: Actor, date: date | None = None
) -> TriggerEvent:
    return services.create(
        TriggerEvent,
        by=by,
        account=account,
        kind=kind,
        description=description,
        date=date or clock.today(),
    )


def handle_trigger(
    trigger: TriggerEvent,
    note: str,
    *,
    by: Actor,
    version: int | str | None,
    on: date | None = None,
) -> TriggerEvent:
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
    owner: User | None
    due_date: date | None
    objective: Objective | None = None  # of the touchpoint's account
    play: Play | None = None  # of the touchpoint's account

    @property
    def blank(self) -> bool:
        return not (self.title.strip() or self.owner or self.due_date)


@transaction.atomic
def commit_follow_ups(
    touchpoint: Touchpoint, commitments: Iterable[Commitment], *, by: Actor
) -> list[Action]:
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
    note = f"Follow-up of the {touchpoint.get_kind_display()} on {format_date(touchpoint.date)}."
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
