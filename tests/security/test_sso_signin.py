"""Single sign-on around the browser journeys (tests/browser/test_sso.py): who may
still sign in with a password (KEYPLAN_PASSWORD_LOGIN), how the sign-in starts (PKCE,
nonce, a fresh sign-in when asked), who a provider's user becomes (binding, linking,
roles), the token page's sign-in again, and the configuration checks."""

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client

from keyplan.api.models import ApiToken
from keyplan.security import sessions
from keyplan.security.sso import backends, binding, checks
from keyplan.security.sso.models import SsoIdentity, SsoSettings
from keyplan.team.models import Role, User
from tests.security.discovery import CLIENT, Provider

ISSUER = "https://id.example.com"
PASSWORD = "a-long-test-password"


@pytest.fixture
def sso(settings):
    """Single sign-on configured (nothing here reads the provider)."""
    settings.KEYPLAN_OIDC_ISSUER = ISSUER
    settings.KEYPLAN_OIDC_CLIENT_ID = CLIENT
    settings.KEYPLAN_OIDC_CLIENT_SECRET = "secret"
    settings.KEYPLAN_OIDC_NAME = "Okta"
    return settings


@pytest.fixture
def provider(settings):
    running = Provider()
    settings.KEYPLAN_OIDC_ISSUER = running.issuer
    settings.KEYPLAN_OIDC_CLIENT_ID = CLIENT
    settings.KEYPLAN_OIDC_CLIENT_SECRET = "secret"
    cache.clear()
    yield running
    running.stop()
    cache.clear()


def password_sign_in(username: str) -> int:
    return Client().post("/login/", {"username": username, "password": PASSWORD}).status_code


# Password sign-in


def test_with_password_login_for_admins_only_administrators_use_a_password(sso, admin_user, owner):
    sso.KEYPLAN_PASSWORD_LOGIN = "admins"

    page = Client().get("/login/").text

    assert "Sign in with Okta" in page
    assert "The password form below is for administrators." in page
    assert password_sign_in(admin_user.username) == 302
    assert password_sign_in(owner.username) == 200  # the page again, refused


def test_with_password_login_off_nobody_signs_in_with_a_password(sso, admin_user):
    sso.KEYPLAN_PASSWORD_LOGIN = "off"

    page = Client().get("/login/").text

    assert 'name="password"' not in page
    assert password_sign_in(admin_user.username) == 200


def test_without_single_sign_on_passwords_stay_on_and_the_check_warns(settings, owner):
    settings.KEYPLAN_PASSWORD_LOGIN = "off"

    assert password_sign_in(owner.username) == 302
    assert "Sign in with" not in Client().get("/login/").text
    assert [problem.id for problem in checks.sso_settings()] == ["keyplan.W105"]


# The start of the sign-in


def test_the_sign_in_goes_to_the_provider_with_pkce_and_a_nonce(provider, db):
    client = Client()

    response = client.get("/sso/start/?next=/accounts/")

    assert response.status_code == 302
    address = urlsplit(response["Location"])
    assert f"{address.scheme}://{address.netloc}{address.path}" == f"{provider.issuer}/authorize"
    asked = {key: values[0] for key, values in parse_qs(address.query).items()}
    pending = client.session["oidc_states"][asked["state"]]
    verifier = pending["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert asked["code_challenge"] == challenge.decode().rstrip("=")
    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"] == pending["nonce"]
    assert asked["redirect_uri"] == "http://testserver/sso/callback/"
    assert asked["client_id"] == CLIENT
    assert "prompt" not in asked
    assert client.session["oidc_login_next"] == "/accounts/"


def test_signing_in_again_asks_the_provider_for_a_fresh_sign_in(provider, owner):
    client = Client()
    client.force_login(owner)

    response = client.get("/sso/again/?next=/profile/")

    asked = parse_qs(urlsplit(response["Location"]).query)
    assert asked["prompt"] == ["login"]
    assert asked["max_age"] == ["600"]


def test_cancelling_a_sign_in_again_at_the_provider_keeps_the_session(provider, owner):
    client = Client()
    client.force_login(owner)
    started = client.get("/sso/again/?next=/profile/")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]

    back = client.get(f"/sso/callback/?error=access_denied&state={state}", follow=True)

    assert back.redirect_chain[-1][0] == "/profile/"
    assert "did not sign you in: access_denied" in back.text
    assert back.wsgi_request.user == owner


def test_an_unreachable_provider_is_said_on_the_sign_in_page(settings, db):
    settings.KEYPLAN_OIDC_ISSUER = "http://127.0.0.1:9"  # discard: nothing listens
    settings.KEYPLAN_OIDC_CLIENT_ID = CLIENT
    settings.KEYPLAN_OIDC_NAME = "Okta"

    response = Client().get("/sso/start/", follow=True)

    assert "Okta cannot be reached. Try again." in response.text


def test_without_single_sign_on_its_pages_are_not_found(db):
    assert Client().get("/sso/start/").status_code == 404


def test_a_callback_without_a_sign_in_under_way_signs_nobody_in(sso, db):
    response = Client().get("/sso/callback/?code=stolen&state=made-up", follow=True)

    assert "Single sign-on did not complete" in response.text
    assert isinstance(response.wsgi_request.user, AnonymousUser)


