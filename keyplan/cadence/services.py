"""Touchpoints, plan reviews and trigger events."""

from collections.abc import Iterable

from django.db import transaction

from keyplan.cadence.models import PlanReview, Touchpoint, TriggerEvent, TriggerStatus
from keyplan.core import clock, services


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
    """Mark a trigger event handled: the plan has been updated for it."""
    return services.update(
        trigger,
        by=by,
        version=version,
        status=TriggerStatus.HANDLED,
        handled_on=on or clock.today(),
        handled_by=by,
        handled_note=note,
    )
