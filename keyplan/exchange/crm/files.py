"""Reading a CRM's CSV export: from a folder, a zip or files to checked rows.

Both vendors' readers (salesforce/, hubspot/) read through here. A file is
refused before it is parsed when it is over KEYPLAN_IMPORT_MAX_BYTES (in a zip,
also when it unpacks to far more than the zip's size), not UTF-8 (with or without
a byte-order mark) or not CSV, and while it is parsed when a row grows past the
columns an export has (a million-column header never becomes a million strings);
then every value a vendor module
asks for is parsed by a kind (values.py, shared with the workbook import) and every
problem is reported at once, by file, object, row and column, before anything is
written. Rows are numbered as a spreadsheet shows them: the header is row 1, and a
quoted value with line breaks stays in its row.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import timezone
from openpyxl.utils import get_column_letter

from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.exchange.values import Integer, Kind, Number, Text, YesNo
from keyplan.exchange.writer import own_field

MAX_PROBLEMS = 50
UNPACK_RATIO = 20  # a zip unpacking to more than this many times the limit is a zip bomb
MEMBER_RATIO = 100  # a file of a zip unpacks to at most this many times the zip's size ...
MEMBER_FLOOR = 4 * 1024 * 1024  # ... or this, for small zips
FIELD_LIMIT = 1024 * 1024  # characters in one value (Salesforce's long text holds 131,072)
MAX_COLUMNS = 2_000  # in a header (Salesforce allows 800 custom fields an object)
MAX_SEPARATORS = 100_000  # commas in one row, quoted ones too (its values are strings)


class Problems:
    """Problems gathered while reading: structural ones (`add`) refuse the import at
    `check()`; a bad value (`warn`) is left out and reported, and the rest imports."""

    def __init__(self):
        self.found: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.found.append(problem)

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)

    def __bool__(self) -> bool:
        return bool(self.found)

    def check(self) -> None:
        if self.found:
            raise ImportRefused(self.found[:MAX_PROBLEMS])


def refuse(file: str, message: str, **where) -> NoReturn:
    raise ImportRefused([Problem(file, message, **where)])


# ---- where a value came from


@dataclass
class Place:
    """A row of a CSV file, and the column each value of its record came from, so a
    problem found later (a model rule, a reference) names the cell."""

    file: str
    object: str
    row: int | None
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> letter, header
    # The values keyplan could not store as the CRM gave them: (column, value), kept
    # in the record's CRM notes.
    left_out: list[tuple[str, str]] = field(default_factory=list)

    def problem(
        self, message: str, field_name: str | None = None, *, value: str | None = None
    ) -> Problem:
        where = self.cells.get(field_name) if field_name else None
        letter, header = where or (None, None)
        return Problem(
            self.file,
            message,
            object=self.object,
            row=self.row,
            column=letter,
            header=header,
            field=field_name if field_name in self.cells else None,
            value=value,
        )

    def leave_out(self, problems: "Problems", message: str, field_name: str, raw: str) -> None:
        """Warn that the value `raw` of `field_name` is not imported as given; the
        record keeps it in its CRM notes."""
        header = self.cells[field_name][1] if field_name in self.cells else field_name
        self.left_out.append((header, raw))
        problems.warn(self.problem(message, field_name, value=raw))


# ---- the files of an export


@dataclass
class CsvFile:
    name: str  # as messages call it: "Contact.csv"
    size: int
    _read: Any = None

    def read(self) -> bytes:
        return self._read()


def list_files(paths, *, max_bytes: int | None = None) -> tuple[str, list[CsvFile]]:
    """The CSV files of an export: each path is a folder, a zip or a CSV file.
    Returns what to call the export and its files; refuses a missing path, a broken
    zip and any file over the import limit."""
    limit = max_bytes or settings.KEYPLAN_IMPORT_MAX_BYTES
    paths = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
    files: list[CsvFile] = []
    for path in paths:
        if path.is_dir():
            entries = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
            files += [_disk_file(p, limit) for p in entries if p.is_file()]
        elif path.is_file() and zipfile.is_zipfile(path):
            files += _zip_files(path, limit)
        elif path.is_file():
            files.append(_disk_file(path, limit))
        else:
            refuse(path.name or str(path), "there is no such file or folder.")
    large = [Problem(f.name, _too_large(f.size, limit)) for f in files if f.size > limit]
    if large:
        raise ImportRefused(large)
    folders = {p.parent for p in paths}
    name = paths[0].name if len(paths) == 1 else next(iter(folders)).resolve().name
    if len(folders) > 1:
        name = ", ".join(p.name for p in paths)
    return name, files


def _too_large(size: int, limit: int) -> str:
    return (
        f"the file is {size:,} bytes, over the import limit of {limit:,} bytes "
        "(KEYPLAN_IMPORT_MAX_BYTES)."
    )


def _read_capped(handle, limit: int) -> bytes:
    """At most limit + 1 bytes, read a chunk at a time (read(n) would set aside n bytes
    whatever the file's size)."""
    data = bytearray()
    while len(data) <= limit:
        chunk = handle.read(min(1 << 20, limit + 1 - len(data)))
        if not chunk:
            break
        data += chunk
    return bytes(data)


def _disk_file(path: Path, limit: int) -> CsvFile:
    size = path.stat().st_size

    def read() -> bytes:
        with path.open("rb") as handle:
            data = _read_capped(handle, limit)
        if len(data) > limit:  # grew since it was listed
            refuse(path.name, _too_large(len(data), limit))
        return data

    return CsvFile(path.name, size, read)


def _zip_files(path: Path, limit: int) -> list[CsvFile]:
    size = path.stat().st_size
    if size > limit:
        refuse(path.name, _too_large(size, limit))
    try:
        archive = zipfile.ZipFile(path)
        entries = [e for e in archive.infolist() if not e.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        # NotImplementedError: a damaged header asks for a zip version none can read.
        refuse(path.name, "this zip file is damaged; download the export again.")
    if sum(e.file_size for e in entries) > limit * UNPACK_RATIO:
        refuse(path.name, "this zip unpacks to far more than its size; it is not imported.")
    files = []
    for entry in sorted(entries, key=lambda e: e.filename):
        if not is_csv(entry.filename):
            continue
        name = f"{path.name}: {entry.filename}"
        if entry.file_size > max(size * MEMBER_RATIO, MEMBER_FLOOR):
            # zipfile never reads past an entry's stated size, so it is the most read.
            refuse(
                name,
                f"this file unpacks to {entry.file_size:,} bytes, far more than a zip of "
                f"{size:,} bytes holds; it is not imported.",
            )

        def read(entry=entry, name=name) -> bytes:
            try:
                with archive.open(entry) as handle:
                    data = _read_capped(handle, limit)
            except (
                zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError,
                NotImplementedError,
            ) as exc:  # fmt: skip
                refuse(name, f"this file of the zip cannot be read ({exc}).")
            if len(data) > limit:  # the entry's stated size was wrong
                refuse(name, _too_large(len(data), limit))
            return data

        files.append(CsvFile(name, entry.file_size, read))
    if not files:
        refuse(
            path.name,
            "this zip holds no CSV files; upload the export's own .zip, or its .csv files.",
        )
    return files


def is_csv(name: str) -> bool:
    """A CSV file of an export, by its name ("data/Contact.csv"; not "__MACOSX/._x.csv")."""
    inner = name.replace("\\", "/").rsplit("/", 1)[-1]
    return inner.lower().endswith(".csv") and not inner.startswith(".")


def base_name(file: CsvFile) -> str:
    """ "Contact" for "export.zip: data/Contact.csv"."""
    return file.name.rsplit("/", 1)[-1].rsplit(": ", 1)[-1].rsplit(".", 1)[0]


# ---- one CSV file


@dataclass
class CsvTable:
    file: str
    object: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, values)
    positions: dict[str, int]  # lower-cased header -> index
    _cells: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    def has(self, header: str) -> bool:
        return header.lower() in self.positions

    def first(self, *headers: str) -> str | None:
        """The first of `headers` the file has (as the file spells it)."""
        for header in headers:
            if header.lower() in self.positions:
                return self.header[self.positions[header.lower()]]
        return None

    def one_of(self, *headers: str) -> str:
        """The first of `headers` the file has, where it must have one (see require)."""
        found = self.first(*headers)
        if found is None:
            raise KeyError(f"{self.file} has none of the columns {headers}")
        return found

    def value(self, values: list[str], header: str | None) -> str:
        if header is None:
            return ""
        index = self.positions.get(header.lower())
        if index is None or index >= len(values):
            return ""
        return values[index].strip()

    def cell(self, header: str) -> tuple[str, str]:
        """The column's letter and header, as a problem names them."""
        key = header.lower()
        if key not in self._cells:
            index = self.positions[key]
            self._cells[key] = (get_column_letter(index + 1), self.header[index])
        return self._cells[key]

    def problem(
        self, row: int | None, message: str, header: str | None = None, field_name=None
    ) -> Problem:
        letter = None
        if header is not None and header.lower() in self.positions:
            letter, header = self.cell(header)
        return Problem(
            self.file,
            message,
            object=self.object,
            row=row,
            column=letter,
            header=header,
            field=field_name,
        )

    def require(self, problems: Problems, *headers: str | tuple[str, ...]) -> bool:
        """Each of `headers` (or one of a tuple of alternatives) must be a column."""
        ok = True
        for wanted in headers:
            options = wanted if isinstance(wanted, tuple) else (wanted,)
            if self.first(*options) is None:
                shown = " or ".join(f"“{o}”" for o in options)
                problems.add(
                    Problem(
                        self.file,
                        f"the required column {shown} is missing from the header row; "
                        f"is this a {self.object} export?",
                        object=self.object,
                        row=1,
                    )
                )
                ok = False
        return ok


class _TooWide(Exception):
    pass


def _bounded(text: str, commas: list[int], header):
    """The lines of `text` for csv.reader, counting the commas of the row being read
    (`commas`, reset by the caller at each row): a row past MAX_SEPARATORS, or a header
    past MAX_COLUMNS, stops before csv makes its values."""
    for line in io.StringIO(text, newline=""):
        commas[0] += line.count(",")
        if commas[0] > (MAX_SEPARATORS if header() is not None else MAX_COLUMNS - 1):
            raise _TooWide
        yield line


def read_table(file: CsvFile, object_name: str, *, data: bytes | None = None) -> CsvTable:
    """Parse one CSV file into rows of text. Refuses a file that is not UTF-8 CSV."""
    data = file.read() if data is None else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        refuse(
            file.name,
            f"this is not UTF-8 text (byte {data[exc.start]:#04x} at row {row}); "
            "export it again as UTF-8 CSV.",
            object=object_name,
        )
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        refuse(
            file.name,
            f"this is not a CSV file (it holds binary data at row {row}).",
            object=object_name,
        )
    previous = csv.field_size_limit()
    csv.field_size_limit(FIELD_LIMIT)
    records: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    number = 0
    commas = [0]  # in the row being read
    try:
        reader = csv.reader(_bounded(text, commas, lambda: header), strict=True)
        for values in reader:
            number += 1
            commas[0] = 0
            if header is None:
                header = [v.strip() for v in values]
                continue
            if not any(v.strip() for v in values):
                continue
            records.append((number, values))
    except _TooWide:
        if header is None:
            refuse(
                file.name,
                f"the header row has more than {MAX_COLUMNS:,} columns; no CRM export has "
                "so many. Is this an export?",
                object=object_name,
                row=1,
            )
        refuse(
            file.name,
            f"this row has more than {MAX_SEPARATORS:,} commas; it is not a CRM export's row.",
            object=object_name,
            row=number + 1,
        )
    except csv.Error as exc:
        refuse(
            file.name,
            f"this is not a well-formed CSV file ({exc}).",
            object=object_name,
            row=number + 1,
        )
    finally:
        csv.field_size_limit(previous)
    if not header or not any(header):
        refuse(file.name, "the file is empty; it has no header row.", object=object_name)
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name and name.lower() not in positions:
            positions[name.lower()] = index
    table = CsvTable(file.name, object_name, header, [], positions)
    problems = Problems()
    for number, values in records:
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            problems.add(
                table.problem(
                    number,
                    f"this row has {len(values)} values but the header has {len(header)} "
                    "columns; is a value with a comma or a line break missing its quotes?",
                )
            )
            continue
        table.rows.append((number, values))
    problems.check()
    return table


# ---- kinds of values a CRM writes (beyond those of values.py)


class Moment(Kind):
    """A CRM timestamp (2024-07-11T21:22:07.000+0000, 2024-07-11 21:22, or a date),
    read as the day it was in the organisation's time zone."""

    def __init__(self, *, required=False):
        self.blank = NotImplemented if required else None

    def read(self, raw):
        text = str(raw).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(
                f"“{text}” is not a date and time (like 2024-07-11T21:22:07.000+0000)"
            ) from exc
        if moment.tzinfo is None:
            return moment.date()
        return timezone.localtime(moment).date()


class Percent(Kind):
    """A probability: 0-100, or a fraction of 1 when `fractions` (HubSpot writes 0.2)."""

    blank = None

    def __init__(self, *, fractions=False):
        self.fractions = fractions

    def read(self, raw):
        number = Number().read(str(raw).strip().rstrip("%"))
        if self.fractions and number <= 1 and "%" not in str(raw):
            number *= 100
        if number > 100:
            raise ValueError(f"{raw} is above 100%")
        return int(number.to_integral_value())


class Email(Kind):
    blank = ""

    def read(self, raw):
        text = str(raw).strip()
        try:
            validate_email(text)
        except ValidationError as exc:
            raise ValueError(f"“{text}” is not an email address") from exc
        return text


class Website(Kind):
    """A web address; a CRM often leaves out the scheme (www.example.com)."""

    blank = ""

    def read(self, raw):
        text = str(raw).strip()
        address = text if "://" in text else f"https://{text}"
        try:
            URLValidator()(address)
        except ValidationError as exc:
            raise ValueError(f"“{text}” is not a web address") from exc
        return address


class Cut(ValueError):
    """A text too long for its field: `value` is what fits."""

    def __init__(self, message: str, value: str):
        super().__init__(message)
        self.value = value


class Limited(Text):
    """Text that fits its model field; a longer one is cut to fit (raising Cut)."""

    def __init__(self, limit: int | None, *, required=False):
        super().__init__(required=required)
        self.limit = limit

    def read(self, raw):
        text = str(raw).strip()
        if self.limit and len(text) > self.limit:
            raise Cut(
                f"is {len(text):,} characters long; keyplan keeps at most {self.limit}",
                text[: self.limit].rstrip(),
            )
        return text


def kind_for(model: type[models.Model], name: str) -> Kind:
    """How to read a CSV value into `model`'s field `name` (for mapped custom columns
    and the vendors' standard ones)."""
    model_field = own_field(model, name)
    if model_field.choices:
        return _ChoiceOf(model_field)
    if isinstance(model_field, models.BooleanField):
        return YesNo()
    if isinstance(model_field, models.IntegerField):
        return Integer(low=0 if "Positive" in type(model_field).__name__ else None)
    if isinstance(model_field, models.DecimalField):
        return Number()
    if isinstance(model_field, models.DateField):
        return Moment()
    if isinstance(model_field, models.EmailField):
        return Email()
    if isinstance(model_field, models.URLField):
        return Website()
    return Limited(model_field.max_length if isinstance(model_field, models.CharField) else None)


class _ChoiceOf(Kind):
    """A model field's choices, by value or label, any case."""

    blank = None

    def __init__(self, model_field: models.Field):
        self.lookup: dict[str, object] = {}
        for value, label in model_field.flatchoices:
            for word in (value, label):
                self.lookup.setdefault(str(word).strip().lower(), value)
        self.labels = tuple(str(label) for _, label in model_field.flatchoices)

    def read(self, raw):
        text = str(raw).strip()
        if text.lower() in self.lookup:
            return self.lookup[text.lower()]
        raise ValueError(f"“{text}” is not one of: {', '.join(self.labels)}")


def parse(
    table: CsvTable,
    problems: Problems,
    number: int,
    values: list[str],
    columns: Sequence[tuple[str | None, str, Kind]],
) -> tuple[dict, Place]:
    """Read `columns` ((header or None, field, kind)) of one row. Blank values are left
    out: a blank in the CRM never erases what keyplan holds. A bad value is left out
    too (a text too long is cut to fit), with a warning in `problems`: the rest of
    the record imports."""
    place = Place(table.file, table.object, number)
    read: dict[str, Any] = {}
    for header, field_name, kind in columns:
        if header is None or not table.has(header):
            continue
        place.cells[field_name] = table.cell(header)
        raw = table.value(values, header)
        if raw == "":
            continue
        label = table.cell(header)[1]
        try:
            value = kind.parse(raw)
        except Cut as exc:
            value = exc.value
            message = f"{label} {exc}; it is cut to fit, the whole text kept in the CRM notes."
            place.leave_out(problems, message, field_name, raw)
        except ValueError as exc:
            message = f"{label} {exc}; it is left out, and kept in the CRM notes."
            place.leave_out(problems, message, field_name, raw)
            continue
        if value not in (None, ""):
            read[field_name] = value
    return read, place
