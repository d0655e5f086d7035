"""The first pull from the test org, seeded with the shared Data Export sample: the
linked accounts' accounts, contacts and opportunities arrive as an import of the same
export brings them; a second pull changes nothing; what changes in Salesforce
arrives, and keyplan's own fields stay; each account is committed on its own."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.accounts.models import Account
from keyplan.bench.salesforce.org import LIMIT_EXCEEDED, UNAVAILABLE
from keyplan.bench.salesforce.seed import load_export
from keyplan.core.choices import Level
from keyplan.exchange.crm.salesforce.live.client import Client
from keyplan.exchange.models import SalesforceConnection
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import empty_the_plans, plan_show, snapshot
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import run_import

pytestmark = pytest.mark.django_db

PATTERSON, MOODY = "Patterson-Hansen", "Moody and Sons"
MERCHANT = "Patterson-Hansen - Merchant Services - November 2024"


def link(tmp_path, data_export, names: str, login: str = "ada", also=()) -> None:
    """Link the accounts as a first import of the export's Account.csv alone does."""
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    for name in ("Account", *also):
        shutil.copy(data_export / f"{name}.csv", accounts_only / f"{name}.csv")
    run_import("salesforce", accounts_only, "--accounts", names, login=login)


def pull(*args: str) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("salesforce", "pull", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def pulled_json(*args: str) -> dict:
    ok, said = pull("--format", "json", *args)
    assert ok, said
    return json.loads(said)


def test_a_first_pull_gives_what_importing_the_export_gives(admin_user, org, data_export, tmp_path):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")

    ok, said = pull()
    by_pull = {name: plan_show(name) for name in (PATTERSON, MOODY)}

    assert ok, said
    assert "Salesforce: pulled everything." in said
    empty_the_plans()
    export = tmp_path / "same-objects"
    export.mkdir()
    for name in ("Account", "Contact", "Opportunity", "Task"):  # what a pull reads
        shutil.copy(data_export / f"{name}.csv", export / f"{name}.csv")
    run_import("salesforce", export, "--accounts", f"{PATTERSON},{MOODY}")
    by_import = {name: plan_show(name) for name in (PATTERSON, MOODY)}
    assert by_pull == by_import
    plays = {p["name"]: p for p in by_pull[PATTERSON]["growth"]["plays"]}
    assert plays[MERCHANT]["target_arr"] == 1124741.15
    assert [s["name"] for s in by_pull[PATTERSON]["stakeholders"]] == ["Daniel Bishop"]
    assert len(by_pull[MOODY]["interactions"]) == 5  # tasks on the contact, as imported


def test_a_second_pull_changes_nothing_and_reads_only_what_changed(
    admin_user, org, data_export, tmp_path
):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    pull()
    before = snapshot()
    org.requests.clear()

    report = pulled_json()

    assert snapshot() == before
    assert report["since"] is not None
    assert [a["changed_in_salesforce"] for a in report["accounts"]] == [False, False]
    # Only the questions "what changed since?" went out: no account was read again.
    assert all("SystemModstamp" in r for r in org.requests if "/query/" in r)


def test_a_stage_and_amount_changed_in_salesforce_arrive(admin_user, org, data_export, tmp_path):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    pull()
    play = Play.objects.get(name=MERCHANT)
    # keyplan's own judgement of a stakeholder, which no pull may touch.
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    Stakeholder.objects.filter(pk=bishop.pk).update(power=Level.HIGH, notes="Knows the CFO well")
    org.change("Opportunity", play.crm_id, StageName="Negotiation/Review", Amount=1500000.0)
    org.change("Contact", bishop.crm_id, Title="Chief Financial Officer")

    report = pulled_json()

    play.refresh_from_db()
    assert (play.stage, play.target_arr) == ("closing", 1500000)
    changed = {a["name"]: a["changed_in_salesforce"] for a in report["accounts"]}
    assert changed == {MOODY: False, PATTERSON: True}
    assert report["pulled"]["Opportunity"]["updated"] == 1
    bishop.refresh_from_db()
    assert bishop.title == "Chief Financial Officer"
    assert (bishop.power, bishop.notes) == (Level.HIGH, "Knows the CFO well")
    assert "Negotiation/Review" not in json.dumps(plan_show(MOODY))


def test_a_dry_run_shows_the_change_and_changes_nothing(admin_user, org, data_export, tmp_path):
    link(tmp_path, data_export, PATTERSON)
    pull()
    play = Play.objects.get(name=MERCHANT)
    org.change("Opportunity", play.crm_id, Amount=2000000.0)
    before = snapshot()
    since = SalesforceConnection.objects.get().last_pull_at

    ok, said = pull("--dry-run")

    assert ok, said
    assert "Salesforce: would pull since" in said
    assert "1 updated" in said
    assert snapshot() == before
    assert SalesforceConnection.objects.get().last_pull_at == since


def test_one_account_failing_does_not_stop_the_others(
    org, data_export, tmp_path, owner, admin_user
):
    link(tmp_path, data_export, PATTERSON, login=owner.username)
    (tmp_path / "again").mkdir()
    link(tmp_path / "again", data_export, MOODY)  # by an administrator: not the KAM's
    assert Account.objects.get(name=PATTERSON).owner == owner

    ok, said = pull("--as", owner.username)  # the KAM may not change Moody and Sons

    assert not ok
    assert f"{MOODY}: not pulled: Account: this CRM record is managed by another team." in said
    assert "The pull did not reach every account" in said
    assert Stakeholder.objects.filter(account__name=PATTERSON).count() == 1  # kept
    # Not recorded as a pull that reached every account: the next one reads all again.
    assert not SalesforceConnection.objects.filter(last_pull_at__isnull=False).exists()


def test_a_pull_without_linked_accounts_says_how_to_link_them(admin_user, org):
    ok, said = pull()

    assert not ok
    assert "No account is linked to Salesforce yet" in said


def test_an_expired_session_gets_a_new_token_and_the_pull_goes_on(
    admin_user, org, data_export, tmp_path
):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    org.sessions_end_after = 3  # the session times out in the middle of the pull

    ok, said = pull()

    assert ok, said
    assert Stakeholder.objects.filter(account__name__in=[PATTERSON, MOODY]).count() == 2
    assert len([r for r in org.requests if r.startswith("POST /services/oauth2/token")]) == 2


def test_the_integrations_page_says_when_the_last_complete_pull_began(
    admin_user, client, org, data_export, tmp_path
):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    client.force_login(admin_user)
    before = client.get("/settings/integrations/").content.decode()

    pull()
    after = client.get("/settings/integrations/").content.decode()

    assert "2 accounts linked to Salesforce." in before
    assert "No complete pull yet" in before
    assert "Last pull that reached them all began" in after
    assert f"API use at the last pull: {org.api_used} of the org's 15000 requests a day." in after


def test_an_account_salesforce_no_longer_gives_is_left_as_it_is(
    admin_user, org, data_export, tmp_path
):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    moody = Account.objects.get(name=MOODY)
    org.records["Account"] = [r for r in org.records["Account"] if r["Id"] != moody.crm_id]

    ok, said = pull()

    assert ok, said
    assert (
        f"{MOODY}: Salesforce no longer gives its account {moody.crm_id} (deleted there, or the "
        "integration user may not see it): the plan is left as it is." in said
    )
    assert Account.objects.filter(pk=moody.pk).exists()
    assert Stakeholder.objects.filter(account__name=PATTERSON).count() == 1


@pytest.fixture
def no_pauses(monkeypatch):
    monkeypatch.setattr(Client, "pauses", (0.0, 0.0))


def test_the_api_limit_stops_the_pull_and_keeps_the_accounts_done(
    admin_user, org, data_export, tmp_path, no_pauses
):
    link(tmp_path, data_export, f"{PATTERSON},{MOODY}")
    # Moody and Sons is read in full; the limit is reached at Patterson-Hansen's first read.
    org.failures_from = Account.objects.get(name=PATTERSON).crm_id
    org.failures = [(403, LIMIT_EXCEEDED)]

    ok, said = pull()

    assert not ok
    assert "Salesforce's limit of API requests for the org is used up" in said
    assert "The accounts pulled before it are kept" in said
    assert Stakeholder.objects.filter(account__name=MOODY).count() == 1  # committed
    assert Stakeholder.objects.filter(account__name=PATTERSON).count() == 0
    assert not SalesforceConnection.objects.filter(last_pull_at__isnull=False).exists()
    assert pull()[0]  # the next run, with requests to spare, completes


def test_a_passing_server_error_is_tried_again(admin_user, org, data_export, tmp_path, no_pauses):
    link(tmp_path, data_export, PATTERSON)
    org.failures_after, org.failures = 1, [(503, UNAVAILABLE)]

    ok, said = pull()

    assert ok, said
    assert Stakeholder.objects.filter(account__name=PATTERSON).count() == 1


def test_an_outage_stops_the_pull_with_a_clear_message(
    admin_user, org, data_export, tmp_path, no_pauses
):
    link(tmp_path, data_export, PATTERSON)
    org.failures = [(503, UNAVAILABLE)] * 3

    ok, said = pull()

    assert not ok
    assert "Salesforce kept answering with a server error (HTTP 503" in said
    assert "the pull stopped" in said


def test_contact_roles_products_activities_and_owners_arrive_as_the_export_brings_them(
    connected, admin_user, tmp_path
):
    kim = make_user("kim", Role.KAM, email="kim@keyplan.example")  # owns Globex in Salesforce
    export = sf.salesforce_export(tmp_path / "export")
    load_export(connected.org, export)
    link(tmp_path, export, "Globex Corp", also=["User"])  # Kim owns the account from then

    ok, said = pull()
    by_pull = plan_show("Globex Corp")

    assert ok, said
    empty_the_plans()
    run_import("salesforce", export, "--accounts", "Globex Corp")  # every object a pull reads
    assert by_pull == plan_show("Globex Corp")
    plays = {p["name"]: p for p in by_pull["growth"]["plays"]}
    expansion = plays["Globex - Analytics, phase 2"]
    assert sorted(s["name"] for s in expansion["stakeholders"]) == ["Hank Scorpio", "Pat Lee"]
    assert expansion["owner"] == kim.username
    contract = by_pull["history"]["contracts"][0]
    assert sorted(line["product"] for line in contract["lines"]) == [
        "Analytics Suite",
        "Premium Support",
    ]
    assert [i["subject"] for i in by_pull["interactions"]] == ["Plant visit", "Budget call"]
