"""Bad Salesforce exports are refused whole: the message names the file, object,
row and column, and the database is exactly as it was (helpers.refused
compares it before and after)."""

import zipfile

import pytest

from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import edit_csv, read_csv, refused, run_import, write_csv
from tests.exchange.fuzz_helpers import needs_newer_zip


@pytest.fixture
def export(tmp_path, admin_user):
    return sf.salesforce_export(tmp_path / "export")


def globex(export, *args, login="ada") -> str:
    return refused("salesforce", export, "--accounts", "Globex Corp", *args, login=login)


def test_a_folder_that_is_not_an_export_is_refused(tmp_path, admin_user):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    message = refused("salesforce", tmp_path, "--all")
    assert "there is no Account.csv here; is this a Salesforce Data Export" in message
    assert "there is no such file or folder" in refused("salesforce", tmp_path / "gone", "--all")


def test_a_zip_asking_for_a_zip_version_none_reads_is_refused(export, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(export / "Account.csv", "Account.csv")
    archive.write_bytes(needs_newer_zip(archive.read_bytes()))
    assert "export.zip: this zip file is damaged; download the export again." in globex(archive)


def test_a_file_that_is_not_csv_is_refused(export):
    (export / "Contact.csv").write_bytes(b"SQLite format 3\x00\x10\x00\x02\x02")
    message = globex(export)
    assert (
        "Contact.csv, object Contact: this is not a CSV file (it holds binary data at row 1)."
        in (message)
    )


def test_a_file_that_is_not_utf8_is_refused(export):
    path = export / "Contact.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("latin-1"))
    assert (
        "Contact.csv, object Contact: this is not UTF-8 text (byte 0xe9 at row 6); "
        "export it again as UTF-8 CSV." in globex(export)
    )


def test_a_badly_quoted_file_is_refused(export):
    path = export / "Opportunity.csv"
    path.write_text(path.read_text() + f'{sf.sf_id("006", 7)},,{sf.GLOBEX},"Unclosed\n')
    message = globex(export)
    assert "Opportunity.csv, object Opportunity, row 6: this is not a well-formed CSV" in message


def test_a_row_with_more_values_than_columns_is_refused(export):
    path = export / "Product2.csv"
    path.write_text(path.read_text() + f"{sf.sf_id('01t', 9)},Widget,W-1,Tools,1,extra\n")
    assert (
        "Product2.csv, object Product2, row 5: this row has 6 values but the header has 5 "
        "columns; is a value with a comma or a line break missing its quotes?" in globex(export)
    )


def test_a_missing_required_column_is_named(export):
    header, rows = read_csv(export / "Contact.csv")
    header.remove("AccountId")
    write_csv(export / "Contact.csv", header, [{k: r[k] for k in header} for r in rows])
    assert (
        "Contact.csv, object Contact, row 1: the required column “AccountId” is missing from "
        "the header row; is this a Contact export?" in globex(export)
    )


def test_a_bad_number_is_named_with_its_row_and_column(export):
    row = edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, AnnualRevenue="lots")
    assert (
        f"Account.csv, object Account, row {row}, column M (AnnualRevenue), field annual_revenue: "
        "AnnualRevenue “lots” is not a number." in globex(export)
    )


def test_bad_dates_emails_and_probabilities_are_named(export):
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, CloseDate="next week",
             Probability="140")  # fmt: skip
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, Email="pat at globex")
    message = globex(export)
    assert (
        "Opportunity.csv, object Opportunity, row 2, column I (CloseDate), field "
        "target_close_date: CloseDate “next week” is not a date and time" in message
    )
    assert "row 2, column H (Probability), field probability: Probability 140 is above 100%." in (
        message
    )
    assert (
        "Contact.csv, object Contact, row 3, column I (Email), field email: "
        "Email “pat at globex” is not an email address." in message
    )


def test_a_value_too_long_for_keyplan_is_named(export):
    edit_csv(export / "Contact.csv", {"Id": sf.HANK}, Title="Chief " * 30)
    assert "row 2, column G (Title), field title: Title is 179 characters long; keyplan keeps " \
        "at most 120." in globex(export)  # fmt: skip


def test_a_malformed_id_is_named(export):
    edit_csv(export / "Contact.csv", {"Id": sf.PAT}, Id="12345")
    assert (
        "Contact.csv, object Contact, row 3, column A (Id): Id “12345” is not a Salesforce id "
        "(15 or 18 letters and digits)." in globex(export)
    )


@pytest.mark.parametrize(
    ("file", "where", "column", "letter", "target"),
    [
        ("Contact.csv", {"Id": sf.PAT}, "ReportsToId", "L", "contact in Contact.csv"),
        ("OpportunityContactRole.csv", {"ContactId": sf.HANK}, "ContactId", "C",
         "contact in Contact.csv"),
        ("OpportunityLineItem.csv", {"Product2Id": sf.SUPPORT}, "Product2Id", "C",
         "product in Product2.csv"),
        ("Task.csv", {"Subject": "Budget call"}, "WhoId", "B", "contact in Contact.csv"),
    ],
)  # fmt: skip
def test_an_id_that_points_nowhere_is_named(export, file, where, column, letter, target):
    nowhere = sf.sf_id("003" if "contact" in target else "01t", 99)
    row = edit_csv(export / file, where, **{column: nowhere})
    object_name = file.removesuffix(".csv")
    assert (
        f"{file}, object {object_name}, row {row}, column {letter} ({column}): no {target} "
        f"has the id {nowhere}; it points nowhere." in globex(export)
    )


