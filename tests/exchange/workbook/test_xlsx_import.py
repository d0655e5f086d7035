"""`keyplan import plan`: a dry run says per section what would change, applying does
exactly that, and bad workbooks are refused with the place of the problem, leaving
the database exactly as it was."""

import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from keyplan.demo import novatech
from keyplan.exchange.workbook.export import export_template
from keyplan.relationships.models import Stakeholder
from keyplan.risks.models import Risk
from tests.exchange.conftest import plan_show, snapshot
from tests.exchange.fuzz_helpers import needs_newer_zip
from tests.exchange.workbook.helpers import column_of, edit, export, row_of


def run_import(path, *options, login="admin") -> str:
    out = StringIO()
    call_command("import", "plan", str(path), "--as", login, *options, stdout=out)
    return out.getvalue()


def refused(path, *options, login="admin") -> str:
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run_import(path, *options, login=login)
    assert snapshot() == before, "a refused import changed the database"
    return str(error.value)


@pytest.fixture
def workbook(sample, tmp_path):
    return export(sample, tmp_path / "novatech.xlsx")


@pytest.fixture
def edited(workbook):
    """Sarah Lin turned cold, one risk row gone, a new stakeholder added."""
    edit(workbook, "3 Stakeholders", "Sarah Lin", "Relationship strength", "Cold")
    book = load_workbook(workbook)
    risks = book["7 Risks"]
    risks.delete_rows(row_of(risks, "A competitor pitching Engineering directly"))
    people = book["3 Stakeholders"]
    new = people.max_row + 1
    people[f"A{new}"] = "Ana Ruiz"
    people[f"{column_of(people, 'Role')}{new}"] = "Technical buyer"
    people[f"{column_of(people, 'Reports to')}{new}"] = "Sarah Lin"
    book.save(workbook)
    return workbook


def test_a_dry_run_lists_the_changes_per_section_and_changes_nothing(edited):
    before = snapshot()

    output = run_import(edited, "--dry-run")

    assert snapshot() == before
    assert (
        "3. Stakeholders: 1 created (Ana Ruiz), 1 changed (Sarah Lin: Relationship strength)"
        in (output)
    )
    assert "7. Risks: 1 removed (A competitor pitching Engineering directly)" in output
    assert "Dry run: nothing was changed." in output


def test_applying_makes_exactly_the_changes_the_dry_run_listed(edited):
    dry = run_import(edited, "--dry-run").replace("Dry run: nothing was changed.\n", "")
    before = plan_show(novatech.NAME)

    applied = run_import(edited)

    assert applied.strip() == dry.strip()
    after = plan_show(novatech.NAME)
    people = {s["name"]: s for s in after["stakeholders"]}
    assert people["Sarah Lin"]["strength_label"] == "Cold"
    assert people["Ana Ruiz"]["reports_to"] == "Sarah Lin"
    assert people["Ana Ruiz"]["role"] == "technical_buyer"
    assert len(after["risks"]) == len(before["risks"]) - 1
    # The rest of the plan is as it was.
    for key in ("objectives", "actions", "whitespace", "cadence", "history", "profile"):
        assert after[key] == before[key]
    assert "Nothing to change" in run_import(edited, "--dry-run")


def test_the_template_filled_in_creates_a_plan(novatech_users, tmp_path):
    path = tmp_path / "template.xlsx"
    export_template(path)
    book = load_workbook(path)
    assert {"Instructions", "1 Profile", "3 Stakeholders", "5 Whitespace"} <= set(book.sheetnames)
    profile = book["1 Profile"]
    profile["B2"] = "Globex"
    team = book["1 Team"]
    team["A2"], team[f"{column_of(team, 'Role')}2"] = "kam", "Owner"
    people = book["3 Stakeholders"]
    people["A2"], people[f"{column_of(people, 'Power')}2"] = "Hank Scorpio", "High"
    book.save(path)

    output = run_import(path, login="kam")

    assert "Created the account Globex" in output
    plan = plan_show("Globex")
    assert plan["account"]["owner"] == "kam"
    assert plan["account"]["source"] == "excel"
    assert [(s["name"], s["power"]) for s in plan["stakeholders"]] == [("Hank Scorpio", "high")]


# ---- bad input: each names the place and changes nothing


