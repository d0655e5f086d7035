"""The import pages' uploads: a body over the limit is refused by its Content-Length
unread (413, nothing stored), only the CSV files the reader uses are kept, the
files of one upload together stay within KEYPLAN_IMPORT_MAX_TOTAL_BYTES, and each
user has one pending preview."""

import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import snapshot
from tests.exchange.crm import helpers
from tests.exchange.workbook.helpers import export


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def pending_files(data_dir, kind: str) -> list[str]:
    root = data_dir / "imports" / kind
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def export_zip(tmp_path):
    """The export as Salesforce zips it, with files the import never reads."""
    folder = helpers.salesforce_export(tmp_path / "export")
    archive = tmp_path / "WE_00D_1.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in folder.iterdir():
            zipped.write(path, path.name)
        zipped.writestr("Lead.csv", "Id,LastName\n00Q000000000001AAA,Nobody\n")
        zipped.writestr("Attachments/00P000000000001AAA/contract.pdf", b"%PDF-1.7" * 1000)
    return archive


def upload(client, *paths, **fields):
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]
    fields = {"vendor": "salesforce", "accounts": "Globex Corp", **fields}
    return client.post(reverse("crm-import"), {"files": files, **fields})


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_crm_upload_over_the_total_is_refused_unread(
    client, admin_user, export_zip, settings, data_dir, tmp_path
):
    settings.KEYPLAN_IMPORT_MAX_TOTAL_BYTES = 1000
    client.force_login(admin_user)
    large = tmp_path / "Account.csv"
    large.write_bytes(b"Id,Name\n" + b"001000000000001AAA,Globex\n" * 4000)
    before = snapshot()

    response = upload(client, large)

    assert response.status_code == 413
    assert "over the limit of 1,000 bytes (KEYPLAN_IMPORT_MAX_TOTAL_BYTES). It was not read, " \
        "and nothing was stored." in response.text  # fmt: skip
    assert snapshot() == before
    assert pending_files(data_dir, "crm") == []
    unread = client.generic(
        "POST", reverse("crm-import"), b"", "multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10**9), **{"wsgi.input": Unreadable()},
    )  # fmt: skip
    assert unread.status_code == 413
    assert "the upload is 1,000,000,000 bytes" in unread.text


def test_a_workbook_upload_over_the_limit_is_refused_unread(
    account, owner, settings, data_dir, tmp_path
):
    settings.KEYPLAN_IMPORT_MAX_BYTES = 1000
    client = Client()
    client.force_login(owner)
    path = export(account, tmp_path / "acme.xlsx")
    before = snapshot()

    response = client.post(
        reverse("plan-import", args=[account.pk]),
        {"workbook": SimpleUploadedFile("acme.xlsx", path.read_bytes() + b"\0" * 70_000)},
    )

    assert response.status_code == 413
    assert "over the limit of 1,000 bytes (KEYPLAN_IMPORT_MAX_BYTES)" in response.text
    assert snapshot() == before
    assert pending_files(data_dir, "xlsx") == []


def test_the_csrf_check_still_runs_after_the_size_check(admin_user, export_zip):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert upload(client, export_zip).status_code == 403


def test_only_the_csv_files_the_reader_uses_are_kept(client, admin_user, export_zip, data_dir):
    client.force_login(admin_user)

    preview = upload(client, export_zip)

    assert preview.status_code == 200
    kept = pending_files(data_dir, "crm")
    assert kept == sorted(p.name for p in (export_zip.parent / "export").iterdir())
    assert "Lead.csv" not in kept and "contract.pdf" not in kept
    applied = client.post(reverse("crm-import"), {"apply": "1", "token": preview.context["token"]})
    assert "Created the account Globex Corp" in applied.text
    assert pending_files(data_dir, "crm") == []


@pytest.mark.parametrize("zipped", [False, True], ids=["sent", "unpacked"])
def test_the_files_of_one_upload_together_stay_within_the_total(
    client, admin_user, settings, tmp_path, data_dir, zipped
):
    folder = helpers.salesforce_export(tmp_path / "export")
    files = [folder / "Account.csv", folder / "Contact.csv", folder / "Opportunity.csv"]
    together = sum(p.stat().st_size for p in files)
    settings.KEYPLAN_IMPORT_MAX_TOTAL_BYTES = together - 100
    if zipped:
        archive = tmp_path / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in files:
                out.write(path, path.name)
        assert archive.stat().st_size < together - 100
        files = [archive]
    client.force_login(admin_user)
    before = snapshot()

    response = upload(client, *files)

    assert response.status_code == 400
    how = "unpacked together" if zipped else "together"
    assert f"The upload: the files are {together:,} bytes {how}, over the limit of " \
        f"{together - 100:,} bytes for one upload (KEYPLAN_IMPORT_MAX_TOTAL_BYTES)." \
        in response.text  # fmt: skip
    assert snapshot() == before
    assert pending_files(data_dir, "crm") == []


def test_a_new_upload_replaces_the_users_pending_preview(
    client, admin_user, export_zip, data_dir, tmp_path
):
    client.force_login(admin_user)
    first = upload(client, export_zip).context["token"]
    other = Client()
    other.force_login(admin_user)  # the same user in another browser

    second = upload(other, export_zip, accounts="Initech, Inc.").context["token"]

    assert len(list((data_dir / "imports" / "crm").rglob("Account.csv"))) == 1
    stale = client.post(reverse("crm-import"), {"apply": "1", "token": first})
    assert stale.status_code == 400 and "This preview has expired" in stale.text
    assert not Account.objects.exists()
    applied = other.post(reverse("crm-import"), {"apply": "1", "token": second})
    assert "Created the account Initech, Inc." in applied.text


def test_another_users_pending_preview_is_left_alone(client, admin_user, export_zip, data_dir):
    client.force_login(admin_user)
    token = upload(client, export_zip).context["token"]
    colleague = Client()
    colleague.force_login(make_user("ada2", Role.ADMIN))

    assert upload(colleague, export_zip, accounts="Initech, Inc.").status_code == 200

    applied = client.post(reverse("crm-import"), {"apply": "1", "token": token})
    assert "Created the account Globex Corp" in applied.text
