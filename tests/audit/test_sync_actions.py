"""What people do with the Salesforce sync is on the trail, against the test org on
loopback: keeping a side of a conflict (on the plan page or through the API) names
the record, the field, the side kept and its value; pressing Sync now is one event,
and the pull and push the job then runs are recorded as the user who pressed it."""

import shutil

import pytest
from django.core.management import call_command
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.exchange.crm.salesforce.live.pull import pull
from keyplan.exchange.models import SyncRun
from tests.api.conftest import client_for
from tests.audit.conftest import HERE, events, only, signed_in_client
from tests.exchange.crm.conftest import (  # noqa: F401 (fixtures)
    clean_environment,
    connected,
    data_export,
    org,
    test_org,
)
from tests.exchange.crm.helpers import run_import
from tests.exchange.crm.test_salesforce_conflicts import (  # noqa: F401 (a fixture)
    MERCHANT,
    PATTERSON,
    both_sides_changed,
    synced,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def conflicts(user, account: Account) -> dict[str, dict]:
    listed = client_for(user).get(f"/accounts/{account.pk}/conflicts").json()["results"]
    return {c["field"]: c for c in listed}


def test_keeping_a_side_on_the_plan_page_names_the_record_the_field_and_the_side(
    admin_user, org, synced  # noqa: F811
):  # fmt: skip
    both_sides_changed(org, admin_user)
    pull(by=admin_user)
    found = conflicts(admin_user, synced)
    page = signed_in_client(admin_user)

    page.post(
        reverse("plan-conflict", args=[synced.pk, found["title"]["id"]]),
        {"keep": "salesforce", "version": found["title"]["version"]},
    )
    page.post(
        reverse("plan-conflict", args=[synced.pk, found["target_arr"]["id"]]),
        {"keep": "keyplan", "version": found["target_arr"]["version"]},
    )

    title, amount = events("sync.resolved")
    assert (title.actor, title.address, title.target_label) == (admin_user, HERE, "Daniel Bishop")
    assert title.details == {
        "field": "Title", "kept": "salesforce", "value": "Chief Financial Officer",
    }  # fmt: skip
    assert amount.target_label == MERCHANT
    assert amount.details == {"field": "Target ARR", "kept": "keyplan", "value": "900,000"}


def test_keeping_a_side_through_the_api_is_recorded_once(admin_user, org, synced):  # noqa: F811
    both_sides_changed(org, admin_user)
    pull(by=admin_user)
    amount = conflicts(admin_user, synced)["target_arr"]
    api = client_for(admin_user)
    url = f"/accounts/{synced.pk}/conflicts/{amount['id']}/resolve"

    assert api.post(url, {"keep": "salesforce", "version": amount["version"]}).status_code == 200
    assert api.post(url, {"keep": "keyplan", "version": amount["version"] + 1}).status_code == 409

    event = only("sync.resolved")  # the refused second choice changed nothing
    assert event.actor == admin_user
    assert (event.target_label, event.details["kept"]) == (MERCHANT, "salesforce")


def test_a_conflict_closed_because_its_record_was_deleted_says_so(
    admin_user, org, synced  # noqa: F811
):  # fmt: skip
    _, bishop = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    title = conflicts(admin_user, synced)["title"]
    bishop.refresh_from_db()
    services.delete(bishop, by=admin_user, version=bishop.version)

    client_for(admin_user).post(
        f"/accounts/{synced.pk}/conflicts/{title['id']}/resolve",
        {"keep": "keyplan", "version": title["version"]},
    )

    event = only("sync.resolved")
    assert event.target_label == "Daniel Bishop"
    assert event.details == {
        "field": "Title", "kept": "", "closed": "the record was deleted in keyplan",
    }  # fmt: skip


@pytest.fixture
def linked_by_owner(owner, org, data_export, tmp_path):  # noqa: F811
    """Patterson-Hansen linked by an import, owner its KAM."""
    folder = tmp_path / "accounts"
    folder.mkdir()
    shutil.copy(data_export / "Account.csv", folder / "Account.csv")
    run_import("salesforce", folder, "--accounts", PATTERSON, login=owner.username)
    return Account.objects.get(name=PATTERSON)


@pytest.mark.django_db(transaction=True)  # the job is queued when the page's work commits
def test_sync_now_is_queued_by_who_pressed_it_and_its_runs_are_theirs(owner, linked_by_owner):
    page = signed_in_client(owner)
    url = f"/accounts/{linked_by_owner.pk}/salesforce/sync/"

    page.post(url, **HTMX)
    page.post(url, **HTMX)  # pressed twice: one sync waiting, one event
    call_command("worker", "--batch")

    assert SyncRun.objects.get().state == SyncRun.DONE
    queued = only("sync.queued")
    assert (queued.actor, queued.address, queued.target_label) == (owner, HERE, PATTERSON)
    assert queued.details == {"run": SyncRun.objects.get().pk}
    pulled, pushed = only("sync.pull"), only("sync.push")
    assert (pulled.actor, pushed.actor) == (owner, owner)  # the job has no request
    assert pulled.details["ok"] and pulled.details["accounts"] == 1
    assert queued.when <= pulled.when


def test_sync_now_for_every_account_names_no_single_one(admin_user, linked_by_owner):
    signed_in_client(admin_user).post("/settings/integrations/sync/", **HTMX)

    event = only("sync.queued")
    assert (event.actor, event.target_label) == (admin_user, "Every linked account")