# Who the provider's user becomes


def claims(sub="s-1", **more):
    return {"sub": sub, "email": "sam@example.com", "email_verified": True, **more}


def test_an_identity_stays_bound_when_its_email_changes(sso, db):
    first, outcome = binding.sign_in(ISSUER, claims(preferred_username="sam"))
    later, again = binding.sign_in(ISSUER, claims(email="samuel@example.com"))

    assert (outcome, again) == ("created", "bound")
    assert later == first
    assert SsoIdentity.objects.get().email == "samuel@example.com"


def test_a_new_users_name_does_not_take_an_existing_one(sso, owner):
    user, _ = binding.sign_in(ISSUER, claims(preferred_username=owner.username))

    assert user != owner
    assert user.username == f"{owner.username}-2"
    assert user.role == Role.VIEWER  # the default role without a role map


def test_an_unverified_email_is_not_kept_on_a_new_user(sso, db):
    user, _ = binding.sign_in(ISSUER, claims(email_verified=False))

    assert user.email == ""
    assert "sam" not in user.username


def test_the_highest_mapped_role_wins_and_an_unmapped_claim_gives_the_default(sso, db):
    sso.KEYPLAN_OIDC_ROLE_CLAIM = "realm_access.roles"  # Keycloak's place for them
    sso.KEYPLAN_OIDC_ROLE_MAP = "kp-kam=kam,kp-admin=admin,kp-viewer=viewer"

    both, _ = binding.sign_in(ISSUER, claims(realm_access={"roles": ["kp-kam", "kp-admin"]}))
    demoted, _ = binding.sign_in(ISSUER, claims(realm_access={"roles": ["other"]}))

    assert both == demoted
    assert both.role == Role.ADMIN
    demoted.refresh_from_db()
    assert demoted.role == Role.VIEWER
    assert not demoted.is_staff


def test_without_a_role_map_an_administrators_choice_stays(sso, db):
    user, _ = binding.sign_in(ISSUER, claims(roles=["kp-admin"]))
    user.role = Role.KAM
    user.save()

    again, _ = binding.sign_in(ISSUER, claims(roles=["kp-admin"]))

    assert again.role == Role.KAM


def test_a_deactivated_user_is_refused(sso, db):
    user, _ = binding.sign_in(ISSUER, claims())
    User.objects.filter(pk=user.pk).update(is_active=False)

    with pytest.raises(binding.SignInRefused, match="deactivated"):
        binding.sign_in(ISSUER, claims())


def test_a_user_already_bound_to_another_identity_is_not_linked_again(sso, owner):
    owner.email = "sam@example.com"
    owner.save()
    SsoSettings.objects.update_or_create(pk=1, defaults={"link_by_email": True})
    linked, outcome = binding.sign_in(ISSUER, claims(sub="s-1"))
    assert (linked, outcome) == (owner, "linked")

    with pytest.raises(binding.SignInRefused, match="already someone else"):
        binding.sign_in(ISSUER, claims(sub="s-2"))


def test_an_administrator_allows_linking_in_the_admin_site(admin_user, owner):
    client = Client()
    client.force_login(admin_user)

    listed = client.get("/admin/sso/ssosettings/")
    saved = client.post("/admin/sso/ssosettings/1/change/", {"link_by_email": "on"})

    assert listed.status_code == 200
    assert saved.status_code == 302
    assert SsoSettings.current().link_by_email
    outsider = Client()
    outsider.force_login(owner)
    assert outsider.get("/admin/sso/ssosettings/1/change/").status_code in (302, 403)


# The token page's sign-in again


def test_an_sso_user_with_an_old_sign_in_is_sent_through_the_provider(sso, db):
    user, _ = binding.sign_in(ISSUER, claims())
    client = Client()
    client.force_login(user, backend=backends.PATH)
    session = client.session
    session[sessions.STARTED] = int(time.time()) - 11 * 60
    session.save()

    page = client.get("/profile/").text
    posted = client.post("/profile/", {"name": "Script"})

    assert 'href="/sso/again/?next=%2Fprofile%2F"' in page
    assert "Your password" not in page
    assert not ApiToken.objects.exists()
    assert posted.status_code == 200


def test_a_password_user_is_still_asked_for_the_password(sso, owner):
    client = Client()
    client.force_login(owner)
    session = client.session
    session[sessions.STARTED] = int(time.time()) - 11 * 60
    session.save()

    page = client.get("/profile/").text

    assert "Your password" in page
    assert "/sso/again/" not in page


# Configuration checks


def test_the_checks_name_settings_that_cannot_work(settings):
    settings.KEYPLAN_OIDC_ISSUER = "http://id.example.com"
    settings.KEYPLAN_OIDC_CLIENT_ID = ""
    settings.KEYPLAN_OIDC_ROLE_MAP = "kp-boss=boss,kp-kam=kam"
    settings.KEYPLAN_PASSWORD_LOGIN = "nobody"

    found = {problem.id: problem.msg for problem in checks.sso_settings()}

    assert sorted(found) == ["keyplan.E101", "keyplan.E102", "keyplan.E103", "keyplan.E104"]
    assert "kp-boss=boss" in found["keyplan.E104"]
    assert "kp-kam" not in found["keyplan.E104"]
