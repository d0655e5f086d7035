"""Lockout after failed sign-ins: by user and address together, a looser limit per
address, unlocked by an administrator; bad API tokens are throttled per address."""

from django.core.management import call_command
from django.test import Client

from keyplan.api import tokens
from tests.api.conftest import ApiClient

PASSWORD = "a-long-test-password"  # every persona's (tests/conftest.py)
HERE, ELSEWHERE = "203.0.113.7", "198.51.100.20"


def sign_in(username: str, password: str, address: str = HERE):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def fail(username: str, times: int, address: str = HERE) -> None:
    for _ in range(times):
        sign_in(username, "not-the-password", address)


def test_ten_failures_refuse_the_right_password_from_that_address(owner):
    fail("olga", 10)

    refused = sign_in("olga", PASSWORD)

    assert refused.status_code == 429
    assert "Too many failed sign-ins for olga from your address" in refused.text
    assert "15 more minutes" in refused.text
    assert int(refused["Retry-After"]) > 14 * 60
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_nine_failures_still_let_the_right_password_in(owner):
    fail("olga", 8)
    ninth = sign_in("olga", "not-the-password")

    assert "did not match" in ninth.text
    assert signed_in(sign_in("olga", PASSWORD))


def test_the_tenth_failure_already_says_the_sign_in_is_locked(owner):
    fail("olga", 9)

    tenth = sign_in("olga", "not-the-password")

    assert tenth.status_code == 429
    assert "refused for 15 more minutes" in tenth.text


def test_a_locked_user_still_signs_in_from_another_address(admin_user):
    fail("ada", 10, HERE)

    assert sign_in("ada", PASSWORD, HERE).status_code == 429
    assert signed_in(sign_in("ada", PASSWORD, ELSEWHERE))


def test_another_user_at_the_locked_address_still_signs_in(owner, outsider):
    fail("olga", 10)

    assert signed_in(sign_in("otto", PASSWORD))


def test_an_address_failing_fifty_times_across_users_is_throttled(owner, db):
    for number in range(50):
        fail(f"guess{number}", 1)

    refused = sign_in("olga", PASSWORD)

    assert refused.status_code == 429
    assert "Too many failed sign-ins from your address" in refused.text
    assert signed_in(sign_in("olga", PASSWORD, ELSEWHERE))


def test_an_administrator_unlocks_with_the_command(owner):
    fail("olga", 10)
    assert sign_in("olga", PASSWORD).status_code == 429

    call_command("axes_reset_username", "olga")

    assert signed_in(sign_in("olga", PASSWORD))


def test_an_administrator_unlocks_in_the_admin_site(owner, admin_user):
    from axes.models import AccessAttempt

    fail("olga", 10)
    admin = Client()
    admin.force_login(admin_user)
    attempt = AccessAttempt.objects.get(username="olga")
    listed = admin.get("/admin/axes/accessattempt/")
    assert "olga" in listed.text

    admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert signed_in(sign_in("olga", PASSWORD))


def test_the_admin_sign_in_is_locked_too(admin_user):
    fail("ada", 10)

    refused = Client(REMOTE_ADDR=HERE).post(
        "/admin/login/", {"username": "ada", "password": PASSWORD}
    )

    assert refused.status_code == 429


def test_bad_api_tokens_from_one_address_are_throttled(owner, account):
    _, secret = tokens.create(owner, name="script")
    guesser = ApiClient("kp_guessed")
    guesser.client.defaults["REMOTE_ADDR"] = HERE
    for _ in range(50):
        assert guesser.get("/accounts").status_code == 401

    throttled = guesser.get("/accounts")
    right_token_there = ApiClient(secret)
    right_token_there.client.defaults["REMOTE_ADDR"] = HERE
    right_token_elsewhere = ApiClient(secret)
    right_token_elsewhere.client.defaults["REMOTE_ADDR"] = ELSEWHERE

    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert 0 < int(throttled["Retry-After"]) <= 15 * 60
    assert "try again in 15 minutes" in throttled.json()["detail"]
    assert right_token_there.get("/accounts").status_code == 429
    assert right_token_elsewhere.get("/accounts").status_code == 200
