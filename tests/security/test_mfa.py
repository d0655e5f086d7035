"""Two-step sign-in (MFA) for password sign-ins: enrolment on the profile page, the code
(or a recovery code, once) after the password, nothing reachable half-way, wrong codes
towards the lockout, the organisation's requirement, turning it off, the admin reset.
Codes are computed here from the secret the page shows, as an authenticator app does."""

import re
from base64 import b32decode

from django.test import Client
from django_otp.oath import totp

from keyplan.security.mfa import pending, services
from keyplan.security.mfa.models import AuthenticatorApp
from keyplan.team.models import Organisation, RequireMfa

PASSWORD = "a-long-test-password"  # every persona's (tests/conftest.py)
HERE = "203.0.113.7"


def code(secret: str, ahead: int = 0) -> str:
    """The app's code now (or `ahead` steps of 30 s later) for the secret as shown."""
    return f"{totp(b32decode(secret.replace(' ', '')), drift=ahead):06d}"


def browser() -> Client:
    return Client(REMOTE_ADDR=HERE)


def password_step(client: Client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def signed_in(client: Client) -> bool:
    return client.get("/accounts/").status_code == 200


def enrol(client: Client) -> tuple[str, list[str]]:
    """Set up MFA on the profile page: the secret and the recovery codes shown."""
    page = client.get("/profile/mfa/")
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page.text).group(1)
    shown = client.post("/profile/mfa/", {"code": code(secret)})
    assert "Two-step sign-in is on" in shown.text
    return secret, re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.text)


def enrolled_user(owner) -> tuple[str, list[str]]:
    client = browser()
    client.force_login(owner)
    return enrol(client)


def require(rule: str) -> None:
    organisation = Organisation.current()
    organisation.require_mfa = rule
    organisation.save()


def test_enrolment_shows_the_qr_code_and_secret_then_ten_codes_never_stored(owner):
    client = browser()
    client.force_login(owner)

    page = client.get("/profile/mfa/")

    assert "<svg" in page.text and "QR code for your authenticator app" in page.text
    assert re.search(r'id="mfa-secret">[A-Z2-7]{4}( [A-Z2-7]{4})+<', page.text)
    assert "no-store" in page["Cache-Control"]
    assert "Two-step sign-in</a>: off" in client.get("/profile/").text
    _, codes = enrol(client)
    assert len(set(codes)) == 10
    assert "Two-step sign-in</a>: on" in client.get("/profile/").text
    assert "10 recovery codes left" in client.get("/profile/mfa/").text
    assert services.enrolled(owner)


def test_a_wrong_code_does_not_turn_it_on(owner):
    client = browser()
    client.force_login(owner)
    client.get("/profile/mfa/")

    refused = client.post("/profile/mfa/", {"code": "000000"})

    assert refused.status_code == 400
    assert "That code is not right" in refused.text
    assert not services.enrolled(owner)


def test_after_the_password_nothing_is_reachable_until_the_code(owner, account):
    enrolled_user(owner)
    client = browser()

    answer = password_step(client, "olga")

    assert answer.status_code == 302 and answer["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/").status_code == 302  # to the sign-in page
    assert client.get(f"/accounts/{account.pk}/")["Location"].startswith("/login/")
    assert client.get("/api/v1/accounts").status_code == 401
    assert "Type the 6-digit code" in client.get("/login/code/").text


def test_the_right_code_signs_in_and_goes_where_asked(owner, account):
    secret, _ = enrolled_user(owner)
    client = browser()
    password_step(client, "olga", next_url=f"/accounts/{account.pk}/")

    answer = client.post("/login/code/", {"code": code(secret, ahead=1)})

    assert answer.status_code == 302 and answer["Location"] == f"/accounts/{account.pk}/"
    assert signed_in(client)
    assert pending.KEY not in client.session


def test_a_code_is_accepted_once(owner):
    secret, _ = enrolled_user(owner)
    first, second = browser(), browser()
    password_step(first, "olga")
    password_step(second, "olga")
    used = code(secret, ahead=1)

    first.post("/login/code/", {"code": used})
    replayed = second.post("/login/code/", {"code": used})

    assert signed_in(first)
    assert "That code is not right" in replayed.text
    assert not signed_in(second)


def test_a_wrong_code_is_refused(owner):
    secret, _ = enrolled_user(owner)
    client = browser()
    password_step(client, "olga")

    refused = client.post("/login/code/", {"code": f"{(int(code(secret, 1)) + 1) % 10**6:06d}"})

    assert refused.status_code == 400
    assert "That code is not right" in refused.text
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(owner):
    _, codes = enrolled_user(owner)
    client = browser()
    password_step(client, "olga")

    answer = client.post("/login/code/", {"code": codes[3].upper()[:4] + "-" + codes[3][4:]})

    assert answer["Location"] == "/profile/mfa/"  # where to set up a new phone
    assert "cannot be used again. 9 left" in client.get("/profile/mfa/").text
    again = browser()
    password_step(again, "olga")
    assert "That code is not right" in again.post("/login/code/", {"code": codes[3]}).text
    assert not signed_in(again)


