"""Deletions across the Salesforce connection: an Opportunity or Contact deleted in
Salesforce flags its play or stakeholder (nothing is deleted in keyplan, and the play
is not pushed back); a contact role deleted there is not added again; a play deleted
in keyplan leaves its Opportunity, the push says the link was dropped, and a pull does
not bring the play back; a record deleted on one side and changed on the other is
said so, and nothing is lost."""

import contextlib
import copy
import json
import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.core import services
from keyplan.growth.models import Play, PlayStakeholder
from keyplan.relationships.models import Stakeholder
from tests.exchange.conftest import snapshot
from tests.exchange.crm.helpers import run_import

pytestmark = pytest.mark.django_db

PATTERSON, MOODY = "Patterson-Hansen", "Moody and Sons"
MERCHANT = "Patterson-Hansen - Merchant Services - November 2024"


def sync(*args: str) -> dict:
    out = StringIO()
    with contextlib.suppress(CommandError):  # the report says the errors too
        call_command("sync", "salesforce", "--format", "json", *args, stdout=out)
    said = out.getvalue()
    return json.loads(said[: said.rindex("}") + 1])


@pytest.fixture
def synced(admin_user, org, data_export, tmp_path):
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(data_export / "Account.csv", accounts_only / "Account.csv")
    run_import("salesforce", accounts_only, "--accounts", f"{PATTERSON},{MOODY}")
    assert sync()["errors"] == []
    return org


def test_an_opportunity_deleted_in_salesforce_flags_its_play_and_is_not_pushed_back(
    admin_user, client, synced
):
    play = Play.objects.get(name=MERCHANT)
    synced.delete("Opportunity", play.crm_id)

    report = sync()
    again = sync()

    play.refresh_from_db()
    assert play.crm_deleted_at is not None  # flagged, still there
    assert report["deleted_in_salesforce"]["plays"] == 1
    assert any(
        f"{PATTERSON}, {MERCHANT}: its Opportunity {play.crm_id} was deleted in Salesforce" in m
        for m in report["deletions"]
    )
    assert report["errors"] == [] and again["errors"] == []
    assert again["deleted_in_salesforce"]["plays"] == 0  # said once
    # Not re-created in Salesforce: no live Opportunity carries the play's name.
    live = [r for r in synced.records["Opportunity"] if not r.get("IsDeleted")]
    assert MERCHANT not in [r["Name"] for r in live]
    assert any(MERCHANT in m and "not pushed" in m for m in again["not_pushed"])
    client.force_login(admin_user)
    page = client.get(f"/accounts/{play.account_id}/").content.decode()
    assert "deleted in Salesforce" in page


def test_a_contact_deleted_in_salesforce_flags_the_stakeholder(synced):
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    synced.delete("Contact", bishop.crm_id)

    report = sync()

    bishop.refresh_from_db()
    assert bishop.crm_deleted_at is not None
    assert report["deleted_in_salesforce"]["stakeholders"] == 1
    assert any("Daniel Bishop: their Contact" in m for m in report["deletions"])


def test_a_contact_role_deleted_in_salesforce_is_not_added_again(admin_user, synced):
    play = Play.objects.get(name=MERCHANT)
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    PlayStakeholder.objects.get_or_create(play=play, stakeholder=bishop)
    sync()  # the push adds the contact role
    role = next(
        r
        for r in synced.records.get("OpportunityContactRole", [])
        if r["OpportunityId"] == play.crm_id and not r.get("IsDeleted")
    )
    synced.delete("OpportunityContactRole", role["Id"])

    report = sync()

    assert report["deleted_in_salesforce"]["contact_roles"] == 1
    live = [
        r
        for r in synced.records["OpportunityContactRole"]
        if r["OpportunityId"] == play.crm_id and not r.get("IsDeleted")
    ]
    assert live == []  # not added again
    assert PlayStakeholder.objects.filter(play=play, stakeholder=bishop).exists()  # kept


def test_a_play_deleted_in_keyplan_leaves_its_opportunity_and_the_report_says_so(
    admin_user, synced
):
    play = Play.objects.get(name=MERCHANT)
    crm_id = play.crm_id
    services.delete(play, by=admin_user, version=play.version)
    held = copy.deepcopy(synced.records["Opportunity"])

    report = sync()
    again = sync()

    assert synced.records["Opportunity"] == held  # nothing deleted in Salesforce
    assert report["dropped"] == [
        f"play “{MERCHANT}” was deleted in keyplan; its Opportunity {crm_id} stays in Salesforce"
    ]
    assert again["dropped"] == []
    assert not Play.objects.filter(name=MERCHANT).exists()


def test_an_opportunity_changed_after_its_play_was_deleted_does_not_bring_it_back(
    admin_user, synced
):
    play = Play.objects.get(name=MERCHANT)
    crm_id = play.crm_id
    services.delete(play, by=admin_user, version=play.version)
    synced.change("Opportunity", crm_id, Amount=1750000.0)

    report = sync()

    assert not Play.objects.filter(name=MERCHANT).exists()
    assert any(
        f"Opportunity {crm_id}" in n and "changed in Salesforce after its play" in n
        for n in report["notes"]
    )
    held = next(r for r in synced.records["Opportunity"] if r["Id"] == crm_id)
    assert held["Amount"] == 1750000.0 and not held.get("IsDeleted")  # their change is kept


def test_a_play_changed_in_keyplan_after_its_opportunity_was_deleted_keeps_the_change(
    admin_user, synced
):
    play = Play.objects.get(name=MERCHANT)
    synced.delete("Opportunity", play.crm_id)
    services.update(play, by=admin_user, version=play.version, target_arr=Decimal("99000"))

    report = sync()

    play.refresh_from_db()
    assert play.target_arr == 99000 and play.crm_deleted_at is not None
    message = next(m for m in report["deletions"] if MERCHANT in m)
    assert "changed in keyplan since the last pull" in message


def test_a_dry_run_flags_nothing(synced):
    play = Play.objects.get(name=MERCHANT)
    synced.delete("Opportunity", play.crm_id)
    before = snapshot()

    report = sync("--dry-run")

    assert report["deleted_in_salesforce"]["plays"] == 1
    assert snapshot() == before
    play.refresh_from_db()
    assert play.crm_deleted_at is None
