"""Changing one's password: the rules (12 characters, not a common password), the
other sessions ended, and the offer to revoke every API token with it."""

from django.test import Client

from keyplan.api import tokens
from tests.api.conftest import ApiClient

PASSWORD = "a-long-test-password"
NEW = "violet-harbour-ledger-27"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change(client: Client, new: str, **extra):
    return client.post(
        "/profile/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new, **extra},
        follow=True,
    )


def test_the_profile_links_the_password_page(owner):
    profile = signed_in(owner).get("/profile/")

    assert 'href="/profile/password/"' in profile.text


def test_a_new_password_works_and_the_old_one_no_longer(owner):
    done = change(signed_in(owner), NEW)

    assert "Your password is changed" in done.text
    old = Client().post("/login/", {"username": "olga", "password": PASSWORD})
    new = Client().post("/login/", {"username": "olga", "password": NEW})
    assert "did not match" in old.text
    assert new.status_code == 302


def test_a_short_or_common_password_is_refused(owner):
    page = signed_in(owner)

    short = change(page, "Tr0ub4dor&3")  # 11 characters
    common = change(page, "password1234")

    assert "at least 12 characters" in short.text
    assert "too common" in common.text
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_the_wrong_current_password_is_refused(owner):
    response = signed_in(owner).post(
        "/profile/password/",
        {"old_password": "not-it-at-all", "new_password1": NEW, "new_password2": NEW},
    )

    assert "Your old password was entered incorrectly" in response.text
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_changing_ends_the_other_sessions_but_not_this_one(owner):
    here, elsewhere = signed_in(owner), signed_in(owner)

    change(here, NEW)

    assert here.get("/profile/").status_code == 200
    assert elsewhere.get("/profile/").status_code == 302


def test_changing_offers_to_revoke_all_tokens_and_does_when_ticked(owner, account):
    _, first = tokens.create(owner, name="BI export")
    _, second = tokens.create(owner, name="CRM sync")
    page = signed_in(owner)
    assert "Also revoke all my API tokens (2 active)" in page.get("/profile/password/").text

    done = change(page, NEW, revoke_tokens="on")

    assert "Revoked 2 API tokens." in done.text
    assert ApiClient(first).get(f"/accounts/{account.pk}").status_code == 401
    assert ApiClient(second).get(f"/accounts/{account.pk}").status_code == 401


def test_tokens_keep_working_when_not_ticked(owner, account):
    _, secret = tokens.create(owner, name="BI export")

    done = change(signed_in(owner), NEW)

    assert "Revoked" not in done.text
    assert ApiClient(secret).get(f"/accounts/{account.pk}").status_code == 200


def test_without_tokens_there_is_nothing_to_offer(owner):
    page = signed_in(owner).get("/profile/password/")

    assert "revoke" not in page.text.lower()
