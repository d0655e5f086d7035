"""The people sections: the stakeholder map, the interaction log and the
relationship heat map."""

from keyplan.core.choices import Level
from keyplan.core.formats import counted
from keyplan.exchange.documents.headline import Number
from keyplan.exchange.documents.outline import (
    MARKS,
    Fields,
    Picture,
    Section,
    TableBlock,
    date_,
    flat,
    label,
    level,
    names,
    number_fields,
    role_of,
)
from keyplan.plan.loader import Plan
from keyplan.relationships import pictures as people_pictures
from keyplan.relationships.models import InteractionKind, Strength


def stakeholders(plan: Plan, doc: dict, numbers: dict[str, Number]) -> Section:
    people = doc["stakeholders"]
    rows = [
        [
            s["name"] + (" (left)" if s["status"] == "left" else ""),
            s["title"],
            s["business_unit"] or s["department"] or "",
            role_of(s),
            level(s["power"]),
            level(s["interest"]),
            s["strength_label"],
            level(s["priority"]),
            s["reports_to"] or "",
            s["relationship_owner_name"] or "",
            date_(s["last_interaction"]),
            " ".join(
                filter(None, [date_(s["next_interaction_date"]), flat(s["next_interaction_plan"])])
            ),
        ]
        for s in people
    ]
    cares = [
        [
            s["name"],
            flat(s["cares_about_professionally"]),
            flat(s["cares_about_personally"]),
            flat(s["competitor_relationships"]),
        ]
        for s in people
        if s["cares_about_professionally"]
        or s["cares_about_personally"]
        or s["competitor_relationships"]
    ]
    influence = [
        [s["name"], link["target"] or "", level(link["strength"]), flat(link["note"])]
        for s in people
        for link in s["influences"]
    ]
    blocks = [
        number_fields(numbers, "coverage"),
        TableBlock(
            "Name | Title | Unit | Role | Power | Interest | "
            "Relationship | Priority | Reports to | Our owner | Last met | Next",
            rows,
            counted(len(people), "stakeholder"),
        ),
        TableBlock(
            "Name | Cares about professionally | Personally | Competitors' relationships",
            cares,
            "What they care about",
        ),
        TableBlock("Who | Influences | How strongly | Note", influence, "Who influences whom"),
    ]
    if plan.stakeholders:
        blocks.append(Picture(people_pictures.org_chart_svg(plan), "Org chart"))
    return Section("3. Stakeholder map", blocks, "stakeholders")


def interactions(doc: dict) -> Section:
    rows = [
        [
            date_(i["date"]),
            label(InteractionKind, i["kind"]),
            flat(i["subject"]),
            names(i["stakeholders"]),
            i["logged_by_name"] or "",
            "" if i["meaningful"] else "not meaningful",
        ]
        for i in doc["interactions"]
    ]
    return Section(
        "Interaction log",
        [TableBlock("Date | Kind | Subject | With | Logged by | Note", rows)],
        "interactions",
    )


def heat_map(plan: Plan, doc: dict) -> Section:
    heat = doc["heat_map"]
    cells: dict[tuple[str, int], list[str]] = {}
    for dot in heat["stakeholders"]:
        cells.setdefault((dot["power"], dot["strength"]), []).append(
            f"{MARKS[dot['colour']]} {dot['name']}"
        )
    strengths = list(Strength)
    grid = TableBlock(
        ["Power", *(s.label for s in strengths)],
        [
            [power.label, *(", ".join(cells.get((power.name.lower(), s), [])) for s in strengths)]
            for power in sorted(Level, reverse=True)
        ],
        "Power against relationship strength",
    )
    counts = heat["counts"]
    quadrants = TableBlock(
        "Quadrant | Stakeholders",
        [[q.replace("_", " ").capitalize(), ", ".join(p)] for q, p in heat["grid"].items()],
        "Interest and influence",
    )
    return Section(
        "4. Relationship heat map",
        [
            Fields(
                [
                    (
                        "Dots",
                        f"{counts['green']} green ●, {counts['yellow']} yellow ◆, "
                        f"{counts['red']} red ■",
                    ),
                    ("Rule", heat["rule"]),
                ]
            ),
            Picture(people_pictures.heat_map_svg(plan), "Relationship heat map", grid),
            Picture(people_pictures.interest_grid_svg(plan), "Interest and influence", quadrants),
        ],
        "heatmap",
    )
