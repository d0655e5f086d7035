"""Hostile and odd CRM files: a million-column header, a row of a million commas, a
zip of nothing, a zip whose file unpacks far past the zip's size are refused with a
message saying so and change nothing; a byte-order mark changes nothing at all.
(Not UTF-8, not CSV and not an export: test_salesforce_refusals.py.)"""

import zipfile

import pytest

from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import read_csv, refused, run_import, write_csv


@pytest.fixture
def export(tmp_path, admin_user):
    return sf.salesforce_export(tmp_path / "export")


@pytest.fixture
def hubspot(tmp_path, admin_user):
    return sf.hubspot_export(tmp_path / "hubspot")


def zipped(folder, archive, *, only=None):
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.iterdir()):
            if only is None or path.name in only:
                out.write(path, path.name)
    return archive


def test_a_million_column_header_is_refused(export, hubspot):
    wide = ",".join(f"Column{n}" for n in range(1_000_000)) + "\n"
    (export / "Contact.csv").write_text(wide)
    hubspot["contacts"].write_text(wide)

    assert (
        "Contact.csv, object Contact, row 1: the header row has more than 2,000 columns; no CRM "
        "export has so many. Is this an export?"
        in refused("salesforce", export, "--accounts", "Globex Corp")
    )
    assert (
        f"{hubspot['contacts'].name}, object HubSpot export, row 1: the header row has more "
        "than 2,000 columns" in refused("hubspot", *hubspot.values(), "--all")
    )


def test_a_row_of_a_million_commas_is_refused(export):
    path = export / "Opportunity.csv"
    path.write_text(path.read_text() + "," * 1_000_000 + "\n")

    assert (
        "Opportunity.csv, object Opportunity, row 6: this row has more than 100,000 commas; "
        "it is not a CRM export's row." in refused("salesforce", export, "--all")
    )


@pytest.mark.parametrize("vendor", ["salesforce", "hubspot"])
def test_a_zip_of_nothing_is_refused(tmp_path, admin_user, vendor):
    empty = zipped(tmp_path, tmp_path / "empty.zip")  # the folder is empty yet
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "readme.txt").write_text("the export is on the share drive")
    (notes / ".Account.csv").write_text("Id,Name\n")
    of_notes = zipped(notes, tmp_path / "notes.zip")

    for archive in (empty, of_notes):
        assert (
            f"{archive.name}: this zip holds no CSV files; upload the export's own .zip, or its "
            ".csv files." in refused(vendor, archive, "--all")
        )


def test_a_zipped_file_unpacking_far_past_the_zip_is_refused(export, tmp_path):
    header, rows = read_csv(export / "Contact.csv")
    write_csv(export / "Contact.csv", header, rows + [{}] * 500_000)  # commas and line ends
    archive = zipped(export, tmp_path / "export.zip", only={"Account.csv", "Contact.csv"})
    unpacked = zipfile.ZipFile(archive).getinfo("Contact.csv").file_size
    assert unpacked > 4 * 1024 * 1024 and archive.stat().st_size < 100_000

    assert (
        f"export.zip: Contact.csv: this file unpacks to {unpacked:,} bytes, far more than a zip "
        f"of {archive.stat().st_size:,} bytes holds; it is not imported."
        in refused("salesforce", archive, "--accounts", "Globex Corp")
    )


def test_files_with_a_byte_order_mark_import_as_without(tmp_path, admin_user):
    plain = sf.salesforce_export(tmp_path / "plain" / "export")
    marked = sf.salesforce_export(tmp_path / "marked" / "export")
    for path in marked.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        path.write_text("\ufeff" + text, encoding="utf-8")
    assert (marked / "Contact.csv").read_bytes().startswith(b"\xef\xbb\xbfId,")

    previewed = run_import("salesforce", marked, "--all", "--dry-run")

    assert previewed == run_import("salesforce", plain, "--all", "--dry-run")
    assert "Would create the account Globex Corp" in previewed
