"""Two-step sign-in in Chromium: enrolment on the profile page (QR code, secret, the
recovery codes), then signing in with the password and the app's code, a wrong code
refused, a recovery code accepted once; and the organisation's requirement sending an
administrator to enrolment before anything else. Codes are computed from the secret
the page shows, as an authenticator app does."""

import re
from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import expect

from keyplan.team.models import Organisation, RequireMfa
from tests.browser.conftest import ARTIFACTS

PASSWORD = "a-long-test-password"  # the personas' (tests/conftest.py)


def code(secret: str, ahead: int = 0) -> str:
    return f"{totp(b32decode(secret.replace(' ', '')), drift=ahead):06d}"


def new_page(browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)  # a shared, busy machine: the first page may be slow
    return page


def password(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def type_code(page, value: str) -> None:
    page.get_by_label("Code").fill(value)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login/$"))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_enrol_then_sign_in_with_the_code_and_with_a_recovery_code(browser, live_server, owner):
    base = live_server.url
    page = new_page(browser)
    password(page, base, "olga")
    page.wait_for_url(re.compile(r".*/$"))  # no MFA yet: the password alone

    page.goto(f"{base}/profile/")
    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.locator(".qr svg")).to_be_visible()
    shot(page, "mfa-setup")
    secret = page.locator("#mfa-secret").inner_text()
    page.get_by_label("Code").fill(code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()
    codes = page.locator("#recovery-codes li code").all_inner_texts()
    assert len(codes) == 10
    shot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_text("10 recovery codes left")).to_be_visible()
    sign_out(page)

    password(page, base, "olga")
    page.wait_for_url(re.compile(r"/login/code/$"))
    page.goto(f"{base}/accounts/")  # half-way is not signed in
    expect(page).to_have_url(re.compile(r"/login/\?next=/accounts/$"))
    page.goto(f"{base}/login/code/")
    wrong = f"{(int(code(secret, 1)) + 500_000) % 10**6:06d}"
    type_code(page, wrong)
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.wait_for_timeout(1_200)  # after a wrong code, django-otp waits a second
    type_code(page, code(secret, ahead=1))
    page.wait_for_url(re.compile(r".*/$"))
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    sign_out(page)

    password(page, base, "olga")
    type_code(page, codes[0])
    expect(page.get_by_role("status").first).to_contain_text(
        "You signed in with a recovery code; it cannot be used again. 9 left."
    )
    sign_out(page)

    password(page, base, "olga")
    type_code(page, codes[0])  # used up
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    shot(page, "mfa-recovery-code-used")


def test_the_organisation_requirement_sends_an_administrator_to_enrolment(
    browser, live_server, admin_user
):
    organisation = Organisation.current()
    organisation.require_mfa = RequireMfa.ADMINISTRATORS
    organisation.save()
    base = live_server.url
    page = new_page(browser)

    password(page, base, "ada")

    page.wait_for_url(re.compile(r"/login/setup/$"))
    expect(page.get_by_text("Your organisation requires two-step sign-in")).to_be_visible()
    page.goto(f"{base}/admin/")  # nowhere else until it is done
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(f"{base}/login/setup/")
    secret = page.locator("#mfa-secret").inner_text()
    page.get_by_label("Code").fill(code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    shot(page, "mfa-required-enrolled")
