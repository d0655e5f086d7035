"""Hostile workbooks: a file of a few hundred KB whose XML unpacks into millions of
cells (or elements, or entities) is refused, naming the file and sheet, before
openpyxl parses it; the importing process stays small and nothing is written.
Workbooks as keyplan exports them, with a column of one's own notes, still import."""

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from keyplan.exchange.workbook import guard
from keyplan.exchange.workbook.export import export_template
from tests.exchange.workbook.helpers import edit, export
from tests.exchange.workbook.test_xlsx_import import refused, run_import
from tests.shared import keyplan_environment

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c t="inlineStr"><is><t>Name</t></is></c></row>'
)
TAIL = b"</sheetData></worksheet>"
CELLS = b"<c><v>1</v></c>" * 10_000  # ten thousand cells, a few bytes deflated


def part_of(path: Path, sheet: str) -> str:
    """The zip member holding `sheet` (keyplan's export numbers them in order)."""
    return (
        f"xl/worksheets/sheet{load_workbook(path, read_only=True).sheetnames.index(sheet) + 1}.xml"
    )


def replaced(path: Path, part: str, body: Iterable[bytes], *, padding: int = 0) -> Path:
    """`path` with `part` streamed from `body`, deflated (a few hundred KB on disk
    however large it unpacks), and `padding` random bytes of a picture beside it."""
    out = path.with_name(f"hostile-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for entry in source.infolist():
            if entry.filename != part:
                zipped.writestr(entry, source.read(entry))
        with zipped.open(part, "w", force_zip64=True) as written:
            for chunk in body:
                written.write(chunk)
        if padding:
            zipped.writestr("xl/media/image1.png", os.urandom(padding))
    return out


def one_wide_row(cells: int) -> Iterable[bytes]:
    yield HEAD + b'<row r="2">'
    for _ in range(cells // 10_000):
        yield CELLS
    yield b"</row>" + TAIL


def many_rows(rows: int) -> Iterable[bytes]:
    yield HEAD
    for _ in range(rows // 10_000):
        yield b"<row><c><v>1</v></c></row>" * 10_000
    yield TAIL


@pytest.fixture
def workbook(sample, tmp_path):
    return export(sample, tmp_path / "novatech.xlsx")


MEASURE = """
import json, resource, subprocess, sys
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"code": run.returncode, "out": run.stdout + run.stderr, "peak_mb": peak}))
"""


def database_digest(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.sqlite3*")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            one_wide_row(3_000_000),
            "sheet “3 Stakeholders”, row 2, column AZ: this cell is past the 51 columns "
            "keyplan reads from the sheet; clear the columns after AY.",
        ),
        (
            many_rows(3_000_000),
            "sheet “3 Stakeholders”, row 100001: the sheet goes on past row 100,000, "
            "more than keyplan reads.",
        ),
    ],
    ids=["wide", "long"],
)
def test_millions_of_cells_are_refused_in_little_memory(db, demo_database, tmp_path, body, message):
    data_dir = demo_database.copy(tmp_path / "data")
    plan = tmp_path / "plan.xlsx"
    export_template(plan)
    hostile = replaced(plan, part_of(plan, "3 Stakeholders"), body, padding=600_000)
    assert hostile.stat().st_size < 1_000_000
    before = database_digest(data_dir)

    run = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "keyplan", "import", "plan",
         str(hostile)],
        env=keyplan_environment(data_dir), capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    result = json.loads(run.stdout)
    assert result["code"] == 1
    assert f"Nothing was imported.\n{hostile.name}, {message}" in result["out"]
    assert result["peak_mb"] < 300
    assert database_digest(data_dir) == before


def test_a_sheet_unpacking_far_past_the_file_is_refused_unread(workbook):
    part = part_of(workbook, "7 Risks")
    hostile = replaced(workbook, part, one_wide_row(1_000_000))
    unpacked = zipfile.ZipFile(hostile).getinfo(part).file_size

    message = refused(hostile)

    assert (
        f"hostile-novatech.xlsx, sheet “7 Risks”: its part “{part}” unpacks to {unpacked:,} "
        f"bytes, far more than a workbook of {hostile.stat().st_size:,} bytes holds; it is "
        "not imported." in message
    )


def test_a_value_past_the_columns_is_refused_with_its_cell(workbook):
    book = load_workbook(workbook)
    book["3 Stakeholders"]["BA3"] = "a note far to the right"
    book.save(workbook)

    message = refused(workbook)

    assert (
        "novatech.xlsx, sheet “3 Stakeholders”, row 3, column BA: this cell is past the 51 "
        "columns keyplan reads from the sheet; clear the columns after AY." in message
    )


def test_a_column_of_ones_own_notes_still_imports(workbook):
    edit(workbook, "3 Stakeholders", "Sarah Lin", "Title", "COO")
    book = load_workbook(workbook)
    book["3 Stakeholders"]["AX1"] = "My notes"
    book["3 Stakeholders"]["AX3"] = "call her after the QBR"
    book.save(workbook)

    assert "3. Stakeholders: 1 changed (Sarah Lin: Title)" in run_import(workbook)


def test_more_cells_than_keyplan_reads_are_refused(workbook, monkeypatch):
    monkeypatch.setattr(guard, "MAX_CELLS", 200)
    assert "the workbook holds more than 200 cells in the sheets keyplan reads" in refused(workbook)


@pytest.mark.parametrize(
    ("part", "body", "message"),
    [
        (
            "xl/styles.xml",
            [b'<styleSheet xmlns="x"><cellXfs>', b"<xf/>" * 300_000, b"</cellXfs></styleSheet>"],
            "its part “xl/styles.xml” holds more than 200,000 XML elements; it is not imported.",
        ),
        (
            "xl/sharedStrings.xml",
            [
                b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<si><t>&b;</t></si></sst>"
            ],
            "a part of it declares a DOCTYPE, which a workbook never does; it is not imported.",
        ),
    ],
    ids=["styles", "entities"],
)
def test_a_part_openpyxl_reads_whole_is_refused_when_hostile(workbook, part, body, message):
    assert f"novatech.xlsx: {message}" in refused(replaced(workbook, part, body))
