"""A workbook import saves a suspect value as given, flags its record and says so in
its report, naming the record; a workbook that leaves the value as it was says
nothing of it."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from keyplan.risks.models import Risk
from tests.exchange.workbook.helpers import edit, export


def run_import(path, *options) -> str:
    out = StringIO()
    call_command("import", "plan", str(path), "--as", "admin", *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def workbook(sample, tmp_path):
    return export(sample, tmp_path / "novatech.xlsx")


@pytest.fixture
def a_risk(sample):
    return Risk.objects.filter(account=sample).order_by("pk").first()


def test_a_typo_at_risk_is_imported_flagged_and_reported(workbook, a_risk):
    edit(workbook, "7 Risks", a_risk.title, "ARR at risk", 999999999999)

    output = run_import(workbook)

    stored = Risk.objects.get(pk=a_risk.pk)
    assert stored.arr_at_risk == Decimal("999999999999")
    assert "arr_at_risk" in stored.value_checks
    assert "1 value to check, kept as given and flagged on the plan:" in output
    assert (
        f"Check this value: risk “{a_risk.title}”, ARR at risk: $999,999,999,999 at risk is "
        "more than the account's ARR"
    ) in output


def test_a_dry_run_reports_the_value_to_check_and_flags_nothing(workbook, a_risk):
    edit(workbook, "7 Risks", a_risk.title, "ARR at risk", 999999999999)

    output = run_import(workbook, "--dry-run")

    assert "1 value to check, kept as given and flagged on the plan:" in output
    assert "Dry run: nothing was changed." in output
    assert Risk.objects.get(pk=a_risk.pk).value_checks == a_risk.value_checks


def test_an_unchanged_workbook_reports_no_value_to_check(workbook):
    output = run_import(workbook)

    assert "to check" not in output
    assert "Nothing to change" in output
