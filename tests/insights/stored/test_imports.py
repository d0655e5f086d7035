"""Imports keep the stored figures current, recomputing each plan once per import."""

from io import StringIO

import pytest
from django.core.management import call_command

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.demo import novatech
from keyplan.insights.stored import keep, read, upkeep
from tests.exchange.crm import helpers as sf
from tests.exchange.workbook.helpers import edit, export

pytestmark = pytest.mark.kept_figures


@pytest.fixture
def recomputations(monkeypatch):
    """The batches of accounts recomputed, in order."""
    batches = []
    recompute = keep.recompute

    def counted(ids, today):
        batches.append(sorted(ids))
        return recompute(ids, today)

    monkeypatch.setattr(keep, "recompute", counted)
    return batches


def every_account_current() -> bool:
    return read.current(Account.objects.all(), clock.today())


def test_a_salesforce_import_recomputes_each_plan_once(admin_user, tmp_path, recomputations):
    sf.run_import("salesforce", sf.sample_copy(tmp_path), "--all")

    accounts = sorted(Account.objects.values_list("pk", flat=True))
    assert len(accounts) == 22
    assert recomputations == [accounts]  # one batch, at the end of the import
    assert every_account_current()
    assert upkeep.drift() == []


def test_a_dry_run_import_leaves_no_figures(admin_user, tmp_path):
    sf.run_import("salesforce", sf.sample_copy(tmp_path), "--all", "--dry-run")
    assert not Account.objects.exists()
    assert upkeep.drift() == []


def test_a_workbook_import_keeps_the_plan_s_figures_current(novatech_users, tmp_path):
    sample = Account.objects.get(name=novatech.NAME)
    upkeep.rebuild(clock.today())
    workbook = export(sample, tmp_path / "novatech.xlsx")
    edit(workbook, "3 Stakeholders", "Sarah Lin", "Relationship strength", "Cold")
    before = Account.objects.get(pk=sample.pk).plan_version

    call_command("import", "plan", str(workbook), "--as", "admin", stdout=StringIO())

    assert Account.objects.get(pk=sample.pk).plan_version > before  # the plan did move
    assert every_account_current()
    assert upkeep.drift() == []
