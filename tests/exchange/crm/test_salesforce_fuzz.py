"""Random and mangled CSV fed to the Salesforce import: every outcome is an import or
a refusal naming the problem; never a crash, never a partial write."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.exchange.crm.salesforce.reader import SalesforceReader
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import csv_bytes, import_or_refuse, rows_of
from tests.exchange.fuzz_helpers import cuts, fuzz, overwrite_cells, spliced

FILES = [
    f"{name}.csv"
    for name in ("Account", "Contact", "Opportunity", "OpportunityContactRole", "Product2",
                 "OpportunityLineItem", "User", "Task", "Event")
]  # fmt: skip

FUZZ = fuzz(40)

values = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from([
        "", " ", '"', '""', ",", "\n", "\r\n", "1", "0", "-5", "1e99", "NaN", "2024-02-30",
        "2024-07-11T21:22:07.000+0000", "Closed Won", "Closed Lost", "Economic Buyer",
        sf.GLOBEX, sf.HANK, sf.GLOBEX[:15], sf.GLOBEX.lower(), "001Ec00000000", "\x00",
        "x" * 300, "{\"city\": 1}", "[]", "Globex Corp", "globex corp", "é", "\ufeff",
    ]),
)  # fmt: skip


@pytest.fixture
def files(tmp_path, admin_user):
    folder = sf.salesforce_export(tmp_path / "export")
    return {name: (folder / name).read_bytes() for name in FILES}, admin_user


@FUZZ
@given(
    cells=st.lists(
        st.tuples(st.sampled_from(FILES), st.integers(0, 6), st.integers(0, 20), values),
        min_size=1,
        max_size=6,
    ),
    everything=st.booleans(),
)
def test_mangled_values_are_imported_or_refused_whole(files, cells, everything):
    contents, user = files
    tables = {name: rows_of(data) for name, data in contents.items()}
    overwrite_cells(tables, cells)
    mangled = {name: csv_bytes(rows) for name, rows in tables.items()}
    choice = {"everything": True} if everything else {"accounts": "Globex Corp"}
    import_or_refuse(SalesforceReader.read_export, mangled, user, **choice)


@FUZZ
@given(
    name=st.sampled_from(FILES),
    pairs=cuts(10**5, 6),
    truncate=st.booleans(),
)
def test_mangled_bytes_are_imported_or_refused_whole(files, name, pairs, truncate):
    contents, user = files
    mangled = spliced(contents[name], pairs, truncate=truncate)
    import_or_refuse(
        SalesforceReader.read_export, {**contents, name: mangled}, user, everything=True
    )


@FUZZ
@given(data=st.binary(max_size=200), name=st.sampled_from(FILES))
def test_random_bytes_in_place_of_a_file_are_refused_or_read(files, data, name):
    contents, user = files
    import_or_refuse(
        SalesforceReader.read_export, {**contents, name: data}, user, accounts="Globex Corp"
    )
