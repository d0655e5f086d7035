"""What every step of a CRM import shares: matching records by CRM id, writing
through the services and wording each change for the report (apply.py runs the
steps; people.py and deals.py hold most of them)."""

import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.exchange.crm.files import Place
from keyplan.exchange.crm.records import Export
from keyplan.exchange.crm.report import AccountReport, CrmReport
from keyplan.exchange.problems import Problem
from keyplan.exchange.workbook import layout
from keyplan.growth.models import Play, Product
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import User

SERVICE_ERRORS = (ValidationError, NotFound, Forbidden, ConflictError)
# The sections of the report, as the workbook's sheets name them.
PROFILE, CONTRACTS = layout.PROFILE.section, layout.CONTRACTS_TABLE.section
LINES, REVENUE = layout.LINES.section, layout.REVENUE.section
PEOPLE, TOUCHES = layout.STAKEHOLDERS_TABLE.section, layout.INTERACTIONS.section
PLAYS, PLAY_PEOPLE = layout.PLAYS_TABLE.section, layout.PLAY_PEOPLE.section


class Refused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


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


def same_value(record, name: str, value) -> bool:
    model_field = record._meta.get_field(name)
    current = getattr(record, model_field.attname)
    if model_field.is_relation:
        return current == (value.pk if isinstance(value, models.Model) else value)
    if isinstance(model_field, models.DecimalField) and current is not None and value is not None:
        return Decimal(current) == Decimal(value)
    return current == value


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


class Writer:
    """The state of one import and the writing every step does."""

    def __init__(self, export: Export, by, report: CrmReport):
        self.export, self.by, self.report = export, by, report
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

    def _fail(self, place: Place, exc: Exception, prefix: str = ""):
        if not isinstance(exc, SERVICE_ERRORS):
            raise exc
        problems = []
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    if name in place.cells:
                        problems.append(place.problem(prefix + message, name))
                    else:
                        label = name.replace("_", " ") if name != "__all__" else ""
                        text = f"{label}: {message}" if label else message
                        problems.append(place.problem(prefix + text))
        elif isinstance(exc, ValidationError):
            problems = [place.problem(prefix + m) for m in exc.messages]
        else:
            problems = [place.problem(prefix + str(exc))]
        raise Refused(problems) from exc

    def _create(self, model, place: Place, **values):
        try:
            return services.create(model, by=self.by, **values)
        except SERVICE_ERRORS as exc:
            self._fail(place, exc)

    def _create_many(self, model, rows: list[dict], places: list[Place]) -> list:
        if not rows:
            return []
        try:
            return services.create_many(model, rows, by=self.by)
        except services.InvalidRow as exc:
            self._fail(places[exc.index], exc)
        except SERVICE_ERRORS as exc:
            self._fail(places[0], exc)

    def _update(self, record, place: Place, values: dict) -> tuple[object, list[str]]:
        """Write the `values` that differ; returns the record and the changes as the
        report words them."""
        order = field_order(type(record))
        changed = {
            k: values[k]
            for k in sorted(values, key=lambda k: order.get(k, 0))
            if not same_value(record, k, values[k])
        }
        if not changed:
            return record, []
        words = []
        for name, value in changed.items():
            label = str(record._meta.get_field(name).verbose_name)
            before, after = (
                shown(record, name, current_value(record, name)),
                shown(record, name, value),
            )
            words.append(f"{label} “{before}” → “{after}”" if before else f"{label} “{after}”")
        version = getattr(record, "version", None)
        try:
            record = services.update(record, by=self.by, version=version, **changed)
        except SERVICE_ERRORS as exc:
            self._fail(place, exc)
        return record, words

    def _section(self, account: Account, title: str):
        return self.reports[account.pk].sections[title]

    def _changed(self, account: Account, title: str, name: str, words: list[str]) -> None:
        if words and not (title == PROFILE and self.reports[account.pk].new):
            entry = self._section(account, title).changed.setdefault(name, [])
            entry += [w for w in words if w not in entry]

    def _owner(self, crm_id: str) -> User | None:
        return self.owners.get(crm_id) if crm_id else None

    def _no_longer(self, stored, in_use: set, title: str) -> None:
        """Note the records an earlier import brought that the export no longer holds
        (deleted in the CRM, or moved to another account); they are kept."""
        for record in stored:
            if record.pk not in in_use and self._normal(record.crm_id):
                self.reports[record.account_id].sections[title].removed.append(record.name)
