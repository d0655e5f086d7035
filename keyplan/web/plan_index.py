"""The plan page's section index: each section's name, how many records it holds and
what in it needs attention, taken from the same rows the sections render (so the
index and the sections agree, and it costs no query of its own)."""

from dataclasses import dataclass

from django.template.defaultfilters import pluralize

SHORT = {
    "profile": "Profile",
    "history": "History",
    "stakeholders": "Stakeholders",
    "interactions": "Interactions",
    "heatmap": "Heat map",
    "whitespace": "Whitespace",
    "growth": "Growth plays",
    "risks": "Risks",
    "cadence": "QBR cadence",
    "resources": "Resources",
    "swot": "SWOT",
    "objectives": "Objectives",
    "actions": "Actions",
}


@dataclass(frozen=True)
class Entry:
    anchor: str
    label: str
    count: int | None = None
    counted: str = ""  # the count in words, for a screen reader and a tooltip
    warning: str = ""


def _words(count: int, noun: str) -> str:
    return f"{count} {noun}{pluralize(count)}"


def entries(page, names: list[str]) -> list[Entry]:
    """The index of `page` (a web.page.PlanPage) over the sections `names`, in order."""
    plan = page.plan
    actions = page.action_rows
    open_actions = [*actions["soon"], *actions["later"]]
    overdue = sum(row.overdue for row in open_actions)
    red = page.heat_counts.get("red", 0)
    pipeline = page.pipeline
    counts = {
        "history": (len(plan.contracts), "contract"),
        "stakeholders": (len(page.stakeholder_rows), "stakeholder"),
        "interactions": (len(plan.interactions), "interaction"),
        "growth": (pipeline["count"], "open play"),
        "risks": (sum(row.open for row in page.risk_rows), "open risk"),
        "cadence": (len(plan.touchpoints), "touchpoint"),
        "resources": (len(plan.resources), "resource request"),
        "swot": (len(plan.swot), "SWOT item"),
        "objectives": (len(plan.objectives), "objective"),
        "actions": (len(open_actions), "open action"),
    }
    warnings = {
        "heatmap": f"{red} red" if red else "",
        "growth": f"{pipeline['passed']} past close date" if pipeline["passed"] else "",
        "actions": f"{overdue} overdue" if overdue else "",
    }
    found = []
    for name in names:
        if name not in SHORT:
            continue
        count, noun = counts.get(name, (None, ""))
        counted = _words(count, noun) if count is not None else ""
        found.append(Entry(f"section-{name}", SHORT[name], count, counted, warnings.get(name, "")))
    return found
