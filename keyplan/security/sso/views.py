"""The pages of single sign-on: off to the provider (a sign-in, or a sign-in again
before a sensitive step), and back (the callback), where mozilla-django-oidc checks
the state and keyplan says why a refused sign-in was refused."""

import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from keyplan.security import sessions, signals
from keyplan.security.sso import backends, config

# Session: the state of the re-authentication under way, if one is.
AGAIN = "keyplan_sso_again_state"


def reauthentication_url(request: HttpRequest, next_url: str) -> str | None:
    """Where to send the signed-in user to sign in again through the provider before a
    sensitive step (creating an API token), or None when they signed in with a password."""
    if not config.configured() or not request.user.is_authenticated:
        return None
    via_provider = request.session.get(BACKEND_SESSION_KEY) == backends.PATH
    if via_provider or not request.user.has_usable_password():
        return f"{reverse('sso-again')}?{urlencode({'next': next_url})}"
    return None


class Start(OIDCAuthenticationRequestView):
    """Off to the provider's sign-in page (a GET link, so the Content-Security-Policy's
    form-action never meets the provider's address)."""

    again = False

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint is read per request, not at start

    def get(self, request: HttpRequest) -> HttpResponse:
        if not config.configured():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = config.provider().authorization_endpoint
        except config.ProviderUnavailable:
            messages.error(request, f"{config.provider_name()} cannot be reached. Try again.")
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.KEYPLAN_OIDC_CLIENT_ID
        response = super().get(request)
        if self.again:
            state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
            request.session[AGAIN] = state
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        if self.again:
            # The provider asks for the sign-in again (prompt) and says when it happened
            # (max_age makes auth_time a required claim, checked in the callback).
            return {"prompt": "login", "max_age": str(settings.KEYPLAN_TOKEN_SIGNIN_SECONDS)}
        return {}


@method_decorator(login_required, name="dispatch")
class Again(Start):
    again = True


class Callback(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state")
        self.again = bool(state) and request.session.pop(AGAIN, None) == state
        if self.again and request.GET.get("error"):
            # Cancelled at the provider: the library would sign the user out of keyplan
            # too; a sign-in again that did not happen leaves the session as it was.
            request.session.get("oidc_states", {}).pop(state, None)
            request.session.modified = True
            return self.login_failure()
        if self.again:
            setattr(request, backends.MAX_AGE, settings.KEYPLAN_TOKEN_SIGNIN_SECONDS)
        return super().get(request)

    def login_success(self) -> HttpResponse:
        request = self.request
        same = request.user.is_authenticated and request.user.pk == self.user.pk
        response = super().login_success()
        if self.again and same:
            # The same record the profile's password confirmation writes (sessions.CONFIRMED).
            request.session[sessions.CONFIRMED] = int(time.time())
            signals.confirmed.send(__name__, request=request, user=request.user, via="oidc")
        return response

    def login_failure(self) -> HttpResponse:
        request = self.request
        reason = getattr(request, backends.REFUSAL, None)
        if reason is None and request.GET.get("error"):
            said = request.GET.get("error_description") or request.GET["error"]
            reason = f"{config.provider_name()} did not sign you in: {said}"
        reason = reason or "Single sign-on did not complete. Try again."
        signals.sso_refused.send(__name__, request=request, user=request.user, reason=reason)
        messages.error(request, reason)
        if request.user.is_authenticated:  # a sign-in again that failed: back where it began
            return redirect(request.session.get("oidc_login_next") or "profile")
        return redirect("login")
