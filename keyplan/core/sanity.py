"""Sanity checks: a value that is plausible but suspect (ARR at risk above the
account's ARR, a due date already past). A check never refuses a write (hard limits
are the models' validation): the value is saved, the record keeps the reason in its
`value_checks` ("check this value") until the field is changed again or someone clears
it, and whoever wrote it is told.

The rules sit with the packages that know what they compare (accounts.sanity,
growth.sanity) and register here when their app is ready. core.services runs them on
every record it creates and on every change to a field a rule watches, so the pages,
the API and the imports all get them: a rule fires only when its field's value changes.
Whoever writes can hear what fired with `collecting()`.
"""

import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

# A rule reads the record (its new values) and says what is suspect, or None.
Rule = Callable[[Any], str | None]

_rules: dict[str, list[tuple[str, Rule]]] = defaultdict(list)
_heard: contextvars.ContextVar[list["Suspect"] | None] = contextvars.ContextVar(
    "keyplan_sanity_heard", default=None
)


@dataclass(frozen=True)
class Suspect:
    """A check that fired: on which record and field, and why."""

    kind: str  # the record's kind, as people say it ("risk")
    record: str  # the record's name
    pk: Any
    field: str
    label: str  # the field's label ("ARR at risk")
    message: str

    def __str__(self) -> str:
        return f"Check this value: {self.kind} “{self.record}”, {self.label}: {self.message}"

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.pk,
            "record": self.record,
            "field": self.field,
            "message": self.message,
        }


def rule(model: str, field: str) -> Callable[[Rule], Rule]:
    """Register a check of `field` on `model` ("app_label.ModelName")."""

    def register(check: Rule) -> Rule:
        if (field, check) not in _rules[model]:
            _rules[model].append((field, check))
        return check

    return register


def watched(model: type[models.Model]) -> list[str]:
    """The fields of `model` that a rule looks at."""
    return list(dict.fromkeys(field for field, _ in _rules.get(model._meta.label, ())))


def review(record: models.Model, changed: Iterable[str] | None) -> list[str]:
    """Run the rules of the fields in `changed` (None: all of them, for a new record) on
    `record` and keep the outcome in its `value_checks`: a field that fails is flagged
    with the reason, one that passes is no longer flagged. Returns the fields that
    fired; nothing is saved or told here (see `tell`, once the record is saved)."""
    rules = _rules.get(record._meta.label)
    if not rules:
        return []
    names = None if changed is None else set(changed)
    checks: dict[str, str] = dict(getattr(record, "value_checks", None) or {})
    fired: list[str] = []
    for field in dict.fromkeys(f for f, _ in rules):
        if names is not None and field not in names:
            continue
        messages = [m for f, check in rules if f == field and (m := check(record))]
        if messages:
            checks[field] = " ".join(messages)
            fired.append(field)
        else:
            checks.pop(field, None)
    record.value_checks = checks  # type: ignore[attr-defined]  # a core.models.Checked
    return fired


def suspect(record: models.Model, field: str, message: str) -> Suspect:
    model_field = record._meta.get_field(field)
    return Suspect(
        kind=str(record._meta.verbose_name),
        record=str(record),
        pk=record.pk,
        field=field,
        label=str(getattr(model_field, "verbose_name", field)),
        message=message,
    )


def open_checks(record: models.Model) -> list[Suspect]:
    """The checks still open on `record`, as stored."""
    checks = getattr(record, "value_checks", None) or {}
    return [suspect(record, field, message) for field, message in checks.items()]


def tell(record: models.Model, fired: Iterable[str]) -> list[Suspect]:
    """What fired on the fields `fired` of `record`, now saved, passed to whoever is
    `collecting()`."""
    checks = getattr(record, "value_checks", None) or {}
    suspects = [suspect(record, field, checks[field]) for field in fired if field in checks]
    heard = _heard.get()
    if heard is not None:
        heard.extend(suspects)
    return suspects


@contextmanager
def collecting() -> Iterator[list[Suspect]]:
    """The checks that fire on records saved in the block, in order (an outer block
    hears them too)."""
    outer = _heard.get()
    heard: list[Suspect] = []
    token = _heard.set(heard)
    try:
        yield heard
    finally:
        _heard.reset(token)
        if outer is not None:
            outer.extend(heard)
