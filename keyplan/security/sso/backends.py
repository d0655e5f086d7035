"""The two ways to sign in, as Django authentication backends.

ProviderBackend: mozilla-django-oidc's code flow (the token request with the PKCE
verifier, the nonce), with the endpoints from the discovery document, keyplan's own
ID-token check (verification.py) and its own binding of the user (binding.py). It
does nothing until single sign-on is configured, and never for a password sign-in.

PasswordBackend: Django's password check, refused for whom KEYPLAN_PASSWORD_LOGIN
says may not use a password (everyone but administrators, or everyone)."""

import logging
from typing import Any

import httpx
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from keyplan.core.choices import Role
from keyplan.security.sso import binding, config
from keyplan.security.sso.verification import IdTokenRefused, verify_id_token
from keyplan.team.models import User

LOGGER = logging.getLogger(__name__)
GOOGLE = "https://accounts.google.com"
PATH = "keyplan.security.sso.backends.ProviderBackend"
# Set on the request by the callback: a re-authentication needs an `auth_time` this recent.
MAX_AGE = "keyplan_sso_max_age"
# Set on the request by the backend: why the sign-in was refused, and what it did.
REFUSAL = "keyplan_sso_refusal"
OUTCOME = "keyplan_sso_outcome"


def password_allowed(user: Any) -> bool:
    policy = config.password_login()
    if policy == "off":
        return False
    if policy == "admins":
        return bool(user.is_superuser or user.role == Role.ADMIN)
    return True


class PasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_allowed(user):
            return None  # counted as a failed sign-in, like a wrong password
        return user


class ProviderBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the library's: it reads every endpoint from settings at once, and Django
        # makes a backend for every sign-in, the password ones too. Ours asks lazily.
        self.UserModel = User

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return config.provider().token_endpoint

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.KEYPLAN_OIDC_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.KEYPLAN_OIDC_CLIENT_SECRET

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr == "OIDC_TOKEN_USE_BASIC_AUTH":
            return config.provider().basic_auth
        return super().get_settings(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any):
        # Only the callback passes a nonce and a PKCE verifier; anything else is not ours.
        if request is None or not config.configured() or "code_verifier" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except binding.SignInRefused as refused:
            reason = str(refused)
        except IdTokenRefused as refused:
            reason = f"keyplan could not trust the provider's answer: {refused}."
        except (
            config.ProviderUnavailable,
            SuspiciousOperation,
            requests.RequestException,
            httpx.HTTPError,
        ) as error:
            LOGGER.warning("single sign-on failed: %s", error)
            reason = "keyplan could not complete the sign-in with the provider. Try again."
        setattr(request, REFUSAL, reason)
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        provider = config.provider()
        return verify_id_token(
            token,
            keys=lambda fresh: config.signing_keys(fresh=fresh),
            issuer=provider.issuer,
            # Google's tokens may name their issuer without the scheme (its documentation).
            also_issuer="accounts.google.com" if provider.issuer == GOOGLE else None,
            audience=settings.KEYPLAN_OIDC_CLIENT_ID,
            algorithms=provider.algorithms,
            nonce=kwargs.get("nonce"),
            max_age=getattr(self.request, MAX_AGE, None),
        )

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]):
        """The ID token's claims, completed by the userinfo endpoint's (some providers
        put the email or the groups only there), which must be about the same subject."""
        endpoint = config.provider().userinfo_endpoint
        if not endpoint or not access_token:
            return dict(payload)
        response = httpx.get(
            endpoint,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=config.TIMEOUT,
        )
        response.raise_for_status()
        try:
            info = response.json()
        except ValueError:
            return dict(payload)  # a signed userinfo answer: the ID token's claims suffice
        if str(info.get("sub")) != str(payload["sub"]):
            raise SuspiciousOperation("the userinfo answer is about another subject")
        return {**info, **payload}

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]):
        claims = self.get_userinfo(access_token, id_token, payload)
        # Bound to the issuer as configured, not as spelt in the token (Google has two).
        user, outcome = binding.sign_in(config.provider().issuer, claims)
        setattr(self.request, OUTCOME, outcome)
        return user

    def get_user(self, user_id: Any):
        return ModelBackend.get_user(self, user_id)  # the library's skips is_active
