"""The sign-in pages: the password (Django's LoginView, stopping half-way for users
with two-step sign-in), then the code, or the enrolment the organisation requires.
Only when that step passes is the user signed in (login())."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters

from keyplan.security import lockout
from keyplan.security.headers import no_store
from keyplan.security.mfa import pending, qr, services
from keyplan.security.mfa.forms import CodeForm

LAPSED = "Your sign-in was not finished within 10 minutes; please sign in again."
# Set on the request before the sign-in completes: the code that passed, "app" or
# "recovery" (the audit trail notes it on the sign-in).
METHOD = "keyplan_mfa_method"


class SignIn(LoginView):
    """keyplan's sign-in page (also at /admin/login/, so the admin site has no way in
    that skips the second step)."""

    template_name = "web/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if services.enrolled(user):
            step = pending.CODE
        elif services.required(user):
            step = pending.SETUP
        else:
            return super().form_valid(form)
        pending.begin(self.request, user, step, self.get_success_url())
        return redirect("mfa-code" if step == pending.CODE else "mfa-setup")


def _signed_in(request: HttpRequest, half: pending.Pending) -> None:
    pending.clear(request)
    login(request, half.user, backend=half.backend)


@sensitive_post_parameters("code")
def code_step(request: HttpRequest) -> HttpResponse:
    half = pending.current(request, pending.CODE)
    if half is None:
        messages.info(request, LAPSED)
        return redirect("login")
    credentials = {"username": half.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        pending.clear(request)
        return lockout.locked_out(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        check = services.verify(half.user, form.cleaned_data["code"])
        if check.accepted:
            setattr(request, METHOD, check.kind)
            _signed_in(request, half)
            if check.kind == "recovery":
                # Likely without their phone: to where they can set up another or make codes.
                left = services.recovery_codes_left(half.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; it cannot be used again. {left} "
                    "left. Lost your phone? Turn two-step sign-in off and on again here "
                    "with a new one.",
                )
                return redirect("mfa")
            return redirect(half.next or reverse("portfolio"))
        if check.wait_until:
            error = "Too many wrong codes in a row: wait a few seconds, then try again."
        else:
            error = (
                "That code is not right. Type the 6 digits your app shows now, or a recovery code."
            )
            # Counts towards the lockout like a wrong password; at the limit the lockout
            # middleware answers instead of this page. `second_step`: a wrong code, not
            # a wrong password (the audit trail tells them apart).
            user_login_failed.send(
                __name__, credentials=credentials, request=request, second_step=True
            )
            if getattr(request, "axes_locked_out", False):
                pending.clear(request)
    return render(
        request, "mfa/code.html", {"form": form, "error": error}, status=400 if error else 200
    )


@sensitive_post_parameters("code")
def setup_step(request: HttpRequest) -> HttpResponse:
    """Enrolment before the sign-in completes, for a user the organisation requires to
    use two-step sign-in: there is nowhere else to go until it is done."""
    half = pending.current(request, pending.SETUP)
    if half is None:
        messages.info(request, LAPSED)
        return redirect("login")
    user = half.user
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        codes = services.confirm(user, form.cleaned_data["code"])
        if codes:
            _signed_in(request, half)
            return no_store(
                render(
                    request,
                    "mfa/recovery.html",
                    {"codes": codes, "next": half.next or reverse("portfolio"), "enrolled": True},
                )
            )
        error = "That code is not right. Type the 6 digits your app shows now."
    context = enrolment(user, form, error)
    context["required"] = True
    return no_store(render(request, "mfa/setup.html", context, status=400 if error else 200))


def enrolment(user, form: CodeForm, error: str) -> dict:
    """What the enrolment form shows: the QR code and the same secret as text."""
    device = services.start(user)
    return {
        "form": form,
        "error": error,
        "qr": qr.svg(device.config_url, "QR code for your authenticator app"),
        "secret": services.secret(device),
    }
