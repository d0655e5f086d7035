"""Single sign-on on the trail, through the real callback against a provider on
loopback (tests/security/discovery.py) whose token endpoint answers with an ID token
this test signs: a refused sign-in says why, a sign-in says it came through the
provider and what it did, a role the provider's claim sets is a role change, signing
in again before making an API token is a confirmation, and the administrator's
linking switch is a settings change."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from keyplan.api.models import ApiToken
from keyplan.security import sessions
from keyplan.security.sso.models import SsoIdentity, SsoSettings
from keyplan.team.models import Role, User
from tests.audit.conftest import HERE, PASSWORD, events, only, signed_in_client
from tests.security.discovery import CLIENT, Provider, new_key, public_jwk, sign

KEY = new_key()


@pytest.fixture
def provider(settings):
    running = Provider()
    running.keys = [public_jwk(KEY, "key-1")]
    settings.KEYPLAN_OIDC_ISSUER = running.issuer
    settings.KEYPLAN_OIDC_CLIENT_ID = CLIENT
    settings.KEYPLAN_OIDC_CLIENT_SECRET = "secret"
    settings.KEYPLAN_OIDC_NAME = "Okta"
    cache.clear()
    yield running
    running.stop()
    cache.clear()


def back_from_provider(client: Client, provider: Provider, start: str = "/sso/start/", **claims):
    """Start the sign-in, then come back to the callback with a code the provider's
    token endpoint exchanges for an ID token with these claims."""
    started = client.get(start)
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    nonce = client.session["oidc_states"][state]["nonce"]
    provider.id_token = sign(KEY, iss=provider.issuer, nonce=nonce, **claims)
    return client.get(f"/sso/callback/?code=c-1&state={state}")


def test_a_first_sign_in_through_the_provider_says_so_and_what_it_did(provider, db):
    client = Client(REMOTE_ADDR=HERE)

    answer = back_from_provider(
        client, provider, sub="s-1", email="sam@example.com", email_verified=True,
        preferred_username="sam",
    )  # fmt: skip

    assert answer.status_code == 302 and "_auth_user_id" in client.session
    sam = User.objects.get(username="sam")
    event = only("signin")
    assert (event.actor, event.login, event.address) == (sam, "sam", HERE)
    assert event.details == {"via": "oidc", "outcome": "created"}
    back_from_provider(Client(), provider, sub="s-1", email="sam@example.com")
    assert [e.details["outcome"] for e in events("signin")] == ["created", "bound"]


def test_linking_by_email_is_the_outcome_an_administrator_can_see(provider, owner):
    User.objects.filter(pk=owner.pk).update(email="olga@example.com")
    SsoSettings.objects.update_or_create(pk=1, defaults={"link_by_email": True})

    back_from_provider(Client(), provider, sub="s-9", email="olga@example.com", email_verified=True)

    event = only("signin")
    assert event.actor == owner
    assert event.details == {"via": "oidc", "outcome": "linked"}


def test_a_refused_sign_in_is_a_failed_one_with_the_providers_reason(provider, owner):
    User.objects.filter(pk=owner.pk).update(email="olga@example.com")  # linking is off
    back_from_provider(
        Client(REMOTE_ADDR=HERE), provider, sub="s-2", email="olga@example.com", email_verified=True
    )

    event = only("signin.failed")  # once, not also as a password sign-in with no name
    assert (event.actor, event.login, event.address) == (None, "", HERE)
    assert event.details["via"] == "oidc"
    assert "An administrator must allow linking by email" in event.details["reason"]
    assert "olga@example.com" in event.details["reason"]
    assert events("signin") == []


def test_a_sign_in_cancelled_at_the_provider_is_a_failed_one(provider, db):
    client = Client(REMOTE_ADDR=HERE)
    started = client.get("/sso/start/")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]

    client.get(f"/sso/callback/?error=access_denied&state={state}")

    event = only("signin.failed")
    assert event.details == {"via": "oidc", "reason": "Okta did not sign you in: access_denied"}


def test_a_role_the_providers_claim_sets_is_a_role_change(provider, settings, db):
    settings.KEYPLAN_OIDC_ROLE_CLAIM = "groups"
    settings.KEYPLAN_OIDC_ROLE_MAP = "kp-kam=kam,kp-admin=admin"
    claims = {"sub": "s-3", "preferred_username": "kim"}
    back_from_provider(Client(), provider, groups=["kp-kam"], **claims)
    assert events("role.changed") == []  # created with it: user.created says so

    back_from_provider(Client(), provider, groups=["kp-admin"], **claims)

    event = only("role.changed")
    assert event.target_label == str(User.objects.get(username="kim"))
    assert event.details == {"role": [Role.KAM, Role.ADMIN]}
    assert only("user.created").details["fields"]["role"] == Role.KAM


def test_signing_in_again_before_making_a_token_is_a_confirmation(provider, settings, db):
    back_from_provider(Client(), provider, sub="s-4", preferred_username="casey")
    casey = User.objects.get(username="casey")
    client = signed_in_client(casey)

    answer = back_from_provider(
        client, provider, start="/sso/again/?next=/profile/", sub="s-4",
        auth_time=int(time.time()),
    )  # fmt: skip

    assert answer.status_code == 302
    event = only("signin.confirmed")
    assert (event.actor, event.address, event.details) == (casey, HERE, {"via": "oidc"})


def test_confirming_the_password_before_making_a_token_is_a_confirmation(owner):
    client = signed_in_client(owner)
    session = client.session
    session[sessions.STARTED] = int(time.time()) - 11 * 60
    session.save()

    client.post("/profile/", {"name": "Script", "password": "not-the-password"})
    assert events("signin.confirmed") == []
    client.post("/profile/", {"name": "Script", "password": PASSWORD})

    assert ApiToken.objects.filter(user=owner, name="Script").exists()
    event = only("signin.confirmed")
    assert (event.actor, event.address, event.details) == (owner, HERE, {"via": "password"})


def test_the_linking_switch_changed_in_the_admin_site_is_on_the_trail(admin_user):
    client = signed_in_client(admin_user)
    client.get("/admin/sso/ssosettings/")  # the one row, made on first sight

    client.post("/admin/sso/ssosettings/1/change/", {"link_by_email": "on"})

    event = only("sso.changed")
    assert event.actor == admin_user
    assert event.details == {"changes": {"link_by_email": [False, True]}}


def test_an_identity_unbound_in_the_admin_site_is_on_the_trail(provider, admin_user):
    back_from_provider(Client(), provider, sub="s-5", preferred_username="sam")
    identity = SsoIdentity.objects.get()
    client = signed_in_client(admin_user)

    client.post(f"/admin/sso/ssoidentity/{identity.pk}/delete/", {"post": "yes"})

    assert not SsoIdentity.objects.exists()
    event = only("sso.changed")
    assert event.actor == admin_user
    assert event.target_label == f"sam at {provider.issuer}"
    assert event.details == {"unbound": {"issuer": provider.issuer, "subject": "s-5"}}
