"""What goes on the one-page plan: the top rows of each list, and how many more there are.

The field's rule is "one page beats twenty slides", so the page holds the summary, the
top stakeholders, the heat map and the whitespace grid, the open objectives, the next
actions with their owners and dates, and the top risks. A list longer than its budget
shows its first rows and "and K more"; texts are shortened to a bounded length, so a
row's height is bounded too and the page fits whatever the plan's size.
"""

from dataclasses import dataclass
from textwrap import shorten

from keyplan.core.choices import Level
from keyplan.core.money import format_money
from keyplan.exchange.documents import outline, sections
from keyplan.exchange.documents.headline import day
from keyplan.growth.models import ActionStatus, ObjectiveStatus
from keyplan.growth.pictures import whitespace_grid_svg
from keyplan.insights.risk import PROBABILITY_WEIGHTS
from keyplan.relationships.models import Priority
from keyplan.relationships.pictures import STRONG, heat_map_svg
from keyplan.risks.models import OPEN_RISK_STATUSES, RiskCategory

# Shares of the page's content box the two pictures get.
HEAT_MAP_WIDTH = 0.6  # the heat map's width; the top stakeholders take the rest
PICTURE_HEIGHT = 0.21  # each picture's height at most


@dataclass(frozen=True)
class Budget:
    stakeholders: int
    objectives: int
    actions: int
    risks: int
    pictures: float = 1.0  # a factor on the pictures' boxes


# Tried in turn until the page fits: larger pictures first (most plans have room for them),
# then the sizes that fit the largest plans measured (40 stakeholders, 30 actions, 15 risks),
# then fewer rows and smaller pictures should a text or a font still not fit.
BUDGETS = [
    Budget(7, 4, 6, 4, 1.3),
    Budget(7, 4, 6, 4),
    Budget(6, 3, 5, 3, 0.9),
    Budget(5, 3, 4, 3, 0.8),
    Budget(3, 2, 3, 2, 0.65),
    Budget(1, 1, 1, 1, 0.5),
]

LEVEL_RANK = {level.name.lower(): int(level) for level in Level}
PRIORITY_RANK = {priority.name.lower(): int(priority) for priority in Priority}
OPEN_ACTIONS = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
OPEN_OBJECTIVES = (ObjectiveStatus.ON_TRACK, ObjectiveStatus.AT_RISK, ObjectiveStatus.OFF_TRACK)


@dataclass(frozen=True)
class Top:
    """The first rows of a list, and how many were left out."""

    rows: list
    more: int


def top(rows: list, count: int) -> Top:
    return Top(rows[:count], max(len(rows) - count, 0))


def short(text: str | None, width: int) -> str:
    return shorten(text or "", width, placeholder="…") if text else ""


def pictures(loaded: sections.Loaded) -> dict[str, str]:
    """The plan page's heat map and whitespace grid, without links."""
    return {"heat_map": heat_map_svg(loaded.plan), "whitespace": whitespace_grid_svg(loaded.plan)}


def stakeholders(doc: dict) -> list[dict]:
    """Active stakeholders, primary first, then by power and relationship strength."""
    colours = {dot["name"]: dot["colour"] for dot in doc["heat_map"]["stakeholders"]}
    people = [s for s in doc["stakeholders"] if s["status"] == "active"]
    people.sort(
        key=lambda s: (
            PRIORITY_RANK.get(s["priority"], 9),
            -LEVEL_RANK.get(s["power"], 0),
            -s["strength"],
            s["name"],
        )
    )
    return [
        {
            "name": short(s["name"], 40),
            "title": short(s["title"], 44),
            "role": short(outline.role_of(s), 40),
            "strength": s["strength_label"],
            "power": outline.level(s["power"]),
            "mark": outline.MARKS[colours.get(s["name"], "yellow")],
            "colour": STRONG[colours.get(s["name"], "yellow")],
            "met": f"met {day(s['last_interaction'])}" if s["last_interaction"] else "not met yet",
        }
        for s in people
    ]


def objectives(doc: dict) -> list[dict]:
    """Objectives still being worked on, soonest first."""
    return [
        {
            "title": short(o["title"], 90),
            "target": short(f"{o['metric']}: {outline.objective_target(o)}", 60),
            "due": day(o["due_date"]),
            "status": outline.label(ObjectiveStatus, o["status"]),
            "owner": o["owner_name"] or "no owner",
        }
        for o in sorted(doc["objectives"], key=lambda o: (o["due_date"], o["title"]))
        if o["status"] in OPEN_OBJECTIVES
    ]


def actions(doc: dict) -> list[dict]:
    """Open actions, the earliest due first (so overdue ones lead)."""
    return [
        {
            "title": short(a["title"], 90),
            "owner": a["owner_name"] or "no owner",
            "due": day(a["due_date"]),
            "overdue": a["overdue"],
        }
        for a in sorted(doc["actions"], key=lambda a: (a["due_date"], a["title"]))
        if a["status"] in OPEN_ACTIONS
    ]


def exposure(risk: dict):
    """ARR at risk weighted by probability: the rule of insights.risk."""
    weight = PROBABILITY_WEIGHTS.get(LEVEL_RANK.get(risk["probability"]), 0)
    return (risk["arr_at_risk"] or 0) * weight


def risks(doc: dict) -> list[dict]:
    """Open risks, the largest exposure first."""
    open_risks = [r for r in doc["risks"] if r["status"] in OPEN_RISK_STATUSES]
    open_risks.sort(key=lambda r: -exposure(r))  # a stable sort: the plan's order breaks ties
    return [
        {
            "title": short(r["title"], 80),
            "category": outline.label(RiskCategory, r["category"]),
            "odds": f"{outline.level(r['probability'])} × {outline.level(r['impact']).lower()}",
            "at_risk": format_money(r["arr_at_risk"]) if r["arr_at_risk"] is not None else "",
            "owner": r["owner_name"] or "no owner",
            "next": short(
                " by ".join(filter(None, [r["next_action"], day(r["next_action_date"])
                                          if r["next_action_date"] else ""]))
                or r["mitigation"],
                70,
            ),
        }
        for r in open_risks
    ]  # fmt: skip


def lists(loaded: sections.Loaded, budget: Budget) -> dict:
    doc = loaded.doc
    return {
        "thesis": short(doc["growth"]["thesis"], 260),
        "stakeholders": top(stakeholders(doc), budget.stakeholders),
        "objectives": top(objectives(doc), budget.objectives),
        "actions": top(actions(doc), budget.actions),
        "risks": top(risks(doc), budget.risks),
    }
