"""Pictures of the stakeholder map (plan sections 3-4) as plain SVG 1.1.

The same markup goes inline into the plan page, into the PDF (WeasyPrint) and into
tests, so it has no scripts, fonts, stylesheets or external assets: presentation
attributes only (a `<style>` inside inline SVG would style the whole page). Every
picture reads a loaded `Plan` and runs no query, so it works live and as of a date.

Colour is never the only signal: green dots are circles, yellow diamonds, red
squares, and the legends say so. `link(stakeholder)` returns a URL or None; without
it the picture has no links (a read-only plan, for example one as of a past date).
"""

import math
from collections import defaultdict
from collections.abc import Callable

from django.utils.safestring import SafeString

from keyplan.core.choices import Level
from keyplan.core.formats import counted
from keyplan.core.svg import INK, MUTED, document, el, fit, hover, text, with_link
from keyplan.relationships import heatmap
from keyplan.relationships.models import Stakeholder, Strength

LINE_GREY, LEFT_GREY = "#9ca3af", "#f3f4f6"
STRONG = {heatmap.GREEN: "#1e8e3e", heatmap.YELLOW: "#e3a008", heatmap.RED: "#d93025"}
TINT = {heatmap.GREEN: "#e6f4ea", heatmap.YELLOW: "#fef7e0", heatmap.RED: "#fce8e6"}
SHAPES = {heatmap.GREEN: "circle", heatmap.YELLOW: "diamond", heatmap.RED: "square"}
INFLUENCE = "#6d28d9"
TRAIL = "#4b5563"  # the arrow from where a stakeholder stood a month ago
ROW = 24  # the height of one dot and its name
GRID_LINE = {"stroke": "#ffffff", "stroke_width": 2}  # white gaps between the cells

Link = Callable[[Stakeholder], str | None] | None


def marker(colour: str, x: float, y: float, r: float = 6.5) -> str:
    """The shape of a heat-map colour, centred on (x, y)."""
    paint = {"fill": STRONG[colour], "stroke": INK, "stroke_width": 1}
    if SHAPES[colour] == "circle":
        return el("circle", cx=x, cy=y, r=r, **paint)
    if SHAPES[colour] == "diamond":
        d = r * 1.3
        return el(
            "path", d=f"M{x:g} {y - d:g}L{x + d:g} {y:g}L{x:g} {y + d:g}L{x - d:g} {y:g}Z", **paint
        )
    return el("rect", x=x - r, y=y - r, width=2 * r, height=2 * r, **paint)


def legend(items: list[tuple[Callable, str]], x: float, y: float, width: float) -> tuple[str, int]:
    """Legend entries (a drawing at a point, a label) flowed into lines; returns (svg, height)."""
    parts, cx, cy = [], x, y + 10
    for draw, label in items:
        need = 26 + len(label) * 12 * 0.55
        if cx > x and cx + need > x + width:
            cx, cy = x, cy + 22
        parts.append(draw(cx + 8, cy) + text(cx + 22, cy + 4, label))
        cx += need + 18
    return el("g", *parts, class_="legend"), cy - y + 14


# What a stakeholder looks like
def colour_of(person: Stakeholder) -> str:
    return heatmap.colour(person.power, person.strength, (person.role, person.secondary_role))


def describe(person: Stakeholder) -> str:
    """The hover text of a stakeholder: who, how much power, how good the relationship."""
    roles = [person.get_role_display(), person.get_secondary_role_display()]
    return "\n".join(
        [
            f"{person.name}, {person.title}" if person.title else person.name,
            f"Power: {person.get_power_display()} · Interest: {person.get_interest_display()}",
            f"Relationship: {person.get_strength_display()} · {' and '.join(filter(None, roles))}",
            *([] if person.is_active else ["Left the company"]),
        ]
    )


def colour_items(people: list[Stakeholder]) -> list:
    """Legend entries: shape, colour, count and meaning of each colour (from the rule)."""
    meaning = dict(part.split(": ", 1) for part in heatmap.RULE.split("; "))
    counts = defaultdict(int)
    for person in people:
        counts[colour_of(person)] += 1
    return [
        (
            lambda x, y, c=c: marker(c, x, y),
            f"{c.capitalize()} {SHAPES[c]} ({counts[c]}): {meaning.get(c, '')}".rstrip(": "),
        )
        for c in (heatmap.GREEN, heatmap.YELLOW, heatmap.RED)
    ]


