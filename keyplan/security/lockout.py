"""Lockout after failed sign-ins (django-axes), keyed on the user and the address
together, so that nobody can lock a colleague out from elsewhere, plus a looser
limit on one address across all users, against guessing many logins.

Failures count while the last one is within the cool-off (AXES_COOLOFF_TIME, 15
minutes); past either limit every sign-in from there is refused, with the right
password too, until the cool-off ends or an administrator deletes the attempts
(admin site, "Access attempts"; or `keyplan axes_reset_username LOGIN`).
"""

from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _recent(request: HttpRequest, username: str | None) -> dict:
    """The failures within the cool-off from this address: for `username`, in all."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return attempts.aggregate(
        mine=Sum("failures_since_start", filter=Q(username=username)),
        everyone=Sum("failures_since_start"),
        last=Max("attempt_time"),
    )


class UserAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits: AXES_FAILURE_LIMIT for one user from
    one address, KEYPLAN_SIGNIN_ADDRESS_LIMIT for one address across users."""

    def get_failures(self, request, credentials=None) -> int:
        recent = _recent(request, get_client_username(request, credentials))
        user_limit = settings.AXES_FAILURE_LIMIT
        # Axes compares one count with one limit: put the address's count on its scale
        # (it reaches user_limit exactly when the address reaches its own limit).
        scaled = (recent["everyone"] or 0) * user_limit // settings.KEYPLAN_SIGNIN_ADDRESS_LIMIT
        return max(recent["mine"] or 0, scaled)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page again, saying why it refuses and for how long (429)."""
    username = get_client_username(request, credentials) or ""
    recent = _recent(request, username)
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    wait = cool_off - (timezone.now() - (recent["last"] or timezone.now()))
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    if (recent["mine"] or 0) >= settings.AXES_FAILURE_LIMIT:
        message = (
            f"Too many failed sign-ins for {username} from your address: signing in as "
            f"{username} from here is refused for {minutes} more minutes. "
            "An administrator can unlock it sooner."
        )
    else:
        message = (
            "Too many failed sign-ins from your address: signing in from here is refused "
            f"for {minutes} more minutes. An administrator can unlock it sooner."
        )
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
    response = render(request, "web/login.html", context, status=429)
    response["Retry-After"] = str(max(1, int(wait.total_seconds())))
    return response
