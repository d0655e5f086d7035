"""Sanity checks of dates, registered with core.sanity when the app is ready: an open
record given a due or close date that has already passed (a typo in the year, or a
plan that needs re-dating) is saved as given and flagged to check. They fire when the
record is created or re-dated, never on a later edit of something else; a record done
or closed is not judged by its date.
"""

from datetime import date

from keyplan.core import clock, sanity
from keyplan.core.formats import format_date
from keyplan.growth.models import ObjectiveStatus


def _past(day: date | None, what: str) -> str | None:
    if day is None or day >= clock.today():
        return None
    return f"The {what} ({format_date(day)}) has already passed."


@sanity.rule("growth.Play", "target_close_date")
def close_date_past(play) -> str | None:
    return _past(play.target_close_date, "close date") if play.is_open else None


@sanity.rule("growth.Action", "due_date")
def action_due_past(action) -> str | None:
    return _past(action.due_date, "due date") if action.is_open else None


@sanity.rule("growth.Objective", "due_date")
def objective_due_past(objective) -> str | None:
    done = (ObjectiveStatus.ACHIEVED, ObjectiveStatus.DROPPED)
    return None if objective.status in done else _past(objective.due_date, "due date")
