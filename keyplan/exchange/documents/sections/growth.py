"""The growth sections: whitespace, the growth plan, resources, SMART objectives and
the action plan."""

from keyplan.core.formats import format_percent
from keyplan.exchange.documents.headline import Number
from keyplan.exchange.documents.outline import (
    Fields,
    Picture,
    Section,
    TableBlock,
    date_,
    flat,
    label,
    level,
    measure,
    money,
    number_fields,
    objective_target,
)
from keyplan.growth import pictures as growth_pictures
from keyplan.growth.models import (
    RESOURCE_UNITS,
    ActionStatus,
    CellStatus,
    ObjectiveStatus,
    PlayKind,
    ResourceKind,
    ResourceStatus,
    Stage,
)
from keyplan.plan.loader import Plan


def whitespace(plan: Plan, doc: dict, numbers: dict[str, Number]) -> Section:
    cells = {(c.business_unit_id, c.product_id): c for c in plan.cells}
    grid = TableBlock(
        ["Business unit", *(p.name for p in plan.products)],
        [
            [
                u.name,
                *(growth_pictures.cell_text(cells.get((u.pk, p.pk)), "USD") for p in plan.products),
            ]
            for u in plan.units
        ],
        "Business units against products (Sold; Eval: in evaluation; an amount: open; "
        "n/a: not applicable; -: not assessed)",
    )
    whitespace = doc["whitespace"]
    unsold = [
        [
            c["business_unit"],
            c["product"],
            label(CellStatus, c["status"]),
            money(c["estimated_value"]),
            level(c["fit"]),
            c["champion"] or "",
            flat(c["notes"]),
        ]
        for c in whitespace["cells"]
        if c["status"] in (CellStatus.OPEN, CellStatus.EVALUATING)
    ]
    return Section(
        "5. Whitespace",
        [
            number_fields(numbers, "open_whitespace"),
            Picture(growth_pictures.whitespace_grid_svg(plan), "Whitespace", grid),
            TableBlock(
                "Business unit | Product | Status | Estimated value | Fit | Champion | Notes",
                unsold,
                "Open and in evaluation",
            ),
        ],
        "whitespace",
    )


def growth(doc: dict, numbers: dict[str, Number]) -> Section:
    growth = doc["growth"]
    plays = [
        [
            p["name"],
            label(PlayKind, p["kind"]),
            label(Stage, p["stage"]),
            money(p["target_arr"]),
            format_percent(p["win_probability"] * 100, 0),
            p["owner_name"] or "",
            p["customer_owner"] or "",
            date_(p["target_close_date"]),
            "; ".join(f"{c['business_unit']} × {c['product']}" for c in p["cells"]),
            p["objective"] or "",
            flat(p["blocker"]),
        ]
        for p in growth["plays"]
    ]
    return Section(
        "6. Growth plan",
        [
            Fields([("Thesis", flat(growth["thesis"]))]),
            number_fields(
                numbers, "arr", "target_arr", "weighted_pipeline", "path_gap", "path_attainment"
            ),
            TableBlock(
                "Play | Kind | Stage | Target ARR | Win chance | "
                "Owner | Their owner | Close | Converts | Objective | Blocker",
                plays,
                "Plays",
            ),
        ],
        "growth",
    )


def resources(doc: dict) -> Section:
    def in_unit(r, value):
        return measure(value, RESOURCE_UNITS.get(r["kind"], ""))

    rows = [
        [
            r["title"],
            label(ResourceKind, r["kind"]),
            f"{r['year']} Q{r['quarter']}" if r["quarter"] else str(r["year"]),
            in_unit(r, r["requested"]),
            in_unit(r, r["committed"]),
            in_unit(r, r["delivered"]),
            label(ResourceStatus, r["status"]),
            r["owner_name"] or "",
            date_(r["needed_by"]),
        ]
        for r in doc["resources"]
    ]
    return Section(
        "9. Resources and dependencies",
        [
            TableBlock(
                "Need | Kind | When | Requested | "
                "Committed | Delivered | Status | Owner | Needed by",
                rows,
            )
        ],
        "resources",
    )


def objectives(doc: dict) -> Section:
    rows = [
        [
            o["title"],
            o["metric"],
            objective_target(o),
            date_(o["due_date"]),
            label(ObjectiveStatus, o["status"]),
            o["owner_name"] or "",
        ]
        for o in doc["objectives"]
    ]
    return Section(
        "SMART objectives",
        [TableBlock("Objective | Metric | From → to | By | Status | Owner", rows)],
        "objectives",
    )


def actions(doc: dict) -> Section:
    rows = [
        [
            date_(a["due_date"]),
            a["title"],
            a["owner_name"] or "",
            label(ActionStatus, a["status"]) + (" (overdue)" if a["overdue"] else ""),
            a["objective"] or a["play"] or "nothing (flagged)",
        ]
        for a in doc["actions"]
    ]
    return Section(
        "Action plan",
        [TableBlock("Due | Action | Owner | Status | Serves", rows)],
        "actions",
    )
