"""`keyplan sync salesforce` against the test org, seeded with the shared Data Export
sample: a first sync links and brings the accounts as importing the same export does;
a second changes nothing on either side; a change in Salesforce arrives; a play made
in keyplan becomes an Opportunity once, then is updated; --accounts and --all link;
a dry run writes nothing anywhere; the JSON report says what happened."""

import copy
import json
import shutil
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.exchange.crm.salesforce.live.services import save_connection
from keyplan.exchange.models import AccountSync
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import empty_the_plans, plan_show, snapshot
from tests.exchange.crm.helpers import run_import

pytestmark = pytest.mark.django_db

PATTERSON, MOODY = "Patterson-Hansen", "Moody and Sons"
MERCHANT = "Patterson-Hansen - Merchant Services - November 2024"
PLAY_ID = "Keyplan_Play_Id__c"


def sync(*args: str) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("sync", "salesforce", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def synced_json(*args: str, ok: bool = True) -> dict:
    done, said = sync("--format", "json", *args)
    assert done is ok, said
    return json.loads(said[: said.rindex("}") + 1])


def link(tmp_path, data_export, names: str) -> None:
    """Link the accounts as a first import of the export's Account.csv alone does."""
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(data_export / "Account.csv", accounts_only / "Account.csv")
    run_import("salesforce", accounts_only, "--accounts", names)


def test_a_first_sync_of_named_accounts_gives_what_importing_the_export_gives(
    admin_user, org, data_export, tmp_path
):
    patterson_id = next(r["Id"] for r in org.records["Account"] if r["Name"] == PATTERSON)

    report = synced_json("--accounts", f"{patterson_id},{MOODY}")  # by id and by name
    by_sync = {name: plan_show(name) for name in (PATTERSON, MOODY)}

    assert sorted(report["linked"]) == [MOODY, PATTERSON]
    assert report["accounts"] == [MOODY, PATTERSON]
    assert report["errors"] == [] and report["conflicts"] == []
    assert report["pulled"]["Contact"]["created"] == 2
    plays = Play.objects.filter(account__name__in=[PATTERSON, MOODY]).count()
    assert report["pushed"] == {"created": 0, "updated": 0, "unchanged": plays, "failed": 0}
    assert Account.objects.count() == 2  # only those two were linked
    empty_the_plans()
    export = tmp_path / "same-objects"
    export.mkdir()
    for name in ("Account", "Contact", "Opportunity", "Task"):
        shutil.copy(data_export / f"{name}.csv", export / f"{name}.csv")
    run_import("salesforce", export, "--accounts", f"{PATTERSON},{MOODY}")
    assert by_sync == {name: plan_show(name) for name in (PATTERSON, MOODY)}


def test_a_second_sync_changes_nothing_on_either_side(admin_user, org, data_export, tmp_path):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    assert sync()[0]
    before, held = snapshot(), copy.deepcopy(org.records)

    report = synced_json()

    assert snapshot() == before
    assert org.records == held
    assert report["pulled"] == {}  # nothing changed in Salesforce since the first sync
    plays = Play.objects.count()
    assert report["pushed"] == {"created": 0, "updated": 0, "unchanged": plays, "failed": 0}


def test_a_stage_and_amount_changed_in_salesforce_arrive(admin_user, org, data_export, tmp_path):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    sync()
    play = Play.objects.get(name=MERCHANT)
    org.change("Opportunity", play.crm_id, StageName="Negotiation/Review", Amount=1500000.0)

    report = synced_json()

    play.refresh_from_db()
    assert (play.stage, play.target_arr) == ("closing", 1500000)
    assert report["pulled"]["Opportunity"]["updated"] == 1
    # The push finds Salesforce already holds what keyplan now has: nothing to write.
    assert report["pushed"]["updated"] == 0
    held = next(r for r in org.records["Opportunity"] if r["Id"] == play.crm_id)
    assert (held["StageName"], held["Amount"]) == ("Negotiation/Review", 1500000.0)


def new_play(admin_user, name: str = "Payments expansion") -> Play:
    return services.create(
        Play, by=admin_user, account=Account.objects.get(name=PATTERSON), name=name,
        stage="conversation", target_arr=Decimal("120000"), target_close_date=date(2027, 3, 31),
    )  # fmt: skip


def test_a_play_made_in_keyplan_becomes_one_opportunity_and_stays_one(
    admin_user, org, data_export, tmp_path
):
    link(tmp_path, data_export, PATTERSON)
    sync()
    play = new_play(admin_user)
    count = len(org.records["Opportunity"])

    first = synced_json()
    second = synced_json()  # the pull reads the Opportunity the push made: the same play

    assert first["pushed"]["created"] == 1
    assert second["pushed"]["created"] == 0
    made = [r for r in org.records["Opportunity"] if r.get(PLAY_ID) == f"keyplan-play-{play.pk}"]
    assert len(made) == 1 and len(org.records["Opportunity"]) == count + 1
    assert (made[0]["Name"], made[0]["Amount"], made[0]["StageName"]) == (
        "Payments expansion", 120000.0, "Qualification",
    )  # fmt: skip
    play.refresh_from_db()
    assert play.crm_id == made[0]["Id"]
    assert Play.objects.filter(name="Payments expansion").count() == 1


def test_a_change_in_keyplan_updates_the_same_opportunity(admin_user, org, data_export, tmp_path):
    link(tmp_path, data_export, PATTERSON)
    sync()
    play = new_play(admin_user)
    sync()  # made in Salesforce; already pulled back unchanged
    play.refresh_from_db()
    services.update(play, by=admin_user, version=play.version, target_arr=Decimal("150000"))
    count = len(org.records["Opportunity"])

    report = synced_json()

    assert report["pushed"]["updated"] == 1 and report["pushed"]["created"] == 0
    held = next(r for r in org.records["Opportunity"] if r["Id"] == play.crm_id)
    assert held["Amount"] == 150000.0 and len(org.records["Opportunity"]) == count
    play.refresh_from_db()
    assert play.target_arr == 150000


def test_the_json_report_and_the_plan_say_when_it_synced(
    admin_user, client, org, data_export, tmp_path
):
    link(tmp_path, data_export, PATTERSON)

    report = synced_json()

    assert set(report) >= {"pulled", "pushed", "conflicts", "errors", "accounts", "linked"}
    assert report["dry_run"] is False
    assert report["accounts"] == [PATTERSON] and report["linked"] == []
    assert report["pulled"]["Contact"] == {"created": 1, "updated": 0, "unchanged": 0}
    plays = Play.objects.count()
    assert plays > 0
    assert report["pushed"] == {"created": 0, "updated": 0, "unchanged": plays, "failed": 0}
    assert report["conflicts"] == [] and report["errors"] == []
    account = Account.objects.get(name=PATTERSON)
    assert AccountSync.objects.get(account=account).synced_at is not None


def test_all_links_every_salesforce_account(admin_user, org):
    report = synced_json("--all")

    names = sorted(r["Name"] for r in org.records["Account"])
    assert sorted(report["linked"]) == names
    assert sorted(Account.objects.values_list("name", flat=True)) == names
    assert all(a.crm_id for a in Account.objects.all())
    assert synced_json()["pulled"] == {}  # and they are linked: the next sync reads changes only


def test_a_dry_run_writes_nothing_on_either_side(admin_user, org, data_export, tmp_path):
    link(tmp_path, data_export, PATTERSON)
    sync()
    account = Account.objects.get(name=PATTERSON)
    services.create(
        Play, by=admin_user, account=account, name="Payments expansion", stage="conversation",
        target_arr=Decimal("120000"), target_close_date=date(2027, 3, 31),
    )  # fmt: skip
    play = Play.objects.get(name=MERCHANT)
    org.change("Opportunity", play.crm_id, Amount=2000000.0)
    before, held = snapshot(), copy.deepcopy(org.records)

    report = synced_json("--dry-run", "--accounts", f"{PATTERSON},{MOODY}")

    assert snapshot() == before
    assert org.records == held
    assert report["dry_run"] is True
    assert report["linked"] == [MOODY]  # would be linked
    assert report["pulled"]["Opportunity"]["updated"] == 1
    assert report["pushed"]["created"] == 1


def test_an_account_salesforce_does_not_have_is_an_error_and_nothing_syncs(
    admin_user, org, data_export, tmp_path
):
    link(tmp_path, data_export, PATTERSON)
    before = snapshot()

    ok, said = sync("--accounts", f"{PATTERSON},No Such Company")

    assert not ok
    assert "Salesforce has no account named or numbered “No Such Company”." in said
    assert "The sync did not reach everything" in said
    assert snapshot() == before


def test_the_text_report_names_what_was_linked_and_counted(admin_user, org):
    ok, said = sync("--accounts", MOODY)

    assert ok, said
    assert f"{MOODY}: linked from Salesforce." in said
    plays = Play.objects.count()
    assert f"Pushed to Salesforce: 0 created, 0 updated, {plays} unchanged, 0 failed." in said


def test_the_sync_runs_as_the_administrator_who_set_the_connection(
    admin_user, org, data_export, tmp_path
):
    bea = make_user("bea", Role.ADMIN)
    save_connection({}, by=bea, version=1)  # bea set the connection (ada is the first admin)
    link(tmp_path, data_export, PATTERSON)

    assert sync()[0]

    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    assert bishop.history.earliest("history_date").history_user == bea
    ok, said = sync("--as", "nobody")
    assert not ok and "No active keyplan user has the login “nobody”." in said
