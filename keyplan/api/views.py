"""The profile page's API tokens: list mine, create one (its secret shown once),
revoke one. The command line has the same (`keyplan token`)."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from keyplan.api import tokens
from keyplan.api.models import ApiToken
from keyplan.core.choices import Role
from keyplan.security import sessions, signals
from keyplan.security.headers import no_store
from keyplan.security.sessions import CONFIRMED
from keyplan.security.sso.views import reauthentication_url


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it: a script, a BI tool.")
    expires = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day it works.",
    )
    never = forms.BooleanField(
        label="Works until revoked", required=False, help_text="Administrators only."
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="You signed in more than 10 minutes ago: confirm it is you.",
    )

    def __init__(self, *args, request, recent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.user = request, request.user
        self.fields["expires"].initial = tokens.default_expiry().date()
        if not (self.user.is_superuser or self.user.role == Role.ADMIN):
            del self.fields["never"]
        if recent:
            del self.fields["password"]

    def clean_password(self) -> str:
        # Through authenticate(), so a wrong password here counts towards the lockout
        # like one on the sign-in page (whose refusal, 429, the lockout then answers
        # with): a borrowed session cannot guess the password at leisure.
        password = self.cleaned_data["password"]
        found = authenticate(self.request, username=self.user.get_username(), password=password)
        if found is None or found.pk != self.user.pk:
            raise ValidationError("That is not your password.")
        return password


def _signed_in_recently(request) -> bool:
    """A token acts as its maker until it expires: making one needs a sign-in (or a
    password confirmed) within the last KEYPLAN_TOKEN_SIGNIN_SECONDS."""
    confirmed = max(request.session.get(sessions.STARTED, 0), request.session.get(CONFIRMED, 0))
    return time.time() - confirmed < settings.KEYPLAN_TOKEN_SIGNIN_SECONDS


@login_required
def profile(request):
    recent = _signed_in_recently(request)
    # A single sign-on user has no password to ask: they sign in again at the provider.
    again = None if recent else reauthentication_url(request, request.path)
    form = TokenForm(request.POST or None, request=request, recent=recent or bool(again))
    secret = None
    if request.method == "POST" and not again and form.is_valid():
        if not recent:
            request.session[CONFIRMED] = int(time.time())
            signals.confirmed.send(__name__, request=request, user=request.user, via="password")
        day = form.cleaned_data["expires"]
        until = tokens.end_of(day) if day else None
        try:
            _, secret = tokens.create(
                request.user,
                name=form.cleaned_data["name"],
                expires_at=until,
                never=form.cleaned_data.get("never", False),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error("expires" if field == "expires_at" else None, problems)
        else:
            form = TokenForm(request=request, recent=True)
    page = render(
        request,
        "api/profile.html",
        {
            "form": form,
            "again": again,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )
    return no_store(page) if secret else page


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # others' tokens: 404
    tokens.revoke(token)
    messages.success(request, f"Revoked the token “{token.name}”: it no longer works.")
    return redirect("profile")
