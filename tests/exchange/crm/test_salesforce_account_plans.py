"""Account Plans: where the org has them (describeGlobal lists AccountPlan), a push
writes each linked account's SWOT to one AccountPlan, found again by the id keyplan
keeps, and its objectives to AccountPlanObjective records under it; a second push
changes nothing; a changed objective updates the same record; an objective deleted in
keyplan stays in Salesforce and the report says so; an org without them is left
alone and Test connection says they are not available."""

import shutil
from datetime import date
from decimal import Decimal

import pytest

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.growth.models import Objective
from keyplan.risks.models import SwotItem
from tests.exchange.crm.helpers import run_import
from tests.exchange.crm.test_salesforce_push import MOODY, PATTERSON, pushed_json, run

pytestmark = pytest.mark.django_db
SWOT = [
    ("strength", "Trusted by the CFO"),
    ("strength", "Payments live in 3 markets"),
    ("weakness", "No IT sponsor"),
    ("threat", "Competitor pilot in Spain"),
]


@pytest.fixture
def linked(admin_user, org, data_export, tmp_path):
    """Patterson-Hansen and Moody and Sons linked, as importing their Account rows does."""
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(data_export / "Account.csv", accounts_only / "Account.csv")
    run_import("salesforce", accounts_only, "--accounts", f"{PATTERSON},{MOODY}")
    return {name: Account.objects.get(name=name) for name in (PATTERSON, MOODY)}


def planned(admin_user, account: Account) -> Objective:
    for kind, text in SWOT:
        services.create(SwotItem, by=admin_user, account=account, kind=kind, text=text)
    return services.create(
        Objective, by=admin_user, account=account, title="Grow payments volume",
        metric="Monthly volume", baseline=Decimal("2"), target=Decimal("5"), unit="M EUR",
        due_date=date(2027, 6, 30),
    )  # fmt: skip


def records(org, name: str) -> list[dict]:
    return [r for r in org.records.get(name, []) if not r.get("IsDeleted")]


def writes(org) -> list[str]:
    return [r for r in org.requests if r.startswith(("POST /services/data", "PATCH"))]


def test_the_swot_and_objectives_become_an_account_plan(admin_user, org, linked):
    org.account_plans = True
    objective = planned(admin_user, linked[PATTERSON])

    ok, said = run("push", "--account", PATTERSON)

    assert ok, said
    (plan,) = records(org, "AccountPlan")
    assert plan["AccountId"] == linked[PATTERSON].crm_id
    assert plan["Name"] == f"{PATTERSON} account plan"
    assert plan["RelationshipStrengths"] == "Trusted by the CFO\nPayments live in 3 markets"
    assert plan["RelationshipWeaknesses"] == "No IT sponsor"
    assert plan["RelationshipThreats"] == "Competitor pilot in Spain"
    (made,) = records(org, "AccountPlanObjective")
    assert made["AccountPlanId"] == plan["Id"]
    assert made["Name"] == "Grow payments volume"
    assert made["EndDate"] == "2027-06-30"
    assert made["Description"] == (
        "Metric: Monthly volume from 2 M EUR to 5 M EUR by 2027-06-30. Status: On track."
    )
    assert "Account Plans: wrote 1 created, 0 updated, 0 unchanged, 0 failed" in said
    org.requests.clear()

    again = pushed_json("--account", PATTERSON)

    assert again["account_plans"]["plans"]["unchanged"] == 1
    assert again["account_plans"]["objectives"]["unchanged"] == 1
    assert writes(org) == []

    services.update(objective, by=admin_user, version=objective.version, status="at_risk")
    services.create(SwotItem, by=admin_user, account=linked[PATTERSON], kind="opportunity",
                    text="Card issuing in 2027")  # fmt: skip
    third = pushed_json("--account", PATTERSON)

    assert third["account_plans"]["plans"]["updated"] == 1
    assert third["account_plans"]["objectives"]["updated"] == 1
    (plan,) = records(org, "AccountPlan")
    assert plan["RelationshipOpportunities"] == "Card issuing in 2027"
    (made,) = records(org, "AccountPlanObjective")
    assert made["Description"].endswith("Status: At risk.")


def test_an_objective_deleted_in_keyplan_stays_in_salesforce_and_is_said_once(
    admin_user, org, linked
):
    org.account_plans = True
    objective = planned(admin_user, linked[PATTERSON])
    run("push", "--account", PATTERSON)
    (made,) = records(org, "AccountPlanObjective")
    services.delete(objective, by=admin_user, version=objective.version)

    ok, said = run("push", "--account", PATTERSON)

    assert ok, said
    assert (
        f"objective “Grow payments volume” was deleted in keyplan; its AccountPlanObjective "
        f"{made['Id']} stays in Salesforce." in said
    )
    assert records(org, "AccountPlanObjective") == [made]
    _, said = run("push", "--account", PATTERSON)
    assert "was deleted in keyplan" not in said


def test_an_org_without_account_plans_is_left_alone(admin_user, org, linked):
    assert not org.account_plans
    planned(admin_user, linked[PATTERSON])

    ok, said = run("push", "--account", PATTERSON)

    assert ok, said
    assert "Account Plans are not available in the org" in said
    assert "AccountPlan" not in org.records
    assert not [r for r in org.requests if "AccountPlan" in r]

    ok, said = run("test")
    assert ok, said
    assert "Account Plans are not available in the org" in said


def test_test_connection_says_account_plans_are_available(connected, db):
    connected.org.account_plans = True

    ok, said = run("test")

    assert ok, said
    assert "Account Plans are available: a push writes each plan's SWOT to AccountPlan" in said


def test_a_dry_run_says_what_would_be_written_and_writes_nothing(admin_user, org, linked):
    org.account_plans = True
    planned(admin_user, linked[MOODY])
    org.requests.clear()

    report = pushed_json("--dry-run", "--account", MOODY)

    assert report["account_plans"]["plans"]["created"] == 1
    assert report["account_plans"]["objectives"]["created"] == 1
    assert records(org, "AccountPlan") == []
    assert writes(org) == []


def test_a_plan_deleted_in_salesforce_is_reported_and_the_others_are_written(
    admin_user, org, linked
):
    org.account_plans = True
    planned(admin_user, linked[PATTERSON])
    planned(admin_user, linked[MOODY])
    run("push")
    gone = next(
        p for p in records(org, "AccountPlan") if p["AccountId"] == linked[PATTERSON].crm_id
    )
    org.delete("AccountPlan", gone["Id"])  # its objectives go with it (master-detail)
    for account in linked.values():
        services.create(SwotItem, by=admin_user, account=account, kind="threat",
                        text="Budget freeze")  # fmt: skip

    ok, said = run("push")

    assert not ok
    assert (
        f"{PATTERSON}: AccountPlan not written: Salesforce no longer gives its AccountPlan "
        f"{gone['Id']}" in said
    )
    (kept,) = records(org, "AccountPlan")
    assert kept["AccountId"] == linked[MOODY].crm_id
    assert kept["RelationshipThreats"] == "Competitor pilot in Spain\nBudget freeze"
