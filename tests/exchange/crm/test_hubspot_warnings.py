"""A bad value in a HubSpot export is a warning, not a refusal, as for Salesforce: the
rest of its record imports, the value is left out (and kept in the CRM notes), rows
without a Record ID or a name are skipped, and links to companies not in the export
are left out; the report names the file, object, row and column. Contacts and deals
of no company are counted and skipped. An export opened in Excel and saved again
reads as HubSpot wrote it; the ids Excel rounds refuse it, and a phone that lost its
leading zero is kept with a warning."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from keyplan.accounts.models import Account
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import snapshot
from tests.exchange.crm import helpers as hs
from tests.exchange.crm.helpers import (
    edit_csv,
    excel_resave,
    excel_value,
    read_csv,
    refused,
    run_import,
    write_csv,
)

SKIPPED = "with a problem (see the warnings)"


@pytest.fixture
def files(tmp_path, admin_user):
    make_user("kim", Role.KAM, email="kim@keyplan.example")
    return hs.hubspot_export(tmp_path / "hubspot")


def imported(files, *args, accounts="Acme Anvils") -> dict:
    """The JSON report of an import that applied (a refusal raises)."""
    choice = ("--all",) if accounts is None else ("--accounts", accounts)
    out = StringIO()
    call_command(
        "import", "hubspot", *map(str, files.values()), *choice, *args, "--as", "ada",
        "--format", "json", stdout=out,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["applied"] and report["refused"] == []
    return report


def warning(report: dict, path, column: str) -> dict:
    found = [w for w in report["warnings"] if w["file"] == path.name and w["column"] == column]
    assert len(found) == 1, report["warnings"]
    return found[0]


def skipped(report: dict, object_name: str) -> dict:
    return report["objects"][object_name]["skipped"]


# ---- values keyplan cannot store as typed


def test_a_bad_amount_is_left_out_and_the_rest_of_the_deal_imports(files):
    row = edit_csv(files["deals"], {"Record ID": "7001"}, Amount="ninety grand")

    report = imported(files)

    assert warning(report, files["deals"], "Amount") == {
        "file": files["deals"].name, "object": "Deal", "row": row, "column": "Amount",
        "message": "Amount “ninety grand” is not a number; it is left out, and kept in the CRM "
        "notes.", "value": "ninety grand",
    }  # fmt: skip
    skates = Play.objects.get(crm_id="7001")
    assert skates.target_arr == 0 and skates.probability == 90
    assert skates.crm_notes == "Amount in HubSpot: ninety grand"
    assert report["created"] > 0


def test_bad_emails_and_dates_each_leave_out_one_value(files):
    edit_csv(files["contacts"], {"Record ID": "5001"}, Email="wile at acme")
    edit_csv(files["deals"], {"Record ID": "7002"}, **{"Close Date": "soon"})

    report = imported(files)

    assert warning(report, files["contacts"], "Email")["row"] == 2
    assert "“soon” is not a date" in warning(report, files["deals"], "Close Date")["message"]
    wile = Stakeholder.objects.get(crm_id="5001")
    assert wile.email == "" and wile.title == "Head of Procurement"
    assert Play.objects.get(crm_id="7002").target_close_date is None


def test_importing_the_same_export_again_changes_nothing_and_warns_again(files):
    edit_csv(files["contacts"], {"Record ID": "5001"}, Email="wile at acme")
    first = imported(files)
    before = snapshot()

    again = imported(files)

    assert snapshot() == before
    assert again["created"] == again["updated"] == 0
    assert again["warnings"] == first["warnings"]


# ---- rows and references


def test_a_malformed_record_id_skips_its_row_and_the_rest_imports(files):
    edit_csv(files["contacts"], {"Record ID": "5002"}, **{"Record ID": "C-5002"})

    report = imported(files)

    found = warning(report, files["contacts"], "Record ID")
    assert found["row"] == 3
    assert found["message"] == (
        "Record ID “C-5002” is not a HubSpot record id (a whole number); the row is skipped."
    )
    assert skipped(report, "Contact")[SKIPPED] == 1
    assert list(Stakeholder.objects.values_list("name", flat=True)) == ["Wile Coyote"]


@pytest.mark.parametrize(
    ("kind", "where", "column", "message"),
    [
        ("contacts", {"Record ID": "5002"}, "Record ID", "Record ID is required"),
        ("deals", {"Record ID": "7002"}, "Record ID", "Record ID is required"),
        ("companies", {"Record ID": hs.TYRELL}, "Company name", "Company name is required"),
        ("deals", {"Record ID": "7002"}, "Deal Name", "Deal Name is required"),
    ],
)  # fmt: skip
def test_a_row_without_its_id_or_name_is_skipped(files, kind, where, column, message):
    row = edit_csv(files[kind], where, **{column: ""})

    report = imported(files, accounts=None)

    found = warning(report, files[kind], column)
    assert (found["row"], found["message"]) == (row, f"{message}; the row is skipped.")
    object_name = {"contacts": "Contact", "deals": "Deal", "companies": "Company"}[kind]
    assert skipped(report, object_name)[SKIPPED] == 1
    assert Account.objects.filter(crm_id=hs.ACME).exists()


def test_a_contact_with_neither_name_nor_email_is_skipped(files):
    edit_csv(files["contacts"], {"Record ID": "5002"}, **{"First Name": "", "Last Name": "",
             "Email": ""})  # fmt: skip

    report = imported(files)

    assert warning(report, files["contacts"], "First Name")["message"] == (
        "the contact has no name nor email; the row is skipped."
    )
    assert not Stakeholder.objects.filter(crm_id="5002").exists()


def test_a_company_id_that_points_nowhere_skips_the_deal(files):
    edit_csv(files["deals"], {"Record ID": "7005"}, **{"Associated Company IDs": "424242"})

    report = imported(files, accounts=None)

    found = warning(report, files["deals"], "Associated Company IDs")
    assert found["row"] == 6
    assert found["message"] == (
        "no company in the companies export has the id 424242; the row is skipped."
    )
    assert not Play.objects.filter(crm_id="7005").exists()
    assert Play.objects.filter(crm_id="7001").exists()
    assert skipped(report, "Deal")[SKIPPED] == 1


def test_a_company_name_that_matches_no_company_skips_the_contact(files):
    edit_csv(files["contacts"], {"Record ID": "5002"}, **{"Associated Company": "Acme Anvil"})

    report = imported(files, accounts=None)

    assert warning(report, files["contacts"], "Associated Company")["message"] == (
        "no company in the companies export is named “Acme Anvil”; the row is skipped."
    )
    assert not Stakeholder.objects.filter(crm_id="5002").exists()


def test_a_parent_company_id_that_points_nowhere_leaves_the_link_out(files):
    hs.with_parent(files, hs.TYRELL, "424242")

    report = imported(files, accounts=None)

    found = warning(report, files["companies"], "Parent Company ID")
    assert found["row"] == 4
    assert found["message"] == "no company in the export has the id 424242; the link is left out."
    assert Account.objects.get(crm_id=hs.TYRELL).parent is None


def test_a_bad_contact_id_on_a_deal_leaves_that_link_out(files):
    edit_csv(files["deals"], {"Record ID": "7001"}, **{"Associated Contact IDs": "5001;x5002"})

    report = imported(files)

    found = warning(report, files["deals"], "Associated Contact IDs")
    assert found["message"] == (
        "Associated Contact IDs “x5002” is not a HubSpot record id (a whole number); the link "
        "is left out."
    )
    assert found["value"] == "x5002"
    skates = Play.objects.get(crm_id="7001")
    assert list(skates.stakeholders.values_list("name", flat=True)) == ["Wile Coyote"]


# ---- contacts and deals of no company


def test_contacts_and_deals_without_a_company_are_counted_and_skipped(files):
    edit_csv(files["deals"], {"Record ID": "7005"}, **{"Associated Company IDs": ""})

    report = imported(files, accounts=None)

    assert report["warnings"] == []  # not a problem: a plan is a company's
    assert skipped(report, "Contact") == {"without a company": 1}
    assert skipped(report, "Deal")["without a company"] == 1
    assert not Stakeholder.objects.filter(crm_id="5004").exists()
    text = run_import("hubspot", *files.values(), "--all", "--dry-run")
    assert "  Contact: 4 rows; 3 imported (3 unchanged); 1 skipped (1 without a company)" in text


# ---- an export opened in Excel and saved again


def resaved(files, folder, **options) -> dict:
    folder.mkdir()
    return {kind: excel_resave(path, folder / path.name, **options) for kind, path in files.items()}


def test_the_fixture_is_saved_as_excel_saves_a_csv(files, tmp_path):
    original = files["deals"].read_bytes()
    excel = resaved(files, tmp_path / "excel")["deals"].read_bytes()

    assert original.startswith(b'"Record ID","Deal Name","Deal Stage"')
    assert excel.startswith(b"\xef\xbb\xbfRecord ID,Deal Name,Deal Stage,")
    assert b"\r\n7001,Acme - Rocket skates,Contract sent,Sales Pipeline,90000,8/31/2026 0:00," in (
        excel
    )
    assert excel_value("2025-04-08 17:19") == "4/8/2025 17:19"
    assert excel_value("0612345678") == "612345678"
    assert excel_value("120345678901") == "1.20346E+11"


def test_an_export_saved_again_by_excel_reads_the_same(files, tmp_path):
    first = imported(files)
    before = snapshot()

    again = imported(resaved(files, tmp_path / "excel"))

    assert snapshot() == before
    assert again["warnings"] == [] and again["created"] == again["updated"] == 0
    assert again["unchanged"] == first["created"]
    assert Play.objects.get(crm_id="7001").target_close_date == date(2026, 8, 31)


@pytest.mark.parametrize(
    ("args", "expected"), [((), date(2026, 4, 8)), (("--day-first",), date(2026, 8, 4))]
)
def test_excel_dates_are_read_month_first_unless_day_first(files, args, expected):
    edit_csv(files["deals"], {"Record ID": "7002"}, **{"Close Date": "4/8/2026 17:19"})
    edit_csv(files["deals"], {"Record ID": "7001"}, **{"Close Date": "4/8/26"})

    report = imported(files, *args)

    assert report["warnings"] == []
    assert Play.objects.get(crm_id="7002").target_close_date == expected
    assert Play.objects.get(crm_id="7001").target_close_date == expected


def test_an_export_saved_day_first_reads_the_same_with_day_first(files, tmp_path):
    imported(files)
    before = snapshot()

    again = imported(resaved(files, tmp_path / "excel", day_first=True), "--day-first")

    assert snapshot() == before and again["warnings"] == []


def test_a_day_first_date_read_month_first_is_a_warning_naming_day_first(files):
    edit_csv(files["deals"], {"Record ID": "7002"}, **{"Close Date": "25/8/2026 9:00"})

    report = imported(files)

    assert warning(report, files["deals"], "Close Date")["message"] == (
        "Close Date “25/8/2026 9:00” is not a date read month first, as Excel writes it in the "
        "US; give --day-first for dates written day first; it is left out, and kept in the CRM "
        "notes."
    )
    assert Play.objects.get(crm_id="7002").target_close_date is None


def test_record_ids_excel_wrote_in_scientific_notation_are_refused(files, tmp_path):
    # Ids past 11 digits, as a large HubSpot account has them, which Excel rounds.
    big = "120345678901"
    for kind, column in (
        ("companies", "Record ID"),
        ("contacts", "Associated Company IDs (Primary)"),
        ("deals", "Associated Company IDs"),
    ):
        edit_csv(files[kind], {column: hs.ACME}, **{column: big})
    excel = resaved(files, tmp_path / "excel")

    message = refused("hubspot", *excel.values(), "--accounts", "Acme Anvils")

    assert (
        "hubspot-crm-exports-all-companies-2026-05-01.csv, object Company, row 2, column A "
        "(Record ID): Record ID “1.20346E+11” is in scientific notation: a spreadsheet (Excel) "
        "rounded the id, and the record it names is lost." in message
    )
    assert (
        "hubspot-crm-exports-all-contacts-2026-05-01.csv, object Contact, row 2, column K "
        "(Associated Company IDs (Primary)): Associated Company IDs (Primary) “1.20346E+11”"
        in message
    )
    assert "object Deal, row 4, column L (Associated Company IDs)" in message


def test_a_record_id_of_one_point_two_e_ten_is_refused_with_its_row(files):
    edit_csv(files["contacts"], {"Record ID": "5002"}, **{"Record ID": "1.2E+10"})

    message = refused("hubspot", *files.values(), "--all")

    assert (
        "object Contact, row 3, column A (Record ID): Record ID “1.2E+10” is in scientific "
        "notation" in message
    )


@pytest.mark.parametrize(
    ("phone", "flagged"),
    [
        ("0612345678", True),  # a French mobile, saved by Excel as 612345678
        ("0201234567", True),  # an Amsterdam number
        ("+33 6 12 34 56 78", False),  # kept as text by Excel
        ("06 12 34 56 78", False),
        ("5125550100", False),  # ten digits: a US number has no zero to lose
        ("555-0100", False),
    ],
)
def test_a_phone_that_lost_its_leading_zero_is_kept_with_a_warning(files, tmp_path, phone, flagged):
    edit_csv(files["contacts"], {"Record ID": "5001"}, **{"Phone Number": phone})
    edit_csv(files["contacts"], {"Record ID": "5002"}, **{"Mobile Phone Number": phone})
    saved = excel_value(phone)

    report = imported(resaved(files, tmp_path / "excel"))

    assert Stakeholder.objects.get(crm_id="5001").phone == saved
    assert Stakeholder.objects.get(crm_id="5002").phone == saved  # the mobile, with no phone
    if not flagged:
        assert report["warnings"] == []
        return
    contacts = files["contacts"]
    assert warning(report, contacts, "Phone Number") == {
        "file": contacts.name, "object": "Contact", "row": 2, "column": "Phone Number",
        "message": f"Phone Number “{saved}” may have lost its leading zero (a spreadsheet "
        "saves 0612345678 as 612345678); it is kept as given.", "value": saved,
    }  # fmt: skip
    assert warning(report, contacts, "Mobile Phone Number")["row"] == 3
    assert Stakeholder.objects.get(crm_id="5001").crm_notes == ""


def test_a_csv_excel_saved_with_semicolons_is_refused_saying_so(files, tmp_path):
    excel = resaved(files, tmp_path / "excel", delimiter=";")

    message = refused("hubspot", *excel.values(), "--all")

    assert (
        "hubspot-crm-exports-all-companies-2026-05-01.csv: the columns of this file are "
        "separated by semicolons, as Excel saves a CSV in some languages" in message
    )


def test_a_header_only_contacts_and_deals_export_imports_the_companies(files):
    for kind in ("contacts", "deals"):
        header, _ = read_csv(files[kind])
        write_csv(files[kind], header, [])

    report = imported(files)

    assert report["warnings"] == []
    assert Account.objects.filter(crm_id=hs.ACME).exists()
    assert not Stakeholder.objects.exists() and not Play.objects.exists()
