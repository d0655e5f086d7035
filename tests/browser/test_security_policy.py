"""The pages under the Content-Security-Policy in Chromium: the dashboard and the plan
page load, edit in place (htmx) and open the whitespace grid's forms (keyplan.js)
with no script, style or eval refused by the policy; so do the API's docs."""

import re

from playwright.sync_api import expect

from keyplan.demo import novatech as sample
from keyplan.growth.models import Action, BusinessUnit, Product
from tests.browser.conftest import PASSWORD

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_dashboard_and_plan_page_work_under_the_policy(novatech, browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    violations = []

    def collect():
        violations.extend(page.evaluate("window.__violations"))

    def sign_in(login: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", login)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/$"))
        expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
        collect()

    sign_in("admin")  # the admin site, its user form and the sign-in records
    page.goto(f"{live_server.url}/admin/team/user/")
    page.get_by_role("link", name="kam", exact=True).click()
    expect(page.locator("#user_form")).to_be_visible()
    page.goto(f"{live_server.url}/admin/axes/accessattempt/")
    expect(page.locator("#content h1")).to_be_visible()
    collect()
    context.clear_cookies()  # signed out

    sign_in("kam")

    page.goto(f"{live_server.url}/accounts/{novatech.pk}/")
    expect(page.get_by_role("heading", name="NovaTech", level=1)).to_be_visible()
    unit = BusinessUnit.objects.get(account=novatech, name="Engineering")
    analytics = Product.objects.get(name="Analytics")
    cell = f'#whitespace-grid g[data-unit="{unit.pk}"][data-product="{analytics.pk}"]'
    page.locator(cell).click()
    expect(page.locator("#slot-cell form")).to_contain_text("Engineering × Analytics")
    action = Action.objects.get(title=sample.NEXT_ACTION)
    row = page.locator(f"#action-{action.pk}")
    row.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(page.locator(f"#action-{action.pk}")).to_contain_text("Done")
    collect()

    page.goto(f"{live_server.url}/my/calendar/")
    page.get_by_role("button", name="Create my calendar address").click()
    address = page.locator("#calendar-url")
    address.focus()
    selected = page.evaluate(
        "() => { const f = document.querySelector('#calendar-url');"
        " return f.selectionEnd - f.selectionStart === f.value.length }"
    )
    collect()

    page.goto(f"{live_server.url}/api/v1/docs")  # Swagger UI, from keyplan's static files
    title = page.locator(".swagger-ui .title").first
    expect(title).to_contain_text("keyplan API", timeout=30_000)  # a large bundle
    collect()
    context.close()

    assert violations == []
    assert not [line for line in console if "Content Security Policy" in line], console
    assert selected, "focusing the calendar address selects it (keyplan.js, no inline handler)"
