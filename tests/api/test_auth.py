"""Who may call: a personal token (Bearer) or the browser's session with CSRF.
Missing, invalid, revoked and expired tokens are a 401 problem saying which."""

from datetime import timedelta

import pytest
from django.test import Client

from keyplan.api import tokens
from keyplan.api.models import ApiToken
from keyplan.core import clock
from tests.api.conftest import BASE, ApiClient


def refused(response, detail_part: str):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert detail_part in response.json()["detail"]


def test_no_credentials_is_a_401(db):
    refused(ApiClient().get("/accounts"), "Bearer")


def test_an_unknown_token_is_a_401(db):
    refused(ApiClient("kp_made-up").get("/accounts"), "not valid")


def test_a_revoked_token_is_a_401(owner):
    token, secret = tokens.create(owner, name="script")
    tokens.revoke(token)

    refused(ApiClient(secret).get("/accounts"), "revoked")


def test_an_expired_token_is_a_401(owner):
    token, secret = tokens.create(owner, name="script", expires_at=clock.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=clock.now() - timedelta(seconds=1))

    refused(ApiClient(secret).get("/accounts"), "expired")


def test_a_token_of_a_deactivated_user_is_a_401(owner):
    _, secret = tokens.create(owner, name="script")
    owner.is_active = False
    owner.save()

    refused(ApiClient(secret).get("/accounts"), "deactivated")


def test_another_scheme_is_a_401(owner):
    client = ApiClient()
    response = client.get("/accounts", headers={"Authorization": "Basic b2xnYTpwdw=="})

    refused(response, "Bearer")


def test_a_token_is_stored_only_as_its_digest_and_its_use_is_noted(owner):
    token, secret = tokens.create(owner, name="script")

    assert secret.startswith("kp_") and secret not in (token.digest, token.prefix)
    assert secret.startswith(token.prefix)
    assert ApiClient(secret).get("/accounts").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_bad_token_is_refused_even_beside_a_session(owner):
    client = ApiClient("kp_made-up")
    client.client.force_login(owner)

    refused(client.get("/accounts"), "not valid")


@pytest.fixture
def browser(owner):
    """A signed-in browser that enforces CSRF like a real one."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    return client


def test_the_session_reads(browser, account):
    response = browser.get(f"{BASE}/accounts/{account.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == "Acme Corp"


def test_a_session_write_without_the_csrf_token_is_a_403(browser, account):
    response = browser.post(
        f"{BASE}/accounts/{account.pk}/stakeholders",
        data={"name": "Ana"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_session_write_with_the_csrf_token_saves(browser, account):
    browser.get(f"{BASE}/docs")  # the docs page sets the CSRF cookie, as the plan page does
    csrf = browser.cookies["csrftoken"].value

    response = browser.post(
        f"{BASE}/accounts/{account.pk}/stakeholders",
        data={"name": "Ana"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 201
