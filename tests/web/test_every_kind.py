"""Every kind of record on the plan page can be added, changed and removed in place."""

from datetime import date

import pytest
from django.urls import reverse

from keyplan.accounts import services as account_services
from keyplan.web.editing import KINDS

HX = {"HTTP_HX_REQUEST": "true"}


def valid_data(kind, account, owner, champion, product, member):
    """Minimal valid input for a new record of `kind`, and a field to change after."""
    contract = account_services.add_contract(
        account, by=owner, name="Existing", start_date=date(2026, 1, 1)
    )
    today = date(2026, 6, 1).isoformat()
    return {
        "contracts": ({"name": "MSA", "status": "active", "arr": "100", "start_date": today},
                      "name"),
        "contract-lines": ({"contract": contract.pk, "product": product.pk, "quantity": 3,
                            "arr": "30"}, "quantity"),
        "revenue": ({"year": 2025, "revenue": "1000"}, "revenue"),
        "stakeholders": ({"name": "Kim", "role": "user", "power": 1, "interest": 1,
                          "strength": 2, "priority": 2, "status": "active"}, "title"),
        "influences": ({"source": champion.pk, "target": None, "strength": 2}, "note"),
        "interactions": ({"date": today, "kind": "call", "subject": "Call"}, "subject"),
        "units": ({"name": "Finance", "kind": "business_unit", "position": 0}, "headcount"),
        "plays": ({"name": "Upsell", "kind": "expansion", "stage": "idea", "target_arr": "10"},
                  "blocker"),
        "risks": ({"title": "Budget", "category": "budget_freeze", "probability": 2, "impact": 2,
                   "arr_at_risk": "0", "status": "open"}, "mitigation"),
        "touchpoints": ({"kind": "qbr", "date": today, "status": "planned"}, "agenda"),
        "reviews": ({"kind": "weekly", "date": today}, "notes"),
        "triggers": ({"kind": "funding_round", "date": today, "description": "Series C",
                      "status": "new"}, "description"),
        "resources": ({"kind": "se_hours", "title": "Pilot", "year": 2026, "status": "requested"},
                      "notes"),
        "swot": ({"kind": "strength", "text": "Champion", "position": 0}, "text"),
        "objectives": ({"title": "Grow", "metric": "ARR", "due_date": today,
                        "status": "on_track"}, "metric"),
        "actions": ({"title": "Call", "owner": owner.pk, "due_date": today, "status": "open"},
                    "title"),
        "team": ({"user": member.pk, "role": "sponsor"}, "note"),
    }[kind]  # fmt: skip


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_a_record_is_added_changed_and_removed(
    client, account, owner, champion, product, outsider, slug
):
    kind = KINDS[slug]
    member = outsider  # someone not yet on the team, for the team kind
    data, changed = valid_data(slug, account, owner, champion, product, member)
    if slug == "influences":
        from keyplan.core import services
        from keyplan.relationships.models import Stakeholder

        data["target"] = services.create(Stakeholder, by=owner, account=account, name="Ann").pk
    client.force_login(owner)
    new = reverse("plan-record", args=[account.pk, slug])
    assert client.get(new, **HX).status_code == 200

    response = client.post(new, {k: v for k, v in data.items() if v is not None}, **HX)
    assert response.status_code == 200, response.text
    record = kind.model.objects.order_by("-pk").first()

    edit = reverse("plan-record", args=[account.pk, slug, record.pk])
    form = client.get(edit, **HX)
    assert form.status_code == 200
    value = (
        7
        if changed in ("quantity", "headcount")
        else ("2024-01-01" if changed == "due_date" else "Changed")
    )
    if changed == "revenue":
        value = "2000"
    update = {**data, changed: value, "version": getattr(record, "version", "")}
    response = client.post(edit, {k: v for k, v in update.items() if v is not None}, **HX)
    assert response.status_code == 200, response.text
    record.refresh_from_db()
    assert str(getattr(record, changed)).startswith(str(value).split(".")[0])

    delete = reverse("plan-delete", args=[account.pk, slug, record.pk])
    response = client.post(delete, {"version": getattr(record, "version", "")}, **HX)
    assert response.status_code == 200
    assert not kind.model.objects.filter(pk=record.pk).exists()
