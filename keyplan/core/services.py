"""Create, update and delete for every plan record.

Each function checks access (core.access), validates the whole record (fields,
cross-record rules in the model's clean(), uniqueness and check constraints),
refuses a write based on a stale version, keeps the history (who, when) and runs
in one transaction: it either does all of its work or none of it. A value that is
valid but suspect is saved and flagged (core.sanity): on a new record, and on a
change to the field a check watches. The domain packages' services.py build their
workflows on these.
"""

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.deletion import ProtectedError

from keyplan.core import access, bulk, clock, sanity, signals
from keyplan.core.errors import ConflictError, NotFound
from keyplan.core.history import acting_as, author
from keyplan.core.models import Tracked, Versioned
from keyplan.core.protocols import Actor, PlanAccount

T = TypeVar("T", bound=Tracked)
V = TypeVar("V", bound=Versioned)

NOT_SETTABLE = {"id", "version", "created_at", "updated_at"}


def _field(model: type[models.Model], name: str) -> models.Field | None:
    """The field `name` (or attname) of `model`; None when there is none or the name is
    a relation from another model (not settable either way)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)
    return field if isinstance(field, models.Field) else None


def _column(model: type[models.Model], name: str) -> models.Field:
    """The concrete field `name` of `model`, as unique rules name them."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # Django's model checks: rules name columns
    return field


def _parent_field(model: type[Tracked]) -> str | None:
    """The field tying a record to its plan; it never changes after creation."""
    return model.account_path.split("__")[0] if model.account_path else None


def assign(record: Tracked, values: Mapping[str, Any], *, creating: bool) -> list[str]:
    """Set `values` on `record`; return the names of the fields that changed.

    A foreign key takes an instance or a primary key. Unknown and system fields are
    refused with a message naming them.
    """
    model = type(record)
    errors: dict[str, str] = {}
    changed: list[str] = []
    for name, value in values.items():
        field = _field(model, name)
        if field is None or not field.concrete or field.many_to_many:
            errors[name] = f"A {model._meta.verbose_name} has no field “{name}”."
            continue
        if field.name in NOT_SETTABLE or not field.editable:
            errors[name] = "This field is set by keyplan and cannot be changed."
            continue
        if field.is_relation and value is not None and not isinstance(value, models.Model):
            attribute = field.attname
        else:
            attribute = field.name
        differs = getattr(record, field.attname) != (
            value.pk if field.is_relation and isinstance(value, models.Model) else value
        )
        if not creating and field.name == _parent_field(model):
            if differs:
                errors[name] = "A record cannot move to another plan."
            continue
        if differs:
            changed.append(field.name)
        setattr(record, attribute, value)
    if errors:
        raise ValidationError(errors)
    return changed


def _save(record: Tracked, user: Actor, changed: Sequence[str] | None = ()) -> None:
    """Validate and save `record`; run the sanity checks of the fields `changed` (None:
    all, for a new record)."""
    record.full_clean()
    fired = sanity.review(record, changed)
    record._history_user = author(user)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        # A concurrent write slipped past full_clean(); say so instead of a 500.
        raise ValidationError(
            f"This {record._meta.verbose_name} conflicts with another record: {exc}"
        ) from exc
    sanity.tell(record, fired)
    _touch_plan(record)


def _touch_plan(record: Tracked) -> None:
    """Note on the account that its plan changed (plan freshness, "last update").

    A plain UPDATE: the account's version and history are about its own fields."""
    if record.account_path is None or not record.touches_plan:
        return
    account = record.plan_account
    if account is not None:
        _mark_changed(account)


def _mark_changed(account: PlanAccount) -> None:
    if account.pk is not None:
        _plans_changed({account.pk}, clock.now())


def _plans_changed(account_ids: set[Any], stamp: Any) -> None:
    """Advance the plans' version and last change, then tell the packages above."""
    _accounts().filter(pk__in=account_ids).update(
        last_changed=stamp, plan_version=models.F("plan_version") + 1
    )
    signals.plan_changed.send(sender=None, account_ids=frozenset(account_ids))


# Accounts are a model of a package above this one: named through the app registry.
def _accounts() -> models.QuerySet[Any]:
    return apps.get_model("accounts", "Account").objects.all()


def _plan_account_or_error(record: Tracked) -> PlanAccount | None:
    parent = _parent_field(type(record))
    if parent is None:  # the account itself, or a record outside any plan
        return record.plan_account
    try:
        account = record.plan_account
    except models.ObjectDoesNotExist as exc:
        raise ValidationError({parent: "No such record."}) from exc
    if account is None:
        raise ValidationError({parent: "This field is required."})
    return account


def create(model: type[T], *, by: Actor, **values: Any) -> T:
    """Create a `model` record from `values` (field name to value)."""
    record = model()
    assign(record, values, creating=True)
    with transaction.atomic():
        if record.account_path is not None:
            _plan_account_or_error(record)
        access.check_edit(by, record)
        _save(record, by, changed=None)
    return record


