"""The plan as an Excel workbook (openpyxl), and the blank template.

Every sheet comes from the layout, which the import reads with, so an exported
plan imports back unchanged. Enumerations get drop-downs fed from a hidden Lists
sheet (inline lists cannot hold labels with commas); the whitespace sheet draws the
business-unit x product grid in the cells' colours.
"""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from keyplan.accounts.models import Account
from keyplan.exchange.documents import document
from keyplan.exchange.values import Names, Text
from keyplan.exchange.workbook import stamps
from keyplan.exchange.workbook.accounts import parent_cell, signed_id
from keyplan.exchange.workbook.layout import (
    ACCOUNT_ID,
    CELLS,
    FORMS,
    GRID_SHEET,
    HEAT_MAP_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    PRODUCT_COLUMNS,
    PRODUCTS,
    PRODUCTS_SHEET,
    PROFILE,
    SHEET_ORDER,
    SUMMARY_SHEET,
    TABLES,
    USERS,
    Column,
)
from keyplan.growth.models import CELL_COLOURS, CellStatus, Product
from keyplan.team.models import User

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
READ_ONLY_FILL = PatternFill("solid", fgColor="EEEEEE")
TITLE_FONT = Font(bold=True, size=16)
COLOURS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "grey": "D9D9D9"}
MIN_VALIDATED_ROWS = 500


def export_plan(account: Account, out) -> None:
    """Write the plan of `account` to `out` (a path or a binary file), stamped with
    the moment and each record's version (stamps.py), taken before the plan is read."""
    taken = stamps.take(account)
    PlanWorkbook(document.build(account), account, taken).save(out)


def export_template(out) -> None:
    """Write the blank plan template, with its instructions, to `out`."""
    PlanWorkbook(None).save(out)


def write_value(cell, value) -> None:
    cell.value = value
    if isinstance(value, str):
        # Text that starts with "=" stays text: a workbook must not turn notes into formulas.
        cell.data_type = "s"


