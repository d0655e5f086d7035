"""Refusing a hostile workbook before openpyxl parses any of it.

openpyxl builds each row of a sheet whole, and the styles and other parts whole, so
a workbook of a few hundred KB whose XML unpacks into millions of cells would take
gigabytes. Here each part's unpacked size is capped (relative to the file, and
absolutely), then every XML part openpyxl would parse is streamed through expat,
keeping only counts: a cell past a sheet's columns, a row past MAX_ROWS, more than
MAX_CELLS cells or a part of too many elements refuses the workbook, naming the
sheet. Worksheets the import does not read are skipped, as openpyxl skips them.
"""

import posixpath
import zipfile
import zlib
from xml.parsers import expat

from openpyxl.utils import column_index_from_string, get_column_letter

from keyplan.exchange.problems import ImportRefused, Problem

EXTRA_COLUMNS = 26  # columns of one's own notes beside the layout's
MAX_ROWS = 100_000  # of one sheet
MAX_CELLS = 1_000_000  # in all the sheets the import reads
ROW_ELEMENTS = 20  # for each column of a row: the cell, its value, rich text runs
PART_ELEMENTS = 200_000  # of a part openpyxl parses whole (styles, relations, ...)
PART_RATIO = 100  # a part unpacks to at most this many times the file's size ...
PART_FLOOR = 4 * 1024 * 1024  # ... or this, for small files
PART_MAX = 128 * 1024 * 1024  # and never more than this
CHUNK = 64 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class _Refused(Exception):
    def __init__(self, message: str, **where):
        super().__init__(message)
        self.message, self.where = message, where


def check_workbook(archive: zipfile.ZipFile, name: str, size: int, widths: dict[str, int]):
    """Refuse `archive` (a workbook of `size` bytes called `name`) if any part is too
    large or any sheet named in `widths` (sheet -> the layout's columns) too wide or
    long. Returns nothing; raises ImportRefused."""
    entries = [e for e in archive.infolist() if not e.is_dir()]
    limit = min(max(size * PART_RATIO, PART_FLOOR), PART_MAX)
    sheets = _sheet_parts(archive)
    try:
        for entry in entries:
            sheet = sheets.get(entry.filename)
            if entry.file_size > limit:  # zipfile never reads past an entry's stated size
                raise _Refused(
                    f"its part “{entry.filename}” unpacks to {entry.file_size:,} bytes, far "
                    f"more than a workbook of {size:,} bytes holds; it is not imported.",
                    sheet=sheet,
                )
        counter = _Counter()
        for entry in entries:
            sheet = sheets.get(entry.filename)
            if not entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            if sheet is not None and sheet not in widths:
                continue  # a sheet the import does not read; openpyxl leaves it alone
            width = widths.get(sheet, 0) + EXTRA_COLUMNS if sheet else 0
            counter.scan(archive, entry, sheet, width)
    except _Refused as refusal:
        raise ImportRefused([Problem(name, refusal.message, **refusal.where)]) from None


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The worksheet parts by path, each with its sheet's name (workbook.xml names the
    sheets, its relations say where each is)."""
    sheets: dict[str, str] = {}  # relation id -> sheet name
    targets: dict[str, str] = {}  # relation id -> part

    def sheet(tag, attrs):
        if tag == f"{MAIN} sheet":
            sheets[attrs.get(f"{RELATIONS} id", "")] = attrs.get("name", "")

    def relation(tag, attrs):
        if tag.endswith(" Relationship") and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            targets[attrs.get("Id", "")] = posixpath.normpath(path)

    names = set(archive.namelist())
    for part, handler in (("xl/workbook.xml", sheet), ("xl/_rels/workbook.xml.rels", relation)):
        if part in names and archive.getinfo(part).file_size <= PART_FLOOR:
            try:
                parser = _parser()
                parser.StartElementHandler = handler
                parser.Parse(archive.read(part), True)
            except Exception:  # any fault: the scan below or openpyxl names it
                pass
    return {targets[key]: title for key, title in sheets.items() if key in targets}


def _parser():
    parser = expat.ParserCreate(namespace_separator=" ")

    def doctype(*args):
        raise _Refused(
            "a part of it declares a DOCTYPE, which a workbook never does; it is not imported."
        )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


class _Counter:
    """Counts as one part streams by: elements, and in a sheet's data its rows and
    cells (the cells over every sheet read)."""

    def __init__(self):
        self.cells = 0

    def cell(self, sheet, width: int, row: int, column: int) -> None:
        self.cells += 1
        if column > width:
            raise _Refused(
                f"this cell is past the {width} columns keyplan reads from the sheet; "
                f"clear the columns after {get_column_letter(width)}.",
                sheet=sheet,
                row=row,
                column=get_column_letter(column),
            )
        if row > MAX_ROWS:
            raise _Refused(
                f"the sheet goes on past row {MAX_ROWS:,}, more than keyplan reads.",
                sheet=sheet,
                row=row,
            )
        if self.cells > MAX_CELLS:
            raise _Refused(
                f"the workbook holds more than {MAX_CELLS:,} cells in the sheets keyplan "
                "reads; it is not imported.",
                sheet=sheet,
            )

    def scan(self, archive, entry, sheet: str | None, width: int) -> None:
        parser = _parser()
        elements = limit = 0
        in_data = False
        row = column = in_row = 0
        where = {"sheet": sheet} if sheet else {}
        part = entry.filename

        def start(tag, attrs):
            nonlocal elements, in_data, row, column, limit, in_row
            local = tag.rsplit(" ", 1)[-1]
            if in_data:
                if local == "row":
                    row, column, in_row = _number(attrs.get("r"), row + 1), 0, 0
                elif local == "c":
                    column = _column(attrs.get("r"), column + 1)
                    self.cell(sheet, width, row, column)
                in_row += 1  # openpyxl builds each row whole: a cell's rich text counts
                if in_row > ROW_ELEMENTS * width:
                    raise _Refused(
                        f"this row holds more than {ROW_ELEMENTS * width:,} XML elements; "
                        "it is not imported.",
                        sheet=sheet,
                        row=row,
                    )
                return
            in_data = bool(width) and local == "sheetData"
            if not elements:  # the string table holds a string or two for each cell
                limit = 2 * MAX_CELLS if local == "sst" else PART_ELEMENTS
            elements += 1
            if elements > limit:
                raise _Refused(
                    f"its part “{part}” holds more than {limit:,} XML elements; "
                    "it is not imported.",
                    **where,
                )

        def end(tag):
            nonlocal in_data
            if tag.endswith(" sheetData"):
                in_data = False

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        try:
            with archive.open(entry) as stream:
                while chunk := stream.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _Refused(
                f"its part “{part}” is not well-formed XML ({expat.errors.messages[exc.code]}, "
                f"line {exc.lineno}).",
                **where,
            ) from None
        except (
            zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError,
        ) as exc:  # fmt: skip
            raise _Refused(f"its part “{part}” cannot be read ({exc}).", **where) from None


def _number(text: str | None, implied: int) -> int:
    try:
        return int(text) if text else implied
    except ValueError:
        return implied


def _column(reference: str | None, implied: int) -> int:
    letters = (reference or "").rstrip("0123456789")
    try:
        return column_index_from_string(letters) if letters else implied
    except ValueError:
        return implied
