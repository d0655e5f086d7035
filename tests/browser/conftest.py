"""Real-browser tests: Playwright for Python driving Debian's Chromium against a
live server. Without Chromium they are skipped, unless KEYPLAN_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure. Each journey leaves a screenshot in
test-artifacts/ (or $KEYPLAN_ARTIFACTS)."""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KEYPLAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("KEYPLAN_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts"))
PASSWORD = "keyplan-demo"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("KEYPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and KEYPLAN_REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the
    # browser is open; the tests still use the database synchronously, which Django
    # refuses then unless told otherwise. Only for this module, and undone after it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def novatech(transactional_db, novatech_snapshot):
    """NovaTech's plan and the demo users, in the live server's database (committed:
    the server's threads have their own connections). Built once, loaded per test."""
    from keyplan.accounts.models import Account

    novatech_snapshot.load()
    return Account.objects.get(name="NovaTech")


@pytest.fixture
def sign_in(browser, live_server, request):
    """sign_in("kam") -> a page signed in as that demo user, on its own browser context."""
    contexts = []

    def open_page(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/$"))
        page.base = live_server.url
        return page

    yield open_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, context in enumerate(contexts):
        for page in context.pages:
            suffix = f"-{number}" if len(contexts) > 1 else ""
            page.screenshot(path=ARTIFACTS / f"{request.node.name}{suffix}.png", full_page=True)
        context.close()
