"""The sign-in lockout in Chromium: ten wrong passwords, then the right one is refused
with the message; an administrator deletes the user's attempts in the admin site
(Axes, Access attempts) and the sign-in works again."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

PASSWORD = "a-long-test-password"  # the personas' (tests/conftest.py)


def submit_password(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_ten_failures_lock_the_sign_in_until_an_administrator_unlocks(
    browser, live_server, owner, admin_user
):
    base = live_server.url
    kam = browser.new_context().new_page()
    kam.set_default_timeout(20_000)  # a shared, busy machine: the first page may be slow
    for attempt in range(1, 10):
        submit_password(kam, base, "olga", f"wrong-password-{attempt}")
        expect(kam.get_by_text("did not match")).to_be_visible()
    submit_password(kam, base, "olga", "wrong-password-10")
    expect(kam.get_by_role("alert")).to_contain_text("Too many failed sign-ins for olga")

    submit_password(kam, base, "olga", PASSWORD)  # the 11th, with the right password

    expect(kam.get_by_role("alert")).to_contain_text(
        re.compile(r"refused for 1[45] more minutes. An administrator can unlock it sooner")
    )
    expect(kam).to_have_url(re.compile(r"/login/$"))

    administrator = browser.new_context().new_page()
    administrator.set_default_timeout(20_000)
    submit_password(administrator, base, "ada", PASSWORD)
    administrator.wait_for_url(re.compile(r".*/$"))
    administrator.goto(f"{base}/admin/")
    administrator.get_by_role("link", name="Access attempts").click()
    row = administrator.locator("#result_list tr", has_text="olga")
    row.locator("input[type=checkbox]").check()
    administrator.select_option("select[name=action]", "delete_selected")
    administrator.get_by_role("button", name="Run").or_(
        administrator.get_by_role("button", name="Go")
    ).click()
    administrator.get_by_role("button", name=re.compile("Yes, I.m sure")).click()
    expect(administrator.locator(".messagelist")).to_contain_text("Successfully deleted")

    submit_password(kam, base, "olga", PASSWORD)

    kam.wait_for_url(re.compile(r".*/$"))
    expect(kam.get_by_role("button", name="Sign out")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kam.screenshot(path=ARTIFACTS / "lockout-unlocked.png", full_page=True)
