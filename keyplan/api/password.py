"""Changing one's password (every user who signs in with one), offering to revoke all
one's API tokens in the same step: whoever learnt the password may have made one."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from keyplan.api import tokens
from keyplan.api.models import ApiToken


class ChangeForm(PasswordChangeForm):
    revoke_tokens = forms.BooleanField(
        required=False,
        label="Also revoke all my API tokens",
        help_text="Scripts using them stop working until given a new token.",
    )


@sensitive_post_parameters()
@login_required
def change_password(request):
    user = request.user
    active = ApiToken.objects.filter(user=user).usable().count()
    form = ChangeForm(user, request.POST or None)
    if not active:
        del form.fields["revoke_tokens"]
    if user.has_usable_password() and request.method == "POST" and form.is_valid():
        revoked = tokens.change_password(
            user,
            form.cleaned_data["new_password1"],
            revoke_tokens=form.cleaned_data.get("revoke_tokens", False),
        )
        update_session_auth_hash(request, user)  # this session stays; the others end
        done = "Your password is changed; you stay signed in here and are signed out elsewhere."
        if revoked:
            done += f" Revoked {revoked} API token{'s' if revoked != 1 else ''}."
        messages.success(request, done)
        return redirect("profile")
    return render(
        request,
        "api/password_change.html",
        {"form": form, "active_tokens": active, "has_password": user.has_usable_password()},
    )
