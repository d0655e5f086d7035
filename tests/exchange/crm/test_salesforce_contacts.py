"""New stakeholders as Contacts: with the connection's switch on (off by default), a
push creates the stakeholders of its plays who have no Salesforce id as Contacts of
their account, keeps each new Contact's id on its stakeholder (in the history), gives
them their contact roles, and reports a refusal (no LastName, a duplicate rule) on
that stakeholder while the others are created; off, nothing is created and the report
counts them; a dry run says what would be created."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.exchange.crm.salesforce.live import contacts as contacts_module
from keyplan.exchange.models import SalesforceConnection
from keyplan.growth.models import Play, PlayStakeholder
from keyplan.relationships.models import Stakeholder
from tests.exchange.crm.helpers import run_import
from tests.exchange.crm.test_salesforce_push import MOODY, PATTERSON, new_play, pushed_json, run

pytestmark = pytest.mark.django_db
URL = "/settings/integrations/"


@pytest.fixture
def linked(admin_user, org, data_export, tmp_path):
    """Patterson-Hansen and Moody and Sons linked, as importing their Account rows does."""
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(data_export / "Account.csv", accounts_only / "Account.csv")
    run_import("salesforce", accounts_only, "--accounts", f"{PATTERSON},{MOODY}")
    return {name: Account.objects.get(name=name) for name in (PATTERSON, MOODY)}


def switch(on: bool) -> None:
    connection, _ = SalesforceConnection.objects.get_or_create(pk=1)
    connection.create_contacts = on
    connection.save()


def on_play(admin_user, account, play_name: str, *people: dict) -> list[Stakeholder]:
    play = new_play(account, admin_user, play_name)
    made = []
    for values in people:
        person = services.create(Stakeholder, by=admin_user, account=account, **values)
        services.create(PlayStakeholder, by=admin_user, play=play, stakeholder=person,
                        role_hint="Champion")  # fmt: skip
        made.append(person)
    return made


def contacts_in(org) -> dict[str, dict]:
    return {
        f"{r['FirstName'] or ''} {r['LastName']}".strip(): r
        for r in org.records.get("Contact", [])
        if not r.get("IsDeleted")
    }


def test_with_the_switch_on_new_stakeholders_become_contacts_with_their_roles(
    admin_user, org, linked
):
    switch(True)
    (nora,) = on_play(admin_user, linked[PATTERSON], "Payments expansion", {
        "name": "Nora van Dijk", "title": "Head of Payments", "email": "nora@patterson.example",
        "phone": "+31 20 555 0101", "department": "Finance",
    })  # fmt: skip

    ok, said = run("push", "--account", PATTERSON)

    assert ok, said
    contact = contacts_in(org)["Nora van Dijk"]
    assert contact["FirstName"] == "Nora van"
    assert contact["LastName"] == "Dijk"
    assert contact["Title"] == "Head of Payments"
    assert contact["Email"] == "nora@patterson.example"
    assert contact["Phone"] == "+31 20 555 0101"
    assert contact["Department"] == "Finance"
    assert contact["AccountId"] == linked[PATTERSON].crm_id
    nora.refresh_from_db()
    assert nora.crm_id == contact["Id"]
    assert nora.history.first().crm_id == contact["Id"]
    assert nora.history.first().history_user == admin_user
    assert f"{PATTERSON}, Nora van Dijk: created as Contact {contact['Id']}." in said
    assert "Contacts created in Salesforce: 1." in said
    # ...and, being a Salesforce contact now, gets the play's contact role.
    play = Play.objects.get(name="Payments expansion")
    roles = [r for r in org.records["OpportunityContactRole"] if r["ContactId"] == contact["Id"]]
    assert [(r["OpportunityId"], r["Role"]) for r in roles] == [(play.crm_id, "Champion")]
    org.requests.clear()

    again = pushed_json()

    assert again["contacts_created"] == 0
    assert len([c for c in contacts_in(org) if c == "Nora van Dijk"]) == 1
    assert not [r for r in org.requests if r.startswith(("POST /services/data", "PATCH"))]


def test_with_the_switch_off_nothing_is_created_and_the_report_counts_them(admin_user, org, linked):
    assert not SalesforceConnection.objects.get_or_create(pk=1)[0].create_contacts  # default
    on_play(admin_user, linked[PATTERSON], "Payments expansion",
            {"name": "Nora van Dijk"}, {"name": "Piet Local"})  # fmt: skip
    before = len(org.records.get("Contact", []))

    ok, said = run("push")

    assert ok, said
    assert len(org.records.get("Contact", [])) == before
    assert "2 stakeholders not in Salesforce were left out: creating Contacts is off" in said
    assert set(Stakeholder.objects.filter(crm_id="").values_list("name", flat=True)) >= {
        "Nora van Dijk",
        "Piet Local",
    }
    report = pushed_json()
    assert report["contacts_created"] == 0
    assert report["contacts_left_out"] == 2


def test_a_refused_contact_is_reported_on_its_stakeholder_and_the_others_are_created(
    admin_user, org, linked
):
    switch(True)
    org.contact_duplicate_rule = True
    held = next(c for c in org.records["Contact"] if c.get("Email") and not c.get("IsDeleted"))
    on_play(admin_user, linked[PATTERSON], "Payments expansion",
            {"name": "Nora van Dijk", "email": "nora@patterson.example"},
            {"name": "Copy Cat", "email": held["Email"].upper()},
            {"name": "Blank Name"})  # fmt: skip
    # A stakeholder whose name has gone blank (an old record): no LastName to give.
    Stakeholder.objects.filter(name="Blank Name").update(name=" ")

    report = pushed_json("--account", PATTERSON)

    made = {c["stakeholder"]: c for c in report["contacts"]}
    assert made["Nora van Dijk"]["outcome"] == "created"
    assert made["Copy Cat"]["outcome"] == "failed"
    assert "DUPLICATES_DETECTED" in made["Copy Cat"]["error"]
    assert made[" "]["outcome"] == "failed"
    assert "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]" in made[" "]["error"]
    assert report["contacts_created"] == 1
    assert "Nora van Dijk" in contacts_in(org)
    assert "Copy Cat" not in contacts_in(org)
    assert Stakeholder.objects.get(name="Copy Cat").crm_id == ""
    ok, said = run("push", "--account", PATTERSON)
    assert not ok
    assert f"{PATTERSON}, Copy Cat: not created as a Contact: Salesforce refused it: " in said


def test_a_dry_run_says_what_would_be_created_and_writes_nothing(admin_user, org, linked):
    switch(True)
    on_play(admin_user, linked[MOODY], "Renewal", {"name": "Anna Berg"})
    before = len(org.records.get("Contact", []))

    ok, said = run("push", "--dry-run")

    assert ok, said
    assert f"{MOODY}, Anna Berg: would be created as a Contact." in said
    assert "Contacts to create in Salesforce: 1." in said
    assert len(org.records.get("Contact", [])) == before
    assert Stakeholder.objects.get(name="Anna Berg").crm_id == ""


def test_contacts_go_in_requests_of_at_most_the_collections_limit(
    admin_user, org, linked, monkeypatch
):
    monkeypatch.setattr(contacts_module, "PER_REQUEST", 2)  # Salesforce's is 200
    switch(True)
    on_play(admin_user, linked[MOODY], "Renewal", *({"name": f"Person {n}"} for n in range(3)))
    org.requests.clear()

    report = pushed_json()

    assert report["contacts_created"] == 3
    creates = [r for r in org.requests if r.startswith("POST /services/data")]
    # two requests of Contacts (2 + 1), then one of contact roles
    assert len(creates) == 3
    assert {f"Person {n}" for n in range(3)} <= set(contacts_in(org))


def test_the_sync_reports_contacts_created(admin_user, org, linked):
    switch(True)
    on_play(admin_user, linked[PATTERSON], "Payments expansion", {"name": "Nora van Dijk"})
    out = StringIO()
    call_command("sync", "salesforce", "--accounts", PATTERSON, "--format", "json", stdout=out)
    said = out.getvalue()

    report = json.loads(said[: said.rindex("}") + 1])

    assert report["contacts_created"] == 1
    assert report["errors"] == []
    assert Stakeholder.objects.get(name="Nora van Dijk").crm_id


def test_administrators_switch_it_on_the_integrations_page(client, admin_user, clean_environment):
    client.force_login(admin_user)
    version = SalesforceConnection.objects.get_or_create(pk=1)[0].version

    page = client.post(URL, {"version": version, "contacts_switch": "1", "create_contacts": "on"})

    assert page.status_code == 200
    assert "A push now creates new stakeholders as Contacts." in page.content.decode()
    assert SalesforceConnection.objects.get(pk=1).create_contacts
    stale = client.post(URL, {"version": version, "contacts_switch": "1"})
    assert stale.status_code == 409
    assert SalesforceConnection.objects.get(pk=1).create_contacts
    off = client.post(URL, {"version": version + 1, "contacts_switch": "1"})
    assert "A push no longer creates Contacts." in off.content.decode()
    assert not SalesforceConnection.objects.get(pk=1).create_contacts


def test_test_connection_says_whether_new_stakeholders_become_contacts(connected, db):
    ok, said = run("test")
    assert ok, said
    assert "New stakeholders are not created as Contacts (switched off" in said

    switch(True)
    ok, said = run("test")
    assert ok, said
    assert "New stakeholders of pushed plays are created as Contacts." in said
