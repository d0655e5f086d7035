"""Pushing plays to the test org as Opportunities: a new play on a linked account
becomes an Opportunity with the mapped stage and keeps its id; a second push changes
nothing; Salesforce's refusal of one play is reported on it while the others go
through; a pull after a push does not duplicate the play; unlinked accounts are left
out and said so; a dry run writes nothing; deleting a play deletes nothing there; the
play's stakeholders who are Salesforce contacts become its contact roles."""

import copy
import json
import shutil
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.accounts.models import Account
from keyplan.bench.salesforce.org import LIMIT_EXCEEDED
from keyplan.core import services
from keyplan.exchange.crm.salesforce.live import push as push_module
from keyplan.exchange.models import SalesforceConnection
from keyplan.growth.models import Play, PlayStakeholder
from keyplan.relationships.models import Stakeholder
from tests.exchange.crm.helpers import run_import

pytestmark = pytest.mark.django_db

PATTERSON, MOODY = "Patterson-Hansen", "Moody and Sons"
PLAY_ID = "Keyplan_Play_Id__c"


@pytest.fixture
def linked(admin_user, org, data_export, tmp_path):
    """Patterson-Hansen and Moody and Sons linked, as importing their Account rows does."""
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(data_export / "Account.csv", accounts_only / "Account.csv")
    run_import("salesforce", accounts_only, "--accounts", f"{PATTERSON},{MOODY}")
    return {name: Account.objects.get(name=name) for name in (PATTERSON, MOODY)}


def new_play(account: Account, by, name: str, **values) -> Play:
    values = {
        "stage": "conversation",
        "target_arr": Decimal("120000"),
        "target_close_date": date(2027, 3, 31),
        **values,
    }
    return services.create(Play, by=by, account=account, name=name, **values)


