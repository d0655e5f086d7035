"""A bad value in a real Salesforce export is a warning, not a refusal: the rest of
its record imports, the value is left out of its field (a text too long is cut),
kept in the warning and in the record's CRM notes, and the report names the file,
object, row and column. Rows that mean nothing without a value (no id, no name) are
skipped with a warning; the rest of the export imports."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from keyplan.accounts.models import Account, Contract, ContractLine
from keyplan.growth.models import Play
from keyplan.relationships.models import Interaction, Stakeholder
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import snapshot
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import edit_csv, read_csv, run_import, write_csv


@pytest.fixture
def export(tmp_path, admin_user):
    make_user("kim", Role.KAM, email="kim@keyplan.example")
    return sf.salesforce_export(tmp_path / "export")


def imported(export, *args, accounts="Globex Corp") -> dict:
    """The JSON report of an import that applied (a refusal raises)."""
    choice = ("--all",) if accounts is None else ("--accounts", accounts)
    out = StringIO()
    call_command(
        "import", "salesforce", str(export), *choice, *args, "--as", "ada", "--format", "json",
        stdout=out,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["applied"] and report["refused"] == []
    return report


def warning(report: dict, file: str, column: str) -> dict:
    found = [w for w in report["warnings"] if w["file"] == file and w["column"] == column]
    assert len(found) == 1, report["warnings"]
    return found[0]


def globex() -> Account:
    return Account.objects.get(crm_id=sf.GLOBEX)


# ---- values keyplan cannot store as typed


def test_a_bad_number_is_left_out_and_the_rest_of_the_account_imports(export):
    row = edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, AnnualRevenue="lots")

    report = imported(export)

    found = warning(report, "Account.csv", "AnnualRevenue")
    assert found == {
        "file": "Account.csv", "object": "Account", "row": row, "column": "AnnualRevenue",
        "message": "AnnualRevenue “lots” is not a number; it is left out, and kept in the CRM "
        "notes.", "value": "lots",
    }  # fmt: skip
    account = globex()
    assert account.annual_revenue is None
    assert account.employees == 4200 and account.industry == "Manufacturing"
    assert account.crm_notes == "AnnualRevenue in Salesforce: lots"
    assert report["created"] > 0


def test_bad_dates_emails_and_probabilities_each_leave_out_one_value(export):
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, CloseDate="next week",
             Probability="140")  # fmt: skip
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, Email="pat at globex")

    report = imported(export)

    assert (
        "“next week” is not a date and time"
        in warning(report, "Opportunity.csv", "CloseDate")["message"]
    )
    assert warning(report, "Opportunity.csv", "Probability")["message"].startswith(
        "Probability 140 is above 100%; it is left out"
    )
    assert warning(report, "Contact.csv", "Email")["row"] == 3
    play = Play.objects.get(crm_id=sf.EXPANSION)
    assert play.target_close_date is None and play.probability is None
    assert play.target_arr == 250000
    assert play.crm_notes.splitlines() == [
        "Probability in Salesforce: 140",
        "CloseDate in Salesforce: next week",
    ]
    pat = Stakeholder.objects.get(crm_id=sf.PAT)
    assert pat.email == "" and pat.title == "VP Engineering"
    assert pat.crm_notes == "Email in Salesforce: pat at globex"


def test_a_text_too_long_is_cut_to_fit_and_kept_whole_in_the_notes(export):
    title = "Chief " * 50
    edit_csv(export / "Contact.csv", {"Id": sf.HANK}, Title=title)

    report = imported(export)

    assert warning(report, "Contact.csv", "Title")["message"].startswith(
        "Title is 299 characters long; keyplan keeps at most 120; it is cut to fit"
    )
    hank = Stakeholder.objects.get(crm_id=sf.HANK)
    assert len(hank.title) <= 120 and hank.title.startswith("Chief Chief")
    assert hank.crm_notes == f"Title in Salesforce: {title.strip()}"


def test_a_value_the_plan_refuses_when_written_is_left_out_too(export):
    # Past what keyplan stores: the reader accepts it, the services refuse it.
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, AnnualRevenue="1e15")

    report = imported(export)

    found = warning(report, "Account.csv", "AnnualRevenue")
    assert "no more than 14 digits" in found["message"] and found["value"] == "1E+15"
    account = globex()
    assert account.annual_revenue is None and account.website == "https://www.globex.example"
    assert account.crm_notes == "AnnualRevenue in Salesforce: 1E+15"


def test_a_bad_mapped_value_is_a_warning(export):
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, Tier__c="Platinum")

    report = imported(export, "--map", "Account.Tier__c=tier")

    assert (
        "“Platinum” is not one of: Tier 1, Tier 2, Tier 3"
        in warning(report, "Account.csv", "Tier__c")["message"]
    )
    assert globex().crm_notes == "Tier__c in Salesforce: Platinum"


def test_importing_the_same_export_again_changes_nothing_and_warns_again(export):
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, Email="pat at globex")
    first = imported(export)
    before = snapshot()

    again = imported(export)

    assert snapshot() == before
    assert again["created"] == again["updated"] == 0
    assert again["warnings"] == first["warnings"]
    assert Stakeholder.objects.get(crm_id=sf.PAT).crm_notes == "Email in Salesforce: pat at globex"


def test_the_text_report_lists_every_warning_after_the_counts(export):
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, Email="pat at globex")
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, Website="www.globex&co.example")

    text = run_import("salesforce", export, "--accounts", "Globex Corp", "--dry-run")

    assert "2 warnings: would import without these values or rows" in text
    assert (
        "  Contact.csv, object Contact, row 3, column I (Email), field email: Email “pat at "
        "globex” is not an email address; it is left out, and kept in the CRM notes." in text
    )
    assert "column P (Website), field website: Website “www.globex&co.example” is not a web" in text
    assert "Dry run: nothing was changed." in text


# ---- rows and references


def test_a_malformed_id_skips_its_row_and_the_rest_imports(export):
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, Id="12345")
    edit_csv(export / "Contact.csv", {"Id": sf.STRAY}, Id="67890")  # of an account not chosen

    report = imported(export)
    contacts = report["objects"]["Contact"]

    # Every row is counted once: imported or skipped.
    assert contacts["read"] == 5 == contacts["created"] + sum(contacts["skipped"].values())
    assert contacts["skipped"]["with a problem (see the warnings)"] == 2
    report["warnings"] = [w for w in report["warnings"] if w["row"] != 5]

    found = warning(report, "Contact.csv", "Id")
    assert found["row"] == 3
    assert found["message"] == (
        "Id “12345” is not a Salesforce id (15 or 18 letters and digits); the row is skipped."
    )
    assert list(Stakeholder.objects.values_list("name", flat=True)) == ["Hank Scorpio"]


@pytest.mark.parametrize(
    ("file", "where", "column", "target", "done"),
    [
        ("Contact.csv", {"Id": sf.PAT}, "ReportsToId", "contact in Contact.csv",
         "the link is left out"),
        ("OpportunityContactRole.csv", {"ContactId": sf.HANK}, "ContactId",
         "contact in Contact.csv", "the row is skipped"),
        ("OpportunityLineItem.csv", {"Product2Id": sf.SUPPORT}, "Product2Id",
         "product in Product2.csv", "the row is skipped"),
        ("Task.csv", {"Subject": "Budget call"}, "WhoId", "contact in Contact.csv",
         "the link is left out"),
    ],
)  # fmt: skip
def test_an_id_that_points_nowhere_is_a_warning(export, file, where, column, target, done):
    nowhere = sf.sf_id("003" if "contact" in target else "01t", 99)
    row = edit_csv(export / file, where, **{column: nowhere})

    report = imported(export)

    found = warning(report, file, column)
    assert found["row"] == row
    assert found["message"] == f"no {target} has the id {nowhere}; {done}."
    assert Stakeholder.objects.filter(crm_id=sf.PAT).exists()
    if file == "Task.csv":  # the call is still logged, without the contact
        call = Interaction.objects.get(subject="Budget call")
        assert not call.stakeholders.exists()
    if file == "Contact.csv":
        assert Stakeholder.objects.get(crm_id=sf.PAT).reports_to is None


def test_a_parent_that_points_nowhere_leaves_the_account_without_a_parent(export):
    nowhere = sf.sf_id("001", 99)
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, ParentId=nowhere)

    report = imported(export)

    assert warning(report, "Account.csv", "ParentId")["message"] == (
        f"no account in Account.csv has the id {nowhere}; the link is left out."
    )
    assert globex().parent is None


def test_with_every_account_a_contact_of_no_known_account_is_skipped(export):
    nowhere = sf.sf_id("001", 98)
    edit_csv(export / "Contact.csv", {"Id": sf.STRAY}, AccountId=nowhere)

    report = imported(export, accounts=None)

    assert warning(report, "Contact.csv", "AccountId")["row"] == 5
    assert not Stakeholder.objects.filter(crm_id=sf.STRAY).exists()
    assert Stakeholder.objects.filter(crm_id=sf.HANK).exists()


def test_a_won_opportunity_without_a_close_date_is_skipped(export):
    edit_csv(export / "Opportunity.csv", {"Id": sf.RENEWAL}, CloseDate="")

    report = imported(export)

    assert (
        "a won opportunity needs its CloseDate. The row is skipped."
        in warning(report, "Opportunity.csv", "CloseDate")["message"]
    )
    assert not Contract.objects.exists()
    assert Play.objects.filter(crm_id=sf.EXPANSION).exists()


# ---- what real exports look like


def test_the_null_id_is_an_empty_reference(export):
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, ParentId=sf.NULL_ID, OwnerId=sf.NULL_ID)
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, ReportsToId=sf.NULL_ID)
    edit_csv(export / "Contact.csv", {"Id": sf.HANK}, AccountId=sf.NULL_ID)

    report = imported(export)

    assert report["warnings"] == []
    assert globex().parent is None
    assert Stakeholder.objects.get(crm_id=sf.PAT).reports_to is None
    assert not Stakeholder.objects.filter(crm_id=sf.HANK).exists()
    assert report["objects"]["Contact"]["skipped"]["without an account"] == 2


def test_header_only_files_import_as_empty(export):
    for name in ("Task.csv", "Event.csv", "OpportunityContactRole.csv", "User.csv"):
        header, _ = read_csv(export / name)
        write_csv(export / name, header, [])

    report = imported(export)

    assert report["warnings"] == []
    assert report["objects"]["Task"] == {
        "read": 0, "created": 0, "updated": 0, "unchanged": 0, "skipped": {}
    }  # fmt: skip
    assert not Interaction.objects.exists()
    assert Play.objects.filter(crm_id=sf.EXPANSION).exists()


def older_org_line_items(export, *, with_price_book: bool) -> None:
    """OpportunityLineItem.csv as older orgs write it: PricebookEntryId, no Product2Id."""
    header, rows = read_csv(export / "OpportunityLineItem.csv")
    entries = {sf.ANALYTICS: sf.sf_id("01u", 1), sf.SUPPORT: sf.sf_id("01u", 2)}
    for row in rows:
        row["PricebookEntryId"] = entries[row.pop("Product2Id")]
    header = [h if h != "Product2Id" else "PricebookEntryId" for h in header]
    write_csv(export / "OpportunityLineItem.csv", header, rows)
    if with_price_book:
        write_csv(export / "PricebookEntry.csv",
                  ["Id", "Pricebook2Id", "Product2Id", "UnitPrice", "IsActive"], [
            {"Id": entry, "Pricebook2Id": sf.sf_id("01s", 1), "Product2Id": product,
             "UnitPrice": "100", "IsActive": "1"}
            for product, entry in entries.items()
        ])  # fmt: skip


def test_line_items_without_product2id_find_their_product_through_the_price_book(export):
    older_org_line_items(export, with_price_book=True)

    report = imported(export)

    assert report["warnings"] == []
    contract = Contract.objects.get(crm_id=sf.RENEWAL)
    assert sorted(contract.lines.values_list("product__name", "arr")) == [
        ("Analytics Suite", 150000), ("Premium Support", 30000)
    ]  # fmt: skip
    assert "PricebookEntry" not in report["objects"]


def test_line_items_without_a_price_book_are_skipped_with_a_warning(export):
    older_org_line_items(export, with_price_book=False)

    report = imported(export)

    messages = [w["message"] for w in report["warnings"]]
    assert (
        messages
        == [
            "there is no Product2Id, and no PricebookEntry.csv to find the product of its "
            "PricebookEntryId; the row is skipped."
        ]
        * 2
    )
    assert Contract.objects.get(crm_id=sf.RENEWAL).lines.count() == 0


def test_an_open_opportunity_whose_close_date_passed_is_still_a_play(export):
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, CloseDate="2024-02-29")

    report = imported(export)

    assert report["warnings"] == []
    play = Play.objects.get(crm_id=sf.EXPANSION)
    assert str(play.target_close_date) == "2024-02-29" and play.stage != "won"


def test_a_product_without_a_name_leaves_out_its_lines_and_the_rest_imports(export):
    edit_csv(export / "Product2.csv", {"Id": sf.SUPPORT}, Name="")

    report = imported(export)

    assert "Name is required" in warning(report, "Product2.csv", "Name")["message"]
    lines = ContractLine.objects.filter(contract__account=globex())
    assert sorted(line.product.name for line in lines) == ["Analytics Suite"]
