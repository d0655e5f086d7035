"""Editing an exported workbook the way a person would in Excel."""

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from keyplan.exchange.workbook.export import export_plan


def export(account, path):
    export_plan(account, path)
    return path


def column_of(sheet, header: str) -> str:
    for cell in sheet[1]:
        if cell.value == header:
            return get_column_letter(cell.column)
    raise KeyError(header)


def row_of(sheet, first_value) -> int:
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == first_value:
            return row[0].row
    raise KeyError(first_value)


def edit(path, sheet_name: str, first_value, header: str, value) -> tuple[int, str]:
    """Set one cell (the row whose first column holds `first_value`); returns its row
    and column letter."""
    book = load_workbook(path)
    sheet = book[sheet_name]
    row, letter = row_of(sheet, first_value), column_of(sheet, header)
    sheet[f"{letter}{row}"] = value
    book.save(path)
    return row, letter
