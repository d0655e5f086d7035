"""What changed on an account's plan, who changed it and when, read from history.

`changes()` turns the django-simple-history rows of every plan model into entries a
KAM can read ("max changed stakeholder Sarah Lin: relationship strength Warm →
Champion"), newest first. Its cost does not grow with the number of changes: one
query per plan model for its history rows, one per model for the rows just before
a `since` cut, and one per related model (users, stakeholders, products...) for the
labels of records that were not among the rows already read.
"""

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, Max, Model, OuterRef, Q, Subquery
from django.utils import timezone

from keyplan.cadence.models import PlanReview
from keyplan.core.formats import format_date, format_datetime, format_number
from keyplan.core.models import Tracked
from keyplan.core.money import MoneyField, format_money
from keyplan.team.models import Organisation

# Rows of one record by one user this close together come from one save (a service
# that creates a record and then links it, say) and read as one entry.
MERGE_WINDOW = timedelta(seconds=2)
# History rows read per model for `limit` entries: some rows merge or change nothing.
FETCH_FACTOR = 2
SKIPPED_FIELDS = frozenset(
    {"version", "updated_at", "created_at", "last_changed", "plan_version", "value_checks"}
)


@dataclass(frozen=True)
class Change:
    """One entry of an account's timeline."""

    when: datetime
    user: Any  # the User who made the change; None for imports and cascades
    kind: str  # "created", "changed" or "deleted"
    model: str  # the record's kind, as people say it: "stakeholder"
    record: str  # the record's label: "Sarah Lin"
    record_id: int
    # (field, old value, new value) as displayed, "" when empty; only for "changed".
    fields: list[tuple[str, str, str]]
    # Where the record shows on the plan page ("stakeholder-12"); None when gone.
    anchor: str | None = None


def changes(
    account, *, since: datetime | None = None, until: datetime | None = None, limit: int = 300
) -> list[Change]:
    """The changes to `account`'s plan from `since` (inclusive) to `until` (exclusive),
    newest first, at most `limit` of them."""
    if limit < 1:
        return []
    fetch = limit * FETCH_FACTOR
    records = _Records()
    records.add(type(account), account.pk, account)
    saves: list[_Save] = []
    cutoffs = []  # where models with more rows than read were cut
    for position, model in enumerate(plan_models()):
        rows = _rows(model, account.pk, since=since, until=until, fetch=fetch)
        if len(rows) == fetch:
            cutoffs.append(rows[-1].history_date)
        for row in rows:  # newest first, so each record keeps its latest state
            records.add(model, _pk(model, row), row)
        saves += [_Save(model, position, group) for group in _groups(model, rows)]

    _attach_previous(saves)
    saves = [save for save in saves if save.kind is not None]
    saves.sort(key=lambda save: (save.when, save.position, save.record_id), reverse=True)
    if cutoffs:  # entries are only complete after every cut: no gaps, maybe fewer
        saves = [save for save in saves if save.when > max(cutoffs) + MERGE_WINDOW]
    saves = saves[:limit]

    for save in saves:
        save.want_labels(records)
    records.fetch()
    # The organisation's currency, read once and only if money changed.
    currency = functools.cache(lambda: Organisation.current().currency)
    return [save.change(records, currency) for save in saves]


def start_of_day(day: date) -> datetime:
    """The first moment of `day` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def since_last_review(account) -> datetime | None:
    """The start of the day of the account's latest plan review, or None if it has none:
    `changes(account, since=since_last_review(account))` is what changed since."""
    day = PlanReview.objects.filter(account=account).aggregate(day=Max("date"))["day"]
    return None if day is None else start_of_day(day)


@functools.cache
def plan_models() -> tuple[type[Tracked], ...]:
    """Every history-tracked model whose records belong to an account's plan."""
    return tuple(
        model
        for model in apps.get_models()
        if issubclass(model, Tracked) and model.account_path is not None
    )


# Reading history rows


@functools.cache
def _history(model: type[Model]) -> type[Model]:
    """The historical model of `model` (`model.history` builds a manager class per use)."""
    return model.history.model


def _pk(model: type[Model], row) -> int:
    return getattr(row, model._meta.pk.attname)


def _history_of(model: type[Model], path: str, account_pk: int):
    """History rows of `model` records that belong (or belonged) to the account, `path`
    leading from `model` to the account. A link is matched through its parent's history,
    so links of a play or stakeholder deleted since are found too."""
    rows = _history(model).objects.all()
    if path == "":
        return rows.filter(**{model._meta.pk.attname: account_pk})
    step, _, rest = path.partition("__")
    field = model._meta.get_field(step)
    if not rest:
        return rows.filter(**{field.attname: account_pk})
    parent = field.related_model
    parents = _history_of(parent, rest, account_pk).values(parent._meta.pk.attname)
    return rows.filter(**{f"{field.attname}__in": parents})


