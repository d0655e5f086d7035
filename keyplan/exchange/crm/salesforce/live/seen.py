"""No silent overwrite in either direction: the value keyplan last saw in Salesforce
for every synced field, and the rule a live pull applies with it.

For each field of an account, stakeholder or play that Salesforce gives:
- Salesforce's value is the one last seen: Salesforce did not change it, so keyplan's
  own value stays (a push sends it, if it is a pushed field);
- Salesforce changed it and keyplan still holds the value last seen: keyplan takes
  Salesforce's (its history says "from Salesforce");
- both changed it, to different values: a conflict (conflicts.py); neither side is
  written until a user keeps one;
- nothing seen yet (a first sync): keyplan takes Salesforce's value, as an import
  of the export does; a field blank in Salesforce is seen as blank.
Whatever keyplan takes, or already holds, becomes the value last seen. The import of
an export file has no guard and keeps its own rule (Salesforce's value wins).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.exchange.models import SeenValue
from keyplan.exchange.writer import own_field
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder

SYNCED = (Account, Stakeholder, Play)
NOT_SYNCED = {"crm_id", "crm_notes"}  # keyplan's bookkeeping, not a field users edit
REASON = "from Salesforce"
# Fields a Salesforce record may leave blank: an import leaves a blank out (it never
# erases keyplan's value), so a blank is seen as "" for a later value there to be
# told from keyplan's own.
MAY_BE_BLANK: dict[type[models.Model], tuple[str, ...]] = {
    Account: ("industry", "website", "annual_revenue", "employees"),
    Stakeholder: ("title", "department", "email", "phone"),
    Play: ("description", "target_close_date"),
}


def kind_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def synced(record: models.Model, name: str) -> bool:
    """Whether `record`'s field `name` is guarded: a plain value (not a link, whose
    record keyplan matches by id) of a record a user edits in both places."""
    if not isinstance(record, SYNCED) or name in NOT_SYNCED:
        return False
    return not own_field(record, name).is_relation


def text_of(record: models.Model, name: str, value: Any) -> str:
    """`value` of `record`'s field `name` as the text it is kept and compared as."""
    if value is None:
        return ""
    model_field = own_field(record, name)
    if isinstance(model_field, models.DecimalField):
        return format(Decimal(value).normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def value_of(record: models.Model, name: str, text: str) -> Any:
    """The value `text_of` gave `text` for, as the field holds it."""
    model_field = own_field(record, name)
    if text == "" and model_field.null:
        return None
    return model_field.to_python(text)


def held(record: models.Model, name: str) -> str:
    return text_of(record, name, getattr(record, own_field(record, name).attname))


def account_of(record: models.Model) -> int:
    return record.pk if isinstance(record, Account) else record.account_id  # type: ignore[attr-defined]


def seen_values(records: list[models.Model]) -> dict[tuple[str, int, str], str]:
    """(kind, record pk, field) -> the value last seen, for `records`."""
    found: dict[tuple[str, int, str], str] = {}
    by_kind: dict[str, list[int]] = {}
    for record in records:
        by_kind.setdefault(kind_of(record), []).append(record.pk)
    for kind, pks in by_kind.items():
        for seen in SeenValue.objects.filter(kind=kind, record_id__in=pks):
            found[(seen.kind, seen.record_id, seen.field)] = seen.value
    return found


def keep_seen(record: models.Model, crm_id: str, values: dict[str, str]) -> None:
    """Remember `values` (field -> text) as what Salesforce holds for `record`: one
    read, and a write only for what differs from what was seen."""
    if not values:
        return
    now, kind = clock.now(), kind_of(record)
    stored = {
        seen.field: seen
        for seen in SeenValue.objects.filter(kind=kind, record_id=record.pk, field__in=values)
    }
    new, changed = [], []
    for name, text in values.items():
        seen = stored.get(name)
        if seen is None:
            new.append(SeenValue(kind=kind, record_id=record.pk, field=name, value=text,
                                 crm_id=crm_id, seen_at=now))  # fmt: skip
        elif (seen.value, seen.crm_id) != (text, crm_id):
            seen.value, seen.crm_id, seen.seen_at = text, crm_id, now
            changed.append(seen)
    SeenValue.objects.bulk_create(new)
    if changed:
        SeenValue.objects.bulk_update(changed, ["value", "crm_id", "seen_at"])


def mark_from_salesforce(record: models.Model) -> None:
    """Say in the record's latest history row that the change came from Salesforce."""
    latest = type(record).history.filter(id=record.pk).order_by("-history_id").first()  # type: ignore[attr-defined]
    if latest is not None:
        type(latest).objects.filter(pk=latest.pk).update(history_change_reason=REASON)
