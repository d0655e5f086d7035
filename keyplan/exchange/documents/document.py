"""The whole plan of one account as a document of plain values.

`keyplan plan show`, the API's whole-plan read and the exporters all start from
this document. It names records by their natural keys (a stakeholder's name, a
business unit's name, a user's login) rather than database ids, so the same
plan reads the same in any database; beside each login stands the user's full name
(`owner_name` beside `owner`), which is what people read. With `as_of`, every
section is read from history as it stood at that moment.

Each section is loaded with one query per model, whatever the plan's size.
"""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import orjson

from keyplan.accounts.models import CONTEXT_FIELDS, PROFILE_FIELDS, Account
from keyplan.core.choices import Level
from keyplan.growth.models import CELL_COLOURS
from keyplan.plan.loader import Plan
from keyplan.relationships import heatmap
from keyplan.relationships.models import Priority, StakeholderStatus, Strength
from keyplan.risks.models import Impact

TOP_LEVEL_KEYS = (
    "account",
    "profile",
    "history",
    "stakeholders",
    "interactions",
    "heat_map",
    "whitespace",
    "growth",
    "risks",
    "cadence",
    "resources",
    "swot",
    "objectives",
    "actions",
    "health",
    "selection",
)


def level(value: int | None) -> str | None:
    return None if value is None else Level(value).name.lower()


def _name(choices, value) -> str | None:
    return None if value is None else choices(value).name.lower()


def _user(plan: Plan, key: str, user_id: int | None) -> dict:
    """A user as the document names them: the login under `key` (the natural key an
    import reads back) and the full name beside it under `<key>_name`, for people."""
    return {key: plan.username(user_id), f"{key}_name": plan.user_name(user_id)}


def _users(plan: Plan, key: str, names_key: str, user_ids) -> dict:
    """Several users (a touchpoint's hosts): their logins, and their names in the same order."""
    users = sorted(
        ((plan.username(pk), plan.user_name(pk)) for pk in user_ids if pk in plan.users_by_id),
        key=lambda user: user[0] or "",
    )
    return {key: [login for login, _ in users], names_key: [name for _, name in users]}


def build(account: Account, *, as_of: datetime | None = None) -> dict:
    """The plan of `account` as a document (see TOP_LEVEL_KEYS)."""
    return from_plan(Plan(account, as_of=as_of))


def from_plan(plan: Plan) -> dict:
    """The document of a loaded plan."""
    return {
        "account": _account(plan),
        "profile": _profile(plan.account),
        "history": _history(plan),
        "stakeholders": _stakeholders(plan),
        "interactions": _interactions(plan),
        "heat_map": _heat_map(plan),
        "whitespace": _whitespace(plan),
        "growth": _growth(plan),
        "risks": _risks(plan),
        "cadence": _cadence(plan),
        "resources": _resources(plan),
        "swot": _swot(plan),
        "objectives": [_objective(o, plan) for o in plan.objectives],
        "actions": _actions(plan),
        "health": _health(plan),
        "selection": _selection(plan),
    }


def _account(plan: Plan) -> dict:
    account = plan.account
    team = []
    for user_id, role, membership in plan.team:
        member = {**_user(plan, "user", user_id), "role": role}
        if membership is not None:
            member["paired_with"] = plan.person(membership.paired_stakeholder_id)
        team.append(member)
    return {
        "name": account.name,
        "tier": account.tier,
        "relationship": account.relationship,
        **_user(plan, "owner", account.owner_id),
        "team": team,
        "source": account.source,
        "crm_id": account.crm_id,
        "parent": plan.parent_name,
        "as_of": plan.as_of.isoformat() if plan.as_of else None,
    }


def _profile(account) -> dict:
    profile = {field: getattr(account, field) for field in PROFILE_FIELDS}
    profile["strategic_context"] = {field: getattr(account, field) for field in CONTEXT_FIELDS}
    return profile


def _history(plan: Plan) -> dict:
    account, products = plan.account, plan.products_by_id
    return {
        "relationship_origin": account.relationship_origin,
        "first_sale_year": account.first_sale_year,
        "original_use_case": account.original_use_case,
        "current_arr": plan.current_arr,
        "contracts": [
            {
                "name": c.name,
                "status": c.status,
                "arr": c.arr,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "auto_renew": c.auto_renew,
                "notice_days": c.notice_days,
                "renewal_terms": c.renewal_terms,
                "termination_clauses": c.termination_clauses,
                "crm_id": c.crm_id,
                "lines": [
                    {
                        "product": products[line.product_id].name,
                        "quantity": line.quantity,
                        "arr": line.arr,
                    }
                    for line in plan.lines_by_contract[c.pk]
                ],
            }
            for c in plan.contracts
        ],
        "revenue": [{"year": r.year, "revenue": r.revenue, "note": r.note} for r in plan.revenue],
    }


