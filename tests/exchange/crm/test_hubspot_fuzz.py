"""Random and mangled CSV fed to the HubSpot import: every outcome is an import or a
refusal naming the problem; never a crash, never a partial write."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.exchange.crm.hubspot.reader import HubSpotReader
from tests.exchange.crm import helpers as hs
from tests.exchange.crm.helpers import csv_bytes, import_or_refuse, rows_of
from tests.exchange.fuzz_helpers import cuts, fuzz, overwrite_cells, spliced

FUZZ = fuzz(40)
values = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from([
        "", '"', ",", "\n", "0.5", "1.5", "-1", "1e99", "Closed won", "closedlost",
        "Contract sent", "2026-02-30", "2026-05-01 09:30", hs.ACME, "9001;9002", "9999",
        "x" * 300, "Acme Anvils", "Customer", "PROSPECT", "\x00",
    ]),
)  # fmt: skip
KINDS = ("companies", "contacts", "deals")


@pytest.fixture
def files(tmp_path, admin_user):
    paths = hs.hubspot_export(tmp_path / "hubspot")
    return {kind: paths[kind].read_bytes() for kind in KINDS}, admin_user


@FUZZ
@given(
    cells=st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(0, 6), st.integers(0, 18), values),
        min_size=1,
        max_size=6,
    ),
    everything=st.booleans(),
)
def test_mangled_values_are_imported_or_refused_whole(files, cells, everything):
    contents, user = files
    tables = {kind: rows_of(data) for kind, data in contents.items()}
    overwrite_cells(tables, cells)
    mangled = {f"{kind}.csv": csv_bytes(rows) for kind, rows in tables.items()}
    choice = {"everything": True} if everything else {"accounts": "Acme Anvils"}
    import_or_refuse(HubSpotReader.read_export, mangled, user, **choice)


@FUZZ
@given(
    kind=st.sampled_from(KINDS),
    pairs=cuts(10**5, 6),
)
def test_mangled_bytes_are_imported_or_refused_whole(files, kind, pairs):
    contents, user = files
    mangled = spliced(contents[kind], pairs)
    named = {f"{k}.csv": v for k, v in {**contents, kind: mangled}.items()}
    import_or_refuse(HubSpotReader.read_export, named, user, everything=True)
