"""The current time for plan records.

Everything that stamps a plan (timestamps, history dates, "today" in rules) asks
this module, so the demo builder can write a plan's past by travelling back in
time. Travel keeps the clock running: two saves never share a timestamp, which
keeps history as-of reads unambiguous.
"""

import calendar
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.utils import timezone

_offset: contextvars.ContextVar[timedelta] = contextvars.ContextVar(
    "keyplan_clock_offset", default=timedelta(0)
)


def now() -> datetime:
    return timezone.now() + _offset.get()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def travel(to: datetime) -> Iterator[None]:
    """Run the block as if it were `to` (the clock keeps ticking from there)."""
    token = _offset.set(to - timezone.now())
    try:
        yield
    finally:
        _offset.reset(token)


def month_before(moment: datetime) -> datetime:
    """The same day and time one calendar month earlier (31 March -> 28/29 February)."""
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
