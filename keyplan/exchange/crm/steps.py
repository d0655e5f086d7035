"""What every step of a CRM import shares: the import's state, matching records by
CRM id and wording each change for the report; the writing is the import writer's
(exchange/writer.py). apply.py runs the steps; people.py and deals.py hold most
of them."""

import functools
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from keyplan.accounts.models import Account
from keyplan.core.models import Tracked
from keyplan.exchange.crm.files import Place
from keyplan.exchange.crm.records import Export
from keyplan.exchange.crm.report import AccountReport, CrmReport
from keyplan.exchange.workbook import layout
from keyplan.exchange.writer import Writer, own_field
from keyplan.growth.models import Play, Product
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import User

# The sections of the report, as the workbook's sheets name them.
PROFILE, CONTRACTS = layout.PROFILE.section, layout.CONTRACTS_TABLE.section
LINES, REVENUE = layout.LINES.section, layout.REVENUE.section
PEOPLE, TOUCHES = layout.STAKEHOLDERS_TABLE.section, layout.INTERACTIONS.section
PLAYS, PLAY_PEOPLE = layout.PLAYS_TABLE.section, layout.PLAY_PEOPLE.section
HEALTH = layout.HEALTH.section

T = TypeVar("T", bound=Tracked)


def shown(record, name: str, value) -> str:
    """A value as the report shows it: choices by label, records by name."""
    if value in (None, ""):
        return ""
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return f"{value:,.2f}".removesuffix(".00")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def current_value(record, name: str):
    model_field = record._meta.get_field(name)
    if model_field.is_relation:
        return getattr(record, name)
    return getattr(record, model_field.attname)


@functools.cache
def field_order(model) -> dict[str, int]:
    return {f.name: i for i, f in enumerate(model._meta.fields)}


def has_notes(model) -> bool:
    return any(f.name == "crm_notes" for f in model._meta.fields)


def crm_notes(notes: str, place: Place, label: str) -> str:
    """`notes` with a line for each value `place` left out, unless it has one: importing
    the same export again adds nothing."""
    lines = notes.splitlines()
    for header, value in place.left_out:
        line = f"{header} in {label}: {' '.join(value.splitlines())}"
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


def free_name(candidates: list[str], taken: set[str], limit: int) -> str:
    names = [c[:limit] for c in candidates]
    for name in names:
        if name not in taken:
            return name
    number = 2
    while f"{names[-1][: limit - 6]} ({number})" in taken:
        number += 1
    return f"{names[-1][: limit - 6]} ({number})"


class Guard(Protocol):
    """What a live sync checks each CRM value against before it is written, so that
    neither side silently overwrites the other (salesforce/live/guard.py)."""

    def sift(self, record: Any, values: dict[str, Any]) -> dict[str, Any]:
        """The `values` that may be written to `record`."""
        ...

    def saw(self, record: Any, changed: list[str]) -> None:
        """`record` was written (its fields `changed`): remember what the CRM holds."""
        ...

    def created(self, record: Any, names: list[str]) -> None:
        """`record` was made of the CRM's values for its fields `names`."""
        ...