def test_a_file_that_is_not_a_workbook_is_refused(novatech_users, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("name,title\nSarah Lin,VP Ops\n")
    assert "plan.xlsx: this is not an Excel workbook (.xlsx)." in refused(path)
    newer = tmp_path / "newer.xlsx"
    export_template(newer)
    newer.write_bytes(needs_newer_zip(newer.read_bytes()))
    assert "newer.xlsx: this is not an Excel workbook (.xlsx)." in refused(newer)
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "Excel 97-2003 (.xls)" in refused(old)


def test_a_missing_required_column_is_named(workbook):
    book = load_workbook(workbook)
    people = book["3 Stakeholders"]
    people["A1"] = "Full name"
    book.save(workbook)
    message = refused(workbook)
    assert (
        "novatech.xlsx, sheet “3 Stakeholders”, row 1, column (Name): "
        "the required column “Name” is missing" in message
    )


def test_a_bad_enumeration_is_named_with_its_row_column_and_choices(workbook):
    row, letter = edit(workbook, "3 Stakeholders", "Sarah Lin", "Role", "Boss")
    message = refused(workbook)
    assert (
        f"novatech.xlsx, sheet “3 Stakeholders”, row {row}, column {letter} (Role), field role: "
        "Role “Boss” is not one of: Economic buyer, Technical buyer" in message
    )


def test_a_bad_date_is_named(workbook):
    row, letter = edit(
        workbook, "Actions", "Prepare the 3-year renewal proposal", "Due date", "soon"
    )
    message = refused(workbook)
    assert f"sheet “Actions”, row {row}, column {letter} (Due date), field due_date" in message
    assert "“soon” is not a date (write it as YYYY-MM-DD)" in message


def test_negative_money_is_refused(workbook):
    row, letter = edit(workbook, "7 Risks", "Renewal inside a quarter with no agreed pricing",
                       "ARR at risk", -5000)  # fmt: skip
    message = refused(workbook)
    assert f"sheet “7 Risks”, row {row}, column {letter} (ARR at risk)" in message
    assert "negative" in message


def test_a_reference_to_nobody_is_refused(workbook):
    row, letter = edit(workbook, "3 Stakeholders", "Sarah Lin", "Reports to", "Nobody Atall")
    message = refused(workbook)
    assert (
        f"sheet “3 Stakeholders”, row {row}, column {letter} (Reports to), field reports_to: "
        "no stakeholder is named “Nobody Atall” on the “3 Stakeholders” sheet." in message
    )


def test_an_unknown_login_is_refused(workbook):
    row, letter = edit(workbook, "Actions", "Prepare the 3-year renewal proposal", "Owner", "zed")
    assert (
        f"row {row}, column {letter} (Owner), field owner: no keyplan user has the login “zed”"
        in (refused(workbook))
    )


def test_a_rule_broken_late_in_the_workbook_undoes_everything(workbook):
    # Earlier sheets change (a title), then an action is "done" without a date.
    edit(workbook, "3 Stakeholders", "Sarah Lin", "Title", "COO")
    row, _ = edit(workbook, "Actions", "Prepare the 3-year renewal proposal", "Status", "Done")
    completed = column_of(load_workbook(workbook)["Actions"], "Completed on")
    message = refused(workbook)
    assert (
        f"sheet “Actions”, row {row}, column {completed} (Completed on), field completed_on: "
        "A done action needs the date it was completed." in message
    )
    assert Stakeholder.objects.get(name="Sarah Lin").title != "COO"


def test_a_file_over_the_limit_is_refused(workbook, settings):
    settings.KEYPLAN_IMPORT_MAX_BYTES = 10_000
    message = refused(workbook)
    assert "novatech.xlsx: the file is" in message
    assert "over the import limit of 10,000 bytes (KEYPLAN_IMPORT_MAX_BYTES)" in message


def test_macro_enabled_workbooks_are_refused(workbook, tmp_path):
    xlsm = tmp_path / "plan.xlsm"
    xlsm.write_bytes(workbook.read_bytes())
    assert "plan.xlsm: this is a macro-enabled workbook" in refused(xlsm)
    # Renamed to .xlsx, the macros are still found inside.
    hidden = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(hidden, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        target.writestr("xl/vbaProject.bin", b"\0" * 64)
    assert "renamed.xlsx: this workbook contains macros (vbaProject.bin)" in refused(hidden)


def test_a_viewer_cannot_import_into_a_plan(workbook):
    edit(workbook, "3 Stakeholders", "Sarah Lin", "Title", "COO")
    message = refused(workbook, login="viewer")
    assert "You may read this plan but not change it" in message
    assert Risk.objects.exists()


def test_the_owner_reimporting_an_unchanged_export_changes_nothing(workbook):
    before = snapshot()
    assert "Nothing to change: the plan already matches the workbook." in run_import(
        workbook, login="kam"
    )
    assert snapshot() == before


def test_only_an_administrator_adds_products_to_the_catalog(workbook):
    book = load_workbook(workbook)
    products = book["Products"]
    new = products.max_row + 1
    products[f"A{new}"] = "Quantum Widgets"
    cells = book["5 Whitespace cells"]
    cells.append(["Engineering", "Quantum Widgets", "Open (unsold)", 1000])
    book.save(workbook)

    message = refused(workbook, login="kam")

    assert f"sheet “Products”, row {new}: cannot add “Quantum Widgets” to the catalog" in message
    output = run_import(workbook, "--dry-run", login="admin")
    assert "Products (catalog): 1 created (Quantum Widgets)" in output
    assert "5. Whitespace: 1 created (Engineering / Quantum Widgets)" in output


def test_a_new_owner_in_the_team_sheet_hands_the_plan_over(workbook):
    from keyplan.accounts.models import Handoff

    edit(workbook, "1 Team", "kam", "User", "maria")

    output = run_import(workbook, login="leader")

    assert "owner" in output.lower()
    record = Handoff.objects.get()
    assert (record.previous_owner.username, record.new_owner.username) == ("kam", "maria")
    plan = plan_show(novatech.NAME)
    assert plan["account"]["owner"] == "maria"
    # The Team sheet says who is on the team: Alex, no longer listed, has left it.
    assert "kam" not in {m["user"] for m in plan["account"]["team"]}
