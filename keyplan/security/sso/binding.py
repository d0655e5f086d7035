"""Who a provider's sign-in is in keyplan (every change it makes, in one transaction).

- A provider identity is its issuer and subject (`iss`, `sub`); once bound to a
  keyplan user it signs in as that user, whatever its email says later.
- A new identity whose email belongs to a keyplan user is linked to that user only
  when the provider says `email_verified` and an administrator allows linking
  (SsoSettings.link_by_email). Otherwise the sign-in is refused, saying why: a second
  user with the same address would be a twin that linking could later confuse.
- Any other new identity becomes a new user, without a password, with the role the
  role claim maps to (KEYPLAN_OIDC_ROLE_MAP) or the default role.
- With a role map the claim sets the role at each sign-in (a value the map does not
  name gives the default role), so the provider's groups stay the truth.
"""

import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from keyplan.core.choices import Role
from keyplan.security.sso import config
from keyplan.security.sso.models import SsoIdentity, SsoSettings
from keyplan.team.models import User

# Highest first: when the claim holds several mapped values the user gets the highest.
RANK = [Role.ADMIN, Role.LEADER, Role.KAM, Role.CONTRIBUTOR, Role.VIEWER]
USERNAME = re.compile(r"[^\w.@+-]")


class SignInRefused(Exception):
    """The provider's user may not sign in to keyplan; the message says why."""


def default_role() -> str:
    return str(User._meta.get_field("role").default)


def _claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by name, or by a dotted path into nested claims (realm_access.roles)."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def mapped_role(claims: dict[str, Any]) -> str | None:
    """The role the role claim maps to; None when no role map is configured."""
    mapping = config.role_map()
    if not mapping:
        return None
    value = _claim(claims, settings.KEYPLAN_OIDC_ROLE_CLAIM)
    values = value if isinstance(value, list) else [value]
    roles = {mapping[str(item)] for item in values if str(item) in mapping}
    return next((role for role in RANK if role in roles), default_role())


def email_verified(claims: dict[str, Any]) -> bool:
    # Some providers send the boolean as a string.
    return claims.get("email_verified") in (True, "true", "True")


def _free_username(claims: dict[str, Any], email: str) -> str:
    wanted = claims.get("preferred_username") or email or f"sso-{claims['sub']}"
    base = USERNAME.sub("-", str(wanted))[:140] or "sso-user"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _linkable(issuer: str, email: str, claims: dict[str, Any]) -> User | None:
    """The existing user this new identity may be linked to, or None for a new user."""
    if not email:
        return None
    same = list(User.objects.filter(email__iexact=email)[:2])
    if not same:
        return None
    if not email_verified(claims):
        raise SignInRefused(
            f"keyplan already has a user with the email {email}, and your provider has not "
            "verified that address, so keyplan will not sign you in as them. Ask an "
            "administrator."
        )
    if not SsoSettings.current().link_by_email:
        raise SignInRefused(
            f"keyplan already has a user with the email {email}. An administrator must "
            "allow linking by email before you can sign in as them with single sign-on."
        )
    if len(same) > 1 or SsoIdentity.objects.filter(user=same[0], issuer=issuer).exists():
        raise SignInRefused(
            f"The keyplan user with the email {email} is already someone else's single "
            "sign-on, or several users share that email. Ask an administrator."
        )
    return same[0]


def _new_user(email: str, claims: dict[str, Any]) -> User:
    # An address the provider did not verify is neither kept nor made the username: it
    # would make the next identity with that email look like this user.
    email = email if email_verified(claims) else ""
    user = User(
        username=_free_username(claims, email),
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        role=mapped_role(claims) or default_role(),
    )
    user.set_unusable_password()  # signs in through the provider only
    user.full_clean()
    user.save()
    return user


def sign_in(issuer: str, claims: dict[str, Any]) -> tuple[User, str]:
    """The keyplan user of this verified sign-in, bound, linked or created; and what
    happened: "bound" (known identity), "linked" (by email) or "created"."""
    try:
        return _sign_in(issuer, claims)
    except IntegrityError:  # the same first sign-in twice at once: the other one won
        return _sign_in(issuer, claims)


def _sign_in(issuer: str, claims: dict[str, Any]) -> tuple[User, str]:
    subject = str(claims["sub"])
    email = str(claims.get("email") or "").strip()
    with transaction.atomic():
        identity = (
            SsoIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        outcome = "bound"
        if identity is None:
            user = _linkable(issuer, email, claims)
            outcome = "created" if user is None else "linked"
            user = user or _new_user(email, claims)
            identity = SsoIdentity(user=user, issuer=issuer, subject=subject)
        user = identity.user
        if not user.is_active:
            raise SignInRefused("Your keyplan user is deactivated. Ask an administrator.")
        role = mapped_role(claims)
        if role is not None and user.role != role and not user.is_superuser:
            user.role = role
            user.save(update_fields=["role", "is_staff"])
        identity.email = email if email_verified(claims) else identity.email
        identity.last_sign_in = timezone.now()
        identity.save()
    return user, outcome
