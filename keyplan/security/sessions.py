"""Session limits: a working day from sign-in (KEYPLAN_SESSION_HOURS) and an idle
timeout (KEYPLAN_SESSION_IDLE_MINUTES). Past either the session is ended and the
next page asks to sign in again, saying why; the API answers 401.

The session's cookie and stored row expire after the idle time (SESSION_COOKIE_AGE);
this middleware enforces the working day and refreshes the idle clock, at most once a
minute so that reads do not each write the session."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED = "keyplan_signed_in_at"
SEEN = "keyplan_seen_at"
# When the user last proved it is them again without a new sign-in: the password asked
# again on the profile page, or single sign-on again (seconds since the epoch).
CONFIRMED = "keyplan_password_confirmed_at"
SEEN_RESOLUTION = 60  # seconds


def _now() -> int:
    return int(time.time())


def start(sender, request: HttpRequest, user, **kwargs) -> None:
    """On sign-in: the working day and the idle clock start now."""
    now = _now()
    request.session[STARTED] = now
    request.session[SEEN] = now


def _expired(session, now: int) -> str | None:
    started = session.get(STARTED)
    seen = session.get(SEEN, started)
    if started is None:  # a session from before these limits: start counting now
        session[STARTED] = session[SEEN] = now
        return None
    if now - started >= settings.KEYPLAN_SESSION_SECONDS:
        hours = settings.KEYPLAN_SESSION_SECONDS / 3600
        return f"Your session ended after {hours:g} hours; please sign in again."
    if now - seen >= settings.KEYPLAN_SESSION_IDLE_SECONDS:
        minutes = settings.KEYPLAN_SESSION_IDLE_SECONDS // 60
        return f"Your session ended after {minutes} minutes without activity; please sign in again."
    return None


def session_limits(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = _now()
            reason = _expired(request.session, now)
            if reason:
                logout(request)
                messages.info(request, reason)
            elif now - request.session.get(SEEN, now) >= SEEN_RESOLUTION:
                request.session[SEEN] = now
        return get_response(request)

    return middleware
