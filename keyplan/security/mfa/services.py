"""Every change to a user's two-step sign-in, each in a transaction: enrolling an
authenticator app (a TOTP device, django-otp), its recovery codes (one static device
whose tokens are used up one by one), checking a code, removing and resetting.

A user has MFA once their TOTP device is confirmed (a code from the app was
accepted). An unconfirmed device is an enrolment under way and checks nothing."""

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from keyplan.core.access import is_administrator
from keyplan.security import signals
from keyplan.team.models import Organisation, RequireMfa, User

RECOVERY_CODES = 10
APP = "Authenticator app"
RECOVERY = "Recovery codes"
_TOTP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Check:
    """The outcome of a code: accepted (and by which kind), or refused and why."""

    accepted: bool
    kind: str = ""  # "app" or "recovery" when accepted
    wait_until: datetime | None = None  # refused unchecked: too soon after a wrong one


def _app(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required(user: User) -> bool:
    """Whether the organisation makes `user` confirm password sign-ins with a code."""
    rule = Organisation.current().require_mfa
    if rule == RequireMfa.EVERYONE:
        return True
    return rule == RequireMfa.ADMINISTRATORS and is_administrator(user)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise(code: str) -> str:
    """What the user typed, as stored: apps show "123 456", codes may be copied with
    spaces or dashes, and recovery codes are lowercase."""
    return re.sub(r"[\s-]", "", code or "").lower()


@transaction.atomic
def start(user: User) -> TOTPDevice:
    """The enrolment under way for `user`: an unconfirmed device with a new secret,
    or the one already started (so reloading the page keeps the QR code the app read)."""
    device = _app(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The device's key as people type it into an app: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def confirm(user: User, code: str) -> list[str] | None:
    """Finish enrolling with a code from the app: the device checks sign-ins from now
    on, replacing any earlier one, and the new recovery codes are returned (to be shown
    once). None when the code is not the app's current one."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    code = normalise(code)
    if device is None or not _TOTP_CODE.match(code) or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_codes(user)
    signals.mfa_enrolled.send(__name__, user=user)
    return codes


def _new_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes (the old ones stop working) with new ones."""
    if not enrolled(user):
        raise ValueError(f"{user.username} has no two-step sign-in to make codes for.")
    codes = _new_codes(user)
    signals.mfa_codes.send(__name__, user=user)
    return codes


@transaction.atomic
def verify(user: User, code: str) -> Check:
    """Check a code typed at sign-in: six digits from the app (each accepted once), or
    a recovery code (used up by being accepted). Consecutive wrong codes make the next
    try wait (django-otp's throttle, per device)."""
    code = normalise(code)
    if _TOTP_CODE.match(code):
        app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if app is None:
            return Check(False)
        allowed, why = app.verify_is_allowed()
        if not allowed:
            return Check(False, wait_until=(why or {}).get("locked_until"))
        return Check(True, "app") if app.verify_token(code) else Check(False)
    recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if recovery is None or not code:
        return Check(False)
    allowed, why = recovery.verify_is_allowed()
    if not allowed:
        return Check(False, wait_until=(why or {}).get("locked_until"))
    # Deleted in one statement, so two sign-ins racing with one code cannot both pass.
    used, _ = StaticToken.objects.filter(device=recovery, token=code).delete()
    if not used:
        recovery.throttle_increment()
        return Check(False)
    recovery.throttle_reset(commit=False)
    recovery.set_last_used_timestamp(commit=False)
    recovery.save()
    return Check(True, "recovery")


@transaction.atomic
def remove(user: User, *, by: User | None = None) -> bool:
    """Turn two-step sign-in off for `user` (their app and recovery codes stop working);
    whether there was any. The user's own choice (the profile page asks the password)
    or an administrator's reset (`by`), for someone who lost their phone and codes."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if removed:
        signals.mfa_removed.send(__name__, user=user, by=by)
    return bool(removed)
