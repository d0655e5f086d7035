"""The writer both importers write through: all or nothing, each problem at the cell
its value came from; and, lenient (as CRM imports are to be), a value that fails
validation left out of its record with a warning while the rest is written."""

import pytest

from keyplan.core import services
from keyplan.exchange.crm.files import Place
from keyplan.exchange.problems import ImportRefused
from keyplan.exchange.writer import Writer
from keyplan.relationships.models import Stakeholder
from tests.exchange.conftest import snapshot

CELLS = {"name": ("B", "Name"), "title": ("C", "Title"), "email": ("E", "Email")}
CELLS |= {"linkedin": ("F", "LinkedIn"), "reports_to": ("G", "ReportsToId")}


class Import(Writer):
    """An import whose steps are given: `steps(writer)`."""

    def __init__(self, by, steps, *, lenient=False):
        super().__init__(by, lenient=lenient)
        self.given = steps

    def steps(self):
        self.given(self)


def row(number: int) -> Place:
    """Where the values of a row of a contacts file came from."""
    return Place("Contact.csv", "Contact", number, dict(CELLS))


def changed_tables(before: dict, after: dict) -> set[str]:
    return {table for table in after if after[table] != before[table]}


def test_a_bad_value_is_left_out_with_a_warning_and_the_rest_of_the_record_written(account, owner):
    before = snapshot()
    values = {"account": account, "name": "Dee Deputy", "title": "CFO", "email": "dee@"}
    writer = Import(owner, lambda w: w.create(Stakeholder, row(3), values), lenient=True)
    writer.run()

    dee = Stakeholder.objects.get(account=account, name="Dee Deputy")
    assert (dee.title, dee.email) == ("CFO", "")
    [warning] = writer.warnings
    assert str(warning) == (
        "Contact.csv, object Contact, row 3, column E (Email), field email: "
        "Enter a valid email address. The value “dee@” is left out."
    )
    assert warning.value == "dee@"
    assert changed_tables(before, snapshot()) == {
        "relationships.Stakeholder",
        "relationships.Stakeholder.versions",
        "relationships.HistoricalStakeholder",
        "relationships.HistoricalStakeholder.versions",
    }


def test_strict_the_bad_value_refuses_the_import_at_its_cell_and_undoes_everything(
    account, owner, champion
):
    before = snapshot()
    values = {"account": account, "name": "Dee Deputy", "title": "CFO", "email": "dee@"}

    def steps(writer):
        writer.update(champion, row(2), {"title": "COO"})
        writer.create(Stakeholder, row(3), values)

    with pytest.raises(ImportRefused) as refusal:
        Import(owner, steps).run()

    [problem] = refusal.value.problems
    assert (problem.row, problem.column, problem.field) == (3, "E", "email")
    assert problem.message == "Enter a valid email address."
    assert snapshot() == before


def test_a_bad_value_in_a_change_leaves_what_keyplan_holds(account, owner, champion):
    champion = services.update(
        champion, by=owner, version=champion.version, email="sarah@acme.example"
    )
    changes = {}

    def steps(writer):
        changes["fields"] = writer.update(champion, row(2), {"title": "COO", "email": "sarah@"})[1]

    writer = Import(owner, steps, lenient=True)
    writer.run()

    sarah = Stakeholder.objects.get(pk=champion.pk)
    assert (sarah.title, sarah.email) == ("COO", "sarah@acme.example")
    assert changes["fields"] == ["title"]
    assert [(w.row, w.field, w.value) for w in writer.warnings] == [(2, "email", "sarah@")]


def test_a_value_the_record_cannot_do_without_still_refuses_the_import(account, owner):
    before = snapshot()
    values = {"account": account, "name": "D" * 130, "email": "dee@acme.example"}
    writer = Import(owner, lambda w: w.create(Stakeholder, row(3), values), lenient=True)

    with pytest.raises(ImportRefused) as refusal:
        writer.run()

    [problem] = refusal.value.problems
    assert (problem.row, problem.column, problem.field) == (3, "B", "name")
    assert problem.message == "Ensure this value has at most 120 characters (it has 130)."
    assert snapshot() == before


def test_bad_values_of_rows_written_together_are_left_out_of_their_rows(account, owner):
    rows = [
        {"account": account, "name": "Ann Analyst", "email": "ann@"},
        {"account": account, "name": "Bob Boss", "linkedin": "not a page", "title": "CEO"},
        {"account": account, "name": "Cy Deputy", "reports_to": services.FromRow(1)},
    ]
    writer = Import(
        owner, lambda w: w.create_many(Stakeholder, rows, [row(2), row(3), row(4)]), lenient=True
    )
    writer.run()

    people = {s.name: s for s in Stakeholder.objects.filter(account=account)}
    assert people["Ann Analyst"].email == ""
    assert (people["Bob Boss"].linkedin, people["Bob Boss"].title) == ("", "CEO")
    assert people["Cy Deputy"].reports_to == people["Bob Boss"]
    assert [(w.row, w.column, w.value) for w in writer.warnings] == [
        (2, "E", "ann@"),
        (3, "F", "not a page"),
    ]


def test_a_dry_run_reports_the_warnings_and_writes_nothing(account, owner):
    before = snapshot()
    values = {"account": account, "name": "Dee Deputy", "email": "dee@"}
    writer = Import(owner, lambda w: w.create(Stakeholder, row(3), values), lenient=True)
    writer.run(dry_run=True)

    assert [w.value for w in writer.warnings] == ["dee@"]
    assert snapshot() == before