def dot(person: Stakeholder, x: float, y: float, width: float, link: Link) -> str:
    """A stakeholder's dot with the name to its right; (x, y) is the dot's centre."""
    colour = colour_of(person)
    group = el(
        "g",
        hover(describe(person)),
        marker(colour, x, y),
        text(x + 13, y + 4, fit(person.name, width - 22)),
        class_=f"dot dot-{colour}",
        data_stakeholder=person.pk,
        data_colour=colour,
    )
    return with_link(group, link(person) if link else None)


def dots(people: list[Stakeholder], x, y, width, columns: int, link: Link) -> str:
    """People listed down `columns` side-by-side columns, so no two dots overlap."""
    per_column = max(math.ceil(len(people) / columns), 1)
    step = width / columns
    return "".join(
        dot(p, x + 14 + i // per_column * step, y + ROW / 2 + i % per_column * ROW, step - 14, link)
        for i, p in enumerate(people)
    )


def axis_title(x: float, y: float, content: str, *, vertical: bool = False) -> str:
    turn = f"rotate(-90 {x:g} {y:g})" if vertical else None
    return text(x, y, content, size=13, font_weight="bold", text_anchor="middle", transform=turn)


def empty_note(people: list, x: float, y: float) -> str:
    return "" if people else text(x, y, "No active stakeholders yet", fill=MUTED, size=13)


# 1. The heat map: power against relationship strength
def moves(plan) -> dict[int, Stakeholder]:
    """Active stakeholders whose cell changed over the month: pk -> them a month ago."""
    past = plan.stakeholders_month_ago
    return {
        p.pk: past[p.pk]
        for p in plan.active_stakeholders
        if p.pk in past and (past[p.pk].power, past[p.pk].strength) != (p.power, p.strength)
    }


def colour_changes(plan) -> tuple[int, int]:
    """(red that turned yellow or green, green that faded) over the month."""
    past = plan.stakeholders_month_ago
    pairs = [
        (colour_of(past[p.pk]), colour_of(p)) for p in plan.active_stakeholders if p.pk in past
    ]
    warmed = sum(1 for was, now in pairs if was == heatmap.RED and now != heatmap.RED)
    faded = sum(1 for was, now in pairs if was == heatmap.GREEN and now != heatmap.GREEN)
    return warmed, faded


def trail(person: Stakeholder, was: Stakeholder, start, end) -> str:
    """Where a stakeholder stood a month ago: a faint mark there and an arrow to now,
    bowed above the rows so it does not run through the names between."""
    (x1, y1), (x2, y2) = start, end
    cx, cy = (x1 + x2) / 2, min(y1, y2) - 10 - abs(x2 - x1) / 8  # the bow's control point
    length = math.hypot(x2 - cx, y2 - cy) or 1
    ux, uy = (x2 - cx) / length, (y2 - cy) / length  # the direction the arrow arrives in
    tip_x, tip_y = x2 - ux * 9, y2 - uy * 9  # stop short of the dot
    head = (
        f"M{tip_x:.1f} {tip_y:.1f}L{tip_x - ux * 7 - uy * 4:.1f} {tip_y - uy * 7 + ux * 4:.1f}"
        f"L{tip_x - ux * 7 + uy * 4:.1f} {tip_y - uy * 7 - ux * 4:.1f}Z"
    )
    curve = f"M{x1:.1f} {y1 - 7:.1f}Q{cx:.1f} {cy:.1f} {tip_x:.1f} {tip_y:.1f}"
    return el(
        "g",
        hover(f"{person.name} a month ago: {was.get_power_display()} power, "
              f"{was.get_strength_display()}"),
        el("g", marker(colour_of(was), x1, y1), opacity=0.35),
        el("path", d=curve, fill="none", stroke=TRAIL, stroke_width=1.5),
        el("path", d=head, fill=TRAIL),
        class_="was",
        data_stakeholder=person.pk,
        data_colour=colour_of(was),
    )  # fmt: skip


def heat_map_svg(plan, *, link: Link = None) -> SafeString:
    """Each active stakeholder as a dot in the cell of their power and relationship
    strength; who moved over the month also has a faint mark where they stood then and
    an arrow to where they are."""
    people = plan.active_stakeholders
    strengths, powers = list(Strength), sorted(Level, reverse=True)  # high power on top
    left, top, column = 100, 62, 224
    cells, ghosts = defaultdict(list), defaultdict(list)
    for person in people:
        cells[person.power, person.strength].append(person)
    moved = moves(plan)
    for pk, was in moved.items():
        ghosts[was.power, was.strength].append(pk)
    # A row grows with its fullest cell (people now, and the marks of those who left it).
    heights = {
        p: 24 + max(2, *(len(cells[p, s]) + len(ghosts[p, s]) for s in strengths)) * ROW
        for p in powers
    }
    width = left + column * len(strengths) + 16
    body = [
        axis_title(left + column * len(strengths) / 2, 22, "Relationship strength"),
        axis_title(24, top + sum(heights.values()) / 2, "Power", vertical=True),
    ]
    now_at, was_at = {}, {}
    y = top
    for power in powers:
        body.append(text(left - 12, y + heights[power] / 2 + 4, power.label, text_anchor="end"))
        for i, strength in enumerate(strengths):
            x = left + i * column
            zone = heatmap.colour(power, strength, ())  # the rule's own zones, before roles
            area = {"x": x, "y": y, "width": column, "height": heights[power]}
            here = cells[power, strength]
            for n, person in enumerate(here):
                now_at[person.pk] = (x + 14, y + 12 + ROW / 2 + n * ROW)
            for n, pk in enumerate(ghosts[power, strength], start=len(here)):
                was_at[pk] = (x + 14, y + 12 + ROW / 2 + n * ROW)
            body.append(
                el(
                    "g",
                    el("rect", **area, fill=TINT[zone], **GRID_LINE),
                    dots(here, x, y + 12, column, 1, link),
                    class_="zone",
                    data_power=int(power),
                    data_strength=int(strength),
                )
            )
        y += heights[power]
    by_pk = {p.pk: p for p in people}
    body += [trail(by_pk[pk], was, was_at[pk], now_at[pk]) for pk, was in moved.items()]
    body += [
        text(left + i * column + column / 2, top - 10, s.label, text_anchor="middle")
        for i, s in enumerate(strengths)
    ]
    body.append(empty_note(people, left + 16, top + 40))
    items = colour_items(people)
    if moved:
        items.append((lambda x, y: trail_sample(x, y), "Faint mark and arrow: a month ago → now"))
    key, key_height = legend(items, left, y + 16, width - left)
    warmed, faded = colour_changes(plan)
    note = (
        f"{counted(len(people), 'active stakeholder')}; people who left the company are not shown. "
        f"Over the month: {warmed} red turned yellow or green, {faded} green faded."
    )
    body += [key, text(left, y + 30 + key_height, note, fill=MUTED, size=11)]
    title = f"Relationship heat map of {plan.account.name}"
    return document(width, y + 44 + key_height, title, body)


def trail_sample(x: float, y: float) -> str:
    """The legend's sample of a trail: a faint mark with an arrow leaving it."""
    shaft = f"M{x - 1:g} {y:g}L{x + 6:g} {y:g}"
    head = f"M{x + 6:g} {y - 3:g}L{x + 10:g} {y:g}L{x + 6:g} {y + 3:g}Z"
    faint = el("g", marker(heatmap.YELLOW, x - 6, y, r=4.5), opacity=0.35)
    return faint + el("path", d=shaft + head, stroke=TRAIL, fill=TRAIL, stroke_width=1.5)


# 2. The interest x influence grid
def interest_grid_svg(plan, *, link: Link = None) -> SafeString:
    """The four quadrants of interest against power, each stakeholder in theirs."""
    people = plan.active_stakeholders
    left, top, half, columns = 100, 20, 440, 2
    # Where each quadrant sits, asked of the rule itself: (row, column), high power on top.
    place = {
        heatmap.quadrant(power, interest): (row, col)
        for row, power in enumerate((Level.HIGH, Level.LOW))
        for col, interest in enumerate((Level.LOW, Level.HIGH))
    }
    members = defaultdict(list)
    for person in sorted(people, key=lambda p: (-p.power, -p.interest)):
        members[heatmap.quadrant(person.power, person.interest)].append(person)
    lines = [
        max(2, *(math.ceil(len(members[q]) / columns) for q in place if place[q][0] == row))
        for row in (0, 1)
    ]
    heights = [44 + n * ROW for n in lines]
    body = []
    for code, (row, col) in place.items():
        x, y = left + col * half, top + sum(heights[:row])
        fill = "#eef2ff" if code == heatmap.QUADRANTS[0] else "#f6f7f9"  # the one to work on
        label = f"{code.replace('_', ' ').capitalize()} ({len(members[code])})"
        body.append(
            el(
                "g",
                el("rect", x=x, y=y, width=half, height=heights[row], fill=fill, **GRID_LINE),
                text(x + 12, y + 22, label, size=14),
                dots(members[code], x, y + 34, half, columns, link),
                class_="quadrant",
                data_quadrant=code,
            )
        )
    bottom = top + sum(heights)
    body += [
        text(left - 12, top + heights[0] / 2 + 4, "High", text_anchor="end"),
        text(left - 12, top + heights[0] + heights[1] / 2 + 4, "Low/Med", text_anchor="end"),
        axis_title(24, top + sum(heights) / 2, "Power (influence)", vertical=True),
        text(left + half / 2, bottom + 20, "Low or medium", text_anchor="middle"),
        text(left + half * 1.5, bottom + 20, "High", text_anchor="middle"),
        axis_title(left + half, bottom + 42, "Interest"),
        empty_note(people, left + 16, top + 70),
    ]
    width = left + 2 * half + 16
    key, key_height = legend(colour_items(people), left, bottom + 56, width - left)
    body.append(key)
    title = f"Interest and influence grid of {plan.account.name}"
    return document(width, bottom + 64 + key_height, title, body)


# 3. The org chart
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 184, 60, 28, 56, 20
STACK_GAP, INDENT = 14, 24  # reports stacked in a column: the gap between, the indent


def forest(plan) -> tuple[list[int], dict[int, list[int]]]:
    """(roots, children) of the reporting lines, in plan order.

    A manager who is not in the plan (for example as of a date) makes the person a
    root; a reporting cycle (the model refuses one, history or imports may not) is cut
    at its first person in plan order.
    """
    parent = {s.pk: s.reports_to_id for s in plan.stakeholders}
    parent = {pk: m if m in parent and m != pk else None for pk, m in parent.items()}
    children = defaultdict(list)
    for pk, manager in parent.items():
        if manager is not None:
            children[manager].append(pk)
    roots, seen = [], set()
    for pk, manager in parent.items():
        if pk in seen or (manager is not None and pk not in cycle_above(pk, parent)):
            continue  # placed already, or reached from a root later
        if manager is not None:
            children[manager].remove(pk)  # cut the cycle here
        roots.append(pk)
        stack = [pk]
        while stack:
            seen.add(node := stack.pop())
            stack.extend(c for c in children[node] if c not in seen)
    return roots, children


def cycle_above(pk: int, parent: dict[int, int | None]) -> set[int]:
    """The people on a reporting cycle above `pk` (empty when the line reaches a root)."""
    path: list[int] = []
    node: int | None = pk
    while node is not None and node not in path:
        path.append(node)
        node = parent[node]
    return set(path[path.index(node) :]) if node is not None else set()


def tidy(roots: list[int], children: dict[int, list[int]]) -> tuple[dict, set[int]]:
    """The top-left corner (x, y) of every box, and the managers whose reports are stacked.

    Subtrees are packed side by side, each as far left as the boxes already placed at
    the same height allow, and a manager is centred over their reports. A manager of
    three or more people who lead nobody gets them in a column below instead: a wide,
    flat organisation would otherwise grow one box wider per person.
    """
    stacked: set[int] = set()

    def pack(nodes: list[int]) -> dict[int, tuple[float, float]]:
        placed: dict[int, tuple[float, float]] = {}
        for node in nodes:
            tree = subtree(node)
            shift = max(
                (
                    px - x + BOX_W + GAP_X
                    for px, py in placed.values()
                    for x, y in tree.values()
                    if abs(py - y) < BOX_H + STACK_GAP
                ),
                default=0.0,
            )
            placed.update({n: (x + shift, y) for n, (x, y) in tree.items()})
        return placed

    def subtree(node: int) -> dict[int, tuple[float, float]]:
        kids = children.get(node, [])
        if len(kids) >= 3 and not any(children.get(k) for k in kids):
            stacked.add(node)
            tree = {k: (INDENT, (BOX_H + STACK_GAP) * (i + 1)) for i, k in enumerate(kids)}
        elif kids:
            below = pack(kids)
            centre = (below[kids[0]][0] + below[kids[-1]][0]) / 2
            tree = {n: (x - centre, y + BOX_H + GAP_Y) for n, (x, y) in below.items()}
        else:
            tree = {}
        return {node: (0.0, 0.0), **tree}

    return pack(roots), stacked


def person_box(person: Stakeholder, x: float, y: float, link: Link) -> str:
    """A box with name, title and relationship; greyed and dashed when they left."""
    colour = colour_of(person) if person.is_active else None
    ink = INK if colour else MUTED
    if colour:
        name, pad = person.name, 26
        status = f"{person.get_strength_display()} · {person.get_power_display()} power"
        frame = {"fill": TINT[colour], "stroke": STRONG[colour]}
    else:
        name, pad, status = f"{person.name} (left)", 10, "Left the company"
        frame = LEFT_FRAME
    group = el(
        "g",
        hover(describe(person)),
        el("rect", x=x, y=y, width=BOX_W, height=BOX_H, rx=6, stroke_width=2, **frame),
        marker(colour, x + 14, y + 15, 5.5) if colour else "",
        text(
            x + pad,
            y + 20,
            fit(name, BOX_W - pad - 8, 13, bold=True),
            size=13,
            font_weight="bold",
            fill=ink,
        ),
        text(x + 10, y + 37, fit(person.title or "-", BOX_W - 16, 11), size=11, fill=MUTED),
        text(x + 10, y + 52, status, size=10.5, fill=ink),
        class_=f"person person-{colour or 'left'}",
        data_stakeholder=person.pk,
        data_colour=colour,
        data_status=person.status,
    )
    return with_link(group, link(person) if link else None)


def route(source: int, target: int, corner: dict) -> tuple[str, str]:
    """The edges (top, bottom or right) an influence arrow leaves and enters by."""
    (sx, sy), (tx, ty) = corner[source], corner[target]
    if sy == ty:  # one level: through the gap below the row, or above it coming back
        return ("bottom", "bottom") if tx >= sx else ("top", "top")
    low, high = sorted((sy, ty))
    left, right = min(sx, tx), max(sx, tx) + BOX_W
    if abs(sx - tx) < BOX_W and any(  # one column with someone between: round the side
        low < y < high and left < x + BOX_W and x < right for x, y in corner.values()
    ):
        return "right", "right"
    return ("bottom", "top") if ty > sy else ("top", "bottom")


def influence_arrows(plan, corner: dict[int, tuple[float, float]]) -> list[str]:
    """Dashed curves for the influence links between boxes (given their top-left corners).

    Between levels a curve is an S from the bottom of the upper box to the top of the
    lower one (see `route` for the other cases). Ends are spread along a box's edge, in
    the order of where the other ends are, and kept off the middle of the top and
    bottom, where the reporting lines meet a box.
    """
    links = [i for i in plan.influences if i.source_id in corner and i.target_id in corner]
    ends: dict[tuple[int, int], tuple[float, float]] = {}  # (link number, 0 or 1): point
    edges = defaultdict(list)  # (stakeholder, edge): [(where the other end is, end)]
    routes = [route(link.source_id, link.target_id, corner) for link in links]
    for n, (link, (out, into)) in enumerate(zip(links, routes, strict=True)):
        (sx, sy), (tx, ty) = corner[link.source_id], corner[link.target_id]
        across = out != "right"  # ends ordered along x, or along y on a side
        edges[link.source_id, out].append((tx - sx if across else ty - sy, (n, 0)))
        edges[link.target_id, into].append((sx - tx if across else sy - ty, (n, 1)))
    for (pk, edge), uses in edges.items():
        x, y = corner[pk]
        for lo, hi, side in (
            (0.08, 0.42, [u for u in uses if u[0] < 0]),
            (0.58, 0.92, [u for u in uses if u[0] >= 0]),
        ):
            for k, (_, end) in enumerate(sorted(side)):
                share = lo + (hi - lo) * (k + 1) / (len(side) + 1)
                if edge == "right":
                    ends[end] = (x + BOX_W, y + BOX_H * share)
                else:
                    ends[end] = (x + BOX_W * share, y + (BOX_H if edge == "bottom" else 0))
    arrows = []
    for n, link in enumerate(links):
        (x1, y1), (x2, y2) = ends[n, 0], ends[n, 1]
        if routes[n][0] == "right":  # out to the gap beside the column and back
            side = max(x1, x2) + GAP_X
            d = f"M{x1:g} {y1:g}C{side:g} {y1:g} {side:g} {y2:g} {x2:g} {y2:g}"
        elif y1 == y2:  # one level: bulge away from the boxes
            bulge = 34 if y1 > corner[link.source_id][1] else -34
            d = f"M{x1:g} {y1:g}C{x1:g} {y1 + bulge:g} {x2:g} {y2 + bulge:g} {x2:g} {y2:g}"
        else:
            mid = (y1 + y2) / 2
            d = f"M{x1:g} {y1:g}C{x1:g} {mid:g} {x2:g} {mid:g} {x2:g} {y2:g}"
        about = (
            f"{plan.person(link.source_id)} influences {plan.person(link.target_id)} "
            f"({link.get_strength_display().lower()})"
        )
        ends_at = {"data_from": link.source_id, "data_to": link.target_id}
        arrows.append(
            el("path", hover(about), d=d, class_="influence", **ends_at, **INFLUENCE_LINE)
        )
    return arrows


REPORT_LINE = {"fill": "none", "stroke": LINE_GREY, "stroke_width": 1.5}
LEFT_FRAME = {"fill": LEFT_GREY, "stroke": LINE_GREY, "stroke_dasharray": "4 3"}
INFLUENCE_LINE = {"fill": "none", "stroke": INFLUENCE, "stroke_width": 1.6}
INFLUENCE_LINE |= {"stroke_dasharray": "6 4", "marker_end": "url(#kp-influence-arrow)"}
ARROWHEAD = (
    '<defs><marker id="kp-influence-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
    'markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto">'
    f'<path d="M0 0L10 5L0 10Z" fill="{INFLUENCE}"/></marker></defs>'
)
ORG_KEY = [
    (
        lambda x, y: el("rect", x=x - 8, y=y - 6, width=16, height=12, rx=2, **LEFT_FRAME),
        "Grey, dashed: left the company",
    ),
    (
        lambda x, y: el("path", d=f"M{x - 9:g} {y:g}H{x + 9:g}", **REPORT_LINE),
        "Reports to (line down from the manager)",
    ),
    (
        lambda x, y: el("path", d=f"M{x - 9:g} {y:g}H{x + 8:g}", **INFLUENCE_LINE),
        "Influences (dashed arrow)",
    ),
]


def reporting_line(manager: int, report: int, corner: dict, stacked: set[int]) -> str:
    """An elbow from the bottom of the manager's box to the top of the report's, or to
    its left side when the manager's reports are stacked."""
    (mx, my), (rx, ry) = corner[manager], corner[report]
    if manager in stacked:
        d = f"M{mx + INDENT / 2:g} {my + BOX_H:g}V{ry + BOX_H / 2:g}H{rx:g}"
    else:
        x1, x2, middle = mx + BOX_W / 2, rx + BOX_W / 2, my + BOX_H + GAP_Y / 2
        d = f"M{x1:g} {my + BOX_H:g}V{middle:g}H{x2:g}V{ry:g}"
    return el("path", d=d, class_="reports", data_from=manager, data_to=report, **REPORT_LINE)


def org_chart_svg(plan, *, link: Link = None) -> SafeString:
    """Reporting lines as a top-down forest of boxes, influence as dashed arrows."""
    roots, children = forest(plan)
    placed, stacked = tidy(roots, children)
    xs, ys = [x for x, _ in placed.values()] or [0.0], [y for _, y in placed.values()] or [0.0]
    width = max(max(xs) - min(xs) + BOX_W + 2 * MARGIN, 760)
    items = [*colour_items(plan.active_stakeholders), *ORG_KEY]
    # The legend wraps within a screen's width, to be read before scrolling sideways.
    key, key_height = legend(items, MARGIN, 12, min(width - 2 * MARGIN, 1100))
    top, shift = 12 + key_height + 18, MARGIN - min(xs)
    corner = {pk: (x + shift, top + y) for pk, (x, y) in placed.items()}
    lines = [
        reporting_line(m, r, corner, stacked) for m, reports in children.items() for r in reports
    ]
    arrows = influence_arrows(plan, corner)
    boxes = [person_box(plan.stakeholders_by_id[pk], x, y, link) for pk, (x, y) in corner.items()]
    height = top + max(ys) + BOX_H + MARGIN
    if not corner:
        boxes.append(text(MARGIN, top + 20, "No stakeholders yet", fill=MUTED, size=13))
    # Arrows under the boxes: they end at a box's border, and never cross a name.
    body = [ARROWHEAD, key, *lines, *arrows, *boxes]
    return document(width, height, f"Org chart of {plan.account.name}", body)
