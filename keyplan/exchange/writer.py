"""Writing an import: both importers, keyplan's own workbook (workbook/apply.py) and
CRM exports (crm/apply.py), write every record through a Writer.

Every write goes through the services (access, validation, versions, history), all
in one transaction: a refusal anywhere undoes everything, and a dry run does all
the work and then rolls it back, so it reports exactly what applying would do. A
rule broken while writing is reported where the value came from: a workbook's
sheet, row and column, a CRM file's object, row and column.

A strict writer refuses the import on any value the services refuse, naming each
one's cell. A lenient one leaves a value that fails validation out of its record,
writes the rest of the record and keeps a warning with the cell and the value; a
record that cannot be written without that value still refuses the import.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, NoReturn, Protocol, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.core.models import Tracked, Versioned
from keyplan.core.rehearsal import rehearsal
from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.insights.stored import keep as stored_figures

SERVICE_ERRORS = (ValidationError, NotFound, Forbidden, ConflictError)
MAX_PROBLEMS = 50

T = TypeVar("T", bound=Tracked)
V = TypeVar("V", bound=Versioned)


class Origin(Protocol):
    """Where a record's values came from (a workbook's SheetRecord, a CRM file's Place)."""

    @property
    def cells(self) -> Mapping[str, object]:
        """The fields whose values came from a cell, and where."""
        ...

    def problem(self, message: str, field_name: str | None = None) -> Problem: ...


