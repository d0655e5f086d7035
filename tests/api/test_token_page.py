"""The profile page: a user makes, sees and revokes their own API tokens."""

import re
from datetime import timedelta

from django.test import Client

from keyplan.api import tokens
from keyplan.api.models import ApiToken
from keyplan.core import clock
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
