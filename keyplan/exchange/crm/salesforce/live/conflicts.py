"""Conflicts: a synced field changed in keyplan and in Salesforce since the last
sync. Neither side is written until a user who may edit the plan keeps one:

- keep Salesforce's: keyplan's record takes Salesforce's value now;
- keep keyplan's: Salesforce's value becomes the one last seen, so the next push
  sends keyplan's (a pushed field) and the next pull leaves keyplan's as it is.

Every read goes through the access rule: a conflict of an account the user may not
see does not exist for them.
"""

from typing import Any, cast

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils.text import capfirst

from keyplan.accounts.models import Account
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.core import access, clock, services
from keyplan.core.errors import ConflictError, Forbidden, NotFound, ValidationError
from keyplan.core.models import Tracked
from keyplan.exchange.crm.salesforce.live.seen import (
    account_of,
    keep_seen,
    kind_of,
    mark_from_salesforce,
    value_of,
)
from keyplan.exchange.crm.steps import shown
from keyplan.exchange.models import Kept, SyncConflict
from keyplan.exchange.writer import own_field

HISTORY_LOOKBACK = 50  # history rows read to find who last changed a field


class AlreadyResolved(Exception):
    """The conflict was resolved before (by someone else, or in another tab), or its
    record was deleted in keyplan since."""