def _rows(model, account_pk, *, since, until, fetch) -> list:
    """The newest `fetch` history rows of `model` in the account, each annotated with
    the history id of the row before it (its record's previous state)."""
    history = _history(model)
    pk = model._meta.pk.attname
    earlier = (
        history.objects.filter(**{pk: OuterRef(pk)})
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    rows = _history_of(model, model.account_path, account_pk)
    if since is not None:
        rows = rows.filter(history_date__gte=since)
    if until is not None:
        rows = rows.filter(history_date__lt=until)
    rows = rows.annotate(timeline_previous=Subquery(earlier))
    return list(rows.order_by("-history_date", "-history_id")[:fetch])


def _groups(model: type[Model], rows: list) -> list[list]:
    """One model's rows (newest first) split into saves, each oldest first: rows of one
    record by one user within MERGE_WINDOW of the save's first row."""
    by_record = defaultdict(list)
    for row in reversed(rows):
        by_record[_pk(model, row)].append(row)
    groups = []
    for record_rows in by_record.values():
        group: list = []
        for row in record_rows:
            if group and (
                row.history_user_id != group[0].history_user_id
                or row.history_date - group[0].history_date > MERGE_WINDOW
                or group[-1].history_type == "-"
            ):
                groups.append(group)
                group = []
            group.append(row)
        groups.append(group)
    return groups


def _attach_previous(saves: list["_Save"]) -> None:
    """Give each change its record's state before it, reading the rows that were not
    read already (before `since`, or past the rows read) in one query per model."""
    read: dict[type, dict[int, Any]] = defaultdict(dict)
    for save in saves:
        for row in save.rows:
            read[save.model][row.history_id] = row
    missing: dict[type, set[int]] = defaultdict(set)
    for save in saves:
        wanted = save.rows[0].timeline_previous
        if save.rows[0].history_type == "~" and wanted and wanted not in read[save.model]:
            missing[save.model].add(wanted)
    for model, ids in missing.items():
        for row in _history(model).objects.filter(history_id__in=ids):
            read[model][row.history_id] = row
    for save in saves:
        save.settle(read[save.model].get(save.rows[0].timeline_previous))


class _Save:
    """History rows of one record from one save, becoming one Change."""

    def __init__(self, model: type[Model], position: int, rows: list):
        self.model, self.position, self.rows = model, position, rows
        self.when = rows[0].history_date
        self.record_id = _pk(model, rows[0])
        self.kind: str | None = None
        self.before = None
        self.changed: list = []

    def settle(self, before) -> None:
        """Decide what the save did; `kind` stays None when nothing visible changed."""
        first, last = self.rows[0].history_type, self.rows[-1].history_type
        if first == "+":
            self.kind = None if last == "-" else "created"
        elif last == "-":
            self.kind = "deleted"
        else:
            self.before = before
            after = self.rows[-1]
            fields = [
                field
                for field in _diff_fields(self.model)
                if before is not None
                and getattr(before, field.attname) != getattr(after, field.attname)
            ]
            # A record saved without a visible change (a link's owner moving its version).
            self.kind = "changed" if fields or before is None else None
            self.changed = fields

    @functools.cached_property
    def instance(self) -> Model:
        return self.rows[-1].instance

    def want_labels(self, records: "_Records") -> None:
        records.want(get_user_model(), self.rows[-1].history_user_id)
        records.want_label_of(self.instance)
        for field in self.changed:
            if field.is_relation:
                records.want(field.related_model, getattr(self.before, field.attname))
                records.want(field.related_model, getattr(self.rows[-1], field.attname))

    def change(self, records: "_Records", currency: Callable[[], str]) -> Change:
        after = self.rows[-1]
        user_id = after.history_user_id
        return Change(
            when=self.when,
            user=records.known[get_user_model()].get(user_id) if user_id else None,
            kind=self.kind,
            model=str(self.model._meta.verbose_name),
            record=records.label_of(self.instance),
            record_id=self.record_id,
            fields=[
                (
                    str(field.verbose_name),
                    _display(field, getattr(self.before, field.attname), records, currency),
                    _display(field, getattr(after, field.attname), records, currency),
                )
                for field in self.changed
            ],
            anchor=self._anchor(),
        )

    def _anchor(self) -> str | None:
        """The plan row showing the record: a link shows with its parent (a play's
        stakeholders with the play); the account is the page itself."""
        path = self.model.account_path
        if not path or (self.kind == "deleted" and "__" not in path):
            return None
        if "__" not in path:
            return f"{self.model._meta.model_name}-{self.record_id}"
        field = self.model._meta.get_field(path.split("__")[0])
        return f"{field.related_model._meta.model_name}-{getattr(self.rows[-1], field.attname)}"


@functools.cache
def _diff_fields(model: type[Model]) -> tuple:
    tracked = {field.name for field in _history(model).tracked_fields}
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.name in tracked and not field.primary_key and field.name not in SKIPPED_FIELDS
    )


# Labels and displayed values


