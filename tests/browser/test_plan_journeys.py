"""The plan page in Chromium: the journeys a KAM makes on a Monday."""

import os
import re
from io import StringIO

from django.core.management import call_command
from playwright.sync_api import expect

from keyplan.demo import novatech as sample
from keyplan.growth.models import Action, BusinessUnit, Product
from keyplan.relationships.models import Stakeholder
from tests.browser.conftest import ARTIFACTS, PASSWORD

SECTIONS = [
    "1. Profile and strategic context",
    "2. History and contract structure",
    "3. Stakeholder map",
    "4. Relationship heat map",
    "5. Whitespace",
    "6. Growth plan",
    "7. Risk register",
    "8. QBR cadence and executive sponsorship",
    "9. Resources and dependencies",
    "SWOT",
    "SMART objectives",
    "Action plan",
]


def open_plan(page, account):
    page.goto(f"{page.base}/accounts/{account.pk}/")
    expect(page.get_by_role("heading", name=account.name, level=1)).to_be_visible()


def dot(page, name):
    person = Stakeholder.objects.get(name=name)
    return page.locator(f'#heat-map g.dot[data-stakeholder="{person.pk}"]')


def heat_count(page, colour):
    return page.locator(f'[data-heat="{colour}"]')


def test_sign_in_and_read_novatech(novatech, sign_in):
    page = sign_in("kam")
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    page.get_by_role("link", name="Accounts", exact=True).click()
    page.get_by_role("link", name="NovaTech", exact=True).click()

    for heading in SECTIONS:
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    expect(dot(page, "Sarah Lin")).to_have_attribute("data-colour", "green")
    unit = BusinessUnit.objects.get(account=novatech, name="Engineering")
    analytics = Product.objects.get(name="Analytics")
    cell = page.locator(f'#whitespace-grid g[data-unit="{unit.pk}"][data-product="{analytics.pk}"]')
    expect(cell).to_have_attribute("data-status", "open")
    expect(cell).to_contain_text("$45K")
    expect(page.locator("#section-objectives")).to_contain_text(sample.OBJECTIVE)
    expect(page.locator("#section-actions")).to_contain_text(sample.NEXT_ACTION)


def test_adding_a_cold_powerful_stakeholder_adds_a_red_dot(novatech, sign_in):
    page = sign_in("kam")
    open_plan(page, novatech)
    expect(heat_count(page, "red")).to_have_text("2 red")

    page.get_by_role("button", name="Add stakeholder").click()
    form = page.locator("#slot-stakeholders-new form")
    form.get_by_label("Name").fill("Olivia Frost")
    form.get_by_label("Title").fill("Chief Procurement Officer")
    form.get_by_label("Power").select_option(label="High")
    form.get_by_label("Relationship strength").select_option(label="Cold")
    form.get_by_role("button", name="Save").click()

    expect(heat_count(page, "red")).to_have_text("3 red")
    expect(dot(page, "Olivia Frost")).to_have_attribute("data-colour", "red")


def test_raising_a_relationship_to_warm_turns_the_dot_green(novatech, sign_in):
    page = sign_in("kam")
    open_plan(page, novatech)
    expect(dot(page, "Marcus Weber")).to_have_attribute("data-colour", "red")

    marcus = page.locator("li.person", has_text="Marcus Weber").first
    marcus.get_by_role("button", name="Edit Marcus Weber").click()
    marcus.get_by_label("Relationship strength").select_option(label="Warm")
    marcus.get_by_role("button", name="Save").click()

    expect(dot(page, "Marcus Weber")).to_have_attribute("data-colour", "green")
    expect(heat_count(page, "green")).to_have_text("2 green")


def test_marking_an_open_cell_sold_lowers_the_open_total(novatech, sign_in):
    page = sign_in("kam")
    open_plan(page, novatech)
    total = page.locator('[data-figure="open_whitespace"]')
    expect(total).to_have_text("$333,000")

    unit = BusinessUnit.objects.get(account=novatech, name="Engineering")
    analytics = Product.objects.get(name="Analytics")
    page.locator(
        f'#whitespace-grid g[data-unit="{unit.pk}"][data-product="{analytics.pk}"]'
    ).click()
    form = page.locator("#slot-cell form")
    expect(form).to_contain_text("Engineering × Analytics")
    form.get_by_label("Status").select_option(label="Sold and live")
    form.get_by_role("button", name="Save").click()

    expect(total).to_have_text("$288,000")
    expect(page.locator('#whitespace-grid [data-total="all"]')).to_contain_text("$288K")


