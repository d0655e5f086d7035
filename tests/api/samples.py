"""A valid record of every kind the API serves: the body that creates one
(`existing`, made before a test) and a second one (`new`, what a test creates),
plus a small change to apply to it."""

from keyplan.api.kinds import API_KINDS


def bodies(kind_path: str, account, owner, units=(), products=()) -> dict:
    """{"existing": body, "new": body, "change": body} for `kind_path`."""
    day = "2026-06-01"
    samples = {
        "stakeholders": ({"name": "Sam Okafor"}, {"name": "Ana Ruiz"}, {"title": "CFO"}),
        "interactions": (
            {"date": day, "subject": "Kick-off"},
            {"date": day, "subject": "Follow-up", "kind": "call"},
            {"summary": "Agreed next steps."},
        ),
        "business-units": ({"name": "Finance"}, {"name": "Legal"}, {"headcount": 40}),
        "whitespace-cells": (
            {"business_unit": units[0].pk, "product": products[0].pk},
            {"business_unit": units[0].pk, "product": products[1].pk, "status": "evaluating"},
            {"estimated_value": 12000},
        ),
        "objectives": (
            {"title": "Grow ARR", "metric": "ARR", "due_date": "2026-12-31"},
            {"title": "Expand seats", "metric": "Seats", "due_date": "2026-12-31"},
            {"target": 500},
        ),
        "plays": ({"name": "Land finance"}, {"name": "Renew early"}, {"stage": "opportunity"}),
        "actions": (
            {"title": "Map the org", "owner": owner.pk, "due_date": "2026-07-01"},
            {"title": "Book the QBR", "owner": owner.pk, "due_date": "2026-07-15"},
            {"status": "in_progress"},
        ),
        "risks": (
            {"title": "Budget freeze", "category": "budget_freeze"},
            {"title": "New rival", "category": "competitor"},
            {"mitigation": "Exec call."},
        ),
        "swot-items": (
            {"kind": "strength", "text": "Deep adoption"},
            {"kind": "threat", "text": "A rival"},
            {"text": "Deep adoption in ops"},
        ),
        "touchpoints": ({"date": day}, {"date": "2026-09-01", "kind": "ebr"}, {"asks": "Intro"}),
        "reviews": (
            {"kind": "weekly", "date": day},
            {"kind": "monthly", "date": "2026-06-08"},
            {"notes": "All good."},
        ),
        "triggers": (
            {"kind": "funding_round", "date": day, "description": "Series D"},
            {"kind": "executive_change", "date": day, "description": "New CIO"},
            {"status": "handled", "handled_on": day, "handled_note": "Met the new CIO"},
        ),
        "resources": (
            {"kind": "se_hours", "title": "POC support", "year": 2026},
            {"kind": "marketing", "title": "Event", "year": 2026},
            {"committed": 40},
        ),
        "contracts": (
            {"name": "MSA 2025", "start_date": "2025-01-01", "arr": 100000},
            {"name": "Order form 2", "start_date": "2026-01-01", "arr": 20000},
            {"auto_renew": True},
        ),
        "revenue-years": (
            {"year": 2024, "revenue": 90000},
            {"year": 2025, "revenue": 110000},
            {"note": "Restated."},
        ),
        "health-snapshots": ({"date": "2026-05-01"}, {"date": day}, {"nps": 40}),
    }
    existing, new, change = samples[kind_path]
    return {"existing": existing, "new": new, "change": change}


KIND_PATHS = [kind.path for kind in API_KINDS]
