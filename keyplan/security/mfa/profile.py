"""Two-step sign-in on the profile page: set it up (QR code, confirm with a code, the
recovery codes shown once), make new recovery codes, turn it off (asks the password)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from keyplan.security.headers import no_store
from keyplan.security.mfa import services
from keyplan.security.mfa.forms import CodeForm, PasswordForm
from keyplan.security.mfa.signin import enrolment


def _codes(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    context = {"codes": codes, "next": reverse("mfa"), "enrolled": enrolled}
    return no_store(render(request, "mfa/recovery.html", context))


@sensitive_post_parameters("code", "password")
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_usable_password():  # type: ignore[union-attr]
        return render(request, "mfa/manage.html", {"password_user": False})
    if services.enrolled(user):  # type: ignore[arg-type]
        context = {
            "password_user": True,
            "enrolled": True,
            "left": services.recovery_codes_left(user),  # type: ignore[arg-type]
            "required": services.required(user),  # type: ignore[arg-type]
            "remove_form": PasswordForm(request=request),
        }
        return render(request, "mfa/manage.html", context)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        codes = services.confirm(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if codes:
            return _codes(request, codes, enrolled=True)
        error = "That code is not right. Type the 6 digits your app shows now."
    context = enrolment(user, form, error)
    context.update(password_user=True, required=services.required(user))  # type: ignore[arg-type]
    return no_store(render(request, "mfa/setup.html", context, status=400 if error else 200))


@require_POST
@login_required
def new_codes(request: HttpRequest) -> HttpResponse:
    if not services.enrolled(request.user):  # type: ignore[arg-type]
        return redirect("mfa")
    return _codes(request, services.new_recovery_codes(request.user), enrolled=False)  # type: ignore[arg-type]


@sensitive_post_parameters("password")
@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.enrolled(user):  # type: ignore[arg-type]
        return redirect("mfa")
    form = PasswordForm(request.POST, request=request)
    if not form.is_valid():
        context = {
            "password_user": True,
            "enrolled": True,
            "left": services.recovery_codes_left(user),  # type: ignore[arg-type]
            "required": services.required(user),  # type: ignore[arg-type]
            "remove_form": form,
        }
        return render(request, "mfa/manage.html", context, status=400)
    services.remove(user, by=user)  # type: ignore[arg-type]
    done = "Two-step sign-in is off: your password alone signs you in."
    if services.required(user):  # type: ignore[arg-type]
        done = (
            "Two-step sign-in is off. Your organisation requires it, so your next "
            "sign-in will ask you to set it up again."
        )
    messages.success(request, done)
    return redirect("profile")