class CrmSteps(Writer):
    """The state of one CRM import, and what its steps share. It writes leniently: a
    value the services refuse is left out with a warning, and kept, as the CRM gave
    it, in the record's CRM notes with those the reader left out."""

    def __init__(self, export: Export, by, report: CrmReport, *, guard: Guard | None = None):
        super().__init__(by, lenient=True)
        self.export, self.report = export, report
        # A live pull's: what it may write of each value, and what it saw.
        self.guard = guard
        self.label = export.label
        for name in export.objects:
            tally = report.tally(name)
            tally.read = export.read[name]
            tally.skipped.update(export.skipped.get(name, {}))
        self.accounts: dict[str, Account] = {}  # crm id -> account
        self.reports: dict[int, AccountReport] = {}  # account pk -> its report
        self.people: dict[str, Stakeholder] = {}  # contact id -> stakeholder
        self.plays: dict[str, Play] = {}  # deal id -> play
        self.products: dict[str, Product] = {}
        self.owners: dict[str, User | None] = {}  # CRM user id -> keyplan user

    # ---- values left out, kept in the record's CRM notes

    def left_out(self, origin, field_name: str, value: str) -> None:
        if isinstance(origin, Place):
            header = origin.cells[field_name][1] if field_name in origin.cells else field_name
            origin.left_out.append((header, value))

    def _noted(self, model, origin, values: dict[str, Any], record=None) -> dict[str, Any]:
        """`values` with the record's CRM notes holding what `origin` left out."""
        if not isinstance(origin, Place) or not origin.left_out or not has_notes(model):
            return values
        notes = crm_notes(record.crm_notes if record is not None else "", origin, self.label)
        return {**values, "crm_notes": notes}

    def _keep_notes(self, record: T, origin) -> T:
        """Write the CRM notes of values the services refused while writing `record`."""
        noted = self._noted(type(record), origin, {}, record)
        if noted and noted["crm_notes"] != getattr(record, "crm_notes", None):
            record, _ = super().update(record, origin, noted)
        return record

    def create(self, model, origin, values, *, prefix=""):
        values = self._noted(model, origin, dict(values))
        record = super().create(model, origin, values, prefix=prefix)
        if self.guard is not None:
            self.guard.created(record, list(values))
        return self._keep_notes(record, origin)

    def create_many(self, model, rows, origins):
        rows = [self._noted(model, o, dict(r)) for r, o in zip(rows, origins, strict=True)]
        created = super().create_many(model, rows, origins)
        if self.guard is not None:
            for record, row in zip(created, rows, strict=True):
                self.guard.created(record, list(row))
        return [self._keep_notes(r, o) for r, o in zip(created, origins, strict=True)]

    def update(self, record, origin, values, *, prefix=""):
        values = self._noted(type(record), origin, dict(values), record)
        stored, changed = super().update(record, origin, values, prefix=prefix)
        return self._keep_notes(stored, origin), changed

    def _tally(self, kind: str):
        return self.report.tally(self.export.names[kind])

    def _normal(self, crm_id: str) -> str | None:
        return self.export.normal(crm_id) if crm_id else None

    def _index(self, records, key=lambda r: ()) -> dict:
        found = {}
        for record in records:
            normal = self._normal(record.crm_id)
            if normal:
                found[(*key(record), normal)] = record
        return found

    def _change(self, record: T, place: Place, values: dict[str, Any]) -> tuple[T, list[str]]:
        """Write the `values` that differ; returns the stored record and the changes as
        the report words them."""
        if self.guard is not None:
            values = self.guard.sift(record, values)
        stored, changed = self.update(record, place, values)
        if self.guard is not None:
            self.guard.saw(stored, changed)
        order = field_order(type(record))
        return stored, [
            _worded(record, name, values[name])
            for name in sorted(changed, key=lambda name: order.get(name, 0))
        ]

    def _section(self, account: Account, title: str):
        return self.reports[account.pk].sections[title]

    def _changed(self, account: Account, title: str, name: str, words: list[str]) -> None:
        if not (title == PROFILE and self.reports[account.pk].new):
            self._section(account, title).note_changed(name, words)

    def _owner(self, crm_id: str) -> User | None:
        return self.owners.get(crm_id) if crm_id else None

    def _no_longer(self, stored, in_use: set, title: str) -> None:
        """Note the records an earlier import brought that the export no longer holds
        (deleted in the CRM, or moved to another account); they are kept."""
        for record in stored:
            if record.pk not in in_use and self._normal(record.crm_id):
                self.reports[record.account_id].sections[title].removed.append(record.name)


def _worded(record: Tracked, name: str, value) -> str:
    """A change of `record`'s field `name` to `value`, from what it was."""
    label = str(own_field(record, name).verbose_name)
    before, after = shown(record, name, current_value(record, name)), shown(record, name, value)
    return f"{label} “{before}” → “{after}”" if before else f"{label} “{after}”"
