"""Export a plan to Excel, import it into an empty database, export again: the same plan."""

from io import StringIO

from django.core.management import call_command

from keyplan.demo import novatech
from tests.exchange.conftest import empty_the_plans, plan_show
from tests.exchange.workbook.helpers import edit


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_import_export_gives_the_same_plan(sample, tmp_path):
    before = plan_show(novatech.NAME)
    first = tmp_path / "novatech.xlsx"
    run("export", novatech.NAME, "--format", "xlsx", "--out", str(first))
    empty_the_plans()

    output = run("import", "plan", str(first), "--as", "admin")

    assert "Created the account NovaTech" in output
    assert plan_show(novatech.NAME) == before
    second = tmp_path / "again.xlsx"
    run("export", novatech.NAME, "--out", str(second))
    assert plan_show(novatech.NAME) == before
    assert "Nothing to change" in run("import", "plan", str(second), "--dry-run", "--as", "admin")


def test_a_name_typed_over_beside_a_login_changes_nothing(sample, tmp_path):
    path = tmp_path / "novatech.xlsx"
    run("export", novatech.NAME, "--format", "xlsx", "--out", str(path))
    edit(path, "1 Team", "kam", "User (name)", "Somebody Else")

    assert "Nothing to change" in run("import", "plan", str(path), "--dry-run", "--as", "admin")
