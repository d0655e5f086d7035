"""Reading a plan workbook: from a file to checked rows of plain values.

The file is refused before openpyxl opens it when it is too large, not a zipped
workbook, an old .xls or macro-enabled, or when its XML would unpack into far more
than a plan holds (guard.py streams it first). Then every sheet of the layout is
read cell by cell (the others are never parsed); every bad value is reported with
its sheet, row and column, all at once, and nothing is written (apply.py writes,
from the records read here).
"""

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.exchange.workbook.guard import EXTRA_COLUMNS, check_workbook
from keyplan.exchange.workbook.layout import FORMS, PRODUCT_COLUMNS, PRODUCTS_SHEET, PROFILE, TABLES
from keyplan.exchange.workbook.stamps import STAMPS_SHEET, Stamps, read_stamps

MAX_PROBLEMS = 50
UNPACK_RATIO = 20  # a workbook unpacking to more than this many times the limit is a zip bomb
# The sheets the import reads, each with the columns the export writes to it (a form:
# label, value, help).
WIDTHS = {
    **{form.sheet: 3 for form in FORMS},
    **{table.sheet: len(table.columns) for table in TABLES},
    PRODUCTS_SHEET: len(PRODUCT_COLUMNS),
    STAMPS_SHEET: 3,
}


@dataclass
class SheetRecord:
    """One record read from a sheet: the model's values by field, and where each
    came from (a table row, or the rows of a form sheet)."""

    file: str
    sheet: str
    number: int | None
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # field -> row, col, hdr

    def problem(self, message: str, field_name: str | None = None) -> Problem:
        row, letter, header = self.cells.get(field_name, (self.number, None, None))
        return Problem(
            self.file,
            message,
            sheet=self.sheet,
            row=row,
            column=letter,
            header=header,
            field=field_name,
        )


@dataclass
class Incoming:
    """A workbook as read: the account's own fields (forms merged into one row) and
    the rows of each table sheet present. A missing sheet leaves its section alone."""

    file: str
    account: SheetRecord
    tables: dict[str, list[SheetRecord]]
    products: list[SheetRecord] | None
    missing: list[str]
    # When the workbook was made and what it showed; none for a template (stamps.py).
    stamps: Stamps = field(default_factory=Stamps)


def read_plan(source, name: str | None = None, *, max_bytes: int | None = None) -> Incoming:
    """Read the plan workbook at `source` (a path or a binary file); `name` is what
    messages call it. Raises ImportRefused naming every problem."""
    if name is None:
        name = Path(getattr(source, "name", None) or str(source)).name
    data = _checked_bytes(source, name, max_bytes or settings.KEYPLAN_IMPORT_MAX_BYTES)
    sheets = _cell_values(data, name)
    return Reader(name, sheets).read()


def _refuse(name: str, message: str):
    raise ImportRefused([Problem(name, message)])


