"""The provider as configured (KEYPLAN_OIDC_*) and as it describes itself: the
discovery document (`{issuer}/.well-known/openid-configuration`) names the endpoints
and the signing keys' address, so only the issuer is configured. Both documents are
cached for an hour; the keys are fetched again at once when a token names a key that
is not in them (the provider rotated its keys)."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.cache import cache

from keyplan.core.choices import Role

CACHE_SECONDS = 3600
TIMEOUT = 10.0
PASSWORD_LOGIN_CHOICES = ("all", "admins", "off")


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be read."""


def configured() -> bool:
    return bool(settings.KEYPLAN_OIDC_ISSUER and settings.KEYPLAN_OIDC_CLIENT_ID)


def issuer() -> str:
    return settings.KEYPLAN_OIDC_ISSUER.rstrip("/")


def provider_name() -> str:
    return settings.KEYPLAN_OIDC_NAME or "single sign-on"


def password_login() -> str:
    """Who may sign in with a password: all, admins or off. Without single sign-on
    everyone may, whatever the setting says (the configuration check warns)."""
    return settings.KEYPLAN_PASSWORD_LOGIN if configured() else "all"


def loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in {"127.0.0.1", "localhost", "::1"}


def role_map() -> dict[str, str]:
    """KEYPLAN_OIDC_ROLE_MAP, `claim-value=role,...`, as {claim value: role}; empty
    when unset. Values that are not `value=role` are left for the check to report."""
    pairs = (item.rpartition("=") for item in settings.KEYPLAN_OIDC_ROLE_MAP.split(","))
    return {value.strip(): role.strip() for value, _, role in pairs if value.strip()}


def role_problems() -> list[str]:
    known = set(Role.values)
    return [f"{value}={role}" for value, role in role_map().items() if role not in known]


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str | None
    jwks_uri: str
    algorithms: tuple[str, ...]
    # HTTP Basic for the client secret, the standard's default, unless only posting it is.
    basic_auth: bool


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document


def _cache_key(kind: str) -> str:
    return f"keyplan:sso:{kind}:{issuer()}"


def provider() -> Provider:
    """The configured provider's endpoints, from its discovery document."""
    document = cache.get(_cache_key("discovery"))
    if document is None:
        document = _get_json(f"{issuer()}/.well-known/openid-configuration")
        # The document must be the issuer's own (OpenID Connect Discovery, section 4.3).
        if str(document.get("issuer", "")).rstrip("/") != issuer():
            raise ProviderUnavailable(
                f"the discovery document names the issuer {document.get('issuer')!r}, "
                f"not {issuer()!r}"
            )
        cache.set(_cache_key("discovery"), document, CACHE_SECONDS)
    try:
        return Provider(
            issuer=str(document["issuer"]),
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            userinfo_endpoint=document.get("userinfo_endpoint"),
            jwks_uri=document["jwks_uri"],
            algorithms=tuple(document.get("id_token_signing_alg_values_supported") or ["RS256"]),
            basic_auth="client_secret_basic"
            in (document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]),
        )
    except KeyError as missing:
        raise ProviderUnavailable(f"the discovery document has no {missing}") from None


def signing_keys(*, fresh: bool = False) -> list[dict[str, Any]]:
    """The provider's public keys (JWKS); `fresh` reads them again past the cache."""
    keys = None if fresh else cache.get(_cache_key("jwks"))
    if keys is None:
        keys = _get_json(provider().jwks_uri).get("keys") or []
        cache.set(_cache_key("jwks"), keys, CACHE_SECONDS)
    return list(keys)