def _display(field, value, records: "_Records", currency: Callable[[], str]) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation:
        return records.label(field.related_model, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, MoneyField):
        return format_money(value, currency())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_number(value, 2)
    return str(value)


def _is_link(model: type[Model]) -> bool:
    """Link records (a play's stakeholder) have no label of their own."""
    return model.__str__ is Model.__str__


class _StandIn:
    """Takes the place of a related record that is not at hand: reads as `text`, and
    tells `on_read` (which relations a label reads, see _label_keys)."""

    def __init__(self, text: str, on_read=None):
        self._text, self._on_read = text, on_read

    def __str__(self) -> str:
        if self._on_read:
            self._on_read()
        return self._text

    def __getattr__(self, attribute):
        return self


@functools.cache
def _label_keys(model: type[Model]) -> tuple[ForeignKey, ...]:
    """The foreign keys `model`'s label reads, found once by labelling a blank record
    whose relations are stand-ins. They are resolved in bulk and cached on records
    before labelling, because str() would fetch them one query per record."""
    keys = tuple(f for f in model._meta.concrete_fields if isinstance(f, ForeignKey))
    if not issubclass(model, Tracked) or _is_link(model):
        return keys if _is_link(model) else ()
    used: set[str] = set()
    blank = model()
    for field in keys:
        field.set_cached_value(blank, _StandIn("", functools.partial(used.add, field.name)))
    try:
        str(blank)
    except Exception:  # an unusual label: resolve every relation it might read
        return keys
    return tuple(field for field in keys if field.name in used)


@functools.cache
def _fetch_order() -> dict[type[Model], int]:
    """Related models, each before the models its label reads, so that one query per
    model fetches every record the labels need (cells before business units)."""
    seen: set = set()
    order: list = []

    def visit(model):
        if model not in seen:
            seen.add(model)
            for field in _label_keys(model):
                visit(field.related_model)
            order.append(model)

    visit(get_user_model())
    for model in plan_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ForeignKey):
                visit(field.related_model)
    return {model: index for index, model in enumerate(reversed(order))}


class _Records:
    """Records by model and id, to label them: first the states read from history,
    then (`fetch`) the others that labels need, in one query per model."""

    def __init__(self):
        self.known: dict[type, dict[int, Any]] = defaultdict(dict)
        self.wanted: dict[type, set[int]] = defaultdict(set)
        self._asked: set[tuple[type, int]] = set()
        self._labels: dict[tuple[type, int], str] = {}

    def add(self, model, pk, record_or_row) -> None:
        """Keep the first state given for a record (history rows come newest first)."""
        if pk not in self.known[model]:
            is_row = not isinstance(record_or_row, model)
            self.known[model][pk] = record_or_row.instance if is_row else record_or_row

    def want(self, model, pk) -> None:
        """Ask for a record's label: fetch it, or what its known state's label reads."""
        if pk is None or (model, pk) in self._asked:
            return
        self._asked.add((model, pk))
        if pk in self.known[model]:
            self.want_label_of(self.known[model][pk])
        else:
            self.wanted[model].add(pk)

    def want_label_of(self, record) -> None:
        for field in _label_keys(type(record)):
            self.want(field.related_model, getattr(record, field.attname))

    def fetch(self) -> None:
        order = _fetch_order()
        while self.wanted:
            model = min(self.wanted, key=lambda m: order.get(m, len(order)))
            ids = self.wanted.pop(model) - self.known[model].keys()
            for pk, record in _load(model, ids).items():
                self.known[model][pk] = record
                self.want_label_of(record)

    def label(self, model, pk) -> str:
        key = (model, pk)
        if key not in self._labels:
            self._labels[key] = f"{model._meta.verbose_name} #{pk}"  # until known; no loops
            record = self.known[model].get(pk)
            if record is not None:
                self._labels[key] = self.label_of(record)
        return self._labels[key]

    def label_of(self, record: Model) -> str:
        model = type(record)
        keys = _label_keys(model)
        for field in keys:
            target = getattr(record, field.attname)
            if target is not None:
                related = self.known[field.related_model].get(target)
                if related is not None:
                    self.label(field.related_model, target)  # primes its own relations
                else:
                    related = _StandIn(self.label(field.related_model, target))
                field.set_cached_value(record, related)
        if _is_link(model) and keys:
            return f"{getattr(record, keys[-1].name)} on {getattr(record, keys[0].name)}"
        return str(record)


def _load(model: type[Model], ids: set[int]) -> dict[int, Model]:
    """Records of `model` by id; those deleted since as their history last had them."""
    if not ids:
        return {}
    records = {record.pk: record for record in model._base_manager.filter(pk__in=ids)}
    missing = ids - records.keys()
    if missing and issubclass(model, Tracked):
        pk = model._meta.pk.attname
        deleted = {f"{pk}__in": missing, "history_type": "-"}
        for row in _history(model).objects.filter(**deleted):
            records[getattr(row, pk)] = row.instance
    return records
