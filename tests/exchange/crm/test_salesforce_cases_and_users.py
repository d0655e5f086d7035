"""What a Salesforce export says becomes the plan, with judgement: open cases are the
account's open tickets and escalations in its health signals; Salesforce users own
accounts, plays and relationships where a keyplan user has their email or login,
and are named in the report where none does."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.relationships.models import Stakeholder
from keyplan.risks.models import HealthSnapshot
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import snapshot
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import edit_csv, read_csv, run_import, write_csv

CASE_HEADER = [
    "Id", "IsDeleted", "CaseNumber", "ContactId", "AccountId", "Type", "Status", "Subject",
    "Priority", "IsClosed", "IsEscalated", "OwnerId", "CreatedDate", "ClosedDate",
]  # fmt: skip


@pytest.fixture
def kim(db):
    return make_user("kim", Role.KAM, email="kim@keyplan.example")


@pytest.fixture
def export(tmp_path, admin_user, kim):
    folder = sf.salesforce_export(tmp_path / "export")
    stamp = "2026-11-02T09:15:00.000+0000"
    write_csv(folder / "Case.csv", CASE_HEADER, [
        {"Id": sf.sf_id("500", 1), "CaseNumber": "00001026", "ContactId": sf.HANK,
         "AccountId": sf.GLOBEX, "Type": "Problem", "Status": "Escalated", "Subject":
         "Line 3 dashboards down", "Priority": "High", "IsClosed": "0", "IsEscalated": "1",
         "CreatedDate": stamp},
        {"Id": sf.sf_id("500", 2), "CaseNumber": "00001027", "AccountId": sf.GLOBEX,
         "Status": "Working", "Subject": "Export to CSV is slow", "Priority": "Medium",
         "IsClosed": "0", "IsEscalated": "0", "CreatedDate": stamp},
        {"Id": sf.sf_id("500", 3), "CaseNumber": "00001001", "AccountId": sf.GLOBEX,
         "Status": "Closed", "Subject": "Password reset", "IsClosed": "1", "IsEscalated": "0",
         "CreatedDate": stamp, "ClosedDate": stamp},
        {"Id": sf.sf_id("500", 4), "CaseNumber": "00001030", "AccountId": sf.INITECH,
         "Status": "New", "Subject": "TPS cover sheets", "IsClosed": "0", "IsEscalated": "1"},
        {"Id": sf.sf_id("500", 5), "CaseNumber": "00001031", "AccountId": sf.NULL_ID,
         "Status": "New", "Subject": "Web-to-case, no account", "IsClosed": "0"},
    ])  # fmt: skip
    return folder


def report_of(export, *args) -> dict:
    out = StringIO()
    call_command(
        "import", "salesforce", str(export), "--accounts", "Globex Corp", *args, "--as", "ada",
        "--format", "json", stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def test_open_cases_become_the_accounts_open_tickets_and_escalations(export):
    report = report_of(export)

    globex = Account.objects.get(crm_id=sf.GLOBEX)
    signals = HealthSnapshot.objects.get(account=globex)
    assert signals.date == clock.today()
    assert (signals.open_tickets, signals.escalations) == (2, 1)
    assert signals.negative_signals == (
        "Escalated in Salesforce: case 00001026 Line 3 dashboards down"
    )
    assert report["objects"]["Case"] == {
        "read": 5, "created": 2, "updated": 0, "unchanged": 0,
        "skipped": {"closed": 1, "of accounts not chosen": 1, "without an account": 1},
    }  # fmt: skip
    text = run_import("salesforce", export, "--accounts", "Globex Corp", "--dry-run")
    assert "  Case: 5 rows; 2 imported (2 unchanged); 3 skipped" in text


def test_importing_the_cases_again_changes_nothing_and_a_newer_export_dates_the_change(export):
    report_of(export)
    before = snapshot()
    assert report_of(export)["objects"]["Case"]["unchanged"] == 2
    assert snapshot() == before

    # A week later the escalation is solved in Salesforce.
    edit_csv(export / "Case.csv", {"CaseNumber": "00001026"}, Status="Closed", IsClosed="1")
    with clock.travel(timezone.now() + timedelta(days=7)):
        text = run_import("salesforce", export, "--accounts", "Globex Corp")
        today = clock.today()

    history = list(
        HealthSnapshot.objects.order_by("date").values_list("date", "open_tickets", "escalations")
    )
    assert history == [(today - timedelta(days=7), 2, 1), (today, 1, 0)]
    assert f"Health signals: 1 new ({today}: 1 open ticket, 0 escalations)" in text


def test_salesforce_users_own_what_keyplan_users_of_their_email_own(export, kim):
    header, users = read_csv(export / "User.csv")
    sam = {"Id": sf.sf_id("005", 2), "Username": "sam@globex-vendor.example.sf"}
    users.append({**sam, "Email": "sam@vendor.example", "FirstName": "Sam", "LastName": "Seller"})
    write_csv(export / "User.csv", header, users)
    edit_csv(export / "Contact.csv", {"Id": sf.HANK}, OwnerId=sf.KAM_USER)
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, OwnerId=sf.sf_id("005", 2))

    text = run_import("salesforce", export, "--accounts", "Globex Corp")

    assert Account.objects.get(crm_id=sf.GLOBEX).owner == kim
    assert Stakeholder.objects.get(crm_id=sf.HANK).relationship_owner == kim
    assert Stakeholder.objects.get(crm_id=sf.PAT).relationship_owner is None
    assert (
        "no keyplan user matches these Salesforce users by email or login, so what they own "
        "keeps its keyplan owner: Sam Seller (sam@vendor.example)" in text
    )