def _stakeholders(plan: Plan) -> list:
    units = plan.units_by_id
    influences = {
        source: sorted(
            (
                {
                    "target": plan.person(link.target_id),
                    "strength": level(link.strength),
                    "note": link.note,
                }
                for link in links
            ),
            key=lambda t: t["target"] or "",
        )
        for source, links in plan.influences_by_source.items()
    }
    return [
        {
            "name": s.name,
            "title": s.title,
            "business_unit": units[s.business_unit_id].name
            if s.business_unit_id in units
            else None,
            "department": s.department,
            "reports_to": plan.person(s.reports_to_id),
            "role": s.role,
            "secondary_role": s.secondary_role,
            "power": level(s.power),
            "interest": level(s.interest),
            "strength": s.strength,
            "strength_label": Strength(s.strength).label,
            "priority": _name(Priority, s.priority),
            **_user(plan, "relationship_owner", s.relationship_owner_id),
            "last_interaction": plan.last_touch.get(s.pk),
            "next_interaction_date": s.next_interaction_date,
            "next_interaction_plan": s.next_interaction_plan,
            "cares_about_professionally": s.cares_about_professionally,
            "cares_about_personally": s.cares_about_personally,
            "competitor_relationships": s.competitor_relationships,
            "email": s.email,
            "phone": s.phone,
            "linkedin": s.linkedin,
            "status": s.status,
            "notes": s.notes,
            "crm_id": s.crm_id,
            "influences": influences.get(s.pk, []),
        }
        for s in plan.stakeholders
    ]


def _interactions(plan: Plan) -> list:
    people = plan.participants_by_interaction
    return [
        {
            "date": i.date,
            "kind": i.kind,
            "subject": i.subject,
            "summary": i.summary,
            "meaningful": i.meaningful,
            **_user(plan, "logged_by", i.logged_by_id),
            "stakeholders": sorted(filter(None, map(plan.person, people[i.pk]))),
            "crm_id": i.crm_id,
        }
        for i in plan.interactions
    ]


def _heat_map(plan: Plan) -> dict:
    active = [s for s in plan.stakeholders if s.status == StakeholderStatus.ACTIVE]
    dots = [
        {
            "name": s.name,
            "power": level(s.power),
            "strength": s.strength,
            "strength_label": Strength(s.strength).label,
            "colour": heatmap.colour(s.power, s.strength, (s.role, s.secondary_role)),
        }
        for s in active
    ]
    grid = {quadrant: [] for quadrant in heatmap.QUADRANTS}
    for s in active:
        grid[heatmap.quadrant(s.power, s.interest)].append(s.name)
    return {
        "rule": heatmap.RULE,
        "counts": {c: sum(1 for d in dots if d["colour"] == c) for c in heatmap.COLOURS},
        "stakeholders": dots,
        "grid": grid,
    }


def _whitespace(plan: Plan) -> dict:
    units, products = plan.units_by_id, plan.products_by_id
    used = {c.product_id for c in plan.cells}
    return {
        "business_units": [
            {"name": u.name, "kind": u.kind, "headcount": u.headcount, "description": u.description}
            for u in plan.units
        ],
        "products": [p.name for p in plan.products if p.pk in used],
        "cells": [
            {
                "business_unit": units[c.business_unit_id].name,
                "product": products[c.product_id].name,
                "status": c.status,
                "colour": CELL_COLOURS[c.status],
                "estimated_value": c.estimated_value,
                "fit": level(c.fit),
                "champion": plan.person(c.champion_id),
                "notes": c.notes,
            }
            for c in plan.cells
        ],
        "open_value": plan.open_whitespace,
    }


def _growth(plan: Plan) -> dict:
    account, units, products = plan.account, plan.units_by_id, plan.products_by_id
    objectives, cells = plan.objectives_by_id, plan.cells_by_id

    def cell_names(cell_ids):
        names = [
            {
                "business_unit": units[cells[i].business_unit_id].name,
                "product": products[cells[i].product_id].name,
            }
            for i in cell_ids
            if i in cells
        ]
        return sorted(names, key=lambda c: (c["business_unit"], c["product"]))

    return {
        "thesis": account.growth_thesis,
        "current_arr": plan.current_arr,
        "target_arr": account.target_arr,
        "target_date": account.target_date,
        "plays": [
            {
                "name": p.name,
                "kind": p.kind,
                "stage": p.stage,
                "probability": p.probability,
                "win_probability": p.win_probability,
                "target_arr": p.target_arr,
                **_user(plan, "owner", p.owner_id),
                "customer_owner": plan.person(p.customer_owner_id),
                "target_close_date": p.target_close_date,
                "description": p.description,
                "dependencies": p.dependencies,
                "blocker": p.blocker,
                "objective": objectives[p.objective_id].title
                if p.objective_id in objectives
                else None,
                "stakeholders": sorted(
                    (
                        {"name": plan.person(link.stakeholder_id), "role_hint": link.role_hint}
                        for link in plan.people_by_play[p.pk]
                    ),
                    key=lambda s: s["name"] or "",
                ),
                "cells": cell_names(plan.cells_by_play[p.pk]),
                "crm_id": p.crm_id,
            }
            for p in plan.plays
        ],
    }


