"""What a workbook import does to the records keyplan created or changed after the
workbook was made (its stamps, stamps.py): it never deletes nor overwrites them.

Before the import writes anything each record of the plan is judged once: *newer*
when the workbook did not show it (added since) or showed another version of it
(changed since). Then:
- a newer record no row matches is kept, and the report lists it as a conflict
  naming who added or changed it and when;
- a newer record whose row says what the workbook showed is left as keyplan has it;
- a newer record whose row changes something (compared with the version the workbook
  showed, from the record's history) refuses the import, naming the row and both
  values, the workbook's and keyplan's;
- a record the workbook removes is kept as a conflict when its removal would take a
  newer record with it (a business unit's new whitespace cell);
- a row of a record the workbook showed and keyplan removed since is not added back:
  the removal stands, listed as a conflict naming who removed it and when.
A workbook without stamps is imported by the old rules.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from keyplan.accounts.models import Account
from keyplan.core.models import Tracked, Versioned
from keyplan.exchange.problems import Problem
from keyplan.exchange.values import Choice
from keyplan.exchange.workbook.layout import Column
from keyplan.exchange.workbook.read import SheetRecord
from keyplan.exchange.workbook.report import WorkbookReport
from keyplan.exchange.workbook.stamps import PLAN_MODELS, Key, Stamps, key_of, plan_records
from keyplan.exchange.writer import same_value


def when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def shown(value: Any, column: Column | None = None) -> str:
    """A value as a clash names it: a choice by its label, a blank as a dash."""
    if value is None or value == "":
        return "—"
    if column is not None and isinstance(column.kind, Choice):
        return column.kind.label_of(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return str(value)


class Since:
    """The workbook's stamps put to use for one import (see the module's docstring)."""

    def __init__(self, stamps: Stamps, report: WorkbookReport):
        self.stamps, self.report = stamps, report
        self.newer: set[Key] = set()
        self.created: set[Key] = set()  # records this import adds
        self.clashes: list[Problem] = []

    def judge(self, account: Account | None) -> None:
        """Note every record of `account`'s plan keyplan added or changed since the
        workbook was made; called before the import writes anything."""
        if not self.stamps or account is None:
            return
        moment, versions = self.stamps.moment, self.stamps.versions
        assert moment is not None
        for model in PLAN_MODELS:
            label = model._meta.label_lower
            if issubclass(model, Versioned):
                rows = plan_records(account, model).values_list("pk", "version")
                for pk, version in rows:
                    if versions.get((label, pk), -1) != version:
                        self.newer.add((label, pk))
            else:
                for pk, updated in plan_records(account, model).values_list("pk", "updated_at"):
                    if (label, pk) not in versions or updated > moment:
                        self.newer.add((label, pk))

    def is_newer(self, record: models.Model) -> bool:
        return key_of(record) in self.newer

    # ---- what the workbook showed, and who changed it since

    def baseline(self, record: Tracked) -> Any:
        """The record as the workbook showed it (a history row), or None when it did not."""
        version = self.stamps.versions.get(key_of(record), -1)
        if version == -1:
            return None
        history = record.history.order_by("-history_date", "-history_id")  # type: ignore[attr-defined]
        if version is None:
            return history.filter(history_date__lte=self.stamps.moment).first()
        return history.filter(version=version).first()

    def why(self, record: Tracked) -> str:
        """“added in keyplan by Pat Kim on 2026-03-02 14:05”, or changed."""
        history = record.history.order_by("history_date", "history_id")  # type: ignore[attr-defined]
        moment = self.stamps.moment
        assert moment is not None
        added = key_of(record) not in self.stamps.versions and record.created_at > moment
        entry = history.first() if added else history.last()
        verb = "added" if added else "changed"
        if key_of(record) not in self.stamps.versions and not added:
            verb = "not stamped in this workbook; last changed"
        if entry is None:
            return f"{verb} in keyplan after this workbook was made"
        who = f" by {entry.history_user}" if entry.history_user else ""
        return f"{verb} in keyplan{who} on {when(entry.history_date)}"

    def links_then(self, owner: Tracked, relation: str) -> set[int] | None:
        """The pks `owner.<relation>` linked to when the workbook was made (its links'
        history), or None when the workbook did not show `owner`."""
        if key_of(owner) not in self.stamps.versions:
            return None
        field = type(owner)._meta.get_field(relation)
        assert isinstance(field, models.ManyToManyField)
        through: Any = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = through.history.filter(
            **{f"{source}_id": owner.pk, "history_date__lte": self.stamps.moment}
        ).order_by("history_date", "history_id")
        state: dict[int, int | None] = {}
        for row in rows:
            state[row.id] = None if row.history_type == "-" else getattr(row, f"{target}_id")
        return {pk for pk in state.values() if pk is not None}

    # ---- what the import does with a newer record

    def changed_fields(self, record: Tracked, values: Mapping[str, Any]) -> list[str]:
        """The fields of `values` the workbook changed (from what it showed) to something
        keyplan does not hold now."""
        baseline = self.baseline(record)
        return [
            name
            for name, value in values.items()
            if not same_value(record, name, value)
            and (baseline is None or not same_value(baseline, name, value))
        ]

    def leave(
        self,
        record: Tracked,
        row: SheetRecord,
        values: Mapping[str, Any],
        name: str,
        columns: Mapping[str, Column],
    ) -> None:
        """Leave a newer record as keyplan has it; a change the workbook makes to it is
        a clash (the import is refused at the end, naming every one)."""
        for field in self.changed_fields(record, values):
            column = columns.get(field)
            header = column.header if column else field.replace("_", " ")
            ours = getattr(record, field)
            theirs = shown(values[field], column)
            self.clash(record, row, name, field, header, theirs, shown(ours, column))

    def leave_links(
        self,
        owner: Tracked,
        relation: str,
        wanted: Iterable[models.Model],
        current: Iterable[models.Model],
        row: SheetRecord,
        name: str,
        field: str,
    ) -> None:
        """Leave a newer record's links (its participants, a play's stakeholders) as
        keyplan has them, unless the workbook changed them from what it showed."""
        wanted, current = list(wanted), list(current)
        if self.links_then(owner, relation) == {w.pk for w in wanted}:
            return
        ours = "; ".join(sorted(map(str, current)))
        theirs = "; ".join(sorted(map(str, wanted)))
        header = row.cells[field][2] if field in row.cells else field.replace("_", " ")
        self.clash(owner, row, name, field, header, theirs or "—", ours or "—")

    def clash(self, record, row: SheetRecord, name: str, field: str, header: str, theirs, ours):
        """A change the workbook makes to a newer record: the import will be refused."""
        self.clashes.append(
            row.problem(
                f"“{name}” was {self.why(record)}, after this workbook was made, and the "
                f"workbook changes its {header}: “{theirs}” in the workbook, “{ours}” in "
                "keyplan. Export the plan again and make the change in the new workbook.",
                field if field in row.cells else None,
            )
        )

    def keep(self, section: str, name: str, record: Tracked, because: str = "") -> None:
        """A newer record the workbook would remove, kept and listed as a conflict."""
        self.report.conflicts[section].append(
            f"{name}: {because or self.why(record)}; kept as keyplan has it"
        )

    def removed(self, model: type[Tracked], key_of) -> dict[tuple, str]:
        """The records of `model` the workbook showed and keyplan removed since, by
        their key in the sheet (`key_of` read on the record as it was), each with who
        removed it and when."""
        label = model._meta.label_lower
        shown = [pk for (kind, pk) in self.stamps.versions if kind == label]
        if not shown or not hasattr(model, "history"):
            return {}
        there = set(model._base_manager.filter(pk__in=shown).values_list("pk", flat=True))
        gone = [pk for pk in shown if pk not in there]
        removals = model.history.filter(id__in=gone, history_type="-")  # type: ignore[attr-defined]
        found = {}
        for last in removals.select_related("history_user"):
            try:
                key = key_of(last)
            except models.ObjectDoesNotExist:  # what named it went too
                continue
            who = f" by {last.history_user}" if last.history_user else ""
            found[key] = f"removed in keyplan{who} on {when(last.history_date)}"
        return found

    def keep_removed(self, section: str, name: str, because: str) -> None:
        """A row of a record keyplan removed since the workbook was made: not added back."""
        self.report.conflicts[section].append(
            f"{name}: {because}, after this workbook was made; not added back"
        )

    def newer_dependent(self, record: Tracked) -> str | None:
        """What newer record removing `record` would take with it, described, or None."""
        if not self.stamps:
            return None
        moment = self.stamps.moment
        assert moment is not None
        collector = Collector(using=router.db_for_write(type(record)))
        try:
            collector.collect([record])
        except (ProtectedError, RestrictedError):
            return None  # the removal is refused, with its reason, when it is tried
        found = [obj for objs in collector.data.values() for obj in objs]
        found += [obj for query in collector.fast_deletes for obj in query]
        for obj in found:
            key = key_of(obj)
            if obj == record or key in self.created or not isinstance(obj, Tracked):
                continue
            if key in self.newer or obj.created_at > moment:
                kind = obj._meta.verbose_name
                return f"removing it would remove the {kind} “{obj}”, {self.why(obj)}"
        return None
