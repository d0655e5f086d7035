"""Keeping the stored figures current on write, in the writer's transaction.

Every plan write goes through core.services, which sends `plan_changed`: its
accounts are recomputed there and then, so the rows commit or roll back with the
change. An import or a sync writes many records of the same plans: inside
`batched()` the accounts are only collected, and recomputed once at the end of the
block (still inside its transaction). Snoozing an alert is not a plan change (the
plan's freshness stays) but moves its counts, so it is kept current here too.
"""

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from keyplan.cadence.models import AlertSnooze
from keyplan.core import clock
from keyplan.core.signals import plan_changed
from keyplan.insights.stored.compute import recompute

BATCH = 500  # accounts per recomputation: a few queries each, bounded parameters

_pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "keyplan_figures_pending", default=None
)


def changed(account_ids: Iterable[int]) -> None:
    """These accounts' records changed: recompute them now, or at the end of the
    enclosing `batched()` block. Off (FIGURES_KEPT_ON_WRITE) only in the tests that are
    not about the figures: the rows then stay missing and the dashboard computes from
    scratch, which gives the same answer at a fraction of the suite's time."""
    if not settings.FIGURES_KEPT_ON_WRITE:
        return
    pending = _pending.get()
    if pending is not None:
        pending.update(account_ids)
        return
    recompute_all(set(account_ids))


def recompute_all(account_ids: set[int]) -> None:
    ids, today = sorted(account_ids), clock.today()
    for start in range(0, len(ids), BATCH):
        recompute(ids[start : start + BATCH], today)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Collect the accounts changed in the block and recompute each once at its end,
    unless the block fails (its transaction is then rolled back by the caller). Call it
    inside the transaction; nested blocks leave the work to the outermost one."""
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    recompute_all(pending)


def _on_plan_changed(sender, account_ids, **kwargs) -> None:
    changed(account_ids)


def _on_snooze(sender, instance, **kwargs) -> None:
    changed({instance.account_id})


def connect() -> None:
    plan_changed.connect(_on_plan_changed, dispatch_uid="figures_plan_changed")
    post_save.connect(_on_snooze, sender=AlertSnooze, dispatch_uid="figures_snooze_saved")
    post_delete.connect(_on_snooze, sender=AlertSnooze, dispatch_uid="figures_snooze_deleted")
