"""The profile page: a user makes, sees and revokes their own API tokens."""

import re
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from keyplan.api import tokens
from keyplan.api.models import ApiToken
from keyplan.core import clock
from keyplan.security import sessions
from tests.api.conftest import ApiClient


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_token_is_shown_once_and_works(owner, account):
    page = signed_in(owner)

    created = page.post("/profile/", {"name": "BI export"})

    secret = re.search(r'<code class="secret">(kp_[\w-]+)</code>', created.text).group(1)
    assert ApiClient(secret).get(f"/accounts/{account.pk}").status_code == 200
    again = page.get("/profile/")
    assert secret not in again.text
    assert "BI export" in again.text
    assert secret[:9] in again.text  # the prefix, to recognise it


def test_revoking_ends_the_token(owner, account):
    token, secret = tokens.create(owner, name="script")

    response = signed_in(owner).post(f"/profile/tokens/{token.pk}/revoke/", follow=True)

    assert "no longer works" in response.text
    assert ApiClient(secret).get(f"/accounts/{account.pk}").status_code == 401


def test_nobody_revokes_anothers_token(owner, outsider, account):
    token, secret = tokens.create(owner, name="Nightly CRM sync")

    response = signed_in(outsider).post(f"/profile/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiClient(secret).get(f"/accounts/{account.pk}").status_code == 200
    assert "Nightly CRM sync" not in signed_in(outsider).get("/profile/").text


def test_a_blank_name_or_a_past_expiry_is_refused_at_the_field(owner):
    page = signed_in(owner)
    yesterday = (clock.today() - timedelta(days=1)).isoformat()

    blank = page.post("/profile/", {"name": "  "})
    past = page.post("/profile/", {"name": "old", "expires": yesterday})

    assert "This field is required" in blank.text or "Name the token" in blank.text
    assert "The expiry must be in the future." in past.text
    assert not ApiToken.objects.filter(user=owner).exists()


def test_the_page_needs_a_sign_in(db):
    response = Client().get("/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_new_token_works_for_ninety_days_unless_its_maker_says_otherwise(owner):
    page = signed_in(owner)
    form = page.get("/profile/").text
    in_ninety = clock.today() + timedelta(days=90)
    assert f'value="{in_ninety.isoformat()}"' in form  # the date field starts there

    page.post("/profile/", {"name": "BI export"})
    page.post("/profile/", {"name": "Quarter close", "expires": "2027-03-31"})

    lasts = {t.name: t.expires_at.date() for t in ApiToken.objects.filter(user=owner)}
    assert lasts["BI export"] == in_ninety
    assert str(lasts["Quarter close"]) == "2027-03-31"


def test_only_an_administrators_token_may_work_until_revoked(owner, admin_user):
    assert "Works until revoked" not in signed_in(owner).get("/profile/").text
    signed_in(owner).post("/profile/", {"name": "Forever", "never": "on"})
    assert ApiToken.objects.get(user=owner, name="Forever").expires_at is not None
    with pytest.raises(ValidationError, match="Only an administrator"):
        tokens.create(owner, name="Forever", never=True)

    signed_in(admin_user).post("/profile/", {"name": "CRM sync", "never": "on"})

    assert ApiToken.objects.get(user=admin_user, name="CRM sync").expires_at is None


def test_a_sign_in_older_than_ten_minutes_asks_for_the_password(owner):
    page = signed_in(owner)
    session = page.session
    session[sessions.STARTED] = int(time.time()) - 11 * 60
    session.save()

    refused = page.post("/profile/", {"name": "Script", "password": "guess"})
    assert "That is not your password." in refused.text
    assert not ApiToken.objects.filter(user=owner).exists()

    made = page.post("/profile/", {"name": "Script", "password": "a-long-test-password"})
    assert '<code class="secret">kp_' in made.text
    # confirmed: the next one within ten minutes needs no password
    assert "Your password" not in page.get("/profile/").text


def test_wrong_passwords_on_the_profile_page_count_towards_the_lockout(owner):
    page = signed_in(owner)
    session = page.session
    session[sessions.STARTED] = int(time.time()) - 11 * 60
    session.save()

    for _ in range(10):
        page.post("/profile/", {"name": "Script", "password": "guess"})
    locked = page.post("/profile/", {"name": "Script", "password": "a-long-test-password"})

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert not ApiToken.objects.filter(user=owner).exists()