def test_wrong_codes_count_towards_the_lockout(owner, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the per-device wait would slow this to minutes
    enrolled_user(owner)
    client = browser()
    password_step(client, "olga")
    for _ in range(9):
        assert client.post("/login/code/", {"code": "000000"}).status_code == 400

    tenth = client.post("/login/code/", {"code": "000001"})

    assert tenth.status_code == 429
    assert "Too many failed sign-ins for olga" in tenth.text
    refused = password_step(browser(), "olga")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_makes_the_next_try_wait(owner):
    secret, _ = enrolled_user(owner)
    client = browser()
    password_step(client, "olga")
    client.post("/login/code/", {"code": "000000"})

    too_soon = client.post("/login/code/", {"code": code(secret, ahead=1)})

    assert "wait a few seconds" in too_soon.text
    assert not signed_in(client)


def test_a_half_way_sign_in_lapses(owner):
    secret, _ = enrolled_user(owner)
    client = browser()
    password_step(client, "olga")
    session = client.session
    session[pending.KEY] = {**session[pending.KEY], "at": 0}  # long ago
    session.save()

    answer = client.post("/login/code/", {"code": code(secret, ahead=1)}, follow=True)

    assert "not finished within 10 minutes" in answer.text
    assert not signed_in(client)


def test_users_without_mfa_sign_in_with_the_password_alone(owner):
    client = browser()

    answer = password_step(client, "olga")

    assert answer["Location"] == "/"
    assert signed_in(client)


def test_the_organisation_can_require_it_of_administrators(admin_user, owner):
    require(RequireMfa.ADMINISTRATORS)
    client = browser()

    answer = password_step(client, "ada")

    assert answer["Location"] == "/login/setup/"
    assert not signed_in(client)
    assert client.get("/login/code/")["Location"] == "/login/"  # no other way round
    page = client.get("/login/setup/")
    assert "Your organisation requires two-step sign-in" in page.text
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page.text).group(1)
    done = client.post("/login/setup/", {"code": code(secret)})
    assert "Your recovery codes" in done.text and "no-store" in done["Cache-Control"]
    assert signed_in(client)
    kam = browser()
    assert password_step(kam, "olga")["Location"] == "/"  # not an administrator


def test_the_organisation_can_require_it_of_everyone(owner):
    require(RequireMfa.EVERYONE)

    assert password_step(browser(), "olga")["Location"] == "/login/setup/"


def test_the_admin_sites_sign_in_asks_for_the_code_too(admin_user):
    secret, _ = enrolled_user(admin_user)
    client = browser()

    answer = client.post(
        "/admin/login/?next=/admin/", {"username": "ada", "password": PASSWORD, "next": "/admin/"}
    )

    assert answer["Location"] == "/login/code/"
    assert client.get("/admin/").status_code == 302
    client.post("/login/code/", {"code": code(secret, ahead=1)})
    assert client.get("/admin/").status_code == 200


def test_turning_it_off_asks_the_password(owner):
    enrolled_user(owner)
    client = browser()
    client.force_login(owner)

    wrong = client.post("/profile/mfa/remove/", {"password": "not-the-password"})
    assert wrong.status_code == 400 and "That is not your password" in wrong.text
    assert services.enrolled(owner)

    client.post("/profile/mfa/remove/", {"password": PASSWORD})

    assert not services.enrolled(owner)
    assert password_step(browser(), "olga")["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(owner):
    _, old = enrolled_user(owner)
    client = browser()
    client.force_login(owner)

    page = client.post("/profile/mfa/codes/")

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert "no-store" in page["Cache-Control"]
    signing = browser()
    password_step(signing, "olga")
    assert "That code is not right" in signing.post("/login/code/", {"code": old[0]}).text


def test_an_administrator_resets_a_users_mfa_in_the_admin_site(owner, admin_user):
    enrolled_user(owner)
    device = AuthenticatorApp.objects.get(user=owner)
    admin = browser()
    admin.force_login(admin_user)
    listed = admin.get("/admin/mfa/authenticatorapp/")
    assert "Olga Owner" in listed.text

    admin.post(f"/admin/mfa/authenticatorapp/{device.pk}/delete/", {"post": "yes"})

    assert not services.enrolled(owner) and services.recovery_codes_left(owner) == 0
    assert password_step(browser(), "olga")["Location"] == "/"


def test_only_administrators_see_who_has_mfa(owner, leader):
    enrolled_user(owner)
    client = browser()
    client.force_login(leader)

    assert client.get("/admin/mfa/authenticatorapp/").status_code in (302, 403)
