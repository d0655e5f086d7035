"""The authorization matrix: every operation of the API as every role, with the
exact status each gets, generated from the schema so a new operation cannot be
left out. Admins, leaders, the owner and a contributor on the team read and write;
a viewer on the team reads and gets 403 on writes; an outsider gets 404 for the
account and everything in it; an anonymous caller gets 401."""

from decimal import Decimal

import pytest

from keyplan.api.api import api as ninja_api
from keyplan.api.kinds import API_KINDS
from keyplan.core import clock, services
from keyplan.exchange.models import SyncConflict
from keyplan.growth.models import BusinessUnit, Play, Product
from tests.api.conftest import client_for
from tests.api.samples import KIND_PATHS, bodies

ROLES = ["admin", "leader", "owner", "contributor", "viewer", "outsider", "anonymous"]
SUCCESS = {"list": 200, "get": 200, "create": 201, "update": 200, "delete": 204}
# The kinds whose records carry "check this value" flags, which the API can clear.
CHECKED = {"objectives", "plays", "risks", "actions"}
ACCOUNT_OPERATIONS = {
    "list_accounts": 200,
    "get_account": 200,
    "update_account": 200,
    "clear_account_check": 200,
    "get_plan": 200,
    "get_account_metrics": 200,
}
# Portfolio reads answer everyone signed in, about the accounts they may see.
PORTFOLIO_OPERATIONS = {"get_portfolio", "explain_portfolio_figure", "list_alerts"}
SNOOZE_OPERATIONS = {"list_snoozes": "list", "create_snooze": "create", "delete_snooze": "delete"}
# Resolving a Salesforce sync conflict writes the plan: it is an update.
CONFLICT_OPERATIONS = {"list_conflicts": "list", "resolve_conflict": "update"}


def _operations() -> dict[str, tuple[str | None, str]]:
    """operation id -> (kind path or None for the account's own, verb)."""
    operations = {
        name: (None, name) for name in [*ACCOUNT_OPERATIONS, *sorted(PORTFOLIO_OPERATIONS)]
    }
    operations |= {name: ("snoozes", verb) for name, verb in SNOOZE_OPERATIONS.items()}
    operations |= {name: ("conflicts", verb) for name, verb in CONFLICT_OPERATIONS.items()}
    for path in KIND_PATHS:
        for verb in SUCCESS:
            operations[f"{verb}_{path.replace('-', '_')}"] = (path, verb)
        if path in CHECKED:
            operations[f"clear_{path.replace('-', '_')}_check"] = (path, "clear")
    return operations


OPERATIONS = _operations()
KIND_MODELS = {kind.path: kind.model for kind in API_KINDS}


def test_the_matrix_covers_every_operation_in_the_schema():
    schema = ninja_api.get_openapi_schema()
    in_schema = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    assert in_schema == set(OPERATIONS)


def expected_status(operation: str, role: str) -> int:
    kind_path, verb = OPERATIONS[operation]
    success = SUCCESS.get(verb, 200) if kind_path else ACCOUNT_OPERATIONS.get(operation, 200)
    writes = verb in (
        "create",
        "update",
        "delete",
        "clear",
        "update_account",
        "clear_account_check",
    )
    if role == "anonymous":
        return 401
    if operation == "list_accounts" or operation in PORTFOLIO_OPERATIONS:
        return 200
    if role == "outsider":
        return 404
    if role == "viewer" and writes:
        return 403
    return success


