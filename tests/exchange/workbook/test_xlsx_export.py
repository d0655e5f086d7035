"""`keyplan export`: the workbook a KAM opens in Excel, and the JSON document."""

import json
from io import StringIO

from django.core.management import call_command
from openpyxl import load_workbook

from keyplan.demo import novatech
from keyplan.growth.models import Product
from tests.exchange.conftest import plan_show
from tests.exchange.workbook.helpers import column_of, row_of


def export(tmp_path, *args):
    call_command("export", *args, stdout=StringIO())


def validation_values(book, sheet, cell: str) -> list:
    """The drop-down's choices for `cell` (they live on the hidden Lists sheet)."""
    for validation in book[sheet].data_validations.dataValidation:
        if cell in validation.sqref:
            source = validation.formula1.split("!")[1].replace("$", "")
            return [c.value for row in book["Lists"][source] for c in row]
    return []


def test_the_workbook_follows_the_plan(sample, tmp_path):
    path = tmp_path / "novatech.xlsx"
    export(tmp_path, novatech.NAME, "--format", "xlsx", "--out", str(path))
    book = load_workbook(path)

    names = book.sheetnames
    assert names[:3] == ["Summary", "Instructions", "1 Profile"]
    sections = [n for n in names if n[0].isdigit()]
    assert [int(n[0]) for n in sections] == sorted(int(n[0]) for n in sections)
    assert {"SWOT", "Objectives", "Actions"} <= set(names)
    assert book["Lists"].sheet_state == "hidden"

    people = book["3 Stakeholders"]
    assert people.freeze_panes == "A2"
    role = column_of(people, "Role")
    assert people[f"{role}{row_of(people, 'Sarah Lin')}"].value == "Champion"
    assert "Economic buyer" in validation_values(book, "3 Stakeholders", f"{role}2")
    stage = column_of(book["6 Plays"], "Stage")
    assert validation_values(book, "6 Plays", f"{stage}2")[:3] == [
        "Idea",
        "In conversation",
        "Active opportunity",
    ]
    assert people.column_dimensions["A"].width > 10


def test_the_whitespace_sheet_is_the_coloured_grid(sample, tmp_path):
    path = tmp_path / "novatech.xlsx"
    export(tmp_path, novatech.NAME, "--out", str(path))
    grid = load_workbook(path)["5 Whitespace"]
    products = {c.value: c.column for c in grid[2] if c.value}
    units = {row[0].value: row[0].row for row in grid.iter_rows(min_row=3) if row[0].value}

    open_cell = grid.cell(units["Engineering"], products["Analytics"])
    sold_cell = grid.cell(units["Operations"], products["Core Platform"])

    assert open_cell.value == "Open (unsold)\n45,000"
    assert open_cell.fill.fgColor.rgb.endswith("FFC7CE")  # red
    assert sold_cell.value.startswith("Sold and live")
    assert sold_cell.fill.fgColor.rgb.endswith("C6EFCE")  # green


def test_the_summary_sheet_tells_the_plan_at_a_glance(sample, tmp_path):
    path = tmp_path / "novatech.xlsx"
    export(tmp_path, novatech.NAME, "--out", str(path))
    summary = {
        row[0].value: row[1].value
        for row in load_workbook(path)["Summary"].iter_rows(min_row=3)
        if row[0].value
    }
    plan = plan_show(novatech.NAME)
    assert summary["Open whitespace"] == plan["whitespace"]["open_value"]
    assert summary["Stakeholders"] == len(plan["stakeholders"])
    assert summary["Owner"] == "Alex Morgan"  # read by people, not read back


def test_json_is_the_plan_show_document(sample, tmp_path):
    path = tmp_path / "novatech.json"
    export(tmp_path, novatech.NAME, "--format", "json", "--out", str(path))
    assert json.loads(path.read_text()) == plan_show(novatech.NAME)


def test_the_template_is_blank_with_instructions(novatech_users, tmp_path):
    path = tmp_path / "template.xlsx"
    export(tmp_path, "--template", "--out", str(path))
    book = load_workbook(path)
    assert "Instructions" in book.sheetnames
    instructions = "\n".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row)
    assert "keyplan import plan FILE.xlsx --dry-run" in instructions
    assert book["3 Stakeholders"].max_row == 1  # headers only
    assert book["1 Profile"]["B2"].value is None


def test_people_are_named_beside_their_login(sample, tmp_path):
    path = tmp_path / "novatech.xlsx"
    export(tmp_path, novatech.NAME, "--format", "xlsx", "--out", str(path))
    book = load_workbook(path)

    team = book["1 Team"]
    kam = row_of(team, "kam")  # the login, which the import reads back
    assert team[f"{column_of(team, 'User (name)')}{kam}"].value == "Alex Morgan"
    actions = book["Actions"]
    row = row_of(actions, novatech.NEXT_ACTION)
    assert actions[f"{column_of(actions, 'Owner')}{row}"].value == "kam"
    assert actions[f"{column_of(actions, 'Owner (name)')}{row}"].value == "Alex Morgan"


def test_a_product_named_like_a_formula_is_text_in_the_grid(novatech_users, tmp_path):
    name = '=HYPERLINK("http://evil.example","Open")'
    Product.objects.create(name=name, active=True)
    path = tmp_path / "template.xlsx"
    export(tmp_path, "--template", "--out", str(path))

    header = {c.value: c for c in load_workbook(path)["5 Whitespace"][2]}

    assert header[name].data_type == "s"  # Excel shows the name; it runs nothing
