"""What every step of a CRM import shares: the import's state, matching records by
CRM id and wording each change for the report; the writing is the import writer's
(exchange/writer.py). apply.py runs the steps; people.py and deals.py hold most
of them."""

import functools
from decimal import Decimal
from typing import Any, TypeVar

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


def free_name(candidates: list[str], taken: set[str], limit: int) -> str:
    names = [c[:limit] for c in candidates]
    for name in names:
        if name not in taken:
            return name
    number = 2
    while f"{names[-1][: limit - 6]} ({number})" in taken:
        number += 1
    return f"{names[-1][: limit - 6]} ({number})"


class CrmSteps(Writer):
    """The state of one CRM import, and what its steps share."""

    def __init__(self, export: Export, by, report: CrmReport):
        super().__init__(by)
        self.export, self.report = export, report
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
        stored, changed = self.update(record, place, values)
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
