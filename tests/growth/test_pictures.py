"""The whitespace grid: business units against the catalog, and the open money in it."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.core import clock, services
from keyplan.core.money import format_compact
from keyplan.growth import services as growth_services
from keyplan.growth.models import BusinessUnit, Product, WhitespaceCell
from keyplan.growth.pictures import whitespace_grid_svg
from keyplan.plan.loader import Plan

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    """The picture as XML: it must be well-formed."""
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    return root


def words(element: ET.Element) -> str:
    return " ".join(t.text or "" for t in element.iter(f"{SVG}text"))


def cells(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {
        (g.get("data-unit"), g.get("data-product")): g
        for g in root.iter(f"{SVG}g")
        if "cell" in g.get("class", "").split()
    }


def totals(root: ET.Element) -> dict[tuple[str, str | None], str]:
    """What each open-whitespace total says, by (kind, unit or product id)."""
    return {
        (g.get("data-total"), g.get("data-unit") or g.get("data-product")): words(g)
        for g in root.iter(f"{SVG}g")
        if g.get("data-total")
    }


@pytest.fixture
def grid(account, owner, admin_user, unit, product):
    """Engineering and Finance against Analytics, Automation and Mobile; Engineering x
    Mobile has no cell yet."""
    finance = services.create(BusinessUnit, by=owner, account=account, name="Finance", position=1)
    automation = services.create(Product, by=admin_user, name="Automation", position=1)
    mobile = services.create(Product, by=admin_user, name="Mobile", position=2)

    def cell(unit, product, status, value=None):
        value = Decimal(value) if value is not None else None
        return growth_services.set_cell(
            unit, product, by=owner, status=status, estimated_value=value
        )

    cell(unit, product, "open", 45000)
    cell(unit, automation, "sold", 99000)  # sold: its value is not whitespace
    cell(finance, product, "evaluating")
    cell(finance, automation, "open", 20000)
    cell(finance, mobile, "n_a")
    return {"engineering": unit, "finance": finance}, {
        "analytics": product,
        "automation": automation,
        "mobile": mobile,
    }


def ids(*records) -> tuple[str, ...]:
    return tuple(str(r.pk) for r in records)


def test_each_cell_shows_its_colour_and_a_short_text(account, grid):
    (units, products), found = grid, cells(parse(whitespace_grid_svg(Plan(account))))

    def seen(unit, product):
        cell = found[ids(units[unit], products[product])]
        return cell.get("data-status"), cell.get("class").split()[1], words(cell)

    assert seen("engineering", "automation") == ("sold", "cell-green", "Sold")
    assert seen("engineering", "analytics") == ("open", "cell-red", "$45K")
    assert seen("finance", "analytics") == ("evaluating", "cell-yellow", "Eval")
    assert seen("finance", "mobile") == ("n_a", "cell-grey", "n/a")
    assert seen("engineering", "mobile") == ("", "cell-empty", "-")  # no record yet


def test_every_catalog_product_is_a_column_and_every_unit_a_row(account, grid, admin_user):
    services.create(Product, by=admin_user, name="Premium Support", position=3)
    plan = Plan(account)

    found = cells(parse(whitespace_grid_svg(plan)))

    assert set(found) == {ids(u, p) for u in plan.units for p in plan.products}
    assert len(found) == 2 * 4


def test_open_whitespace_adds_up_by_unit_by_product_and_in_total(account, grid):
    units, products = grid

    shown = totals(parse(whitespace_grid_svg(Plan(account))))

    assert shown[("all", None)] == "$65K"
    assert shown[("row", str(units["engineering"].pk))] == "$45K"
    assert shown[("row", str(units["finance"].pk))] == "$20K"
    assert shown[("column", str(products["analytics"].pk))] == "$45K"
    assert shown[("column", str(products["automation"].pk))] == "$20K"
    assert shown[("column", str(products["mobile"].pk))] == "$0"
    assert "Open whitespace" in words(parse(whitespace_grid_svg(Plan(account))))


def test_the_cell_tooltip_tells_the_whole_story(account, owner, grid, champion):
    units, products = grid
    cell = WhitespaceCell.objects.get(
        business_unit=units["engineering"], product=products["analytics"]
    )
    growth_services.set_cell(
        cell.business_unit, cell.product, by=owner, version=cell.version, champion=champion, fit=3
    )

    found = cells(parse(whitespace_grid_svg(Plan(account))))

    tooltip = found[ids(units["engineering"], products["analytics"])].find(f"{SVG}title").text
    assert tooltip.split("\n") == [
        "Engineering × Analytics",
        "Open (unsold)",
        "Estimated value: $45,000 a year",
        "Fit: High",
        "Champion: Sarah Lin",
    ]


def test_without_a_link_nothing_is_clickable(account, grid):
    assert parse(whitespace_grid_svg(Plan(account))).find(f".//{SVG}a") is None


def test_with_a_link_every_cell_is_clickable_even_an_empty_one(account, grid):
    calls = []

    def link(unit, product, cell):
        calls.append((unit.name, product.name, cell.status if cell else None))
        return f"/grid/{unit.pk}/{product.pk}/?edit=1&from=plan"

    root = parse(whitespace_grid_svg(Plan(account), link=link))

    anchors = list(root.iter(f"{SVG}a"))
    assert len(anchors) == len(calls) == 6
    for anchor in anchors:
        cell = anchor[0]
        expected = f"/grid/{cell.get('data-unit')}/{cell.get('data-product')}/?edit=1&from=plan"
        assert anchor.get("href") == expected
    assert ("Engineering", "Mobile", None) in calls


def test_names_are_escaped(account, owner, grid):
    services.create(BusinessUnit, by=owner, account=account, name="R&D <Labs>", position=2)

    svg = str(whitespace_grid_svg(Plan(account)))

    assert "<Labs>" not in svg
    assert "R&D <Labs>" in words(parse(svg))


def test_the_grid_runs_no_query_once_the_plan_is_loaded(account, grid, django_assert_num_queries):
    plan = Plan(account).load()

    with django_assert_num_queries(0):
        whitespace_grid_svg(plan, link=lambda unit, product, cell: "/x/")


def test_a_plan_as_of_a_past_date_shows_the_grid_of_then(owner, admin_user, private_plans):
    moment = timezone.now() - timedelta(days=60)
    with clock.travel(moment):
        account = account_services.create_account(by=owner, name="Acme Corp")
        analytics = services.create(Product, by=admin_user, name="Analytics")
        unit = services.create(BusinessUnit, by=owner, account=account, name="Engineering")
        cell = growth_services.set_cell(
            unit, analytics, by=owner, status="open", estimated_value=Decimal(45000)
        )
    with clock.travel(moment + timedelta(days=30)):
        growth_services.set_cell(unit, analytics, by=owner, version=cell.version, status="sold")

    then = parse(whitespace_grid_svg(Plan(account, as_of=moment + timedelta(days=15))))
    now = parse(whitespace_grid_svg(Plan(account)))

    assert words(cells(then)[ids(unit, analytics)]) == "$45K"
    assert totals(then)[("all", None)] == "$45K"
    assert words(cells(now)[ids(unit, analytics)]) == "Sold"
    assert totals(now)[("all", None)] == "$0"


def test_an_empty_plan_still_draws_the_catalog(account, product):
    root = parse(whitespace_grid_svg(Plan(account)))

    assert "Analytics" in words(root) and "No business units yet" in words(root)
    assert totals(root)[("all", None)] == "$0"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (None, "-"),
        (0, "$0"),
        (950, "$950"),
        (45000, "$45K"),
        (12500, "$12.5K"),
        (65000, "$65K"),
        (145500, "$146K"),
        (999_999, "$1M"),
        (1_200_000, "$1.2M"),
        (3_000_000_000, "$3B"),
    ],
)
@pytest.mark.django_db  # written in the organisation's locale
def test_money_in_short(amount, shown):
    assert format_compact(None if amount is None else Decimal(amount), "USD") == shown
    assert format_compact(Decimal(45000), "EUR") == "€45K"
