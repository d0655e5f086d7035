"""Imports and syncs on the trail: an applied import (its preview is not one) with
what it changed, from the pages and the commands."""

import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.audit.conftest import HERE, events, only, signed_in_client
from tests.exchange.crm import helpers
from tests.exchange.crm.test_crm_pages import upload as upload_crm
from tests.exchange.workbook.helpers import edit, export
from tests.exchange.workbook.test_xlsx_pages import upload as upload_workbook


def test_a_workbook_import_is_recorded_when_applied_not_when_previewed(
    account, champion, member, tmp_path
):
    client = signed_in_client(member)
    path = export(account, tmp_path / "acme.xlsx")
    edit(path, "3 Stakeholders", "Sarah Lin", "Title", "COO")

    preview = upload_workbook(client, account, path)

    assert preview.status_code == 200
    assert events("import") == []
    token = preview.context["token"]
    applied = client.post(reverse("plan-import", args=[account.pk]), {"apply": "1", "token": token})
    assert applied.status_code == 302
    event = only("import")
    assert (event.actor, event.address, event.target_id) == (member, HERE, str(account.pk))
    assert event.details == {"source": "workbook", "file": "acme.xlsx", "changes": 1}


def test_the_import_command_records_a_workbook_as_the_user_named(
    account, champion, admin_user, tmp_path
):
    path = export(account, tmp_path / "acme.xlsx")
    edit(path, "3 Stakeholders", "Sarah Lin", "Title", "COO")
    call_command("import", "plan", str(path), "--as", "ada", "--dry-run", stdout=StringIO())
    assert events("import") == []

    call_command("import", "plan", str(path), "--as", "ada", stdout=StringIO())

    event = only("import")
    assert (event.actor, event.target_label) == (admin_user, "Acme Corp")


@pytest.fixture
def export_zip(tmp_path):
    folder = helpers.salesforce_export(tmp_path / "export")
    archive = tmp_path / "WE_00D_1.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, path.name)
    return archive


def test_a_crm_import_page_records_the_applied_export_with_its_counts(admin_user, export_zip):
    client = signed_in_client(admin_user)
    preview = upload_crm(client, export_zip, accounts="Globex Corp")
    assert preview.status_code == 200
    assert events("import") == []

    client.post(reverse("crm-import"), {"apply": "1", "token": preview.context["token"]})

    event = only("import")
    assert (event.actor, event.address) == (admin_user, HERE)
    assert event.details["source"] == "Salesforce"
    assert event.details["accounts"] == ["Globex Corp"]
    assert event.details["created"] > 0


def test_the_crm_import_command_is_recorded(admin_user, tmp_path):
    folder = helpers.salesforce_export(tmp_path / "export")

    helpers.run_import("salesforce", folder, "--accounts", "Globex Corp")

    event = only("import")
    assert (event.actor, event.details["accounts"]) == (admin_user, ["Globex Corp"])
