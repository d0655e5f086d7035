"""Create, update and delete for every plan record.

Each function checks access (core.access), validates the whole record (fields,
cross-record rules in the model's clean(), uniqueness and check constraints),
refuses a write based on a stale version, keeps the history (who, when) and runs
in one transaction: it either does all of its work or none of it. The domain
packages' services.py build their workflows on these.
"""

import copy
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError

from keyplan.core import access, clock
from keyplan.core.errors import ConflictError, NotFound
from keyplan.core.history import acting_as
from keyplan.core.models import Tracked

T = TypeVar("T", bound=Tracked)

NOT_SETTABLE = {"id", "version", "created_at", "updated_at"}


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)


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


def _history_user(user):
    return user if user is not None and user.is_authenticated else None


def _save(record: Tracked, user) -> None:
    record.full_clean()
    record._history_user = _history_user(user)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        # A concurrent write slipped past full_clean(); say so instead of a 500.
        raise ValidationError(
            f"This {record._meta.verbose_name} conflicts with another record: {exc}"
        ) from exc
    _touch_plan(record)


def _touch_plan(record: Tracked) -> None:
    """Note on the account that its plan changed (plan freshness, "last update").

    A plain UPDATE: the account's version and history are about its own fields."""
    if record.account_path is None or not record.touches_plan:
        return
    account = record.plan_account
    if account is not None and account.pk is not None:
        type(account).objects.filter(pk=account.pk).update(last_changed=clock.now())


def _plan_account_or_error(record: Tracked):
    try:
        account = record.plan_account
    except models.ObjectDoesNotExist as exc:
        raise ValidationError({_parent_field(type(record)): "No such record."}) from exc
    if account is None and record.account_path:
        raise ValidationError({_parent_field(type(record)): "This field is required."})
    return account


def create(model: type[T], *, by, **values) -> T:
    """Create a `model` record from `values` (field name to value)."""
    record = model()
    assign(record, values, creating=True)
    with transaction.atomic():
        if record.account_path is not None:
            _plan_account_or_error(record)
        access.check_edit(by, record)
        _save(record, by)
    return record


def lock(model: type[T], pk) -> T:
    """The stored record, locked for this transaction (SQLite locks at BEGIN IMMEDIATE)."""
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:
        raise NotFound(f"This {model._meta.verbose_name} no longer exists.") from exc


def check_version(current: Tracked, version) -> None:
    if version is None or version == "":
        raise ValidationError(
            {"version": "Say which version of the record this change is based on."}
        )
    try:
        version = int(version)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"version": "The version is a whole number."}) from exc
    if current.version != version:
        raise ConflictError(current, version)


def update(record: T, *, by, version=None, **values) -> T:
    """Change `record`, which the caller read at `version`; returns the stored record.

    Nothing is written when the stored record has moved past `version`
    (ConflictError carries the stored record) or when nothing changes. A versioned
    record must say its version; links (which have none) need not.
    """
    model = type(record)
    with transaction.atomic():
        current = lock(model, record.pk)
        access.check_edit(by, current)
        if hasattr(current, "version"):
            check_version(current, version)
        stored = copy.copy(current)  # rights are judged on the record as stored
        changed = assign(current, values, creating=False)
        if set(changed) & current.manager_fields:
            access.check_edit(by, stored, fields=changed)
        if changed:
            _save(current, by)
    return current


def delete(record: Tracked, *, by, version=None) -> None:
    """Delete `record` (read at `version`) and what belongs to it.

    Records that merely point at it (a stakeholder's manager, a play's objective)
    lose the reference through a normal save, so their history shows it.
    """
    model = type(record)
    with transaction.atomic():
        current = lock(model, record.pk)
        access.check_edit(by, current, deleting=True)
        if hasattr(current, "version"):
            check_version(current, version)
        _detach_dependents(current, by)
        current._history_user = _history_user(by)
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
            _touch_plan(account)


def _detach_dependents(record: models.Model, user) -> None:
    for relation in record._meta.related_objects:
        if relation.many_to_many or relation.on_delete is not models.SET_NULL:
            continue
        field = relation.field
        for dependent in relation.related_model._base_manager.filter(**{field.name: record}):
            setattr(dependent, field.name, None)
            if isinstance(dependent, Tracked):
                dependent._history_user = _history_user(user)
            dependent.save()


def set_links(
    owner: Tracked,
    relation: str,
    targets: Iterable[models.Model],
    *,
    by,
    version,
    extra: Mapping[int, Mapping[str, Any]] | None = None,
) -> Tracked:
    """Make `owner.<relation>` (a many-to-many through a tracked link model) hold
    exactly `targets`. Each added or removed link is its own history row; the owner's
    version moves, so a stale form cannot undo someone's change to the set.
    `extra` maps a target's pk to values for the link's own fields (a role hint)."""
    field = type(owner)._meta.get_field(relation)
    through = field.remote_field.through
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
                link._history_user = _history_user(by)
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
            current._history_user = _history_user(by)
            current.save()
            _touch_plan(current)
    return current
