"""Sign-ins, failed sign-ins, sign-outs and lockouts are on the trail, with the user,
the address and the time, through the real sign-in page."""

from django.test import Client

from keyplan.core import clock
from tests.audit.conftest import HERE, PASSWORD, events, only

ELSEWHERE = "198.51.100.20"


def sign_in(username: str, password: str, address: str = HERE, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


def test_a_sign_in_names_the_user_the_address_and_the_time(owner):
    before = clock.now()

    _, response = sign_in("olga", PASSWORD)

    assert response.status_code == 302
    event = only("signin")
    assert (event.actor, event.login, event.address) == (owner, "olga", HERE)
    assert before <= event.when <= clock.now()


def test_a_failed_sign_in_names_the_login_tried_and_the_address(owner):
    _, response = sign_in("olga", "not-the-password", ELSEWHERE)

    assert response.status_code == 200  # the form again, as before
    event = only("signin.failed")
    assert (event.actor, event.login, event.address) == (owner, "olga", ELSEWHERE)
    assert events("signin") == []


def test_a_failed_sign_in_as_nobody_keeps_the_name_tried(db):
    sign_in("mallory", "guess-guess-guess")

    event = only("signin.failed")
    assert (event.actor, event.login, event.address) == (None, "mallory", HERE)


def test_signing_out_is_recorded(owner):
    client, _ = sign_in("olga", PASSWORD)

    client.post("/logout/")

    event = only("signout")
    assert (event.actor, event.address) == (owner, HERE)


def test_a_lockout_is_recorded_with_the_user_and_the_address(owner):
    for _ in range(10):
        sign_in("olga", "not-the-password")

    _, refused = sign_in("olga", PASSWORD)

    assert refused.status_code == 429
    locked = events("lockout")
    assert locked, "the refused sign-in is a lockout"
    assert {(e.login, e.address, e.actor) for e in locked} == {("olga", HERE, owner)}
    assert events("signin") == []


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(owner, settings):
    settings.KEYPLAN_BEHIND_PROXY = True

    sign_in("olga", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ELSEWHERE}")

    assert only("signin").address == ELSEWHERE
