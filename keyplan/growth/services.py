"""Whitespace, objectives, plays, actions and resources."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from keyplan.core import clock, services
from keyplan.core.protocols import Actor
from keyplan.growth.models import (
    Action,
    ActionStatus,
    BusinessUnit,
    Play,
    Product,
    Stage,
    WhitespaceCell,
)


def set_cell(
    business_unit: BusinessUnit,
    product: Product,
    *,
    by: Actor,
    version: int | str | None = None,
    **values: Any,
) -> WhitespaceCell:
    """Fill the grid cell of `business_unit` x `product`: a new cell, or a change to
    the one read at `version`."""
    cell = WhitespaceCell.objects.filter(business_unit=business_unit, product=product).first()
    if cell is None:
        return services.create(
            WhitespaceCell,
            by=by,
            account_id=business_unit.account_id,
            business_unit=business_unit,
            product=product,
            **values,
        )
    return services.update(cell, by=by, version=version, **values)


def move_play(play: Play, stage: str, *, by: Actor, version: int | str | None) -> Play:
    """Move a play to another stage."""
    if stage not in Stage.values:
        raise ValidationError({"stage": f"“{stage}” is not a stage."})
    return services.update(play, by=by, version=version, stage=stage)


def complete_action(
    action: Action, *, by: Actor, version: int | str | None, on: date | None = None
) -> Action:
    """Mark an action done (today unless `on` says otherwise)."""
    return services.update(
        action, by=by, version=version, status=ActionStatus.DONE, completed_on=on or clock.today()
    )
