"""The check of an ID token, before any of its claims is believed (OpenID Connect
Core, 3.1.3.7): signed by one of the provider's own keys with an asymmetric algorithm
the provider announces (never `none`, never a shared secret), issued by the
configured issuer, for this client (`aud`, and `azp` when there are several
audiences), not expired, issued at a sane time, carrying the nonce of this sign-in,
and, for a re-authentication, an `auth_time` that recent."""

import time
from collections.abc import Callable, Iterable
from typing import Any

import jwt

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
LEEWAY = 60  # seconds of clock difference tolerated between keyplan and the provider


class IdTokenRefused(Exception):
    """The ID token is not to be believed; the message says why."""


def _key_for(header: dict[str, Any], keys: list[dict[str, Any]]) -> Any:
    kid = header.get("kid")
    candidates = [key for key in keys if key.get("use", "sig") == "sig"]
    if kid is not None:
        candidates = [key for key in candidates if key.get("kid") == kid]
    elif len(candidates) != 1:  # no kid: only a provider with a single key may omit it
        candidates = []
    candidates = [key for key in candidates if key.get("alg") in (None, header["alg"])]
    if not candidates:
        raise IdTokenRefused(f"the token is signed with a key the provider does not list ({kid})")
    try:
        return jwt.PyJWK(candidates[0], algorithm=header["alg"]).key
    except jwt.PyJWTError as error:
        raise IdTokenRefused(f"the provider's key {kid} cannot be used: {error}") from error


def verify_id_token(
    token: str,
    *,
    keys: Callable[[bool], list[dict[str, Any]]],
    issuer: str,
    audience: str,
    also_issuer: str | None = None,
    algorithms: Iterable[str] = ("RS256",),
    nonce: str | None = None,
    max_age: int | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The claims of `token` once checked; raises IdTokenRefused otherwise. `keys(fresh)`
    gives the provider's JWKS keys, read again when `fresh` (a key not seen before)."""
    allowed = sorted(ASYMMETRIC.intersection(algorithms))
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise IdTokenRefused(f"the token cannot be read: {error}") from error
    if header.get("alg") not in allowed:
        raise IdTokenRefused(f"the token is signed with {header.get('alg')!r}, not {allowed}")
    try:
        key = _key_for(header, keys(False))
    except IdTokenRefused:
        key = _key_for(header, keys(True))  # the provider may have rotated its keys
    moment = time.time() if now is None else now
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=audience,
            issuer=[issuer, also_issuer] if also_issuer else issuer,
            leeway=LEEWAY,
            options={
                "require": ["iss", "sub", "aud", "exp", "iat"],
                "verify_iat": False,  # checked below, against `now`
                "verify_exp": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidSignatureError as error:
        raise IdTokenRefused("the token's signature does not match the provider's key") from error
    except jwt.InvalidAudienceError as error:
        raise IdTokenRefused(f"the token is not for this client ({error})") from error
    except jwt.InvalidIssuerError as error:
        raise IdTokenRefused("the token comes from another issuer") from error
    except jwt.PyJWTError as error:
        raise IdTokenRefused(f"the token is not valid: {error}") from error
    if int(claims["exp"]) + LEEWAY <= moment:
        raise IdTokenRefused("the token has expired")
    if int(claims["iat"]) - LEEWAY > moment:
        raise IdTokenRefused("the token is issued in the future")
    if int(claims.get("nbf", 0)) - LEEWAY > moment:
        raise IdTokenRefused("the token is not valid yet")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != audience:
        raise IdTokenRefused("the token has several audiences and is not authorized for us")
    if nonce is not None and claims.get("nonce") != nonce:
        raise IdTokenRefused("the token's nonce is not this sign-in's")
    if max_age is not None:
        auth_time = claims.get("auth_time")
        if auth_time is None or int(auth_time) + max_age + LEEWAY < moment:
            raise IdTokenRefused("the provider did not ask for the sign-in again")
    return claims