def run(*args: str) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("salesforce", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def pushed_json(*args: str) -> dict:
    _, said = run("push", "--format", "json", *args)
    return json.loads(said[: said.rindex("}") + 1])


def opportunity(org, play: Play) -> dict:
    return next(
        r for r in org.records["Opportunity"] if r.get(PLAY_ID) == f"keyplan-play-{play.pk}"
    )


def test_a_new_play_becomes_an_opportunity_and_keeps_its_id(admin_user, client, org, linked):
    play = new_play(linked[PATTERSON], admin_user, "Payments expansion")

    ok, said = run("push", "--account", PATTERSON)

    assert ok, said
    made = opportunity(org, play)
    assert made["Name"] == "Payments expansion"
    assert made["StageName"] == "Qualification"  # "In conversation", as an import reads it
    assert (made["CloseDate"], made["Amount"]) == ("2027-03-31", 120000.0)
    assert made["AccountId"] == linked[PATTERSON].crm_id
    play.refresh_from_db()
    assert play.crm_id == made["Id"]
    assert f"{PATTERSON}, Payments expansion: created (Opportunity {made['Id']})" in said
    assert "Salesforce: pushed 1 plays: 1 created, 0 updated, 0 unchanged, 0 failed." in said
    # The stage map the push used is kept for the administrator to see.
    stage_map = SalesforceConnection.objects.get().stage_map
    assert stage_map["won"] == "Closed Won" and stage_map["idea"] == "Prospecting"
    client.force_login(admin_user)
    page = client.get("/settings/integrations/").content.decode()
    assert 'name="stage_won" value="Closed Won"' in page
    assert 'name="stage_conversation" value="Qualification"' in page
    assert any(
        r.startswith(f"PATCH /services/data/v62.0/composite/sobjects/Opportunity/{PLAY_ID}")
        for r in org.requests
    )


def test_a_second_push_changes_nothing(admin_user, org, linked):
    new_play(linked[PATTERSON], admin_user, "Payments expansion")
    run("push")
    before = copy.deepcopy(org.records["Opportunity"])
    org.requests.clear()

    report = pushed_json()

    assert report["pushed"] == {"created": 0, "updated": 0, "unchanged": 1, "failed": 0}
    assert org.records["Opportunity"] == before
    assert not [r for r in org.requests if r.startswith("PATCH")]


def test_a_change_in_keyplan_updates_the_same_opportunity(admin_user, org, linked):
    play = new_play(linked[PATTERSON], admin_user, "Payments expansion")
    run("push")
    play.refresh_from_db()
    services.update(play, by=admin_user, version=play.version, stage="closing",
                    target_arr=Decimal("150000"))  # fmt: skip
    count = len(org.records["Opportunity"])

    report = pushed_json()

    assert report["pushed"]["updated"] == 1
    assert report["plays"][0]["fields"] == ["StageName", "Amount"]
    made = opportunity(org, play)
    assert (made["StageName"], made["Amount"]) == ("Proposal/Price Quote", 150000.0)
    assert len(org.records["Opportunity"]) == count


def test_refused_plays_are_reported_with_salesforces_message_and_the_others_go_through(
    admin_user, org, linked
):
    account = linked[PATTERSON]
    good = new_play(account, admin_user, "Good play")
    new_play(account, admin_user, "No date yet", target_close_date=None)
    new_play(account, admin_user, "Won already", stage="won")
    new_play(account, admin_user, "Lost cause", stage="lost")
    SalesforceConnection.objects.update_or_create(
        pk=1,
        defaults={"stage_map": {"idea": "Prospecting", "conversation": "Qualification",
                                "lost": "Dead"}},
    )  # fmt: skip

    ok, said = run("push")

    assert not ok
    assert "1 created, 0 updated, 0 unchanged, 3 failed" in said
    assert (
        f"{PATTERSON}, No date yet: Salesforce refused it: REQUIRED_FIELD_MISSING: Required "
        "fields are missing: [CloseDate]." in said
    )
    assert (
        f"{PATTERSON}, Lost cause: Salesforce refused it: INVALID_OR_NULL_FOR_RESTRICTED_"
        "PICKLIST: Stage: bad value for restricted picklist field: Dead." in said
    )
    assert f"{PATTERSON}, Won already: no Opportunity stage is mapped to the stage “Won”" in said
    assert "The push did not write every play" in said
    good.refresh_from_db()
    assert good.crm_id == opportunity(org, good)["Id"]
    assert [r["Name"] for r in org.records["Opportunity"] if r.get(PLAY_ID)] == ["Good play"]
    assert not Play.objects.exclude(pk=good.pk).exclude(crm_id="").filter(account=account)


def test_a_pull_after_a_push_does_not_duplicate_the_play(admin_user, org, linked):
    play = new_play(linked[PATTERSON], admin_user, "Payments expansion")
    run("push")
    play.refresh_from_db()

    ok, said = run("pull")

    assert ok, said
    assert Play.objects.filter(account=linked[PATTERSON], crm_id=play.crm_id).count() == 1
    assert not Play.objects.filter(name__startswith="Payments expansion (")
    play.refresh_from_db()
    assert (play.name, play.stage, play.target_arr) == (
        "Payments expansion", "conversation", Decimal("120000"),
    )  # fmt: skip


def test_plays_that_came_from_salesforce_are_matched_by_their_opportunity(admin_user, org, linked):
    run("pull")
    pulled = Play.objects.filter(account__in=linked.values()).exclude(crm_id="")
    assert pulled.exists()

    report = pushed_json()

    assert report["pushed"]["unchanged"] == pulled.count()
    assert report["pushed"]["created"] == 0
    play = pulled.order_by("pk").first()
    services.update(play, by=admin_user, version=play.version, target_arr=Decimal("777"))
    org.requests.clear()

    report = pushed_json()

    assert report["pushed"]["updated"] == 1, [p["error"] for p in report["plays"] if p["error"]]
    held = next(r for r in org.records["Opportunity"] if r["Id"] == play.crm_id)
    assert held["Amount"] == 777.0 and not held.get(PLAY_ID)
    assert [r for r in org.requests if r.startswith("PATCH")] == [
        "PATCH /services/data/v62.0/composite/sobjects"
    ]


def test_an_account_without_a_salesforce_link_is_left_out_and_said_so(
    admin_user, org, linked, account
):
    new_play(account, admin_user, "Local play")
    new_play(linked[MOODY], admin_user, "Moody renewal")

    ok, said = run("push")
    named_ok, named = run("push", "--account", account.name)

    assert ok, said
    assert f"{account.name}: not linked to Salesforce: left out" in said
    assert "Moody renewal: created" in said
    assert not [r for r in org.records["Opportunity"] if r.get("Name") == "Local play"]
    assert not named_ok
    assert f"{account.name}: not linked to Salesforce: left out" in named
    assert Play.objects.get(name="Local play").crm_id == ""


def test_a_dry_run_writes_nothing(admin_user, org, linked):
    play = new_play(linked[PATTERSON], admin_user, "Payments expansion")
    before = copy.deepcopy(org.records)

    ok, said = run("push", "--dry-run")

    assert ok, said
    assert "Salesforce: would push 1 plays: 1 created" in said
    assert f"{PATTERSON}, Payments expansion: would be created" in said
    assert org.records == before
    assert not [r for r in org.requests if r.startswith("PATCH")]
    play.refresh_from_db()
    assert play.crm_id == ""
    assert not SalesforceConnection.objects.filter(stage_map__has_key="idea").exists()


def test_deleting_a_play_never_deletes_its_opportunity(admin_user, org, linked):
    play = new_play(linked[PATTERSON], admin_user, "Payments expansion")
    run("push")
    made = opportunity(org, play)
    Play.objects.filter(pk=play.pk).delete()

    ok, said = run("push")

    assert ok, said
    assert made in org.records["Opportunity"] and not made["IsDeleted"]


def test_a_missing_play_id_field_stops_the_push_with_what_to_do(admin_user, org, linked):
    org.play_id_field = None
    new_play(linked[PATTERSON], admin_user, "Payments expansion")

    ok, said = run("push")

    assert not ok
    assert "Opportunity has no field Keyplan_Play_Id__c (the play id)" in said
    assert not [r for r in org.requests if r.startswith("PATCH")]


def test_the_plays_salesforce_contacts_become_its_contact_roles(admin_user, org, linked):
    run("pull")  # the accounts' contacts arrive as stakeholders
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    local = services.create(Stakeholder, by=admin_user, account=linked[PATTERSON],
                            name="Nora Local")  # fmt: skip
    play = new_play(linked[PATTERSON], admin_user, "Payments expansion")
    for person, hint in ((bishop, "Economic Buyer"), (local, "Champion")):
        services.create(PlayStakeholder, by=admin_user, play=play, stakeholder=person,
                        role_hint=hint)  # fmt: skip
    roles_before = len(org.records.setdefault("OpportunityContactRole", []))

    ok, said = run("push")

    assert ok, said
    assert f"{PATTERSON}, Payments expansion: contact roles added: Daniel Bishop." in said
    play.refresh_from_db()
    added = org.records["OpportunityContactRole"][roles_before:]
    assert [(r["OpportunityId"], r["ContactId"], r["Role"]) for r in added] == [
        (play.crm_id, bishop.crm_id, "Economic Buyer")
    ]
    org.requests.clear()

    again = pushed_json()

    assert len(org.records["OpportunityContactRole"]) == roles_before + 1
    assert not [r for r in org.requests if not r.startswith(("GET", "POST /services/oauth2"))]
    assert all(not p["contact_roles_added"] for p in again["plays"])


def test_plays_go_in_requests_of_at_most_the_collections_limit(
    admin_user, org, linked, monkeypatch
):
    monkeypatch.setattr(push_module, "PER_REQUEST", 2)  # Salesforce's is 200
    for number in range(3):
        new_play(linked[MOODY], admin_user, f"Play {number}")

    report = pushed_json()

    assert report["pushed"]["created"] == 3
    upserts = [r for r in org.requests if r.startswith("PATCH") and PLAY_ID in r]
    assert len(upserts) == 2
    assert len({r["Id"] for r in org.records["Opportunity"] if r.get(PLAY_ID)}) == 3


def test_an_administrator_changes_the_stage_map_on_the_integrations_page(
    admin_user, client, org, linked
):
    play = new_play(linked[PATTERSON], admin_user, "Payments expansion", stage="opportunity")
    run("push")
    connection = SalesforceConnection.objects.get()
    assert connection.stage_map["opportunity"] == "Value Proposition"
    client.force_login(admin_user)
    form = {f"stage_{stage}": value for stage, value in connection.stage_map.items()}

    response = client.post(
        "/settings/integrations/",
        {**form, "stage_closing": "Negotiation/Review", "stage_map": "1",
         "version": connection.version},
    )  # fmt: skip
    play.refresh_from_db()
    services.update(play, by=admin_user, version=play.version, stage="closing")
    report = pushed_json()

    assert "Stage map saved." in response.content.decode()
    assert report["pushed"]["updated"] == 1
    assert opportunity(org, play)["StageName"] == "Negotiation/Review"
    stale = client.post(
        "/settings/integrations/",
        {**form, "stage_map": "1", "version": connection.version},
    )
    assert stale.status_code == 409
    assert "Someone saved the Salesforce connection since you opened this page" in (
        stale.content.decode()
    )
    assert SalesforceConnection.objects.get().stage_map["closing"] == "Negotiation/Review"


def test_the_orgs_api_limit_stops_the_push_with_a_clear_message(admin_user, org, linked):
    new_play(linked[PATTERSON], admin_user, "Payments expansion")
    org.failures, org.failures_from = [(403, LIMIT_EXCEEDED)], "composite"

    ok, said = run("push")

    assert not ok
    assert "Salesforce's limit of API requests for the org is used up" in said
    assert "Payments expansion: not pushed: the push stopped before it." in said
    assert Play.objects.get(name="Payments expansion").crm_id == ""
