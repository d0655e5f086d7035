"""The plan document as plain text, for a terminal or an email."""

from decimal import Decimal

from keyplan.core.formats import counted, format_date, format_measure, format_money, format_number
from keyplan.growth.models import RESOURCE_UNITS


def _money(value) -> str:
    return format_money(Decimal(value)) if value is not None else "-"


def _number(value) -> str:
    """1234.50 -> "1,234.5" (de-DE "1.234,5"); None -> "-"."""
    return format_number(value, 2)


def _day(value) -> str:
    """7 Dec 2026 in the organisation's locale; "-" when there is none."""
    return format_date(value)


def _measure(resource: dict, key: str) -> str:
    """Hours as hours, money as money: "30 h", "$5,000"."""
    value = resource[key]
    unit = RESOURCE_UNITS.get(resource["kind"], "")
    return "-" if value is None else format_measure(value, unit)


def _line(label: str, value) -> str | None:
    if value in (None, "", [], {}):
        return None
    return f"  {label}: {value}"


def _section(number: str, title: str, lines) -> list[str]:
    body = [line for line in lines if line]
    return [f"{number} {title}".strip(), *(body or ["  (empty)"]), ""]


def render(plan: dict) -> str:
    account, profile, history, growth = (
        plan["account"],
        plan["profile"],
        plan["history"],
        plan["growth"],
    )
    heading = f"{account['name']} — tier {account['tier']} {account['relationship']}"
    out = [heading, "=" * len(heading)]
    if account["as_of"]:
        out.append(f"As of {_day(account['as_of'])}")
    team = ", ".join(f"{m['user_name']} ({m['role']})" for m in account["team"])
    out += [f"Team: {team or '-'}", ""]

    context = profile["strategic_context"]
    out += _section(
        "1.",
        "Profile and strategic context",
        [
            _line("Industry", profile["industry"]),
            _line("Annual revenue", _money(profile["annual_revenue"])),
            _line("Employees", profile["employees"] and format_number(profile["employees"])),
            _line("Headquarters", profile["headquarters"]),
            _line("Ownership", profile["ownership"]),
            _line("Business model", profile["business_model"]),
            _line("Current stack", profile["current_stack"]),
            _line("Wallet estimate", _money(profile["wallet_estimate"])),
            *(_line(k.replace("_", " ").capitalize(), v) for k, v in context.items()),
        ],
    )
    out += _section(
        "2.",
        "History and contracts",
        [
            _line("Relationship began", history["relationship_origin"]),
            _line("First sale", history["first_sale_year"]),
            _line("Current ARR", _money(history["current_arr"])),
            *(
                f"  Contract {c['name']}: {_money(c['arr'])} ARR, {_day(c['start_date'])} to "
                f"{_day(c['end_date']) if c['end_date'] else 'open-ended'} ({c['status']})"
                for c in history["contracts"]
            ),
            *(f"  Revenue {r['year']}: {_money(r['revenue'])}" for r in history["revenue"]),
        ],
    )
    out += _section(
        "3.",
        f"Stakeholders ({len(plan['stakeholders'])})",
        [
            f"  {s['name']} — {s['title'] or 'no title'}; {s['role'].replace('_', ' ')}; "
            f"power {s['power']}, {s['strength_label'].lower()}"
            + (f"; reports to {s['reports_to']}" if s["reports_to"] else "")
            + ("; LEFT" if s["status"] == "left" else "")
            for s in plan["stakeholders"]
        ],
    )
    counts = plan["heat_map"]["counts"]
    out += _section(
        "4.",
        "Relationship heat map",
        [
            f"  {counts['green']} green, {counts['yellow']} yellow, {counts['red']} red",
            *(
                f"  {quadrant.replace('_', ' ')}: {', '.join(names)}"
                for quadrant, names in plan["heat_map"]["grid"].items()
                if names
            ),
        ],
    )
    whitespace = plan["whitespace"]
    out += _section(
        "5.",
        "Whitespace",
        [
            _line("Open whitespace", _money(whitespace["open_value"])),
            *(
                f"  {c['business_unit']} x {c['product']}: {c['status']}"
                + (f", {_money(c['estimated_value'])}" if c["estimated_value"] else "")
                for c in whitespace["cells"]
                if c["status"] in ("open", "evaluating")
            ),
        ],
    )
    out += _section(
        "6.",
        "Growth plan",
        [
            _line("Thesis", growth["thesis"]),
            _line(
                "Target",
                f"{_money(growth['current_arr'])} now, {_money(growth['target_arr'])} "
                f"by {_day(growth['target_date'])}",
            ),
            *(
                f"  {p['name']} ({p['kind']}, {p['stage']}): {_money(p['target_arr'])}"
                f", close {_day(p['target_close_date'])}"
                for p in growth["plays"]
            ),
        ],
    )
    out += _section(
        "7.",
        "Risks",
        [
            f"  {r['title']} ({r['category']}, {r['probability']} x {r['impact']}): "
            f"{_money(r['arr_at_risk'])} at risk, {r['status']}"
            for r in plan["risks"]
        ],
    )
    cadence = plan["cadence"]
    out += _section(
        "8.",
        "QBR cadence and sponsorship",
        [
            _line("Value realised", _money(cadence["value_realised"])),
            _line("Value unrealised", _money(cadence["value_unrealised"])),
            *(
                f"  Sponsors: {s['ours_name']} with {s['theirs'] or '-'}"
                for s in cadence["sponsors"]
            ),
            *(
                f"  {_day(t['date'])} {t['kind'].upper()} ({t['status']}): {t['title']}"
                for t in cadence["touchpoints"]
            ),
            *(f"  Review {_day(r['date'])}: {r['kind']}" for r in cadence["reviews"][:3]),
            *(
                f"  Trigger {_day(t['date'])} {t['kind']}: {t['description']} ({t['status']})"
                for t in cadence["triggers"]
            ),
        ],
    )
    out += _section(
        "9.",
        "Resources",
        [
            f"  {r['title']} ({r['kind']}, {r['year']} Q{r['quarter'] or '-'}): "
            f"requested {_measure(r, 'requested')}, committed {_measure(r, 'committed')}, "
            f"{r['status']}"
            for r in plan["resources"]
        ],
    )
    out += _section(
        "",
        "SWOT",
        [
            f"  {kind.capitalize()}: {'; '.join(items)}"
            for kind, items in plan["swot"].items()
            if items
        ],
    )
    out += _section(
        "",
        "Objectives",
        [
            f"  {o['title']} — {o['metric']}: {_number(o['baseline'])} -> {_number(o['target'])} "
            f"{o['unit']} "
            f"by {_day(o['due_date'])} ({o['status']})"
            for o in plan["objectives"]
        ],
    )
    out += _section(
        "",
        "Actions",
        [
            f"  [{'x' if a['status'] == 'done' else ' '}] {_day(a['due_date'])} {a['title']}"
            + f" ({a['owner_name']})"
            + (" OVERDUE" if a["overdue"] else "")
            + (" — ties to nothing" if a["ties_to_nothing"] else "")
            for a in plan["actions"]
        ],
    )
    latest = plan["health"]["latest"]
    out += _section(
        "",
        "Health",
        [
            latest
            and (
                f"  {_day(latest['date'])}: {_number(latest['active_seats'])} of "
                f"{counted(latest['licensed_seats'], 'seat')} active, NPS {latest['nps']}, "
                f"CSAT {latest['csat']}, {counted(latest['escalations'], 'escalation')}"
            )
        ],
    )
    return "\n".join(out).rstrip() + "\n"