def _risks(plan: Plan) -> list:
    return [
        {
            "title": r.title,
            "category": r.category,
            "description": r.description,
            "probability": level(r.probability),
            "impact": _name(Impact, r.impact),
            "arr_at_risk": r.arr_at_risk,
            "mitigation": r.mitigation,
            **_user(plan, "owner", r.owner_id),
            "next_action": r.next_action,
            "next_action_date": r.next_action_date,
            "status": r.status,
        }
        for r in plan.risks
    ]


def _cadence(plan: Plan) -> dict:
    hosts, attendees = plan.hosts_by_touchpoint, plan.attendees_by_touchpoint
    return {
        "value_realised": plan.account.value_realised,
        "value_unrealised": plan.account.value_unrealised,
        "sponsors": [
            {**_user(plan, "ours", m.user_id), "theirs": plan.person(m.paired_stakeholder_id)}
            for m in plan.sponsors
        ],
        "touchpoints": [
            {
                "kind": t.kind,
                "date": t.date,
                "status": t.status,
                "title": t.title,
                "agenda": t.agenda,
                "proof_points": t.proof_points,
                "asks": t.asks,
                "commitments": t.commitments,
                "notes": t.notes,
                **_users(plan, "hosts", "host_names", hosts[t.pk]),
                "attendees": sorted(filter(None, map(plan.person, attendees[t.pk]))),
            }
            for t in plan.touchpoints
        ],
        "reviews": [
            {
                "kind": r.kind,
                "date": r.date,
                **_user(plan, "reviewer", r.reviewer_id),
                "notes": r.notes,
            }
            for r in plan.reviews
        ],
        "triggers": [
            {
                "kind": t.kind,
                "date": t.date,
                "description": t.description,
                "status": t.status,
                "handled_on": t.handled_on,
                **_user(plan, "handled_by", t.handled_by_id),
                "handled_note": t.handled_note,
            }
            for t in plan.triggers
        ],
    }


def _resources(plan: Plan) -> list:
    return [
        {
            "kind": r.kind,
            "title": r.title,
            "year": r.year,
            "quarter": r.quarter,
            "unit": r.unit,
            "requested": r.requested,
            "committed": r.committed,
            "delivered": r.delivered,
            "status": r.status,
            **_user(plan, "owner", r.owner_id),
            "needed_by": r.needed_by,
            "notes": r.notes,
        }
        for r in plan.resources
    ]


SWOT_KEYS = {
    "strength": "strengths",
    "weakness": "weaknesses",
    "opportunity": "opportunities",
    "threat": "threats",
}


def _swot(plan: Plan) -> dict:
    swot = defaultdict(list)
    for item in plan.swot:
        swot[SWOT_KEYS[item.kind]].append(item.text)
    return {key: swot[key] for key in SWOT_KEYS.values()}


def _objective(o, plan: Plan) -> dict:
    return {
        "title": o.title,
        "metric": o.metric,
        "baseline": o.baseline,
        "target": o.target,
        "unit": o.unit,
        "due_date": o.due_date,
        "status": o.status,
        **_user(plan, "owner", o.owner_id),
    }


def _actions(plan: Plan) -> list:
    objectives, plays = plan.objectives_by_id, plan.plays_by_id
    return [
        {
            "title": a.title,
            **_user(plan, "owner", a.owner_id),
            "due_date": a.due_date,
            "status": a.status,
            "completed_on": a.completed_on,
            "objective": objectives[a.objective_id].title if a.objective_id in objectives else None,
            "play": plays[a.play_id].name if a.play_id in plays else None,
            "notes": a.notes,
            "overdue": a.is_open and a.due_date < plan.today,
            "ties_to_nothing": a.ties_to_nothing,
        }
        for a in plan.actions
    ]


def _health(plan: Plan) -> dict:
    rows = [
        {
            "date": h.date,
            "licensed_seats": h.licensed_seats,
            "active_seats": h.active_seats,
            "adoption": None if h.adoption is None else round(h.adoption, 3),
            "open_tickets": h.open_tickets,
            "escalations": h.escalations,
            "nps": h.nps,
            "csat": h.csat,
            "effort_score": h.effort_score,
            "negative_signals": h.negative_signals,
            "notes": h.notes,
        }
        for h in plan.health
    ]
    return {"latest": rows[0] if rows else None, "snapshots": rows}


def _selection(plan: Plan) -> list:
    return [
        {"criterion": plan.criteria[s.criterion_id].key, "score": s.score, "note": s.note}
        for s in plan.scores
        if s.criterion_id in plan.criteria
    ]


def json_value(value):
    """A Decimal, date or datetime as JSON has it (see to_json)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_bytes(document: dict, *, indent: int | None = None) -> bytes:
    """The document as UTF-8 JSON: amounts as numbers, dates as ISO 8601 strings;
    compact, or indented by two spaces (the only indent orjson knows)."""
    # Dates go through json_value too, so they read exactly as Python writes them.
    option = orjson.OPT_PASSTHROUGH_DATETIME | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(document, default=json_value, option=option)


def to_json(document: dict, *, indent: int | None = 2) -> str:
    """The document as JSON text (see to_bytes)."""
    return to_bytes(document, indent=indent).decode()