def author(record: models.Model, name: str) -> str:
    """Who last changed `record`'s field `name` in keyplan, from its history."""
    attname = own_field(record, name).attname
    current = getattr(record, attname)
    rows = (
        type(record)
        .history.filter(id=record.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("-history_id")[:HISTORY_LOOKBACK]
    )
    who = None
    for row in rows:
        if getattr(row, attname) != current:
            break
        who = row.history_user
    if who is None:
        return ""
    return who.get_full_name() or who.username


def found(
    record: models.Model, crm_id: str, name: str, *, keyplan: str, salesforce: str,
    salesforce_by: str,
) -> SyncConflict:  # fmt: skip
    """Note (or bring up to date) the open conflict on `record`'s field `name`."""
    kind = kind_of(record)
    values = {
        "account_id": account_of(record),
        "crm_id": crm_id,
        "record_name": str(getattr(record, "name", "") or record)[:255],
        "keyplan_value": keyplan,
        "keyplan_by": author(record, name),
        "salesforce_value": salesforce,
        "salesforce_by": salesforce_by,
    }
    conflict = (
        SyncConflict.objects.select_for_update()
        .filter(kind=kind, record_id=record.pk, field=name, resolved_at__isnull=True)
        .first()
    )
    if conflict is None:
        return SyncConflict.objects.create(
            kind=kind, record_id=record.pk, field=name, found_at=clock.now(), **values
        )
    if any(getattr(conflict, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(conflict, key, value)
        conflict.found_at = clock.now()
        conflict.version += 1  # a choice made on the values shown before is refused
        conflict.save()
    return conflict


def settle(record: models.Model, name: str) -> None:
    """Both sides now hold the same value of `record`'s field `name`: an open conflict
    on it is over, with nobody's choice."""
    SyncConflict.objects.filter(
        kind=kind_of(record), record_id=record.pk, field=name, resolved_at__isnull=True
    ).update(resolved_at=clock.now(), version=F("version") + 1)


def model_of(conflict: SyncConflict) -> type[Tracked]:
    return cast(type[Tracked], apps.get_model(conflict.kind))


def label(conflict: SyncConflict) -> str:
    return capfirst(str(own_field(model_of(conflict), conflict.field).verbose_name))


def shown_value(conflict: SyncConflict, text: str) -> str:
    """A kept value as the plan page shows it (a stage by its label)."""
    model = model_of(conflict)
    try:
        return shown(model(), conflict.field, value_of(model(), conflict.field, text))
    except ValidationError:
        return text


def listed(conflict: SyncConflict, account: str | None = None) -> dict:
    """The conflict as the reports list it (`account`: its name, when known)."""
    if account is None:
        names = Account.objects.filter(pk=conflict.account_id).values_list("name", flat=True)
        account = names.first() or ""
    return {
        "id": conflict.pk,
        "account": account,
        "record": conflict.record_name,
        "field": label(conflict),
        "keyplan": shown_value(conflict, conflict.keyplan_value),
        "keyplan_by": conflict.keyplan_by,
        "salesforce": shown_value(conflict, conflict.salesforce_value),
        "salesforce_by": conflict.salesforce_by,
    }


def worded(listed: dict) -> str:
    """A conflict of a report (as `listed` gives it) in a line of a command's output."""
    ours = f" ({listed['keyplan_by']})" if listed["keyplan_by"] else ""
    theirs = f" ({listed['salesforce_by']})" if listed["salesforce_by"] else ""
    return (
        f"{listed['account']}, {listed['record']}, {listed['field']}: changed in both, "
        f"keyplan has “{listed['keyplan']}”{ours}, Salesforce has “{listed['salesforce']}”"
        f"{theirs}; neither is written until someone keeps one (plan page or API)."
    )


def open_conflicts(account: Account) -> QuerySet[SyncConflict]:
    return SyncConflict.objects.filter(account=account, resolved_at__isnull=True).order_by(
        "found_at", "pk"
    )


def open_fields(kind: str, record_ids: list[int]) -> set[tuple[int, str]]:
    """(record pk, field) of the open conflicts of these records."""
    return set(
        SyncConflict.objects.filter(
            kind=kind, record_id__in=record_ids, resolved_at__isnull=True
        ).values_list("record_id", "field")
    )


def conflict_of(account_id: int, conflict_id: int, *, by) -> SyncConflict:
    """The account's conflict, if `by` may see the account; else NotFound."""
    account = access.visible(Account.objects.all(), by).filter(pk=account_id).first()
    conflict = (
        SyncConflict.objects.filter(account=account, pk=conflict_id).first() if account else None
    )
    if conflict is None:
        raise NotFound("No such conflict.")
    return conflict


def resolve(conflict: SyncConflict, keep: str, *, by, version: int) -> SyncConflict:
    """Keep keyplan's or Salesforce's value (`keep`), as `by`, who read the conflict
    at `version`. Raises NotFound, Forbidden, AlreadyResolved or ConflictError."""
    if keep not in Kept.values:
        raise ValidationError({"keep": f"Keep “keyplan” or “salesforce”, not “{keep}”."})
    with transaction.atomic():
        current = SyncConflict.objects.select_for_update().filter(pk=conflict.pk).first()
        if current is None:
            raise NotFound("No such conflict.")
        record = model_of(current)._default_manager.filter(pk=current.record_id).first()
        if record is None:
            _close_deleted(current, by=by)
        else:
            _keep(current, record, keep, by=by, version=version)
    if record is None:  # raised once the closing is committed
        raise AlreadyResolved(
            f"{current.record_name} was deleted in keyplan since the conflict was found, so "
            "there is nothing to keep in keyplan; Salesforce keeps its value "
            f"(“{shown_value(current, current.salesforce_value)}”). The conflict is closed."
        )
    return current


def _keep(current: SyncConflict, record: Tracked, keep: str, *, by, version: int) -> None:
    access.check_edit(by, record)
    if current.resolved_at is not None and current.resolved_by is None:
        raise AlreadyResolved(
            "Both sides came to the same value since, so this conflict is over. Nothing "
            "was changed."
        )
    if current.resolved_at is not None:
        who = current.resolved_by.username if current.resolved_by else "someone"
        what = f"kept {current.get_kept_display()}" if current.kept else "closed it"
        raise AlreadyResolved(
            f"This conflict was already resolved by {who}, who {what}. Nothing was changed."
        )
    if current.version != version:
        raise ConflictError(current, version)
    if keep == Kept.SALESFORCE:
        value = value_of(record, current.field, current.salesforce_value)
        record = services.update(
            record, by=by, version=getattr(record, "version", None), **{current.field: value}
        )
        mark_from_salesforce(record)
    # Salesforce's value is the one seen: keyplan's stays until Salesforce changes it
    # again, and a push sends it.
    keep_seen(record, current.crm_id, {current.field: current.salesforce_value})
    current.resolved_at, current.resolved_by, current.kept = clock.now(), by, keep
    current.version += 1
    current.save()
    _audited(current, kept=keep)


def _audited(current: SyncConflict, *, kept: str) -> None:
    """The choice on the audit trail: the record, the field, the side kept and its
    value; none kept when the record was deleted in keyplan (the deletion stands)."""
    outcome: dict[str, Any] = {"closed": "the record was deleted in keyplan"}
    if kept:
        value = current.salesforce_value if kept == Kept.SALESFORCE else current.keyplan_value
        outcome = {"value": shown_value(current, value)}
    target = (str(model_of(current)._meta.model_name), current.record_id, current.record_name)
    record(
        kinds.SYNC_RESOLVED,
        actor=current.resolved_by,
        target=target,
        field=label(current),
        kept=kept,
        **outcome,
    )


def _close_deleted(current: SyncConflict, *, by) -> None:
    """The record was deleted in keyplan while in conflict: the deletion stands and
    Salesforce keeps its value (keyplan deletes nothing there)."""
    account = Account.objects.get(pk=current.account_id)
    if not access.can_edit_account(by, account):
        raise Forbidden("You may read this plan but not change it.")
    if current.resolved_at is None:
        current.resolved_at, current.resolved_by = clock.now(), by
        current.version += 1
        current.save()
        _audited(current, kept="")
