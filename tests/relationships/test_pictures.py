"""The heat map, the interest x influence grid and the org chart, as a user sees them."""

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.core import clock, services
from keyplan.plan.loader import Plan
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Stakeholder
from keyplan.relationships.pictures import heat_map_svg, interest_grid_svg, org_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
PICTURES = [heat_map_svg, interest_grid_svg, org_chart_svg]


def parse(svg) -> ET.Element:
    """The picture as XML: it must be well-formed."""
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}image")]
    return root


def words(element: ET.Element) -> str:
    """What a user reads in an element: its texts."""
    return " ".join(t.text or "" for t in element.iter(f"{SVG}text"))


def tooltip(element: ET.Element) -> str:
    return element.find(f"{SVG}title").text


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    """The `<g>` elements of a class (dot, zone, quadrant, person, legend)."""
    return [g for g in root.iter(f"{SVG}g") if kind in g.get("class", "").split()]


def dots(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-stakeholder"): g for g in groups(root, "dot")}


def boxes(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-stakeholder"): g for g in groups(root, "person")}


def person(account, owner, name, **values) -> Stakeholder:
    return services.create(Stakeholder, by=owner, account=account, name=name, **values)


@pytest.fixture
def marcus(account, owner):
    """High power, cold: red."""
    return person(account, owner, "Marcus Weber", title="VP Engineering", power=3, strength=1)


@pytest.fixture
def nina(account, owner):
    """A blocker with medium power, on good terms: still red."""
    return person(account, owner, "Nina Kowalski", role="blocker", power=2, strength=3)


def test_a_powerful_champion_is_a_green_circle_with_her_details(account, champion):
    root = parse(heat_map_svg(Plan(account)))

    sarah = dots(root)[str(champion.pk)]
    assert sarah.get("data-colour") == "green" and "dot-green" in sarah.get("class")
    assert sarah.find(f"{SVG}circle") is not None
    assert words(sarah) == "Sarah Lin"
    assert tooltip(sarah).split("\n") == [
        "Sarah Lin, VP Ops",
        "Power: High · Interest: High",
        "Relationship: Champion · Champion",
    ]
    cell = next(g for g in groups(root, "zone") if sarah in list(g))
    assert (cell.get("data-power"), cell.get("data-strength")) == ("3", "4")


def test_a_cold_powerful_person_is_a_red_square_and_a_blocker_with_power_is_red(
    account, champion, marcus, nina
):
    found = dots(parse(heat_map_svg(Plan(account))))

    assert found[str(marcus.pk)].get("data-colour") == "red"
    assert found[str(marcus.pk)].find(f"{SVG}rect") is not None  # a square
    assert found[str(nina.pk)].get("data-colour") == "red"


def test_everybody_else_is_a_yellow_diamond(account, owner):
    neutral = person(account, owner, "Tom Murphy", power=1, strength=2)

    dot = dots(parse(heat_map_svg(Plan(account))))[str(neutral.pk)]

    assert dot.get("data-colour") == "yellow"
    assert dot.find(f"{SVG}path") is not None  # a diamond


def test_the_legend_names_each_shape_and_counts_each_colour(account, champion, marcus, nina):
    (legend,) = groups(parse(heat_map_svg(Plan(account))), "legend")
    legend = words(legend)

    assert "Green circle (1)" in legend
    assert "Yellow diamond (0)" in legend
    assert "Red square (2)" in legend


def test_people_in_one_cell_are_spread_out_with_their_names(account, owner):
    people = [person(account, owner, f"Person {n}", power=2, strength=2) for n in range(6)]

    found = dots(parse(heat_map_svg(Plan(account))))

    spots = [
        (float(t.get("x")), float(t.get("y")))
        for t in (found[str(p.pk)].find(f"{SVG}text") for p in people)
    ]
    assert len(set(spots)) == 6
    for (x1, y1), (x2, y2) in itertools.combinations(spots, 2):
        assert abs(x1 - x2) >= 100 or abs(y1 - y2) >= 20  # a line apart at least
    assert {words(found[str(p.pk)]) for p in people} == {f"Person {n}" for n in range(6)}


def test_a_long_name_is_shortened_but_the_tooltip_has_it_whole(account, owner):
    long = "Maximiliana Alexandrina von Hohenzollern-Sigmaringen"
    someone = person(account, owner, long, power=1)

    dot = dots(parse(heat_map_svg(Plan(account))))[str(someone.pk)]

    assert words(dot).endswith("…") and len(words(dot)) < len(long)
    assert tooltip(dot).startswith(long)


def test_people_who_left_are_off_the_heat_map_and_grey_on_the_org_chart(account, owner, champion):
    julia = person(account, owner, "Julia Rossi", title="Finance Systems", status="left")
    plan = Plan(account)

    assert str(julia.pk) not in dots(parse(heat_map_svg(plan)))
    assert str(julia.pk) not in dots(parse(interest_grid_svg(plan)))
    box = boxes(parse(org_chart_svg(plan)))[str(julia.pk)]
    assert box.get("data-status") == "left" and "person-left" in box.get("class")
    assert "Julia Rossi (left)" in words(box)
    assert box.find(f"{SVG}rect").get("stroke-dasharray")  # dashed grey frame
    assert box.get("data-colour") is None


def test_the_interest_grid_puts_each_person_in_their_quadrant(account, owner, champion, marcus):
    analyst = person(account, owner, "Kenji Tanaka", power=1, interest=3)
    quiet = person(account, owner, "Tom Murphy", power=2, interest=2)

    root = parse(interest_grid_svg(Plan(account)))

    quadrants = {g.get("data-quadrant"): set(dots(g)) for g in groups(root, "quadrant")}
    assert quadrants == {
        "manage_closely": {str(champion.pk)},
        "keep_satisfied": {str(marcus.pk)},  # high power, medium interest (the default)
        "keep_informed": {str(analyst.pk)},
        "monitor": {str(quiet.pk)},
    }
    labels = words(root)
    for label in ("Manage closely (1)", "Keep satisfied (1)", "Keep informed (1)", "Monitor (1)"):
        assert label in labels
    assert dots(root)[str(champion.pk)].get("data-colour") == "green"


@pytest.fixture
def org(account, owner, champion):
    """Daniel leads James and Sarah; James leads Nina; Sarah sways James, James sways Nina."""
    daniel = person(account, owner, "Daniel Cohen", title="CEO", power=3)
    james = person(account, owner, "James Park", title="CFO", power=3, reports_to=daniel)
    nina = person(account, owner, "Nina Kowalski", role="blocker", power=2, reports_to=james)
    sarah = services.update(champion, by=owner, version=champion.version, reports_to=daniel)
    relationship_services.add_influence(sarah, james, by=owner)
    relationship_services.add_influence(james, nina, by=owner)
    return {"daniel": daniel, "james": james, "nina": nina, "sarah": sarah}


def lines(root: ET.Element, kind: str) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}path") if p.get("class") == kind]


def corners(root: ET.Element) -> dict[str, tuple[float, float]]:
    return {
        pk: (float(box.find(f"{SVG}rect").get("x")), float(box.find(f"{SVG}rect").get("y")))
        for pk, box in boxes(root).items()
    }


def assert_no_overlap(root: ET.Element) -> None:
    rect = next(iter(boxes(root).values())).find(f"{SVG}rect")
    width, height = float(rect.get("width")), float(rect.get("height"))
    for (x1, y1), (x2, y2) in itertools.combinations(corners(root).values(), 2):
        assert abs(x1 - x2) >= width or abs(y1 - y2) >= height


def test_the_org_chart_joins_managers_to_reports_and_draws_influence_as_dashed_arrows(account, org):
    root = parse(org_chart_svg(Plan(account)))
    pk = {name: str(p.pk) for name, p in org.items()}

    reporting = {(p.get("data-from"), p.get("data-to")) for p in lines(root, "reports")}
    assert reporting == {
        (pk["daniel"], pk["james"]),
        (pk["daniel"], pk["sarah"]),
        (pk["james"], pk["nina"]),
    }
    influences = lines(root, "influence")
    assert {(p.get("data-from"), p.get("data-to")) for p in influences} == {
        (pk["sarah"], pk["james"]),
        (pk["james"], pk["nina"]),
    }
    for arrow in influences:
        assert (
            arrow.get("stroke-dasharray") and arrow.get("marker-end") == "url(#kp-influence-arrow)"
        )
    assert root.find(f".//{SVG}marker[@id='kp-influence-arrow']") is not None
    for line in lines(root, "reports"):
        assert line.get("stroke-dasharray") is None and line.get("marker-end") is None
    top = corners(root)
    assert top[pk["daniel"]][1] < top[pk["james"]][1] == top[pk["sarah"]][1] < top[pk["nina"]][1]
    sarah = boxes(root)[pk["sarah"]]
    assert sarah.get("data-colour") == "green" and sarah.find(f"{SVG}circle") is not None
    assert "Sarah Lin" in words(sarah) and "VP Ops" in words(sarah)
    assert_no_overlap(root)


def test_a_wide_org_chart_grows_wider_and_its_boxes_never_overlap(account, owner):
    boss = person(account, owner, "Boss")
    for n in range(5):
        manager = person(account, owner, f"Manager {n}", reports_to=boss)
        for m in range(n):
            person(account, owner, f"Report {n}.{m}", reports_to=manager)
    narrow = parse(org_chart_svg(Plan(account)))
    for n in range(8):
        person(account, owner, f"Another {n}", reports_to=boss)

    wide = parse(org_chart_svg(Plan(account)))

    assert float(wide.get("width")) > float(narrow.get("width"))
    assert len(boxes(wide)) == 1 + 5 + 10 + 8
    assert_no_overlap(wide)


def test_a_team_of_individual_contributors_is_stacked_under_its_manager(account, owner):
    lead = person(account, owner, "Lead")
    team = [person(account, owner, f"Engineer {n}", reports_to=lead) for n in range(6)]

    root = parse(org_chart_svg(Plan(account)))

    top = corners(root)
    assert len({top[str(p.pk)][0] for p in team}) == 1  # one column
    assert sorted(top[str(p.pk)][1] for p in team) == [top[str(p.pk)][1] for p in team]
    assert top[str(team[0].pk)][1] > top[str(lead.pk)][1]
    xs = [x for x, _ in top.values()]
    assert max(xs) - min(xs) < 100  # not six boxes wide
    assert len(lines(root, "reports")) == 6
    assert_no_overlap(root)


def test_a_reporting_cycle_does_not_break_the_org_chart(account, owner):
    a = person(account, owner, "Ann")
    b = person(account, owner, "Ben", reports_to=a)
    c = person(account, owner, "Cy", reports_to=b)
    # The model refuses a cycle; old history or a bad import may still hold one.
    Stakeholder.objects.filter(pk=a.pk).update(reports_to=c)

    root = parse(org_chart_svg(Plan(account)))

    assert set(boxes(root)) == {str(p.pk) for p in (a, b, c)}
    assert len(lines(root, "reports")) == 2  # the cycle is cut once
    assert_no_overlap(root)


def test_someone_whose_manager_is_not_in_the_plan_is_a_root(account, owner, champion):
    boss = person(account, owner, "Daniel Cohen")
    services.update(champion, by=owner, version=champion.version, reports_to=boss)
    plan = Plan(account)
    plan.stakeholders = [s for s in plan.stakeholders if s.pk != boss.pk]

    root = parse(org_chart_svg(plan))

    assert set(boxes(root)) == {str(champion.pk)}
    assert lines(root, "reports") == []


def test_names_from_the_plan_are_escaped(account, owner):
    odd = person(account, owner, 'Tom <b>"Bold"</b> & Co', title="<script>alert(1)</script>")

    for picture in PICTURES:
        svg = str(picture(Plan(account)))
        root = parse(svg)
        assert "<b>" not in svg and "<script>" not in svg
        shown = dots(root).get(str(odd.pk)) or boxes(root)[str(odd.pk)]
        assert words(shown).startswith("Tom <b>")
        assert tooltip(shown).startswith('Tom <b>"Bold"</b> & Co, <script>alert(1)</script>')


@pytest.mark.parametrize("picture", PICTURES)
def test_without_a_link_nothing_is_clickable(account, champion, marcus, picture):
    svg = picture(Plan(account))

    assert parse(svg).find(f".//{SVG}a") is None


@pytest.mark.parametrize("picture", PICTURES)
def test_with_a_link_each_person_is_clickable(account, champion, marcus, picture):
    def link(stakeholder):
        return None if stakeholder.pk == marcus.pk else f"/stakeholders/{stakeholder.pk}/?x=1&y=2"

    root = parse(picture(Plan(account), link=link))

    anchors = list(root.iter(f"{SVG}a"))
    assert len(anchors) == 1
    assert anchors[0].get("href") == f"/stakeholders/{champion.pk}/?x=1&y=2"
    assert anchors[0][0].get("data-stakeholder") == str(champion.pk)


def test_the_pictures_run_no_query_once_the_plan_is_loaded(
    account, org, marcus, django_assert_num_queries
):
    plan = Plan(account).load()

    with django_assert_num_queries(0):
        for picture in PICTURES:
            picture(plan, link=lambda s: f"/s/{s.pk}/")


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def test_a_plan_as_of_a_past_date_shows_the_colours_of_then(owner, private_plans):
    with clock.travel(moment(60)):
        account = account_services.create_account(by=owner, name="Acme Corp")
        james = person(account, owner, "James Park", title="CFO", power=3, strength=1)
        boss = person(account, owner, "Daniel Cohen", power=3, strength=2)
    with clock.travel(moment(30)):
        james = services.update(james, by=owner, version=james.version, strength=4, reports_to=boss)

    then, now = Plan(account, as_of=moment(45)), Plan(account)

    assert dots(parse(heat_map_svg(then)))[str(james.pk)].get("data-colour") == "red"
    assert dots(parse(heat_map_svg(now)))[str(james.pk)].get("data-colour") == "green"
    assert lines(parse(org_chart_svg(then)), "reports") == []
    assert len(lines(parse(org_chart_svg(now)), "reports")) == 1


def test_who_moved_over_the_month_has_a_faint_mark_where_they_stood_and_an_arrow(
    owner, private_plans
):
    with clock.travel(moment(45)):
        account = account_services.create_account(by=owner, name="Acme Corp")
        james = person(account, owner, "James Park", power=3, strength=1)  # red
        sarah = person(account, owner, "Sarah Lin", power=3, strength=4)  # green
        still = person(account, owner, "Ana Ruiz", power=1, strength=2)
    with clock.travel(moment(10)):
        james = services.update(james, by=owner, version=james.version, strength=3)  # green
        sarah = services.update(sarah, by=owner, version=sarah.version, strength=2)  # red
    newcomer = person(account, owner, "Tom Murphy", power=3, strength=1)

    root = parse(heat_map_svg(Plan(account)))

    trails = {g.get("data-stakeholder"): g for g in groups(root, "was")}
    assert set(trails) == {str(james.pk), str(sarah.pk)}  # not Ana (stayed), not Tom (new)
    assert trails[str(james.pk)].get("data-colour") == "red"  # where he stood: cold
    assert "a month ago: High power, Cold" in tooltip(trails[str(james.pk)])
    assert "1 red turned yellow or green, 1 green faded" in words(root)
    assert str(still.pk) in dots(root) and str(newcomer.pk) in dots(root)
    # A month before the plan's own moment: as of 20 days ago, nobody had moved yet.
    assert groups(parse(heat_map_svg(Plan(account, as_of=moment(20)))), "was") == []


def test_an_empty_plan_still_draws_labelled_pictures(account):
    for picture in PICTURES:
        root = parse(picture(Plan(account)))
        assert "No " in words(root) and "yet" in words(root)


def test_novatech_pictures_show_the_sample_plan(novatech_users, django_assert_num_queries):
    from keyplan.demo import novatech
    from keyplan.growth.pictures import whitespace_grid_svg

    # NovaTech alone (built once for the test process), not the whole portfolio.
    plan = Plan(Account.objects.get(name=novatech.NAME)).load()

    with django_assert_num_queries(0):
        heat, grid, chart = (parse(p(plan)) for p in PICTURES)
        whitespace = whitespace_grid_svg(plan)

    people = {p.name: str(p.pk) for p in plan.stakeholders}
    assert dots(heat)[people["Sarah Lin"]].get("data-colour") == "green"
    assert dots(heat)[people["Marcus Weber"]].get("data-colour") == "red"
    assert people["Julia Rossi"] not in dots(heat)
    (closely,) = (g for g in groups(grid, "quadrant") if g.get("data-quadrant") == "manage_closely")
    assert set(dots(closely)) == {people["Sarah Lin"]}
    assert boxes(chart)[people["Julia Rossi"]].get("data-status") == "left"
    assert len(lines(chart, "influence")) == 5
    assert "$333K" in str(whitespace)