class InvalidRow(ValidationError):
    """create_many() refused the record at `index` of the rows it was given."""

    def __init__(self, index: int, error: ValidationError):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.index = index


class FromRow(int):
    """In create_many()'s rows, a foreign key to the record made from another row."""


def create_many(model: type[T], rows: Sequence[Mapping[str, Any]], *, by: Actor) -> list[T]:
    """Create a record of `model` from each of `rows`, as create() would one by one
    (access, whole-record validation, history) but with one INSERT per batch: for
    imports of thousands of rows. A foreign key may be `FromRow(i)`, the record made from
    `rows[i]`. Raises InvalidRow for the first row refused, having written nothing."""
    records = [model() for _ in rows]
    allowed: set[Any] = set()
    for index, (record, values) in enumerate(zip(records, rows, strict=True)):
        try:
            values = {k: records[v] if isinstance(v, FromRow) else v for k, v in values.items()}
            assign(record, values, creating=True)
            if record.account_path is not None:
                account = _plan_account_or_error(record)
                if (account_key := getattr(account, "pk", None)) not in allowed:
                    access.check_edit(by, record)
                    allowed.add(account_key)
            else:
                access.check_edit(by, record)
            # Foreign keys given as stored records exist; the rest are checked.
            given = [
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation and isinstance(getattr(record, f.name, None), models.Model)
            ]
            record.full_clean(exclude=given, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise InvalidRow(index, exc) from exc
    _check_unique_together(model, records)
    fired = [sanity.review(record, None) for record in records]
    stamp, user = clock.now(), author(by)
    with transaction.atomic():
        for record, pk in zip(records, bulk.reserve_ids(model, len(records)), strict=True):
            record.pk = pk
        for record in records:
            record.created_at = record.updated_at = stamp
            for f in model._meta.concrete_fields:
                if f.is_relation and (target := record._state.fields_cache.get(f.name)):
                    setattr(record, f.attname, target.pk)
            record._state.adding, record._state.db = False, connection.alias
        try:
            with transaction.atomic():
                bulk.insert(model, records, user_id=getattr(user, "pk", None), moment=stamp)
        except IntegrityError as exc:
            raise ValidationError(
                f"These {model._meta.verbose_name_plural} conflict with others: {exc}"
            ) from exc
        if model.account_path is not None:
            touched = {r.plan_account.pk for r in records if r.plan_account is not None}
            if touched:
                _plans_changed(touched, stamp)
    for record, fields in zip(records, fired, strict=True):
        sanity.tell(record, fields)
    return records


def _check_unique_together(model: type[models.Model], records: Sequence[models.Model]) -> None:
    """Each unique field or field set, among `records` and against the stored rows,
    with a query per rule (validate_unique would make one per record and rule)."""
    rules: list[tuple[tuple[str, ...], models.UniqueConstraint | None]] = [
        ((f.name,), None) for f in model._meta.concrete_fields if f.unique and not f.primary_key
    ]
    others: list[models.UniqueConstraint] = []
    for unique in model._meta.constraints:
        if not isinstance(unique, models.UniqueConstraint):
            continue
        if unique.fields and not (unique.condition or unique.expressions):
            rules.append((tuple(unique.fields), unique))
        else:
            others.append(unique)
    for names, constraint in rules:
        attnames = [_column(model, n).attname for n in names]
        seen: dict[tuple[Any, ...], int] = {}
        for index, record in enumerate(records):
            value = tuple(getattr(record, a) for a in attnames)
            if None in value:
                continue
            if value in seen:
                raise InvalidRow(index, _unique_error(model, names, constraint))
            seen[value] = index
        firsts = sorted({v[0] for v in seen}, key=str)
        for start in range(0, len(firsts), 500):
            stored = model._base_manager.filter(
                **{f"{attnames[0]}__in": firsts[start : start + 500]}
            ).values_list(*attnames)
            for value in stored:
                if tuple(value) in seen:
                    raise InvalidRow(seen[tuple(value)], _unique_error(model, names, constraint))
    for index, record in enumerate(records):
        for constraint in others:
            try:
                # django-stubs 5.2 lacks BaseConstraint.validate (Django 4.1+)
                constraint.validate(model, record)  # type: ignore[attr-defined]
            except ValidationError as exc:
                raise InvalidRow(index, exc) from exc


def _unique_error(
    model: type[models.Model],
    names: tuple[str, ...],
    constraint: models.UniqueConstraint | None,
) -> ValidationError:
    if constraint is not None and constraint.violation_error_message:
        message = constraint.get_violation_error_message()
    else:
        label = _column(model, names[0]).verbose_name
        message = f"A {model._meta.verbose_name} with this {label} already exists."
    return ValidationError({names[-1]: message})


def lock(model: type[T], pk: Any) -> T:
    """The stored record, locked for this transaction (SQLite locks at BEGIN IMMEDIATE)."""
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:
        raise NotFound(f"This {model._meta.verbose_name} no longer exists.") from exc


def check_version(current: Versioned, version: int | str | None) -> None:
    if version is None or version == "":
        raise ValidationError(
            {"version": "Say which version of the record this change is based on."}
        )
    try:
        expected = int(version)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"version": "The version is a whole number."}) from exc
    if current.version != expected:
        raise ConflictError(current, expected)


