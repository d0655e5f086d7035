"""The error pages a user meets, in Chromium at a desk and on a phone: a 404 that is
the same for a mistyped address and a plan not shared with the user (nothing says
which), a 403 on a leader's page that says who may open it, and a 500 that works
without the database; each with the way back, and the favicon."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from keyplan.accounts.models import Account
from keyplan.team.models import User
from tests.browser.conftest import ARTIFACTS


@pytest.fixture
def hidden(novatech):
    """An account the KAM is not on: leader-owned, no team."""
    return Account.objects.create(name="Hidden Harbour", owner=User.objects.get(username="leader"))


@pytest.mark.parametrize("width", [1440, 390])
def test_not_found_is_the_same_for_a_wrong_address_and_a_plan_not_shared(
    sign_in, novatech, hidden, width
):
    page = sign_in("kam")
    page.set_viewport_size({"width": width, "height": 800})
    texts = []
    for address in (f"/accounts/{hidden.pk}/", f"/accounts/{hidden.pk + 1000}/", "/no-such-page/"):
        answer = page.goto(page.base + address)
        assert answer.status == 404
        main = page.locator("main")
        texts.append(main.inner_text())
        assert "Hidden Harbour" not in page.content()
    assert texts[0] == texts[1] == texts[2]
    assert "There is nothing here to show you" in texts[0]
    assert page.get_by_role("link", name="Your accounts").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Your accounts").click()
    # expect() waits for the accounts list to arrive; reading the page mid-navigation sees nothing
    page.wait_for_url("**/accounts/")
    expect(page.locator("main")).to_contain_text("NovaTech")
    page.goto(page.base + f"/accounts/{hidden.pk}/")
    page.screenshot(path=ARTIFACTS / f"error-404-{width}.png", full_page=True)


def test_a_leaders_page_says_who_may_open_it(sign_in, novatech):
    page = sign_in("kam")
    answer = page.goto(page.base + "/selection/")
    assert answer.status == 403
    text = page.locator("main").inner_text()
    assert "You may not open this page" in text
    assert "Only sales leaders and administrators choose and tier accounts." in text
    page.screenshot(path=ARTIFACTS / "error-403.png", full_page=True)


@override_settings(ROOT_URLCONF="tests.browser.error_urls")
def test_a_server_error_says_what_to_do_without_the_database(sign_in, novatech, live_server):
    page = sign_in("kam")
    answer = page.goto(page.base + "/crash/")
    assert answer.status == 500
    text = page.locator("main").inner_text()
    assert "Something went wrong on our side" in text
    assert "keyplan never saves half a change" in text
    page.screenshot(path=ARTIFACTS / "error-500.png", full_page=True)


def test_every_page_names_its_icon_and_the_browser_default_finds_it(sign_in, novatech):
    page = sign_in("kam")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    answer = page.request.get(page.base + icon)
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in answer.body()
    fallback = page.request.get(page.base + "/favicon.ico")
    assert fallback.ok and fallback.url.endswith("favicon.svg")