@pytest.fixture
def people(admin_user, leader, owner, member, viewer, outsider):
    return {
        "admin": admin_user,
        "leader": leader,
        "owner": owner,
        "contributor": member,
        "viewer": viewer,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def grid(account, owner, admin_user):
    """A business unit and two products, for whitespace cells."""
    unit = services.create(BusinessUnit, by=owner, account=account, name="Operations")
    products = [
        services.create(Product, by=admin_user, name=name, list_price=Decimal(1000))
        for name in ("Analytics", "Planning")
    ]
    return [unit], products


def _request(client, operation, account, owner, grid):
    kind_path, verb = OPERATIONS[operation]
    if kind_path is None:
        return {
            "list_accounts": lambda: client.get("/accounts"),
            "get_account": lambda: client.get(f"/accounts/{account.pk}"),
            "update_account": lambda: client.patch(
                f"/accounts/{account.pk}", {"industry": "Aerospace"}, headers={"If-Match": '"1"'}
            ),
            "clear_account_check": lambda: client.delete(
                f"/accounts/{flagged(account).pk}/checks/target_arr", headers={"If-Match": '"1"'}
            ),
            "get_plan": lambda: client.get(f"/accounts/{account.pk}/plan"),
            "get_account_metrics": lambda: client.get(f"/accounts/{account.pk}/metrics"),
            "get_portfolio": lambda: client.get("/portfolio"),
            "explain_portfolio_figure": lambda: client.get("/portfolio/figures/arr"),
            "list_alerts": lambda: client.get("/alerts"),
        }[operation](), None
    if kind_path == "snoozes":
        return _snooze_request(client, verb, account, owner)
    if kind_path == "conflicts":
        return _conflict_request(client, verb, account, owner)
    body = bodies(kind_path, account, owner, *grid)
    base = f"/accounts/{account.pk}/{kind_path}"
    made = client_for(owner).post(base, body["existing"])
    assert made.status_code == 201, made.content
    item = f"{base}/{made.json()['id']}"
    match verb:
        case "list":
            return client.get(base), item
        case "get":
            return client.get(item), item
        case "create":
            return client.post(base, body["new"]), item
        case "update":
            return client.patch(item, body["change"], headers={"If-Match": '"1"'}), item
        case "delete":
            return client.delete(item, headers={"If-Match": '"1"'}), item
        case "clear":
            flagged(KIND_MODELS[kind_path].objects.get(pk=made.json()["id"]))
            return client.delete(f"{item}/checks/target_arr", headers={"If-Match": '"1"'}), item


def flagged(record):
    """`record` with a value to check (as a sanity check leaves it), its version unmoved."""
    type(record).objects.filter(pk=record.pk).update(value_checks={"target_arr": "Looks off."})
    return record


def _snooze_request(client, verb, account, owner):
    """The fixture's account is single-threaded: that alert is the one snoozed."""
    base = f"/accounts/{account.pk}/snoozes"
    snooze = {"rule": "single_threaded", "record_id": account.pk, "reason": "Adding people"}
    if verb == "create":
        return client.post(base, snooze), None
    made = client_for(owner).post(base, snooze)
    assert made.status_code == 201, made.content
    if verb == "list":
        return client.get(base), None
    return client.delete(f"{base}/{made.json()['id']}", headers={"If-Match": '"1"'}), None


def _conflict_request(client, verb, account, owner):
    """A play's target ARR changed in keyplan and in Salesforce, as a pull leaves it."""
    play = services.create(
        Play, by=owner, account=account, name="Expansion", crm_id="006Ec0000012345AAA"
    )
    conflict = SyncConflict.objects.create(
        account=account, kind="growth.play", record_id=play.pk, crm_id=play.crm_id,
        record_name=play.name, field="target_arr", keyplan_value="0", keyplan_by="olga",
        salesforce_value="5000", salesforce_by="Maria Lopez", found_at=clock.now(),
    )  # fmt: skip
    base = f"/accounts/{account.pk}/conflicts"
    if verb == "list":
        return client.get(base), None
    return client.post(
        f"{base}/{conflict.pk}/resolve", {"keep": "salesforce"}, headers={"If-Match": '"1"'}
    ), None


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_status(operation, role, people, account, owner, grid):
    client = client_for(people[role])
    response, item = _request(client, operation, account, owner, grid)

    assert response.status_code == expected_status(operation, role), response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code
        if item is not None:  # a refused write changed nothing
            as_owner = client_for(owner)
            assert as_owner.get(item).json()["version"] == 1
            from_grid = 1 if OPERATIONS[operation][0] == "business-units" else 0
            assert as_owner.get(item.rsplit("/", 1)[0]).json()["count"] == 1 + from_grid
    if operation == "list_accounts" and role != "anonymous":
        assert response.json()["count"] == (0 if role == "outsider" else 1)