def update(record: T, *, by: Actor, version: int | str | None = None, **values: Any) -> T:
    """Change `record`, which the caller read at `version`; returns the stored record.

    Nothing is written when the stored record has moved past `version`
    (ConflictError carries the stored record) or when nothing changes. A versioned
    record must say its version; links (which have none) need not.
    """
    model = type(record)
    with transaction.atomic():
        current = lock(model, record.pk)
        access.check_edit(by, current)
        if isinstance(current, Versioned):
            check_version(current, version)
        stored = copy.copy(current)  # rights are judged on the record as stored
        changed = assign(current, values, creating=False)
        if set(changed) & current.manager_fields:
            access.check_edit(by, stored, fields=changed)
        if changed:
            _save(current, by, changed=changed)
    return current


def clear_check(record: V, field: str, *, by: Actor, version: int | str | None) -> V:
    """Clear the sanity check open on `record`'s `field` ("check this value"): someone
    looked and the value stands. `record` was read at `version`."""
    with transaction.atomic():
        current = lock(type(record), record.pk)
        access.check_edit(by, current)
        check_version(current, version)
        checks = dict(getattr(current, "value_checks", None) or {})
        if checks.pop(field, None) is None:
            raise ValidationError({field: "This value has no open check."})
        current.value_checks = checks  # type: ignore[attr-defined]  # a core.models.Checked
        current._history_user = author(by)
        current.save()
    return current


def delete(record: Tracked, *, by: Actor, version: int | str | None = None) -> None:
    """Delete `record` (read at `version`) and what belongs to it.

    Records that merely point at it (a stakeholder's manager, a play's objective)
    lose the reference through a normal save, so their history shows it.
    """
    model = type(record)
    with transaction.atomic():
        current = lock(model, record.pk)
        access.check_edit(by, current, deleting=True)
        if isinstance(current, Versioned):
            check_version(current, version)
        _detach_dependents(current, by)
        current._history_user = author(by)
        account = current.plan_account if current.account_path else None
        try:
            with transaction.atomic(), acting_as(by):
                current.delete()
        except ProtectedError as exc:
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            raise ValidationError(
                f"{current} cannot be deleted while {len(exc.protected_objects)} "
                f"{' and '.join(kinds)} still use it; change or remove those first."
            ) from exc
        if account is not None and account is not current and current.touches_plan:
            _mark_changed(account)


def _detach_dependents(record: models.Model, user: Actor) -> None:
    for relation in record._meta.related_objects:
        if relation.many_to_many or relation.on_delete is not models.SET_NULL:
            continue
        field, model = relation.field, relation.related_model
        assert not isinstance(model, str)  # "self" is resolved once the models are loaded
        for dependent in model._base_manager.filter(**{field.name: record}):
            setattr(dependent, field.name, None)
            if isinstance(dependent, Tracked):
                dependent._history_user = author(user)
            dependent.save()


def set_links(
    owner: V,
    relation: str,
    targets: Iterable[models.Model],
    *,
    by: Actor,
    version: int | str | None,
    extra: Mapping[int, Mapping[str, Any]] | None = None,
) -> V:
    """Make `owner.<relation>` (a many-to-many through a tracked link model) hold
    exactly `targets`. Each added or removed link is its own history row; the owner's
    version moves, so a stale form cannot undo someone's change to the set.
    `extra` maps a target's pk to values for the link's own fields (a role hint)."""
    field = type(owner)._meta.get_field(relation)
    assert isinstance(field, models.ManyToManyField), f"{relation} is not a many-to-many field"
    through = field.remote_field.through
    assert through is not None and issubclass(through, Tracked), f"{relation}: untracked links"
    source_name, target_name = field.m2m_field_name(), field.m2m_reverse_field_name()
    extra = extra or {}
    wanted = {target.pk: target for target in targets}
    with transaction.atomic():
        current = lock(type(owner), owner.pk)
        access.check_edit(by, current)
        check_version(current, version)
        links = {
            getattr(link, f"{target_name}_id"): link
            for link in through.objects.filter(**{source_name: current})
        }
        changed = False
        for target_pk, link in links.items():
            if target_pk not in wanted:
                link._history_user = author(by)
                link.delete()
                changed = True
            elif extra.get(target_pk) and assign(link, extra[target_pk], creating=False):
                _save(link, by)
                changed = True
        for target_pk, target in wanted.items():
            if target_pk not in links:
                link = through(**{source_name: current, target_name: target})
                assign(link, extra.get(target_pk, {}), creating=True)
                _save(link, by)
                changed = True
        if changed:
            current._history_user = author(by)
            current.save()
            _touch_plan(current)
    return current
