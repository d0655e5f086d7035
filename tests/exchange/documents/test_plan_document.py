"""`keyplan plan show`: the whole plan as JSON or text, by name or id."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.accounts import services as account_services
from keyplan.core import services
from keyplan.exchange.documents.document import TOP_LEVEL_KEYS
from keyplan.growth import services as growth_services
from keyplan.growth.models import Action, Objective, Play
from keyplan.relationships.models import Stakeholder


def show(*args) -> str:
    out = StringIO()
    call_command("plan", "show", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def plan(account, owner, champion, unit, product):
    james = services.create(
        Stakeholder,
        by=owner,
        account=account,
        name="James Park",
        title="CFO",
        role="economic_buyer",
        power=3,
        strength=1,
        reports_to=None,
    )
    services.update(champion, by=owner, version=champion.version, reports_to=james)
    growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=Decimal(45000))
    objective = services.create(
        Objective,
        by=owner,
        account=account,
        title="Close Analytics",
        metric="ARR",
        target=Decimal(45000),
        due_date=date(2026, 9, 30),
    )
    services.create(
        Play,
        by=owner,
        account=account,
        name="Analytics",
        stage="conversation",
        target_arr=Decimal(45000),
        objective=objective,
    )
    services.create(
        Action,
        by=owner,
        account=account,
        title="Intro",
        owner=owner,
        due_date=date(2026, 6, 15),
        objective=objective,
    )
    services.create(
        Action,
        by=owner,
        account=account,
        title="Loose end",
        owner=owner,
        due_date=date(2999, 1, 1),
    )
    account_services.add_contract(
        account,
        by=owner,
        name="MSA",
        arr=Decimal(180000),
        start_date=date(2025, 1, 1),
        end_date=date(2999, 12, 31),
        lines=[{"product": product, "quantity": 120, "arr": Decimal(180000)}],
    )
    return account


def test_the_json_has_every_section(plan):
    data = json.loads(show("Acme Corp", "--format", "json"))
    assert set(TOP_LEVEL_KEYS) <= set(data)
    for key in (
        "account",
        "profile",
        "history",
        "stakeholders",
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
    ):
        assert key in data
    assert set(data["growth"]) >= {"thesis", "target_arr", "plays"}
    assert set(data["cadence"]) >= {"touchpoints", "reviews", "triggers"}


def test_the_json_tells_the_plan(plan):
    data = json.loads(show(str(plan.pk), "--format", "json"))
    assert data["account"]["name"] == "Acme Corp"
    # the login is the key an import reads back; the full name stands beside it
    assert data["account"]["owner"] == "olga"
    assert data["account"]["owner_name"] == "Olga Owner"
    assert data["account"]["team"][0] == {
        "user": "olga",
        "user_name": "Olga Owner",
        "role": "owner",
    }
    assert {a["owner_name"] for a in data["actions"]} == {"Olga Owner"}
    people = {s["name"]: s for s in data["stakeholders"]}
    assert people["Sarah Lin"]["reports_to"] == "James Park"
    assert people["Sarah Lin"]["role"] == "champion"
    # Heat map: Sarah (high power, champion) green; James (high power, cold) red.
    assert data["heat_map"]["counts"] == {"green": 1, "yellow": 0, "red": 1}
    colours = {d["name"]: d["colour"] for d in data["heat_map"]["stakeholders"]}
    assert colours == {"Sarah Lin": "green", "James Park": "red"}
    assert data["whitespace"]["open_value"] == 45000
    assert data["whitespace"]["cells"][0] == {
        "business_unit": "Engineering",
        "product": "Analytics",
        "status": "open",
        "colour": "red",
        "estimated_value": 45000,
        "fit": None,
        "champion": None,
        "notes": "",
    }
    assert data["history"]["current_arr"] == 180000
    assert data["growth"]["plays"][0]["objective"] == "Close Analytics"
    actions = {a["title"]: a for a in data["actions"]}
    assert actions["Loose end"]["ties_to_nothing"] is True
    assert actions["Intro"]["ties_to_nothing"] is False


def test_text_output_reads_section_by_section(plan):
    text = show("acme corp")
    assert text.startswith("Acme Corp — tier 1 customer")
    for heading in (
        "1. Profile",
        "3. Stakeholders (2)",
        "4. Relationship heat map",
        "5. Whitespace",
        "6. Growth plan",
        "7. Risks",
        "8. QBR cadence",
        "9. Resources",
    ):
        assert heading in text
    assert "Engineering x Analytics: open, $45,000" in text


def test_an_unknown_account_is_named_with_close_matches(plan):
    with pytest.raises(CommandError) as error:
        show("Acme Crop")
    assert "No account is named “Acme Crop”" in str(error.value)
    assert "Did you mean: Acme Corp?" in str(error.value)


def test_a_plan_as_of_a_date_before_the_account_existed_is_refused(plan):
    with pytest.raises(CommandError) as error:
        show("Acme Corp", "--as-of", "2001-01-01")
    assert "did not exist yet" in str(error.value)
    with pytest.raises(CommandError):
        show("Acme Corp", "--as-of", "yesterday")


def test_as_of_a_date_means_the_end_of_that_day(plan, owner):
    from keyplan.core import clock

    today = clock.today().isoformat()
    data = json.loads(show("Acme Corp", "--format", "json", "--as-of", today))
    assert data["account"]["as_of"].startswith(f"{today}T23:59:59")
    assert {s["name"] for s in data["stakeholders"]} == {"Sarah Lin", "James Park"}
