"""The plan on every screen, in Chromium: by keyboard alone (a skip link, Escape on an
inline form, the focus back on the row after a save, adding a stakeholder and moving
a play, the focus kept after a Remove), in read mode, with sections
folded away (remembered after a reload) and on paper. All under the
Content-Security-Policy: no violation, no script error."""

import re

from playwright.sync_api import expect

from keyplan.growth.models import Play, Stage
from keyplan.relationships.models import Stakeholder
from tests.browser.test_security_policy import WATCH

EDIT_CONTROLS = re.compile(r"^(Edit|Add|Remove|Mark .* done)\b")


def watch_policy(page):
    """Collects the policy's refusals and the page's script errors from now on."""
    page.context.add_init_script(WATCH)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def assert_no_violation(page, errors):
    assert page.evaluate("window.__violations") == []
    assert errors == []


def open_plan(page, account, query=""):
    page.goto(f"{page.base}/accounts/{account.pk}/{query}")
    expect(page.get_by_role("heading", name=account.name, level=1)).to_be_visible()


def letters(text):
    """The text without its spacing, which layout changes (the buttons take space)."""
    return "".join(text.split())


def focused(page, script):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def test_plan_by_keyboard_alone(novatech, sign_in):
    page = sign_in("kam")
    errors = watch_policy(page)
    sarah = Stakeholder.objects.get(account=novatech, name="Sarah Lin")
    open_plan(page, novatech)
    page.mouse.click(1, 400)  # nothing focused; from here on, keys only

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert skip.bounding_box()["y"] >= 0  # shown on the screen, not parked above it
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is in the plan, past the site's header
    assert focused(page, "el.closest('main') !== null && el.closest('header.bar') === null")
    expect(page.get_by_role("link", name="Read mode")).to_be_focused()

    row = page.locator(f"#stakeholder-{sarah.pk}")
    edit = row.get_by_role("button", name=re.compile("^Edit"))
    edit.focus()  # stands in for the Tabs down to Sarah's row
    style = focused(page, "[getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]")
    assert style == ["solid", "3px"]  # a focus ring that shows
    page.keyboard.press("Enter")
    form = row.locator(".record-form")
    expect(form).to_be_visible()
    assert focused(page, "el.closest('.record-form') !== null")  # the cursor in the form
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    expect(edit).to_be_focused()  # back on Sarah's row, not the top of the page
    assert page.evaluate("window.scrollY") > 0

    page.keyboard.press("Enter")
    expect(form).to_be_visible()
    for _ in range(12):  # Tab through the form's fields to her title
        if focused(page, "el.name") == "title":
            break
        page.keyboard.press("Tab")
    assert focused(page, "el.name") == "title"
    page.keyboard.press("Control+A")
    page.keyboard.type("Chief Digital Officer")
    page.keyboard.press("Enter")
    expect(row).to_contain_text("Chief Digital Officer")
    expect(row.locator(".record-form")).to_have_count(0)
    edit = page.locator(f"#stakeholder-{sarah.pk}").get_by_role("button", name=re.compile("^Edit"))
    expect(edit).to_be_focused()
    sarah.refresh_from_db()
    assert sarah.title == "Chief Digital Officer"
    assert_no_violation(page, errors)


def test_adding_a_stakeholder_and_moving_a_play_by_keyboard_alone(novatech, sign_in):
    page = sign_in("kam")
    errors = watch_policy(page)
    open_plan(page, novatech)
    page.mouse.click(1, 400)  # nothing focused; from here on, keys only
    index = page.get_by_role("navigation", name="Sections of the plan")
    for _ in range(40):  # Tab to the section index's Stakeholders entry
        page.keyboard.press("Tab")
        if focused(
            page, "el.closest('.section-index') !== null && el.textContent.includes('Stakeholders')"
        ):
            break
    expect(index.get_by_role("link", name=re.compile("^Stakeholders"))).to_be_focused()
    page.keyboard.press("Enter")
    add = page.get_by_role("button", name="Add stakeholder")
    for _ in range(6):  # a few stops from the section's top
        page.keyboard.press("Tab")
        if focused(page, "el.textContent === 'Add stakeholder'"):
            break
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#slot-stakeholders-new .record-form")).to_be_visible()
    assert focused(page, "el.name") == "name"
    page.keyboard.type("Amira Haddad")
    page.keyboard.press("Tab")
    page.keyboard.type("Head of Procurement")
    page.keyboard.press("Enter")
    expect(page.locator("#section-stakeholders")).to_contain_text("Amira Haddad")
    expect(add).to_be_focused()  # back where the form was opened, ready for the next
    assert Stakeholder.objects.filter(account=novatech, name="Amira Haddad").exists()

    play = Play.objects.filter(account=novatech, stage=Stage.CONVERSATION).first()
    stages = page.get_by_role("group", name=f"Move {play.name} to stage")
    stages.get_by_role("button", name="Closing").focus()  # stands in for the Tabs there
    page.keyboard.press("Enter")
    expect(page.locator(f"#play-{play.pk} .stage")).to_have_text("Closing")
    # Still on that play, once its answer has settled.
    page.wait_for_function(f"document.activeElement.closest('#play-{play.pk}') !== null")
    play.refresh_from_db()
    assert play.stage == Stage.CLOSING
    page.keyboard.press("Enter")  # the group's first button: another move at once
    expect(page.locator(f"#play-{play.pk} .stage")).not_to_have_text("Closing")
    play.refresh_from_db()
    assert play.stage != Stage.CLOSING
    assert_no_violation(page, errors)