def _checked_bytes(source, name: str, max_bytes: int) -> bytes:
    if hasattr(source, "read"):
        data = source.read(max_bytes + 1)
        size = len(data) if len(data) <= max_bytes else getattr(source, "size", len(data))
    else:
        size = os.path.getsize(source)
        data = b"" if size > max_bytes else Path(source).read_bytes()
    if size > max_bytes:
        _refuse(
            name,
            f"the file is {size:,} bytes, over the import limit of {max_bytes:,} bytes "
            "(KEYPLAN_IMPORT_MAX_BYTES).",
        )
    if name.lower().endswith((".xlsm", ".xltm", ".xlam")):
        _refuse(name, "this is a macro-enabled workbook; keyplan imports only .xlsx files.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse(
            name,
            "this is an Excel 97-2003 (.xls) or password-protected workbook; "
            "save it as an Excel workbook (.xlsx) without a password.",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        # NotImplementedError: a damaged header asks for a zip version none can read.
        _refuse(name, "this is not an Excel workbook (.xlsx).")
    names = {entry.filename.lower() for entry in entries}
    if any(n.endswith("vbaproject.bin") for n in names):
        _refuse(name, "this workbook contains macros (vbaProject.bin); save it as .xlsx.")
    try:
        types = archive.read("[Content_Types].xml") if "[content_types].xml" in names else b""
    except Exception:  # any unreadable entry means a broken file
        types = b""
    if b"macroEnabled" in types:
        _refuse(name, "this is a macro-enabled workbook; save it as .xlsx.")
    if "xl/workbook.xml" not in names:
        kind = "an OpenDocument file" if "content.xml" in names else "not an Excel workbook"
        _refuse(name, f"this is {kind}; save it as an Excel workbook (.xlsx).")
    if sum(entry.file_size for entry in entries) > max_bytes * UNPACK_RATIO:
        _refuse(name, "this workbook unpacks to far more than its size; it is not imported.")
    check_workbook(archive, name, len(data), WIDTHS)
    return data


def _cell_values(data: bytes, name: str) -> dict[str, list[tuple]]:
    """The cell values of each sheet the import reads (openpyxl's read-only reader;
    formulas give their last computed value)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        _refuse(name, f"the workbook could not be read ({type(exc).__name__}: {exc}).")
    sheets = {}
    try:
        for title in book.sheetnames:
            if title not in WIDTHS:
                continue
            rows, empty = [], 0
            width = WIDTHS[title] + EXTRA_COLUMNS
            for values in book[title].iter_rows(max_col=width, values_only=True):
                rows.append(values)
                empty = empty + 1 if all(_blank(v) for v in values) else 0
                if empty > 1000:
                    break
            sheets[title] = rows
    except Exception as exc:  # a damaged sheet fails while it is read
        _refuse(name, f"the workbook could not be read ({type(exc).__name__}: {exc}).")
    finally:
        book.close()
    return sheets


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _label(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


class Reader:
    def __init__(self, file: str, sheets: dict[str, list[tuple]]):
        self.file, self.sheets = file, sheets
        self.problems: list[Problem] = []

    def problem(self, message: str, **where) -> None:
        self.problems.append(Problem(self.file, message, **where))

    def read(self) -> Incoming:
        account = SheetRecord(self.file, PROFILE.sheet, None)
        missing = []
        for form in FORMS:
            if form.sheet in self.sheets:
                self._form(form, account)
            elif form is PROFILE:
                self.problem(
                    f"the sheet “{PROFILE.sheet}” is missing; it names the account. "
                    "Start from `keyplan export --template`."
                )
            else:
                missing.append(form.sheet)
        if "name" not in account.values and PROFILE.sheet in self.sheets:
            self.problem("the account name is missing.", sheet=PROFILE.sheet, header="Account name")
        tables = {}
        for table in TABLES:
            if table.sheet in self.sheets:
                tables[table.sheet] = self._table(table.sheet, table.writable, table)
            else:
                missing.append(table.sheet)
        products = None
        if PRODUCTS_SHEET in self.sheets:
            products = self._table(PRODUCTS_SHEET, PRODUCT_COLUMNS, None)
        if self.problems:
            raise ImportRefused(self.problems[:MAX_PROBLEMS])
        shown = read_stamps(self.sheets.get(STAMPS_SHEET, []))
        return Incoming(self.file, account, tables, products, missing, shown)

    def _form(self, form, account: SheetRecord) -> None:
        by_label = {_label(c.header): c for c in form.fields}
        for number, values in enumerate(self.sheets[form.sheet], start=1):
            label = _label(values[0] if values else None)
            column = by_label.get(label)
            if column is None or number == 1:
                continue
            raw = values[1] if len(values) > 1 else None
            account.cells[column.field] = (number, "B", column.header)
            try:
                account.values[column.field] = column.kind.parse(raw)
            except ValueError as exc:
                self.problem(
                    f"{column.header} {exc}.",
                    sheet=form.sheet,
                    row=number,
                    column="B",
                    header=column.header,
                    field=column.field,
                )

    def _table(self, sheet: str, columns, table) -> list[SheetRecord]:
        rows = self.sheets[sheet]
        header = rows[0] if rows else ()
        positions: dict[str, int] = {}
        by_label = {_label(c.header): c for c in columns}
        for index, text in enumerate(header):
            column = by_label.get(_label(text))
            if column is None:
                continue
            if column.field in positions:
                self.problem(
                    f"the column “{column.header}” appears twice.",
                    sheet=sheet,
                    row=1,
                    column=get_column_letter(index + 1),
                    header=column.header,
                )
            positions[column.field] = index
        key = table.key if table else ("name",)
        absent = [c for c in columns if c.field not in positions and (c.required or c.field in key)]
        for column in absent:
            self.problem(
                f"the required column “{column.header}” is missing from the header row.",
                sheet=sheet,
                row=1,
                header=column.header,
            )
        if absent:
            return []
        read, seen = [], {}
        for number, values in enumerate(rows[1:], start=2):
            if all(_blank(v) for v in values):
                continue
            row = SheetRecord(self.file, sheet, number)
            for column in columns:
                if column.field not in positions:
                    continue
                index = positions[column.field]
                raw = values[index] if index < len(values) else None
                letter = get_column_letter(index + 1)
                row.cells[column.field] = (number, letter, column.header)
                try:
                    row.values[column.field] = column.kind.parse(raw)
                except ValueError as exc:
                    self.problems.append(row.problem(f"{column.header} {exc}.", column.field))
            if table is None or table.unique:
                identity = tuple(row.values.get(k) for k in key)
                if identity in seen and None not in identity:
                    self.problems.append(
                        row.problem(
                            f"repeats row {seen[identity]} "
                            f"({', '.join(map(str, identity))}); each row needs its own.",
                            key[0],
                        )
                    )
                seen.setdefault(identity, number)
            read.append(row)
        return read
