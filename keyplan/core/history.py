"""Every history row carries keyplan's clock and the user who acted.

Services stamp the records they save. Records deleted in cascade (a play's links
when the play goes) never pass through a service, so simple-history would stamp
them with the wall clock and no user; this hook gives them the same moment (the
clock may be travelling, as when the demo writes its past) and the acting user.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models

from keyplan.core import clock
from keyplan.core.protocols import Actor, Member, signed_in

_acting: contextvars.ContextVar[Member | None] = contextvars.ContextVar(
    "keyplan_acting_user", default=None
)


def author(user: Actor) -> Member | None:
    """Who history names for a change `user` makes: nobody for an anonymous visitor
    or keyplan itself."""
    return user if signed_in(user) else None


@contextmanager
def acting_as(user: Actor) -> Iterator[None]:
    """Attribute history written in this block (cascades included) to `user`."""
    token = _acting.set(author(user))
    try:
        yield
    finally:
        _acting.reset(token)


def stamp(
    sender: type[models.Model],
    instance: models.Model,
    history_instance: Any,
    **kwargs: Any,
) -> None:
    """simple-history's pre_create_historical_record receiver."""
    if not hasattr(instance, "_history_date"):
        history_instance.history_date = clock.now()
    if history_instance.history_user_id is None and _acting.get() is not None:
        history_instance.history_user = _acting.get()