class PlanWorkbook:
    def __init__(
        self,
        plan: dict | None,
        account: Account | None = None,
        taken: stamps.Stamps | None = None,
    ):
        self.plan, self.account, self.stamps = plan, account, taken
        self.book = Workbook()
        self.book.remove(self.book.active)
        self.sheets = {name: self.book.create_sheet(name) for name in SHEET_ORDER}
        self.lists: dict[tuple, str] = {}  # drop-down values -> their range on Lists
        self.products = self._products()

    def save(self, out) -> None:
        self._summary()
        self._instructions()
        for form in FORMS:
            self._form(form)
        for table in TABLES:
            self._table(table)
        self._products_sheet()
        self._heat_map()
        self._grid()
        self.sheets[LISTS_SHEET].sheet_state = "hidden"
        if self.stamps:  # the template carries none
            stamps.write(self.book.create_sheet(stamps.STAMPS_SHEET), self.stamps)
        self.book.save(out)

    # ---- shared pieces

    def _products(self) -> list[Product]:
        """The catalog products the plan uses (all active ones for the template)."""
        if self.plan is None:
            return list(Product.objects.filter(active=True))
        names = {c["product"] for c in self.plan["whitespace"]["cells"]}
        names |= {line["product"] for c in self.plan["history"]["contracts"] for line in c["lines"]}
        return list(Product.objects.filter(name__in=names))

    def _list_range(self, values: tuple[str, ...]) -> str:
        if values not in self.lists:
            sheet = self.sheets[LISTS_SHEET]
            column = get_column_letter(len(self.lists) + 1)
            for row, value in enumerate(values, start=1):
                write_value(sheet[f"{column}{row}"], value)
            end = max(len(values), 1)
            self.lists[values] = f"{quote_sheetname(LISTS_SHEET)}!${column}$1:${column}${end}"
        return self.lists[values]

    def _validation(self, sheet, column: Column, cells: str) -> None:
        """A drop-down for enumerations (strict) and for names (a hint: new ones may
        be typed)."""
        if column.kind.labels:
            source, strict = self._list_range(column.kind.labels), True
        elif column.refers_to == USERS:
            usernames = tuple(
                User.objects.filter(is_active=True).values_list("username", flat=True)
            )
            source, strict = self._list_range(usernames), False
        elif column.refers_to == PRODUCTS:
            source, strict = f"{quote_sheetname(PRODUCTS_SHEET)}!$A$2:$A$1000", False
        else:
            named = next((t for t in TABLES if t.names == column.refers_to), None)
            if named is None or isinstance(column.kind, Names):
                return
            source, strict = f"{quote_sheetname(named.sheet)}!$A$2:$A$1000", False
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            error="Choose a value from the list." if strict else "This name is not on the list.",
        )
        validation.add(cells)
        sheet.add_data_validation(validation)

    def _header(self, sheet, row: int, columns: tuple[Column, ...]) -> None:
        for number, column in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=number, value=column.header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.help:
                cell.comment = Comment(column.help, "keyplan")
            sheet.column_dimensions[get_column_letter(number)].width = column.width
        sheet.freeze_panes = sheet.cell(row=row + 1, column=1)

    def _write(self, sheet, row: int, number: int, column: Column, value) -> None:
        cell = sheet.cell(row=row, column=number)
        write_value(cell, column.kind.to_cell(value))
        if column.kind.number_format:
            cell.number_format = column.kind.number_format
        if column.kind.wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.readonly:
            cell.fill = READ_ONLY_FILL

    # ---- sheets

    def _form(self, form) -> None:
        sheet = self.sheets[form.sheet]
        values = form.values(self.plan) if self.plan else {}
        if form is PROFILE and self.account is not None:
            # Accounts may share a name: the workbook says which one it is, and which
            # its parent is (see workbook/accounts.py).
            values[ACCOUNT_ID] = signed_id(self.account)
            values["parent"] = parent_cell(self.account)
        header = (Column("Field", "", Text(), 36), Column("Value", "", Text(), 60))
        self._header(sheet, 1, (*header, Column("About this field", "", Text(), 50)))
        for row, column in enumerate(form.fields, start=2):
            sheet.cell(row=row, column=1, value=column.header).font = Font(bold=True)
            self._write(sheet, row, 2, column, values.get(column.doc_key))
            sheet.cell(row=row, column=3, value=column.help or None)
            if column.kind.labels:
                self._validation(sheet, column, f"B{row}")
            if column.hidden:
                sheet.row_dimensions[row].hidden = True
        if any(column.hidden for column in form.fields):
            self._protect_hidden(sheet, form)

    def _protect_hidden(self, sheet, form) -> None:
        """Lock the hidden rows: every value cell but theirs stays editable, and rows and
        columns may still be resized (no password: this guards against slips only)."""
        for row, column in enumerate(form.fields, start=2):
            if not column.hidden:
                sheet.cell(row=row, column=2).protection = Protection(locked=False)
        sheet.protection.sheet = True
        sheet.protection.formatCells = False
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        sheet.protection.sort = False
        sheet.protection.autoFilter = False

    def _table(self, table) -> None:
        sheet = self.sheets[table.sheet]
        self._header(sheet, 1, table.columns)
        records = table.rows(self.plan) if self.plan else []
        for row, record in enumerate(records, start=2):
            for number, column in enumerate(table.columns, start=1):
                self._write(sheet, row, number, column, record.get(column.doc_key))
        last = max(MIN_VALIDATED_ROWS, len(records) + 200)
        for number, column in enumerate(table.columns, start=1):
            if not column.readonly:
                letter = get_column_letter(number)
                self._validation(sheet, column, f"{letter}2:{letter}{last}")
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(records) + 1}"

    def _products_sheet(self) -> None:
        sheet = self.sheets[PRODUCTS_SHEET]
        self._header(sheet, 1, PRODUCT_COLUMNS)
        for row, product in enumerate(self.products, start=2):
            for number, column in enumerate(PRODUCT_COLUMNS, start=1):
                self._write(sheet, row, number, column, getattr(product, column.field))

    def _summary(self) -> None:
        sheet = self.sheets[SUMMARY_SHEET]
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 60
        if self.plan is None:
            sheet["A1"] = "keyplan account plan template"
            sheet["A1"].font = TITLE_FONT
            sheet["A3"] = "Fill in the sheets (see Instructions), then run"
            sheet["A4"] = "keyplan import plan FILE.xlsx --dry-run"
            return
        plan = self.plan
        account, growth = plan["account"], plan["growth"]
        write_value(sheet["A1"], account["name"])
        sheet["A1"].font = TITLE_FONT
        open_risks = [r for r in plan["risks"] if r["status"] in ("open", "mitigating")]
        next_touch = next(
            (t for t in plan["cadence"]["touchpoints"] if t["status"] == "planned"), None
        )
        open_actions = [a for a in plan["actions"] if a["status"] in ("open", "in_progress")]
        heat = plan["heat_map"]["counts"]
        rows = [
            ("Tier", account["tier"]),
            ("Customer or prospect", account["relationship"]),
            ("Owner", account["owner_name"]),
            ("Industry", plan["profile"]["industry"]),
            ("Current ARR", plan["history"]["current_arr"]),
            ("Target ARR", growth["target_arr"]),
            ("Target date", growth["target_date"]),
            ("Open whitespace", plan["whitespace"]["open_value"]),
            ("Stakeholders", len(plan["stakeholders"])),
            ("Heat map", f"{heat['green']} green, {heat['yellow']} yellow, {heat['red']} red"),
            ("Growth plays", len(growth["plays"])),
            ("Open risks", len(open_risks)),
            ("Open actions", len(open_actions)),
            (
                "Next touchpoint",
                f"{next_touch['date']} {next_touch['title']}" if next_touch else "-",
            ),
            ("Growth thesis", growth["thesis"]),
            ("Exported", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ]
        for number, (label, value) in enumerate(rows, start=3):
            sheet.cell(row=number, column=1, value=label).font = Font(bold=True)
            cell = sheet.cell(row=number, column=2)
            write_value(cell, float(value) if hasattr(value, "as_tuple") else value)
            if isinstance(value, int | float) and label != "Tier":
                cell.number_format = "#,##0"
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        note = len(rows) + 4
        sheet.cell(row=note, column=1, value="This sheet is a summary; the import ignores it.")

    def _instructions(self) -> None:
        sheet = self.sheets[INSTRUCTIONS_SHEET]
        sheet.column_dimensions["A"].width = 110
        lines = [
            "How to fill in this workbook",
            "",
            "One workbook holds the plan of one account. An exported workbook updates the "
            "account it came from (a hidden, locked row of '1 Profile' says which), even "
            "renamed; a filled-in template creates the account it names, or updates the one "
            "account of that name.",
            "Each numbered sheet is a section of the plan (DESIGN.md section 2); SWOT, "
            "Objectives, Actions, Health and Selection follow.",
            "On a table sheet each row is one record under the header row. Do not rename "
            "headers; extra columns are ignored.",
            "Rows are matched to the plan by their first columns (a stakeholder by name, a "
            "cell by business unit and product). A row that is gone from a sheet is removed "
            "from the plan; a sheet that is gone leaves its section as it is.",
            "An exported workbook remembers when it was made (a hidden, locked 'Stamps' "
            "sheet). What keyplan added or changed since is never removed or overwritten "
            "by it: the check lists such records as conflicts and keeps them, and a change "
            "made here to one of them refuses the import (export the plan again).",
            "Pick enumerations (role, power, stage, ...) from the drop-downs. Dates are "
            "YYYY-MM-DD; amounts are plain numbers, never negative.",
            "People on our side are named by their keyplan login; stakeholders, business "
            "units, plays and objectives by the names on their own sheets.",
            "Products must be in the catalog (or listed on 'Products', which an "
            "administrator's import adds to the catalog).",
            "Grey columns, 'Summary', '4 Heat map' and '5 Whitespace' are drawn from the "
            "plan and not read back.",
            "",
            "Check first: keyplan import plan FILE.xlsx --dry-run",
            "Then apply:  keyplan import plan FILE.xlsx",
            "Nothing is written unless the whole workbook is valid.",
        ]
        for row, line in enumerate(lines, start=1):
            cell = sheet.cell(row=row, column=1, value=line)
            cell.alignment = Alignment(wrap_text=True)
        sheet["A1"].font = TITLE_FONT

    def _heat_map(self) -> None:
        sheet = self.sheets[HEAT_MAP_SHEET]
        sheet["A1"] = "Relationship heat map (drawn from the stakeholders; not read back)"
        sheet["A1"].font = Font(bold=True)
        columns = ("Stakeholder", "Power", "Relationship strength", "Colour")
        for number, header in enumerate(columns, start=1):
            cell = sheet.cell(row=2, column=number, value=header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            sheet.column_dimensions[get_column_letter(number)].width = 24
        sheet.freeze_panes = "A3"
        if self.plan is None:
            return
        heat = self.plan["heat_map"]
        write_value(sheet["F1"], heat["rule"])
        for row, dot in enumerate(heat["stakeholders"], start=3):
            values = (dot["name"], dot["power"], dot["strength_label"], dot["colour"])
            for number, value in enumerate(values, start=1):
                write_value(sheet.cell(row=row, column=number), value)
            sheet.cell(row=row, column=4).fill = PatternFill(
                "solid", fgColor=COLOURS.get(dot["colour"], "FFFFFF")
            )

    def _grid(self) -> None:
        """Business units down, products across; each cell in its status colour."""
        sheet = self.sheets[GRID_SHEET]
        sheet["A1"] = (
            "Whitespace: business units x products (drawn from '5 Whitespace cells'; edit that "
            "sheet)"
        )
        sheet["A1"].font = Font(bold=True)
        sheet.column_dimensions["A"].width = 24
        units = [u["name"] for u in self.plan["whitespace"]["business_units"]] if self.plan else []
        products = [p.name for p in self.products]
        for number, name in enumerate(products, start=2):
            cell = sheet.cell(row=2, column=number)
            write_value(cell, name)  # a product named "=..." is a name, not a formula
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True)
            sheet.column_dimensions[get_column_letter(number)].width = 18
        cells = {}
        if self.plan:
            cells = {
                (c["business_unit"], c["product"]): c for c in self.plan["whitespace"]["cells"]
            }
        labels = dict(CellStatus.choices)
        for row, unit in enumerate(units, start=3):
            write_value(sheet.cell(row=row, column=1), unit)
            sheet.cell(row=row, column=1).font = Font(bold=True)
            for number, product in enumerate(products, start=2):
                cell_data = cells.get((unit, product))
                if cell_data is None:
                    continue
                value = cell_data["estimated_value"]
                caption = labels[cell_data["status"]]
                if value:
                    caption += f"\n{value:,.0f}"
                cell = sheet.cell(row=row, column=number, value=caption)
                cell.fill = PatternFill("solid", fgColor=COLOURS[CELL_COLOURS[cell_data["status"]]])
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        legend = len(units) + 4
        for offset, (status, colour) in enumerate(CELL_COLOURS.items()):
            cell = sheet.cell(row=legend + offset, column=1, value=labels[status])
            cell.fill = PatternFill("solid", fgColor=COLOURS[colour])
        sheet.freeze_panes = "B3"
        self._colour_cells_sheet()

    def _colour_cells_sheet(self) -> None:
        """Colour the status column of the cells sheet by its value, also as it is edited."""
        sheet = self.sheets[CELLS.sheet]
        number = next(i for i, c in enumerate(CELLS.columns, start=1) if c.field == "status")
        letter = get_column_letter(number)
        labels = dict(CellStatus.choices)
        for status, colour in CELL_COLOURS.items():
            sheet.conditional_formatting.add(
                f"{letter}2:{letter}{MIN_VALIDATED_ROWS}",
                FormulaRule(
                    formula=[f'${letter}2="{labels[status]}"'],
                    fill=PatternFill("solid", bgColor=COLOURS[colour]),
                ),
            )
