"""The whole plan as headed sections (see `outline`), in the order of DESIGN.md §2.

Everything comes from the plan document (`document.from_plan`) and the loaded `Plan`
it was built from, plus the headline numbers of `headline` (from insights), so
building the sections runs no query.
"""

from dataclasses import dataclass

from keyplan.accounts.models import (
    CONTEXT_FIELDS,
    PROFILE_FIELDS,
    Account,
    ContractStatus,
    Relationship,
)
from keyplan.cadence.models import (
    ReviewKind,
    TouchpointKind,
    TouchpointStatus,
    TriggerKind,
    TriggerStatus,
)
from keyplan.core.choices import Level
from keyplan.core.money import MoneyField
from keyplan.exchange.documents import document, headline
from keyplan.exchange.documents.headline import Number
from keyplan.exchange.documents.outline import (
    MARKS,
    Fields,
    Items,
    Picture,
    Section,
    TableBlock,
    amount,
    date_,
    flat,
    label,
    level,
    money,
    names,
    number_fields,
    numbers_table,
    objective_target,
    role_of,
    yes,
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
from keyplan.relationships import pictures as people_pictures
from keyplan.relationships.models import InteractionKind, Strength
from keyplan.risks.models import RiskCategory, RiskStatus
from keyplan.team.models import TeamRole


@dataclass(frozen=True)
class Loaded:
    """One account's plan, read once for an export."""

    plan: Plan
    doc: dict
    numbers: list[Number]

    @property
    def sections(self) -> list[Section]:
        return build(self.plan, self.doc, self.numbers)


def load(account: Account) -> Loaded:
    """The live plan of `account`: every record (a fixed number of queries), its document and
    its headline numbers."""
    plan = Plan(account).load()
    numbers = headline.numbers(account, renewal=plan.renewal_date, today=plan.today)
    return Loaded(plan, document.from_plan(plan), numbers)


# The sections
def build(plan: Plan, doc: dict, numbers: list[Number]) -> list[Section]:
    """Every section of the plan; `numbers` are its headline numbers (see `headline`)."""
    by_key = {n.key: n for n in numbers}
    return [
        _summary(doc, numbers),
        _profile(doc),
        _history(doc, by_key),
        _stakeholders(plan, doc, by_key),
        _interactions(doc),
        _heat_map(plan, doc),
        _whitespace(plan, doc, by_key),
        _growth(doc, by_key),
        _risks(doc, by_key),
        _cadence(doc),
        _resources(doc),
        _swot(doc),
        _objectives(doc),
        _actions(doc),
        _health(doc, by_key),
        _selection(plan, doc),
    ]


def _summary(doc: dict, numbers: list[Number]) -> Section:
    account = doc["account"]
    team = [
        f"{m['user']} ({label(TeamRole, m['role']).lower()})"
        + (f", paired with {m['paired_with']}" if m.get("paired_with") else "")
        for m in account["team"]
    ]
    return Section(
        "Summary",
        [
            Fields(
                [
                    ("Tier", f"Tier {account['tier']}"),
                    ("Relationship", label(Relationship, account["relationship"])),
                    ("Owner", account["owner"] or "-"),
                    ("Account team", ", ".join(team)),
                    ("Parent account", account["parent"]),
                    ("Growth thesis", flat(doc["growth"]["thesis"])),
                ]
            ),
            numbers_table(numbers),
        ],
        "summary",
    )


def _value(name: str, value) -> str:
    model_field = Account._meta.get_field(name)
    if isinstance(model_field, MoneyField):
        return money(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value or ""))
    if isinstance(value, int):
        return f"{value:,}"
    return flat(value) if isinstance(value, str) else ("" if value is None else str(value))


def _field_label(name: str) -> str:
    return str(Account._meta.get_field(name).verbose_name).capitalize()


def _profile(doc: dict) -> Section:
    profile, context = doc["profile"], doc["profile"]["strategic_context"]
    return Section(
        "1. Profile and strategic context",
        [
            Fields([(_field_label(f), _value(f, profile[f])) for f in PROFILE_FIELDS]),
            Fields([(_field_label(f), _value(f, context[f])) for f in CONTEXT_FIELDS]),
        ],
        "profile",
    )


