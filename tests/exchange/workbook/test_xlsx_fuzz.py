"""Mangled workbooks and cell values fed to the Excel reader: every outcome is an
import or a refusal naming the problem; never a crash, never a partial write."""

import io
from datetime import date, datetime

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from keyplan.exchange.problems import ImportRefused
from keyplan.exchange.workbook import layout
from keyplan.exchange.workbook.apply import apply_workbook
from keyplan.exchange.workbook.read import read_plan
from tests.exchange.conftest import snapshot
from tests.exchange.fuzz_helpers import cuts, fuzz, spliced
from tests.exchange.workbook.helpers import export

SHEETS = [t.sheet for t in (*layout.FORMS, *layout.TABLES)] + ["Products"]

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(
        ["=1+1", "Cold", "High", "Owner", "2026-02-30", "-1", "Sarah Lin", "kam", " ", "Done"]
    ),
)
edits = st.lists(
    st.tuples(
        st.sampled_from(SHEETS),
        st.integers(min_value=1, max_value=40),
        st.integers(min_value=1, max_value=26),
        cell_values,
    ),
    min_size=1,
    max_size=6,
)

FUZZ = fuzz(30)


@pytest.fixture
def exported(sample, tmp_path, novatech_users):
    path = export(sample, tmp_path / "novatech.xlsx")
    return path.read_bytes(), novatech_users["admin"]


def import_or_refuse(data: bytes, user) -> None:
    """Import `data` and roll back; a refusal must leave the database as it was."""
    before = snapshot()
    try:
        with transaction.atomic():
            apply_workbook(read_plan(io.BytesIO(data), "fuzz.xlsx"), by=user)
            transaction.set_rollback(True)  # the next example starts from the same plan
    except ImportRefused as refusal:
        assert refusal.problems, "a refusal names its problems"
        assert all(str(p).startswith("fuzz.xlsx") for p in refusal.problems)
        assert snapshot() == before


@FUZZ
@given(changes=edits)
def test_mangled_cells_are_imported_or_refused_whole(exported, changes):
    data, user = exported
    book = load_workbook(io.BytesIO(data))
    for sheet, row, column, value in changes:
        book[sheet].cell(row=row, column=column).value = value
    out = io.BytesIO()
    book.save(out)
    import_or_refuse(out.getvalue(), user)


@FUZZ
@given(pairs=cuts(10**6, 8), truncate=st.booleans())
def test_mangled_bytes_are_refused_or_read(exported, pairs, truncate):
    data, user = exported
    import_or_refuse(spliced(data, pairs, truncate=truncate), user)
