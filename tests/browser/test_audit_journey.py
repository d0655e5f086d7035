"""The audit trail in Chromium: an administrator opens it from the menu, finds a
colleague's failed sign-in with the filters, and reads it on a 390-pixel phone."""

import re
import urllib.request

from playwright.sync_api import expect


def test_an_administrator_finds_a_failed_sign_in_on_a_phone(
    novatech, sign_in, browser, live_server
):
    # The live server loads its URLs on the first request: seconds on a busy machine,
    # which the sign-in's page timeout should not have to cover.
    urllib.request.urlopen(f"{live_server.url}/login/", timeout=60).close()
    stranger = browser.new_context()
    attempt = stranger.new_page()
    page = sign_in("admin")
    attempt.goto(f"{page.base}/login/")
    attempt.fill("#id_username", "kam")
    attempt.fill("#id_password", "not-the-password")
    attempt.click("button[type=submit]")
    expect(attempt.locator("main")).to_contain_text("did not match")
    stranger.close()

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Menu").click()  # on a phone the links are behind it
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", name=re.compile("Audit trail"))).to_be_visible()
    page.get_by_label("Kind").select_option(label="Sign-in failed")
    page.get_by_label("User").fill("kam")
    page.get_by_role("button", name="Filter").click()

    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sign-in failed")
    expect(rows.first).to_contain_text("kam")
    expect(rows.first).to_contain_text("127.0.0.1")
    # Readable at 390 pixels: nothing runs off the side of the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert rows.first.bounding_box()["width"] <= 390