def test_after_a_remove_the_focus_goes_to_the_next_record(novatech, sign_in):
    page = sign_in("kam")
    errors = watch_policy(page)
    open_plan(page, novatech)
    people = page.locator("#section-stakeholders ul.records > li.record")
    going, following = people.nth(1), people.nth(2)
    name = going.locator("strong").first.inner_text()
    following_id = following.get_attribute("id")
    page.once("dialog", lambda dialog: dialog.accept())
    going.get_by_role("button", name=f"Remove {name}", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#section-stakeholders li.record:has-text('{name}')")).to_have_count(0)
    expect(
        page.locator(f"#{following_id}").get_by_role("button", name=re.compile("^Edit"))
    ).to_be_focused()
    assert not Stakeholder.objects.filter(account=novatech, name=name).exists()
    assert_no_violation(page, errors)


def test_read_mode_shows_the_plan_without_edit_controls(novatech, sign_in):
    page = sign_in("kam")
    errors = watch_policy(page)
    open_plan(page, novatech)
    assert page.get_by_role("button", name=EDIT_CONTROLS).count() > 20
    records = page.eval_on_selector_all("li.record[id]", "rows => rows.map(r => r.id)")
    assert len(records) > 10
    stakeholders = page.locator("#section-stakeholders ul.records").first.inner_text()

    page.get_by_role("link", name="Read mode").click()
    page.wait_for_url(re.compile(r"\?read=1$"))
    expect(page.get_by_role("status").filter(has_text="Read mode")).to_be_visible()
    expect(page.locator("#section-numbers .figures").first).to_be_visible()  # loaded too
    expect(page.get_by_role("button", name=EDIT_CONTROLS)).to_have_count(0)
    expect(page.locator(".record-form, .controls, button.add")).to_have_count(0)
    expect(page.get_by_role("link", name="Import from Excel")).to_have_count(0)
    # The same plan: every record still there, each with its words.
    assert page.eval_on_selector_all("li.record[id]", "rows => rows.map(r => r.id)") == records
    reading = page.locator("#section-stakeholders ul.records").first.inner_text()
    assert letters(reading) == letters(re.sub(r"Edit\s*Remove|×", "", stakeholders))
    page.locator("#section-risks").screenshot(path=_artifact("read-mode-risks.png"))

    page.get_by_role("link", name="Edit mode").click()
    expect(page.get_by_role("button", name=re.compile("^Edit")).first).to_be_visible()
    assert_no_violation(page, errors)


def test_a_folded_section_stays_folded_after_a_reload(novatech, sign_in):
    page = sign_in("kam")
    errors = watch_policy(page)
    open_plan(page, novatech)
    risks = page.locator("#section-risks")
    hide = risks.get_by_role("button", name="Hide 7. Risk register")
    expect(hide).to_have_attribute("aria-expanded", "true")
    expect(risks.locator("ul.records")).to_be_visible()

    hide.click()
    expect(risks.locator("ul.records")).to_be_hidden()
    expect(risks.get_by_role("heading", name="7. Risk register")).to_be_visible()
    show = risks.get_by_role("button", name="Show 7. Risk register")
    expect(show).to_have_attribute("aria-expanded", "false")

    page.reload()
    expect(show).to_have_attribute("aria-expanded", "false")
    expect(risks.locator("ul.records")).to_be_hidden()
    expect(page.locator("#section-stakeholders ul.records").first).to_be_visible()  # only it
    risks.screenshot(path=_artifact("risk-register-folded.png"))

    show.click()
    expect(risks.locator("ul.records")).to_be_visible()
    page.reload()
    expect(hide).to_have_attribute("aria-expanded", "true")
    expect(risks.locator("ul.records")).to_be_visible()

    hide.click()  # folded, then reached from the section index: it unfolds
    expect(risks.locator("ul.records")).to_be_hidden()
    index = page.get_by_role("navigation", name="Sections of the plan")
    index.locator('a[href="#section-risks"]').click()
    expect(risks.locator("ul.records")).to_be_visible()
    assert_no_violation(page, errors)


def test_printing_the_plan_leaves_out_the_controls(novatech, sign_in):
    page = sign_in("kam")
    sarah = Stakeholder.objects.get(account=novatech, name="Sarah Lin")
    open_plan(page, novatech)
    page.locator("#section-risks").get_by_role("button", name=re.compile("^Hide")).click()
    edit = page.locator(f"#stakeholder-{sarah.pk}").get_by_role("button", name=re.compile("^Edit"))
    index = page.get_by_role("navigation", name="Sections of the plan")
    expect(edit).to_be_visible()
    expect(index).to_be_visible()

    page.emulate_media(media="print")
    expect(edit).to_be_hidden()
    expect(index).to_be_hidden()
    expect(page.locator("header.bar")).to_be_hidden()
    expect(page.get_by_role("link", name="Download Excel")).to_be_hidden()
    expect(page.locator("button:visible")).to_have_count(0)
    expect(page.locator(f"#stakeholder-{sarah.pk}")).to_contain_text("Sarah Lin")
    expect(page.locator("#section-risks ul.records")).to_be_visible()  # folded, printed open
    shadows = page.eval_on_selector_all(
        "main *", "els => els.filter(e => getComputedStyle(e).boxShadow !== 'none').length"
    )
    assert shadows == 0
    page.screenshot(path=_artifact("plan-printed.png"), full_page=True)

    page.emulate_media(media="screen")
    expect(edit).to_be_visible()


def _artifact(name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