def test_marking_an_action_done(novatech, sign_in):
    page = sign_in("kam")
    open_plan(page, novatech)
    action = Action.objects.get(title=sample.NEXT_ACTION)
    row = page.locator(f"#action-{action.pk}")
    expect(row).to_contain_text("overdue")

    row.get_by_role("button", name=re.compile("^Mark .* done$")).click()

    expect(page.locator(f"#action-{action.pk}")).to_contain_text("Done")
    expect(page.locator(f"#action-{action.pk}")).not_to_contain_text("overdue")
    action.refresh_from_db()
    assert action.status == "done"


def test_a_second_edit_of_the_same_stakeholder_is_refused(novatech, sign_in):
    first, second = sign_in("kam"), sign_in("contributor")
    forms = []
    for page in (first, second):
        open_plan(page, novatech)
        sarah = page.locator("li.person", has_text="Sarah Lin").first
        sarah.get_by_role("button", name="Edit Sarah Lin").click()
        forms.append(sarah.locator("form.record-form"))

    forms[0].get_by_label("Title").fill("COO")
    forms[0].get_by_role("button", name="Save").click()
    expect(first.locator("li.person", has_text="Sarah Lin").first).to_contain_text("COO")

    forms[1].get_by_label("Title").fill("Chief Operations Officer")
    forms[1].get_by_role("button", name="Save").click()
    notice = second.locator("form.record-form .notice.conflict")
    expect(notice).to_contain_text("was changed by Alex Morgan since you opened it")
    expect(notice).to_contain_text("Title: now “COO”")
    expect(second.locator("form.record-form").get_by_label("Title")).to_have_value(
        "Chief Operations Officer"
    )
    assert Stakeholder.objects.get(name="Sarah Lin").title == "COO"


def test_a_viewer_sees_no_edit_controls(novatech, sign_in):
    page = sign_in("viewer")
    open_plan(page, novatech)
    expect(
        page.get_by_text("You can read this plan; only its account team can change it.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^(Edit|Add|Remove|Mark)"))).to_have_count(0)
    expect(page.locator("#whitespace-grid a")).to_have_count(0)


def test_a_superuser_made_by_createsuperuser_edits_any_plan(novatech, sign_in):
    """The README's first-run path: the superuser is an administrator, not a viewer."""
    os.environ["DJANGO_SUPERUSER_PASSWORD"] = PASSWORD
    try:
        call_command(
            "createsuperuser", interactive=False, username="boss", email="boss@example.com",
            stdout=StringIO(),
        )  # fmt: skip
    finally:
        del os.environ["DJANGO_SUPERUSER_PASSWORD"]
    page = sign_in("boss")
    open_plan(page, novatech)
    marcus = page.locator("li.person", has_text="Marcus Weber").first
    marcus.get_by_role("button", name="Edit Marcus Weber").click()
    marcus.get_by_label("Relationship strength").select_option(label="Warm")
    marcus.get_by_role("button", name="Save").click()

    expect(dot(page, "Marcus Weber")).to_have_attribute("data-colour", "green")
    assert Stakeholder.objects.get(name="Marcus Weber").history.first().history_user.username == (
        "boss"
    )


def test_the_heat_map_shows_where_a_stakeholder_stood_a_month_ago(sign_in, novatech):
    from datetime import timedelta

    from django.utils import timezone

    from keyplan.core import services

    sarah = Stakeholder.objects.get(account=novatech, name="Sarah Lin")  # green, a month ago
    Stakeholder.history.filter(id=sarah.pk).update(history_date=timezone.now() - timedelta(days=60))
    services.update(sarah, by=novatech.owner, version=sarah.version, strength=1)  # now cold
    page = sign_in("kam")
    open_plan(page, novatech)

    was = page.locator(f'#heat-map g.was[data-stakeholder="{sarah.pk}"]')
    expect(was).to_be_visible()
    assert was.get_attribute("data-colour") == "green"  # where she stood: green
    assert "Sarah Lin a month ago: High power, Champion" in was.locator("title").text_content()
    assert dot(page, "Sarah Lin").get_attribute("data-colour") == "red"  # where she is
    legend = page.locator("#heat-map").text_content()
    assert "Over the month: 0 red turned yellow or green, 1 green faded" in legend
    page.locator("#heat-map").screenshot(path=ARTIFACTS / "heat-map-trajectory.png")
