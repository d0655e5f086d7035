"""Structural problems refuse a Salesforce export whole: not an export, a file that
cannot be read, a required column missing, accounts that cannot be chosen, a record
the user may not change. The message names the file, object, row and column, and
the database is exactly as it was (helpers.refused compares it before and after).
A bad value is a warning instead (test_salesforce_warnings.py)."""

import zipfile

import pytest

from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import read_csv, refused, run_import, write_csv
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


def test_a_crm_record_of_another_team_refuses_the_import_naming_nothing(export):
    run_import("salesforce", export, "--accounts", "Initech, Inc.")  # the administrator's
    make_user("kay", Role.KAM)
    (export / "Product2.csv").unlink()  # a KAM may not add to the catalog
    # Globex and Globex Europe are written first; Initech, last, undoes them.
    message = refused("salesforce", export, "--all", login="kay")
    assert "Account.csv, object Account, row 4: this CRM record is managed by another team." in (
        message
    )
    assert "Initech" not in message
