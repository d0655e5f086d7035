"""Session limits: a working day from sign-in and an idle timeout, each ending the
session with a message on the sign-in page (401 on the API); the cookies' flags."""

import pytest
from django.test import Client

from keyplan.security import sessions
from tests.test_settings import keyplan

HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    """The session limits' clock, moved by hand: clock.at(hours after sign-in)."""

    class Clock:
        start = 1_900_000_000
        now = start

        def at(self, hours: float) -> None:
            self.now = self.start + int(hours * HOUR)

    fake = Clock()
    monkeypatch.setattr(sessions, "_now", lambda: fake.now)
    return fake


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_profile(client: Client):
    return client.get("/profile/", follow=True)


def test_a_session_idle_for_two_hours_ends_with_a_message(owner, clock):
    page = signed_in(owner)
    clock.at(1.9)
    assert open_profile(page).request["PATH_INFO"] == "/profile/"

    clock.at(1.9 + 2)
    answer = open_profile(page)

    assert answer.request["PATH_INFO"] == "/login/"
    assert "Your session ended after 120 minutes without activity" in answer.text


def test_activity_keeps_a_session_past_the_idle_time(owner, clock):
    page = signed_in(owner)

    for hours in (1.5, 3, 4.5, 6):
        clock.at(hours)
        assert open_profile(page).request["PATH_INFO"] == "/profile/", hours


def test_a_session_ends_after_a_working_day_however_active(owner, clock):
    page = signed_in(owner)
    for hours in range(1, 8):
        clock.at(hours)
        assert open_profile(page).request["PATH_INFO"] == "/profile/", hours

    clock.at(8)
    answer = open_profile(page)

    assert answer.request["PATH_INFO"] == "/login/"
    assert "Your session ended after 8 hours" in answer.text


def test_signing_in_again_starts_a_new_day(owner, clock):
    page = signed_in(owner)
    clock.at(7)
    page.force_login(owner)

    clock.at(8.5)  # 8.5 hours after the first sign-in, 1.5 after the second

    assert open_profile(page).request["PATH_INFO"] == "/profile/"


def test_an_ended_session_is_refused_by_the_api(owner, account, clock):
    page = signed_in(owner)
    assert page.get(f"/api/v1/accounts/{account.pk}").status_code == 200

    clock.at(3)

    assert page.get(f"/api/v1/accounts/{account.pk}").status_code == 401


def test_the_session_cookie_is_http_only_and_same_site(owner):
    response = Client().post("/login/", {"username": "olga", "password": "a-long-test-password"})

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 2 * HOUR


SHOW = (
    "from django.conf import settings as s; print(s.KEYPLAN_SESSION_SECONDS, "
    "s.KEYPLAN_SESSION_IDLE_SECONDS, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
)
SECRET = "k" * 20 + "-very-long-and-random-" + "x9Q!" * 10


def test_limits_come_from_the_environment(tmp_path):
    result = keyplan(
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        data_dir=tmp_path,
        KEYPLAN_SESSION_HOURS="10",
        KEYPLAN_SESSION_IDLE_MINUTES="30",
    )

    assert result.stdout.split()[:2] == ["36000", "1800"], result.stderr


def test_production_cookies_are_host_only_and_secure(tmp_path):
    result = keyplan(
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        data_dir=tmp_path,
        KEYPLAN_SECRET_KEY=SECRET,
        KEYPLAN_ALLOWED_HOSTS="keyplan.example.com",
    )

    assert result.stdout.split() == [
        "28800", "7200", "__Host-sessionid", "__Host-csrftoken", "True", "True",
    ], result.stderr  # fmt: skip


def test_development_keeps_the_plain_cookie_names(tmp_path):
    result = keyplan("shell", "--no-imports", "-c", SHOW, data_dir=tmp_path)

    assert result.stdout.split()[2:4] == ["sessionid", "csrftoken"], result.stderr
