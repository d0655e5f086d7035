"""A sign-in half-way: the password was right, the code is still to come (or, when
the organisation requires two-step sign-in, its enrolment). The session keeps who,
why, where to go afterwards and since when; it lapses after PENDING_SECONDS."""

import time
from dataclasses import dataclass

from django.http import HttpRequest

from keyplan.team.models import User

KEY = "keyplan_mfa_pending"
PENDING_SECONDS = 600  # long enough to install an app and scan; short for a stolen session
CODE, SETUP = "code", "setup"


@dataclass(frozen=True)
class Pending:
    user: User
    step: str  # CODE or SETUP
    backend: str
    next: str


def begin(request: HttpRequest, user: User, step: str, next_url: str) -> None:
    # A new session key: the half-way state never shares one with an earlier visitor.
    request.session.cycle_key()
    request.session[KEY] = {
        "user": user.pk,
        "step": step,
        "backend": user.backend,  # type: ignore[attr-defined]  # set by authenticate()
        "next": next_url,
        "at": int(time.time()),
    }


def current(request: HttpRequest, step: str) -> Pending | None:
    """The half-way sign-in at `step`, or None (none, another step, lapsed, or the user
    since deactivated)."""
    data = request.session.get(KEY)
    if not data or data.get("step") != step:
        return None
    if time.time() - data.get("at", 0) > PENDING_SECONDS:
        clear(request)
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    if user is None:
        clear(request)
        return None
    return Pending(user, step, data["backend"], data.get("next", ""))


def clear(request: HttpRequest) -> None:
    request.session.pop(KEY, None)
