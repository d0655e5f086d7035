"""The pages a KAM opens before a meeting fit a phone: at 390 px and at a desk's
1440 px, the plan page, the dashboard, the weekly review (its list and one plan's
screen), My week and a leader's selection never scroll sideways; a wide table, the
whitespace grid and the org chart scroll in their own boxes; the header's links sit
behind a menu; the heat map and interest grid become lists. Screenshots of each are
kept in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

PAGES = {
    "plan": "/accounts/{pk}/",
    "dashboard": "/",
    "review": "/review/",
    "review-plan": "/review/{pk}/",
    "my-week": "/my/",
    "accounts": "/accounts/",
}


@pytest.mark.parametrize("width", [390, 1440])
def test_no_page_is_wider_than_the_screen(sign_in, novatech, width):
    too_wide = {}
    for user, pages in (("kam", PAGES), ("leader", {"selection": "/selection/"})):
        page = sign_in(user)
        page.set_viewport_size({"width": width, "height": 900})
        for name, address in pages.items():
            answer = page.goto(page.base + address.format(pk=novatech.pk))
            assert answer.ok, name
            page.wait_for_load_state("networkidle")
            content = page.evaluate("document.documentElement.scrollWidth")
            if content > width:
                too_wide[name] = content
            page.screenshot(path=ARTIFACTS / f"width-{name}-{width}.png", full_page=True)
    assert too_wide == {}


def test_on_a_phone_the_header_links_are_behind_a_menu_that_escape_closes(sign_in, novatech):
    page = sign_in("leader")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.base + "/")
    main_links = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    expect(main_links).to_be_hidden()
    expect(page.locator(".who .name")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ("Portfolio", "Accounts", "My week", "Review", "Selection"):
        link = main_links.get_by_role("link", name=name)
        expect(link).to_be_visible()
        assert link.bounding_box()["height"] >= 24  # a finger's target
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=ARTIFACTS / "menu-open-390.png")
    page.keyboard.press("Escape")
    expect(main_links).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    main_links.get_by_role("link", name="My week").click()
    expect(page.get_by_role("heading", name="My week")).to_be_visible()

    page.set_viewport_size({"width": 1440, "height": 900})  # at a desk: no menu button
    expect(menu).to_be_hidden()
    expect(main_links.get_by_role("link", name="Review")).to_be_visible()


def test_a_wide_table_scrolls_in_its_own_box_on_a_phone(sign_in, novatech):
    page = sign_in("kam")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.base + "/accounts/")
    box = page.get_by_role("region", name="Accounts")
    inner, outer = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert inner > outer  # the table is wider than the phone, and scrolls inside
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert page.evaluate("window.scrollX") == 0
    assert page.get_by_role("link", name="NovaTech").count() == 1


@pytest.mark.parametrize("width", [390, 1440])
def test_the_section_index_counts_what_the_sections_show_and_jumps_to_them(
    sign_in, novatech, width
):
    page = sign_in("kam")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base + f"/accounts/{novatech.pk}/")
    index = page.get_by_role("navigation", name="Sections of the plan")
    people = index.get_by_role("link", name="Stakeholders")
    count = int(people.locator(".count").inner_text())
    heading = page.locator("#section-stakeholders h2 small").inner_text()
    assert heading == f"{count} stakeholders"
    red = page.locator("#section-heatmap h2 small[data-heat=red]").inner_text()  # "2 red"
    assert index.get_by_role("link", name="Heat map").locator(".flag").inner_text() == red
    plays = page.locator("#section-growth h2 small").inner_text()
    assert plays.startswith(
        index.get_by_role("link", name="Growth plays").locator(".count").inner_text()
    )

    index.get_by_role("link", name="Risks").click()
    page.wait_for_function("location.hash === '#section-risks'")
    top = page.locator("#section-risks").evaluate("s => s.getBoundingClientRect().top")
    assert 0 <= top < 300  # in view, below the sticky header and index
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=ARTIFACTS / f"section-index-{width}.png")


def test_on_a_phone_the_heat_map_and_interest_grid_are_lists_of_the_same_people(sign_in, novatech):
    page = sign_in("kam")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.base + f"/accounts/{novatech.pk}/")
    heat = page.get_by_role("group", name="The heat map as a list")
    grid = page.get_by_role("group", name="The interest grid as a list")
    expect(heat).to_be_visible()
    expect(page.locator("#heat-map svg")).to_be_hidden()
    expect(page.locator("#interest-grid svg")).to_be_hidden()
    # The same people as the pictures, each once in each list, coloured as in the header.
    drawn = sorted(
        page.locator("#heat-map svg .dot").evaluate_all(
            "dots => dots.map(d => d.dataset.stakeholder)"
        )
    )
    for listing in (heat, grid):
        listed = sorted(
            listing.get_by_role("link").evaluate_all(
                "links => links.map(a => a.getAttribute('href').split('-').pop())"
            )
        )
        assert listed == drawn
    for colour in ("green", "yellow", "red"):
        header = page.locator(f"#section-heatmap h2 small[data-heat={colour}]").inner_text()
        assert header == f"{heat.locator(f'.dot-{colour}').count()} {colour}"
    grid.get_by_role("link").first.click()
    page.wait_for_function("location.hash.startsWith('#stakeholder-')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#section-heatmap").screenshot(path=ARTIFACTS / "heat-map-list-390.png")

    page.set_viewport_size({"width": 1440, "height": 900})  # at a desk: the pictures
    expect(page.locator("#heat-map svg")).to_be_visible()
    expect(heat).to_be_hidden()


def test_the_whitespace_grid_keeps_its_unit_names_in_view_while_its_cells_scroll(sign_in, novatech):
    page = sign_in("kam")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.base + f"/accounts/{novatech.pk}/#section-whitespace")
    box = page.locator("#whitespace-grid")
    names = box.locator("svg.unit-names")
    units = set(novatech.business_units.values_list("name", flat=True))
    *shown, totals = names.locator("text").all_text_contents()
    assert len(shown) == len(units) and totals.startswith("Open")
    assert all(any(u.startswith(n.rstrip("…")) for u in units) for n in shown)
    inner, outer = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert inner > outer  # eight products do not fit a phone: the cells scroll
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    page.wait_for_function("document.querySelector('#whitespace-grid').scrollLeft > 0")
    left = box.evaluate("b => b.getBoundingClientRect().left")
    assert abs(names.evaluate("s => s.getBoundingClientRect().left") - left) < 1
    total = box.locator('[data-total="all"]')
    expect(total).to_be_in_viewport()  # the far end, and the names still beside it
    assert page.evaluate("window.scrollX") == 0
    box.screenshot(path=ARTIFACTS / "whitespace-scrolled-390.png")


def test_the_org_chart_zooms_to_fit_a_phone_and_pans_by_dragging(sign_in, novatech):
    page = sign_in("kam")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.base + f"/accounts/{novatech.pk}/")
    chart = page.get_by_role("region", name="Org chart, drag or scroll to pan")
    chart.scroll_into_view_if_needed()
    drawn = "b => b.querySelector('svg').getBoundingClientRect().width"
    natural = chart.evaluate(drawn)
    box_width = chart.evaluate("b => b.clientWidth")
    assert natural > box_width  # the whole chart does not fit a phone
    zooms = page.get_by_role("group", name="Zoom the org chart")
    zooms.get_by_role("button", name="Fit").click()
    assert chart.evaluate(drawn) <= box_width + 1  # every box of the chart in view
    page.screenshot(path=ARTIFACTS / "org-chart-fit-390.png")
    zooms.get_by_role("button", name="Zoom in").click()
    zooms.get_by_role("button", name="Zoom in").click()
    assert chart.evaluate(drawn) > box_width
    chart.evaluate("b => { b.scrollLeft = 0; }")  # room to pan right, whatever the chart
    before = chart.evaluate("b => b.scrollLeft")
    area = chart.bounding_box()
    # Along the chart's top margin, where no stakeholder's link is (a drag on a link
    # follows it rather than panning).
    page.mouse.move(area["x"] + area["width"] - 20, area["y"] + 4)
    page.mouse.down()
    page.mouse.move(area["x"] + 20, area["y"] + 4, steps=5)
    page.mouse.up()
    assert chart.evaluate("b => b.scrollLeft") > before  # dragged left: the chart moved
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