def _history(doc: dict, numbers: dict[str, Number]) -> Section:
    history = doc["history"]
    contracts = [
        [
            c["name"],
            label(ContractStatus, c["status"]),
            money(c["arr"]),
            date_(c["start_date"]),
            date_(c["end_date"]) or "open-ended",
            yes(c["auto_renew"]),
            f"{c['notice_days']} days" if c["notice_days"] is not None else "",
            "; ".join(
                f"{line['product']} ({amount(line['quantity'])}, {money(line['arr'])})"
                for line in c["lines"]
            ),
            flat(c["renewal_terms"]),
        ]
        for c in history["contracts"]
    ]
    revenue = [[str(r["year"]), money(r["revenue"]), flat(r["note"])] for r in history["revenue"]]
    return Section(
        "2. History and contract structure",
        [
            Fields(
                [
                    ("How the relationship began", flat(history["relationship_origin"])),
                    ("First sale", str(history["first_sale_year"] or "")),
                    ("Original use case", flat(history["original_use_case"])),
                ]
            ),
            number_fields(numbers, "arr", "renewal"),
            TableBlock(
                "Contract | Status | ARR | Start | "
                "End | Auto-renew | Notice | Products | Renewal terms",
                contracts,
                "Contracts",
            ),
            TableBlock("Year | Revenue | Note", revenue, "Revenue by year"),
        ],
        "history",
    )


def _stakeholders(plan: Plan, doc: dict, numbers: dict[str, Number]) -> Section:
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
            s["relationship_owner"] or "",
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
            f"{len(people)} stakeholders",
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


def _interactions(doc: dict) -> Section:
    rows = [
        [
            date_(i["date"]),
            label(InteractionKind, i["kind"]),
            flat(i["subject"]),
            names(i["stakeholders"]),
            i["logged_by"] or "",
            "" if i["meaningful"] else "not meaningful",
        ]
        for i in doc["interactions"]
    ]
    return Section(
        "Interaction log",
        [TableBlock("Date | Kind | Subject | With | Logged by | Note", rows)],
        "interactions",
    )


def _heat_map(plan: Plan, doc: dict) -> Section:
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


def _whitespace(plan: Plan, doc: dict, numbers: dict[str, Number]) -> Section:
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


def _growth(doc: dict, numbers: dict[str, Number]) -> Section:
    growth = doc["growth"]
    plays = [
        [
            p["name"],
            label(PlayKind, p["kind"]),
            label(Stage, p["stage"]),
            money(p["target_arr"]),
            f"{round(p['win_probability'] * 100)}%",
            p["owner"] or "",
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
            number_fields(numbers, "arr", "target_arr", "weighted_pipeline"),
            TableBlock(
                "Play | Kind | Stage | Target ARR | Win chance | "
                "Owner | Their owner | Close | Converts | Objective | Blocker",
                plays,
                "Plays",
            ),
        ],
        "growth",
    )


def _risks(doc: dict, numbers: dict[str, Number]) -> Section:
    rows = [
        [
            r["title"],
            label(RiskCategory, r["category"]),
            level(r["probability"]),
            level(r["impact"]),
            money(r["arr_at_risk"]),
            r["owner"] or "",
            flat(r["mitigation"]),
            " ".join(filter(None, [flat(r["next_action"]), date_(r["next_action_date"])])),
            label(RiskStatus, r["status"]),
        ]
        for r in doc["risks"]
    ]
    return Section(
        "7. Risk register",
        [
            number_fields(numbers, "risk_exposure"),
            TableBlock(
                "Risk | Category | Probability | Impact | "
                "ARR at risk | Owner | Mitigation | Next action | Status",
                rows,
            ),
        ],
        "risks",
    )


