"""The ID-token check of single sign-on, with tokens these tests sign themselves: the
provider here is a real HTTP server on loopback that serves a discovery document and
its public keys, and keyplan's backend reads both from it, as from Okta or Keycloak."""

import time

import jwt
import pytest
from django.core.cache import cache

from keyplan.security.sso.backends import ProviderBackend
from keyplan.security.sso.verification import IdTokenRefused, verify_id_token
from tests.security.discovery import CLIENT, Provider, new_key, public_jwk, sign


@pytest.fixture(scope="module")
def provider():
    running = Provider()
    yield running
    running.stop()


@pytest.fixture
def signing_key(provider, settings):
    key = new_key()
    provider.keys = [public_jwk(key, "key-1")]
    settings.KEYPLAN_OIDC_ISSUER = provider.issuer
    settings.KEYPLAN_OIDC_CLIENT_ID = CLIENT
    settings.KEYPLAN_OIDC_CLIENT_SECRET = "secret"
    cache.clear()
    yield key
    cache.clear()


def verify(token: str, **kwargs) -> dict:
    backend = ProviderBackend()
    backend.request = None
    return backend.verify_token(token, nonce="n-1", **kwargs)


def test_a_token_from_the_provider_for_keyplan_is_accepted(provider, signing_key):
    claims = verify(sign(signing_key, iss=provider.issuer, email="casey@example.com"))

    assert claims["sub"] == "u-1"
    assert claims["email"] == "casey@example.com"


def test_a_token_for_another_client_is_refused(provider, signing_key):
    token = sign(signing_key, iss=provider.issuer, aud="some-other-app")

    with pytest.raises(IdTokenRefused, match="not for this client"):
        verify(token)


def test_a_token_with_several_audiences_must_be_authorized_for_keyplan(provider, signing_key):
    token = sign(signing_key, iss=provider.issuer, aud=[CLIENT, "other"], azp="other")

    with pytest.raises(IdTokenRefused, match="several audiences"):
        verify(token)


def test_a_token_signed_with_an_unknown_key_is_refused(provider, signing_key):
    stranger = new_key()

    unknown_kid = sign(stranger, kid="key-2", iss=provider.issuer)
    forged = sign(stranger, kid="key-1", iss=provider.issuer)  # the provider's kid, not its key

    with pytest.raises(IdTokenRefused, match="does not list"):
        verify(unknown_kid)
    with pytest.raises(IdTokenRefused, match="signature"):
        verify(forged)


def test_an_expired_token_is_refused(provider, signing_key):
    an_hour_ago = int(time.time()) - 3600
    token = sign(signing_key, iss=provider.issuer, iat=an_hour_ago - 300, exp=an_hour_ago)

    with pytest.raises(IdTokenRefused, match="expired"):
        verify(token)


def test_a_token_without_an_expiry_is_refused(provider, signing_key):
    now = int(time.time())
    token = jwt.encode(
        {"sub": "u-1", "aud": CLIENT, "iss": provider.issuer, "iat": now, "nonce": "n-1"},
        signing_key,
        algorithm="RS256",
        headers={"kid": "key-1"},
    )

    with pytest.raises(IdTokenRefused, match="exp"):
        verify(token)


def test_a_token_from_another_issuer_or_sign_in_is_refused(provider, signing_key):
    with pytest.raises(IdTokenRefused, match="another issuer"):
        verify(sign(signing_key, iss="https://evil.example.com"))
    with pytest.raises(IdTokenRefused, match="nonce"):
        verify(sign(signing_key, iss=provider.issuer, nonce="someone-elses"))


def test_unsigned_and_shared_secret_tokens_are_refused(provider, signing_key):
    unsigned = jwt.encode({"sub": "u-1", "aud": CLIENT, "iss": provider.issuer}, None, "none")
    # Signed with the provider's public key as an HMAC secret: the classic confusion.
    public = provider.keys[0]["n"]
    shared = jwt.encode({"sub": "u-1", "aud": CLIENT, "iss": provider.issuer}, public, "HS256")

    for token in (unsigned, shared):
        with pytest.raises(IdTokenRefused, match="signed with"):
            verify(token)


def test_a_sign_in_again_needs_a_recent_auth_time(provider, signing_key):
    backend = ProviderBackend()

    class Request:
        keyplan_sso_max_age = 600

    backend.request = Request()
    recent = sign(signing_key, iss=provider.issuer, auth_time=int(time.time()) - 30)
    old = sign(signing_key, iss=provider.issuer, auth_time=int(time.time()) - 3600)

    assert backend.verify_token(recent, nonce="n-1")["sub"] == "u-1"
    with pytest.raises(IdTokenRefused, match="did not ask for the sign-in again"):
        backend.verify_token(old, nonce="n-1")


def test_a_rotated_key_is_fetched_again(provider, signing_key):
    verify(sign(signing_key, iss=provider.issuer))  # the keys are now cached
    rotated = new_key()
    provider.keys = [public_jwk(rotated, "key-2")]
    reads = provider.jwks_reads

    claims = verify(sign(rotated, kid="key-2", iss=provider.issuer))

    assert claims["sub"] == "u-1"
    assert provider.jwks_reads == reads + 1


def test_googles_issuer_without_the_scheme_is_accepted_only_for_google(signing_key):
    token = sign(signing_key, iss="accounts.google.com")
    keys = [public_jwk(signing_key, "key-1")]

    def check(also_issuer):
        return verify_id_token(
            token,
            keys=lambda fresh: keys,
            issuer="https://accounts.google.com",
            also_issuer=also_issuer,
            audience=CLIENT,
        )

    assert check("accounts.google.com")["sub"] == "u-1"
    with pytest.raises(IdTokenRefused, match="another issuer"):
        check(None)
