"""Every history row carries keyplan's clock and the user who acted.

Services stamp the records they save. Records deleted in cascade (a play's links
when the play goes) never pass through a service, so simple-history would stamp
them with the wall clock and no user; this hook gives them the same moment (the
clock may be travelling, as when the demo writes its past) and the acting user.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from keyplan.core import clock

_acting = contextvars.ContextVar("keyplan_acting_user", default=None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Attribute history written in this block (cascades included) to `user`."""
    token = _acting.set(user if user is not None and user.is_authenticated else None)
    try:
        yield
    finally:
        _acting.reset(token)


def stamp(sender, instance, history_instance, **kwargs) -> None:
    """simple-history's pre_create_historical_record receiver."""
    if not hasattr(instance, "_history_date"):
        history_instance.history_date = clock.now()
    if history_instance.history_user_id is None and _acting.get() is not None:
        history_instance.history_user = _acting.get()
