"""Single sign-on in Chromium against a real OpenID Provider (django-oauth-toolkit in
its own process on loopback, tests/security/provider): the first sign-in creates the
user with the role the provider's claim maps to, an unverified email is not linked to
the keyplan user who has it, a verified one is once an administrator allows it, the
password form goes when KEYPLAN_PASSWORD_LOGIN=off, and a single sign-on user creating
an API token long after signing in is sent through the provider again."""

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from playwright.sync_api import expect

from keyplan.api.models import ApiToken
from keyplan.security import sessions
from keyplan.security.sso.models import SsoIdentity, SsoSettings
from keyplan.team.models import Role, User
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_user
from tests.security import provider as test_provider

PROVIDER_USERS = [
    # New to keyplan; the provider puts them in the sales leaders' group.
    {
        "username": "casey",
        "password": "casey-at-the-provider",
        "email": "casey@example.com",
        "claims": {"email_verified": True, "roles": ["staff", "sales-leaders"]},
    },
    # Claims the address of keyplan's Pat, which the provider has not verified.
    {
        "username": "mallory",
        "password": "mallory-at-the-provider",
        "email": "pat@example.com",
        "claims": {"email_verified": False},
    },
    # Keyplan's Olga, with the address the provider verified.
    {
        "username": "olga.owner",
        "password": "olga-at-the-provider",
        "email": "olga@example.com",
        "claims": {"email_verified": True, "roles": ["kams"]},
    },
]
PASSWORDS = {user["username"]: user["password"] for user in PROVIDER_USERS}


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    running = test_provider.start(
        tmp_path_factory.mktemp("provider"),
        redirect_uri=f"{live_server.url}/sso/callback/",
        users=PROVIDER_USERS,
    )
    yield running
    running.stop()


@pytest.fixture
def sso(provider, settings, transactional_db):
    settings.KEYPLAN_OIDC_ISSUER = provider.issuer
    settings.KEYPLAN_OIDC_CLIENT_ID = test_provider.CLIENT_ID
    settings.KEYPLAN_OIDC_CLIENT_SECRET = test_provider.CLIENT_SECRET
    settings.KEYPLAN_OIDC_NAME = "Test ID"
    settings.KEYPLAN_OIDC_ROLE_MAP = "sales-leaders=leader,kams=kam"
    cache.clear()  # the discovery document of an earlier test's provider
    return settings


@pytest.fixture
def keyplan_users(transactional_db):
    return {
        "olga": make_user("olga", Role.KAM, email="olga@example.com"),
        "pat": make_user("pat", Role.CONTRIBUTOR, email="pat@example.com"),
    }


@pytest.fixture
def new_page(browser, request):
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, context in enumerate(contexts):
        for page in context.pages:
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png", full_page=True)
        context.close()


def sign_in_at_provider(page, provider, username: str) -> None:
    """On the provider's own sign-in page (its origin, not keyplan's)."""
    page.wait_for_url(re.compile(re.escape(provider.origin) + r"/login/.*"))
    page.fill("#provider-username", username)
    page.fill("#provider-password", PASSWORDS[username])
    page.get_by_role("button", name="Sign in at the provider").click()


def sso_sign_in(page, live_server, provider, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Sign in with Test ID").click()
    sign_in_at_provider(page, provider, username)


def test_the_first_sign_in_creates_the_user_with_the_mapped_role(
    sso, keyplan_users, live_server, provider, new_page
):
    page = new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))

    sso_sign_in(page, live_server, provider, "casey")

    expect(page.get_by_role("link", name="Portfolio")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    assert not [line for line in console if "Content Security Policy" in line], console
    page.goto(f"{live_server.url}/profile/")
    expect(page.locator("h1")).to_contain_text("Sales leader")
    casey = User.objects.get(email="casey@example.com")
    assert casey.role == Role.LEADER
    assert not casey.has_usable_password()
    identity = SsoIdentity.objects.get(user=casey)
    assert identity.issuer == provider.issuer
    assert User.objects.count() == 3  # olga, pat and casey

    # The claim sets the role at each sign-in: the map changes, the role follows.
    sso.KEYPLAN_OIDC_ROLE_MAP = "sales-leaders=kam"
    again = new_page()
    sso_sign_in(again, live_server, provider, "casey")
    again.goto(f"{live_server.url}/profile/")
    expect(again.locator("h1")).to_contain_text("Key account manager")
    assert User.objects.filter(email="casey@example.com").count() == 1


def test_an_unverified_email_is_not_linked_to_the_keyplan_user_who_has_it(
    sso, keyplan_users, live_server, provider, new_page
):
    SsoSettings.objects.update_or_create(pk=1, defaults={"link_by_email": True})
    page = new_page()

    sso_sign_in(page, live_server, provider, "mallory")

    page.wait_for_url(f"{live_server.url}/login/")
    expect(page.get_by_role("status")).to_contain_text(
        "keyplan already has a user with the email pat@example.com, and your provider has "
        "not verified that address"
    )
    page.goto(f"{live_server.url}/profile/")
    expect(page).to_have_url(re.compile(r".*/login/\?next=/profile/"))  # not signed in
    assert not SsoIdentity.objects.exists()
    assert sorted(User.objects.values_list("username", flat=True)) == ["olga", "pat"]


def test_a_verified_email_is_linked_once_an_administrator_allows_it(
    sso, keyplan_users, live_server, provider, new_page
):
    page = new_page()
    sso_sign_in(page, live_server, provider, "olga.owner")
    expect(page.get_by_role("status")).to_contain_text("An administrator must allow linking")

    SsoSettings.objects.update_or_create(pk=1, defaults={"link_by_email": True})
    page.get_by_role("link", name="Sign in with Test ID").click()  # still signed in there

    expect(page.get_by_role("link", name="Portfolio")).to_be_visible()
    page.goto(f"{live_server.url}/profile/")
    expect(page.locator("h1 small")).to_contain_text("olga")
    assert SsoIdentity.objects.get().user == keyplan_users["olga"]
    assert User.objects.count() == 2


def test_with_password_login_off_the_sign_in_page_has_only_single_sign_on(
    sso, keyplan_users, live_server, new_page
):
    sso.KEYPLAN_PASSWORD_LOGIN = "off"
    page = new_page()

    page.goto(f"{live_server.url}/login/")

    expect(page.get_by_role("link", name="Sign in with Test ID")).to_be_visible()
    expect(page.locator("#id_password")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def test_a_single_sign_on_user_signs_in_again_at_the_provider_to_create_a_token(
    sso, keyplan_users, live_server, provider, new_page
):
    page = new_page()
    sso_sign_in(page, live_server, provider, "casey")
    expect(page.get_by_role("link", name="Portfolio")).to_be_visible()
    # The sign-in is an hour old now.
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[sessions.STARTED] = int(time.time()) - 3600
    session.save()

    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_label("Your password")).to_have_count(0)  # casey has none
    expect(page.get_by_role("button", name="Create token")).to_have_count(0)
    page.locator("#sign-in-again").get_by_role("link", name="sign in again").click()
    # The provider asks again although its own session is still on (prompt=login).
    sign_in_at_provider(page, provider, "casey")

    page.wait_for_url(f"{live_server.url}/profile/")
    page.get_by_label("Name").fill("BI tool")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_contain_text("kp_")
    assert ApiToken.objects.get().user.email == "casey@example.com"
