"""Create, check and revoke personal API tokens.

A token is "kp_" and 43 random URL-safe characters. Only its SHA-256 digest is
stored, so a leaked database does not leak usable tokens; the secret is shown once
when it is created. SHA-256 (not a slow password hash) is enough for 256 random
bits and keeps every API request cheap.
"""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from keyplan.api.models import ApiToken
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.core import clock
from keyplan.core.choices import Role

PREFIX = "kp_"
# Writing "last used" on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRefused(Exception):
    """The token is unknown, revoked or expired (the message says which)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _day(moment: datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment else "never"


def end_of(day: date) -> datetime:
    """A token given a last day works through that whole day."""
    return timezone.make_aware(datetime.combine(day, time.max))


def default_expiry() -> datetime:
    """The end of the last day a new token works by default (KEYPLAN_TOKEN_DAYS)."""
    return end_of(clock.today() + timedelta(days=settings.KEYPLAN_TOKEN_DAYS))


def create(
    user, *, name: str, expires_at: datetime | None = None, never: bool = False
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the record and the secret (shown once). It works
    until `expires_at`, by default for KEYPLAN_TOKEN_DAYS; only an administrator's token
    may work until revoked (`never`), since a forgotten token is a door left open."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    if never:
        if not (user.is_superuser or user.role == Role.ADMIN):
            raise ValidationError(
                {"expires_at": "Only an administrator's token may work until revoked."}
            )
        expires_at = None
    elif expires_at is None:
        expires_at = default_expiry()
    if expires_at is not None and expires_at <= clock.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if not user.is_active:
        raise ValidationError({"user": f"{user.username} is not an active user."})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(PREFIX) + 6],
        digest=digest(secret),
        expires_at=expires_at,
    )
    record(kinds.TOKEN_CREATED, target=token, owner=user.username, expires=_day(expires_at))
    return token, secret


def authenticate(secret: str):
    """The active user `secret` belongs to; raises TokenRefused otherwise."""
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret.strip())).first()
    if token is None:
        raise TokenRefused("The API token is not valid.")
    if token.revoked_at is not None:
        raise TokenRefused("The API token has been revoked.")
    now = clock.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused("The API token has expired.")
    if not token.user.is_active:
        raise TokenRefused("The API token's user is deactivated.")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # The audit's "token used" rides on this write, once a minute at most; of two
        # requests at once only the one that moved last_used_at records it.
        stale = models.Q(last_used_at__isnull=True) | models.Q(
            last_used_at__lte=now - LAST_USED_RESOLUTION
        )
        if ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now):
            record(kinds.TOKEN_USED, actor=token.user, target=token)
    return token.user


def revoke(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record(kinds.TOKEN_REVOKED, target=token, owner=token.user.username)
    return token


def revoke_all(user) -> int:
    """Revoke every token of `user` that still works; how many."""
    live = ApiToken.objects.filter(user=user).usable()
    revoked = [(token.pk, str(token)) for token in live]
    live.filter(pk__in=[pk for pk, _ in revoked]).update(revoked_at=clock.now())
    for pk, label in revoked:
        record(kinds.TOKEN_REVOKED, target=("apitoken", pk, label), owner=user.username)
    return len(revoked)


def change_password(user, password: str, *, revoke_tokens: bool) -> int:
    """Set `user`'s password (already validated) and, if asked, revoke all their tokens
    with it: after a leak both are changed at once. How many tokens were revoked."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        return revoke_all(user) if revoke_tokens else 0
