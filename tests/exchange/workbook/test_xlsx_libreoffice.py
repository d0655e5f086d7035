"""A plan workbook opened and saved by LibreOffice Calc imports as the same plan.

Needs `soffice` (Debian: libreoffice-calc-nogui). Without it the test is skipped,
unless KEYPLAN_REQUIRE_LIBREOFFICE=1 (CI), where a missing LibreOffice fails."""

import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.demo import novatech
from keyplan.exchange.workbook.stamps import STAMPS_SHEET
from keyplan.relationships.models import Stakeholder
from tests.exchange.conftest import empty_the_plans, plan_show
from tests.exchange.workbook.helpers import export
from tests.exchange.workbook.test_xlsx_accounts import PROFILE, profile_row, set_profile
from tests.exchange.workbook.test_xlsx_import import run_import


@pytest.fixture
def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("KEYPLAN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def resave(soffice: str, source, tmp_path):
    """What Calc writes when a person opens the workbook and saves it as .xlsx."""
    out = tmp_path / "resaved"
    profile = tmp_path / "lo-profile"  # its own profile: parallel runs do not collide
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / source.name


def test_a_workbook_resaved_by_libreoffice_imports_the_same_plan(soffice, sample, tmp_path):
    before = plan_show(novatech.NAME)
    source = export(sample, tmp_path / "novatech.xlsx")

    resaved = resave(soffice, source, tmp_path)

    assert resaved.read_bytes() != source.read_bytes()
    assert run_import(resaved, "--dry-run").count("Nothing to change") == 1
    empty_the_plans()
    run_import(resaved)
    assert plan_show(novatech.NAME) == before


def test_the_hidden_account_id_survives_libreoffice_and_still_finds_the_renamed_plan(
    soffice, sample, tmp_path
):
    twin = account_services.create_account(by=sample.owner, name=novatech.NAME)
    source = export(sample, tmp_path / "novatech.xlsx")
    exported = load_workbook(source)[PROFILE]

    resaved = resave(soffice, source, tmp_path)

    book = load_workbook(resaved)
    row = profile_row(book, "keyplan id")
    assert book[PROFILE].row_dimensions[row].hidden
    assert book[PROFILE][f"B{row}"].protection.locked
    assert book[PROFILE][f"B{row}"].value == exported[f"B{row}"].value
    set_profile(resaved, "Account name", "NovaTech Americas")
    run_import(resaved, login="kam")
    assert Account.objects.get(pk=sample.pk).name == "NovaTech Americas"
    assert Account.objects.get(pk=twin.pk).name == novatech.NAME


def test_the_stamps_survive_libreoffice_and_still_keep_what_was_added_since(
    soffice, sample, tmp_path
):
    source = export(sample, tmp_path / "novatech.xlsx")
    exported = list(load_workbook(source)[STAMPS_SHEET].values)

    resaved = resave(soffice, source, tmp_path)

    sheet = load_workbook(resaved)[STAMPS_SHEET]
    assert sheet.sheet_state == "hidden"
    assert sheet.protection.sheet
    assert [row[2] for row in sheet.values] == [row[2] for row in exported]
    services.create(Stakeholder, by=sample.owner, account=sample, name="Nina Park")
    output = run_import(resaved, login="kam")
    assert "Nina Park: added in keyplan by Alex Morgan on " in output
    assert Stakeholder.objects.filter(account=sample, name="Nina Park").exists()