def own_field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """`model`'s own field `name` (imports read and write no reverse relation)."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise FieldDoesNotExist(f"{model._meta.label} has no field of its own named {name}")
    return model_field


def same_value(record: models.Model, name: str, value: Any) -> bool:
    """Whether `record` already holds `value` in its field `name` (a related record
    or its key; a decimal however it is written)."""
    model_field = own_field(record, name)
    current = getattr(record, model_field.attname)
    if model_field.is_relation:
        return current == (value.pk if isinstance(value, models.Model) else value)
    if isinstance(model_field, models.DecimalField) and current is not None and value is not None:
        return Decimal(current) == Decimal(value)
    return bool(current == value)


class Writer:
    """Writes one import as the user `by`; `steps` says what it writes (see the
    module's docstring)."""

    def __init__(self, by, *, lenient: bool = False):
        self.by = by
        self.lenient = lenient
        self.warnings: list[Problem] = []  # the values left out, where they were

    def steps(self) -> None:  # pragma: no cover - every import says what it writes
        raise NotImplementedError

    def run(self, *, dry_run: bool = False) -> None:
        """Write everything, or nothing when `dry_run` (a rehearsal, which on SQLite
        leaves other users free to save meanwhile). Raises ImportRefused, having
        written nothing."""
        # Each plan's stored figures recomputed once, at the end, in the transaction.
        with rehearsal() if dry_run else transaction.atomic(), stored_figures.batched():
            self.steps()

    # ---- what an importer may change

    def version_of(self, record: models.Model) -> int | None:
        """The version a change to `record` is based on: that of the record in hand."""
        return getattr(record, "version", None)

    def save_new(self, model: type[T], values: Mapping[str, Any]) -> T:
        if issubclass(model, Account):  # its own service: the owner
            return cast(T, account_services.create_account(by=self.by, **values))
        return services.create(model, by=self.by, **values)

    def save_changes(self, record: T, values: Mapping[str, Any]) -> T:
        return services.update(record, by=self.by, version=self.version_of(record), **values)

    # ---- writing

    def create(
        self, model: type[T], origin: Origin, values: Mapping[str, Any], *, prefix: str = ""
    ) -> T:
        """A new `model` record of `values`, which came from `origin`; `prefix` opens
        the message of each problem."""
        values = dict(values)
        left_out: dict[str, list[Problem]] = {}
        while True:
            try:
                return self.save_new(model, values)
            except SERVICE_ERRORS as exc:
                values = self._without_bad_values(origin, exc, values, left_out, prefix)

    def create_many(
        self, model: type[T], rows: Sequence[Mapping[str, Any]], origins: Sequence[Origin]
    ) -> list[T]:
        """A record of `model` from each of `rows` (each from its origin), as create()
        would but with one INSERT per batch (services.create_many)."""
        rows = list(rows)  # a row may lose a bad value
        left_out: dict[int, dict[str, list[Problem]]] = {}
        while rows:
            try:
                return services.create_many(model, rows, by=self.by)
            except services.InvalidRow as exc:
                at = exc.index
                left = left_out.setdefault(at, {})
                rows[at] = self._without_bad_values(origins[at], exc, dict(rows[at]), left, "")
            except SERVICE_ERRORS as exc:
                self.refuse(self.problems(origins[0], exc))
        return []

    def update(
        self, record: T, origin: Origin, values: Mapping[str, Any], *, prefix: str = ""
    ) -> tuple[T, list[str]]:
        """Write the `values` that differ from `record`'s; returns the stored record and
        the fields that changed, in the order of `values`."""
        changed = {k: v for k, v in values.items() if not same_value(record, k, v)}
        left_out: dict[str, list[Problem]] = {}
        while changed:
            try:
                return self.save_changes(record, changed), list(changed)
            except SERVICE_ERRORS as exc:
                changed = self._without_bad_values(origin, exc, changed, left_out, prefix)
        return record, []

    def set_links(
        self,
        owner: V,
        relation: str,
        targets: Iterable[models.Model],
        origin: Origin,
        *,
        extra: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> V:
        """Make `owner.<relation>` hold exactly `targets` (services.set_links); returns the
        owner as stored now."""
        try:
            return services.set_links(
                owner, relation, targets, by=self.by, version=self.version_of(owner), extra=extra
            )
        except SERVICE_ERRORS as exc:
            self.refuse(self.problems(origin, exc))

    def delete(self, record: Tracked, origin: Origin, *, prefix: str = "") -> None:
        try:
            services.delete(record, by=self.by, version=self.version_of(record))
        except SERVICE_ERRORS as exc:
            self.refuse(self.problems(origin, exc, prefix))

    def left_out(self, origin: Origin, field_name: str, value: str) -> None:
        """A lenient writer left `value` out of `field_name`; an importer may keep it."""

    # ---- refusing

    def refuse(self, problems: list[Problem]) -> NoReturn:
        raise ImportRefused(problems[:MAX_PROBLEMS])

    def problems(self, origin: Origin, exc: Exception, prefix: str = "") -> list[Problem]:
        """A service's refusal as problems at `origin`: a field's at its cell, or
        naming the field when it has none."""
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            return [
                _field_problem(origin, name, message, prefix)
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        if isinstance(exc, ValidationError):
            return [origin.problem(prefix + message) for message in exc.messages]
        return [origin.problem(prefix + str(exc))]

    def _without_bad_values(
        self,
        origin: Origin,
        exc: Exception,
        values: dict[str, Any],
        left_out: dict[str, list[Problem]],
        prefix: str,
    ) -> dict[str, Any]:
        """`values` without those `exc` says are bad, each a warning, when the writer is
        lenient and each is a value from a cell; else the import is refused. A field
        already left out (the record cannot do without it) refuses it with what was
        wrong with its value."""
        errors = (
            exc.message_dict
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict")
            else {}
        )
        bad = bool(errors) and all(name in values and name in origin.cells for name in errors)
        if not (self.lenient and bad):
            problems = self.problems(origin, exc, prefix)
            missed = [p for name in errors if name in left_out for p in left_out[name]]
            self.refuse(missed + [p for p in problems if p.field not in left_out])
        for name, messages in errors.items():
            left_out[name] = [origin.problem(prefix + m, name) for m in messages]
            shown = str(values.pop(name))
            self.left_out(origin, name, shown)
            self.warnings += [
                replace(p, message=f"{p.message} The value “{shown}” is left out.", value=shown)
                for p in left_out[name]
            ]
        return values


def _field_problem(origin: Origin, name: str, message: str, prefix: str) -> Problem:
    if name in origin.cells:
        return origin.problem(prefix + message, name)
    if name == NON_FIELD_ERRORS:
        return origin.problem(prefix + message)
    return origin.problem(f"{prefix}{name.replace('_', ' ')}: {message}")