def _cadence(doc: dict) -> Section:
    cadence = doc["cadence"]
    touchpoints = [
        [
            date_(t["date"]),
            label(TouchpointKind, t["kind"]),
            flat(t["title"]),
            label(TouchpointStatus, t["status"]),
            names(t["hosts"]),
            names(t["attendees"]),
            flat(t["agenda"]),
            flat(t["asks"]),
            flat(t["commitments"]),
        ]
        for t in cadence["touchpoints"]
    ]
    reviews = [
        [date_(r["date"]), label(ReviewKind, r["kind"]), r["reviewer"] or "", flat(r["notes"])]
        for r in cadence["reviews"]
    ]
    triggers = [
        [
            date_(t["date"]),
            label(TriggerKind, t["kind"]),
            flat(t["description"]),
            label(TriggerStatus, t["status"]),
            " ".join(
                filter(None, [t["handled_by"], date_(t["handled_on"]), flat(t["handled_note"])])
            ),
        ]
        for t in cadence["triggers"]
    ]
    return Section(
        "8. QBR cadence and executive sponsorship",
        [
            Fields(
                [
                    ("Value realised", money(cadence["value_realised"])),
                    ("Value still unrealised", money(cadence["value_unrealised"])),
                    (
                        "Sponsor pairs",
                        "; ".join(
                            f"{s['ours']} with {s['theirs'] or 'nobody yet'}"
                            for s in cadence["sponsors"]
                        ),
                    ),
                ]
            ),
            TableBlock(
                "Date | Kind | Title | Status | Ours | Theirs | Agenda | Asks | Commitments",
                touchpoints,
                "Executive touchpoints",
            ),
            TableBlock("Date | Kind | Reviewer | Notes", reviews, "Plan reviews"),
            TableBlock("Date | Kind | What happened | Status | Handled", triggers, "Triggers"),
        ],
        "cadence",
    )


def _resources(doc: dict) -> Section:
    def measure(r, value):
        unit = RESOURCE_UNITS.get(r["kind"], "")
        return money(value) if unit == "money" else amount(value)

    rows = [
        [
            r["title"],
            label(ResourceKind, r["kind"]),
            f"{r['year']} Q{r['quarter']}" if r["quarter"] else str(r["year"]),
            measure(r, r["requested"]),
            measure(r, r["committed"]),
            measure(r, r["delivered"]),
            label(ResourceStatus, r["status"]),
            r["owner"] or "",
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


def _swot(doc: dict) -> Section:
    return Section(
        "SWOT",
        [Items(kind.capitalize(), items) for kind, items in doc["swot"].items()],
        "swot",
    )


def _objectives(doc: dict) -> Section:
    rows = [
        [
            o["title"],
            o["metric"],
            objective_target(o),
            date_(o["due_date"]),
            label(ObjectiveStatus, o["status"]),
            o["owner"] or "",
        ]
        for o in doc["objectives"]
    ]
    return Section(
        "SMART objectives",
        [TableBlock("Objective | Metric | From → to | By | Status | Owner", rows)],
        "objectives",
    )


def _actions(doc: dict) -> Section:
    rows = [
        [
            date_(a["due_date"]),
            a["title"],
            a["owner"] or "",
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


def _health(doc: dict, numbers: dict[str, Number]) -> Section:
    rows = [
        [
            date_(h["date"]),
            f"{h['active_seats'] or '-'} / {h['licensed_seats'] or '-'}",
            "" if h["adoption"] is None else f"{h['adoption'] * 100:.0f}%",
            "" if h["open_tickets"] is None else str(h["open_tickets"]),
            "" if h["escalations"] is None else str(h["escalations"]),
            "" if h["nps"] is None else str(h["nps"]),
            "" if h["csat"] is None else str(h["csat"]),
            flat(h["negative_signals"]),
        ]
        for h in doc["health"]["snapshots"]
    ]
    return Section(
        "Health",
        [
            number_fields(numbers, "health_score"),
            TableBlock(
                "Date | Active / licensed seats | Adoption | Open tickets | "
                "Escalations | NPS | CSAT | Negative signals",
                rows,
            ),
        ],
        "health",
    )


def _selection(plan: Plan, doc: dict) -> Section:
    names_by_key = {c.key: c.name for c in plan.criteria.values()}
    rows = [
        [names_by_key.get(s["criterion"], s["criterion"]), f"{s['score']} / 5", flat(s["note"])]
        for s in doc["selection"]
    ]
    return Section(
        "Selection scorecard",
        [TableBlock("Criterion | Score | Note", rows)],
        "selection",
    )
