"""The profile page's API tokens: list mine, create one (its secret shown once),
revoke one. The command line has the same (`keyplan token`)."""

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from keyplan.api import tokens
from keyplan.api.models import ApiToken
from keyplan.security.headers import no_store


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it: a script, a BI tool.")
    expires = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day it works; empty: until revoked.",
    )


@login_required
def profile(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["expires"]
        until = timezone.make_aware(datetime.combine(day, time.max)) if day else None
        try:
            _, secret = tokens.create(
                request.user, name=form.cleaned_data["name"], expires_at=until
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error("expires" if field == "expires_at" else None, problems)
        else:
            form = TokenForm()
    page = render(
        request,
        "api/profile.html",
        {
            "form": form,
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
