"""The fields Test connection checks and a live pull asks for (fields.py) are the
columns the Data Export reader reads: reading an export with every object, each
column the reader looks at must be on the list, so a column the reader starts to read
is checked in the org too."""

from collections import defaultdict

import pytest

from keyplan.bench.salesforce import catalog
from keyplan.exchange.crm.files import CsvTable
from keyplan.exchange.crm.salesforce.fields import FIELDS
from keyplan.exchange.crm.salesforce.reader import SalesforceReader
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.test_salesforce_cases_and_users import CASE_HEADER

# Columns the reader tries that the REST API does not give on that object: the Data
# Export's compound address (the API gives its parts) and the other activity object's
# subtype and dates (the reader tries each in turn).
EXPORT_ONLY = {
    "Account": {"BillingAddress"},
    "Task": {"EventSubtype", "ActivityDateTime", "StartDateTime"},
    "Event": {"TaskSubtype"},
}


@pytest.fixture
def columns_read(tmp_path, monkeypatch):
    """Every column the reader asks a table for, by object."""
    asked: dict[str, set[str]] = defaultdict(set)

    def spy(name, skip):
        original = getattr(CsvTable, name)

        def asking(self, *args, **kwargs):
            for header in args[skip:]:
                for one in header if isinstance(header, tuple) else (header,):
                    if isinstance(one, str):
                        asked[self.object].add(one)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(CsvTable, name, asking)

    for name in ("has", "first", "one_of", "cell"):
        spy(name, 0)
    spy("value", 1)  # (values, header)
    spy("require", 1)  # (problems, *headers)
    folder = sf.salesforce_export(tmp_path / "export")
    sf.write_csv(folder / "Case.csv", CASE_HEADER, [
        {"Id": sf.sf_id("500", 1), "CaseNumber": "00001026", "AccountId": sf.GLOBEX,
         "Status": "Escalated", "Subject": "Line 3 down", "IsClosed": "0", "IsEscalated": "1"},
    ])  # fmt: skip
    SalesforceReader.read_export(folder, everything=True)
    return asked


@pytest.mark.django_db
def test_every_column_the_export_reader_reads_is_a_field_keyplan_checks(columns_read):
    assert set(columns_read) >= {"Account", "Contact", "Opportunity", "Case", "Event"}
    unlisted = {
        object_name: sorted(columns - set(FIELDS.get(object_name, ())) - EXPORT_ONLY.get(
            object_name, set()))
        for object_name, columns in columns_read.items()
        if object_name != "PricebookEntry"  # older orgs' line items only: not read live
    }  # fmt: skip
    assert {k: v for k, v in unlisted.items() if v} == {}


def test_every_field_keyplan_checks_is_a_field_of_salesforce():
    unknown = {
        object_name: sorted(set(fields) - {name for name, _ in catalog.fields_of(object_name)})
        for object_name, fields in FIELDS.items()
    }
    assert {k: v for k, v in unknown.items() if v} == {}