def test_a_parent_that_points_nowhere_is_named(export):
    nowhere = sf.sf_id("001", 99)
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, ParentId=nowhere)
    assert (
        f"Account.csv, object Account, row 2, column E (ParentId): no account in Account.csv has "
        f"the id {nowhere}; it points nowhere." in globex(export)
    )


def test_with_all_accounts_a_contact_of_no_known_account_is_refused(export):
    nowhere = sf.sf_id("001", 98)
    edit_csv(export / "Contact.csv", {"Id": sf.STRAY}, AccountId=nowhere)
    message = refused("salesforce", export, "--all")
    assert f"row 5, column C (AccountId): no account in Account.csv has the id {nowhere}" in message
    # Choosing accounts, it is simply not one of theirs.
    assert "Contact: 5 rows; 2 imported" in run_import(
        "salesforce", export, "--accounts", "Globex Corp"
    )


def test_files_over_the_limit_are_refused(export, settings, tmp_path):
    settings.KEYPLAN_IMPORT_MAX_BYTES = 500
    sizes = {name: (export / name).stat().st_size for name in ("Account.csv", "Contact.csv")}
    message = globex(export)
    for name, size in sizes.items():
        assert (
            f"{name}: the file is {size:,} bytes, over the import limit of 500 bytes "
            "(KEYPLAN_IMPORT_MAX_BYTES)." in message
        )
    assert "Event.csv" not in message  # under the limit
    # In a zip, each file's unpacked size counts.
    settings.KEYPLAN_IMPORT_MAX_BYTES = 2000
    header, rows = read_csv(export / "Contact.csv")
    rows += [{**rows[3], "Id": sf.sf_id("003", 100 + n)} for n in range(60)]
    write_csv(export / "Contact.csv", header, rows)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(export / "Contact.csv", "Contact.csv")
        zipped.write(export / "Account.csv", "Account.csv")
    assert archive.stat().st_size < 2000
    assert "export.zip: Contact.csv: the file is" in globex(archive)


def test_a_rule_broken_late_in_the_import_undoes_everything(export):
    # Globex imports first; Initech's revenue is past what keyplan stores.
    row = edit_csv(export / "Account.csv", {"Id": sf.INITECH}, AnnualRevenue="1e15")
    message = refused("salesforce", export, "--all")
    assert (
        f"Account.csv, object Account, row {row}, column M (AnnualRevenue), field "
        "annual_revenue: Ensure that there are no more than 14 digits in total." in message
    )


def test_an_unknown_account_name_is_refused_with_the_closest_names(export):
    message = refused("salesforce", export, "--accounts", "Globx Corp,Initech, Inc.")
    assert "Account.csv, object Account: no account is named “Globx Corp”. Did you mean: " \
        "Globex Corp, Globex Europe?" in message  # fmt: skip


def test_a_viewer_cannot_import(export):
    make_user("vic", Role.VIEWER)
    (export / "Product2.csv").unlink()
    message = globex(export, login="vic")
    assert "Account.csv, object Account, row 2: " in message


def test_a_kam_cannot_add_products_to_the_catalog(export):
    make_user("kay", Role.KAM)
    message = globex(export, login="kay")
    assert (
        "Product2.csv, object Product2, row 2: cannot add “Analytics Suite” to the catalog: "
        "Only an administrator can change the product." in message
    )


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("Account.Tier__c", "--map “Account.Tier__c” is not OBJECT.COLUMN=FIELD"),
        ("Contact.Power__c=power", "a Contact column cannot fill “power”; it can fill: title"),
        ("Lead.Rating=tier", "“Lead” is not an object whose columns can be mapped"),
        ("Account.Segment__c=tier", "--map names the column “Segment__c”, which this file"),
    ],
)
def test_a_bad_mapping_is_refused(export, mapping, message):
    assert message in globex(export, "--map", mapping)


def test_a_bad_mapped_value_is_named(export):
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, Tier__c="Platinum")
    assert (
        "Account.csv, object Account, row 2, column S (Tier__c), field tier: Tier__c "
        "“Platinum” is not one of: Tier 1, Tier 2, Tier 3." in globex(export, "--map",
                                                                     "Account.Tier__c=tier")
    )  # fmt: skip


def test_a_kam_cannot_change_an_account_of_someone_elses(export):
    run_import("salesforce", export, "--accounts", "Globex Corp")  # as the administrator
    make_user("kay", Role.KAM)
    edit_csv(export / "Contact.csv", {"Id": sf.HANK}, Title="Chairman")
    assert (
        "Account.csv, object Account, row 2, column C (Name), field name: keyplan's account "
        "“Globex Corp” is not one you may change." in globex(export, login="kay")
    )
