"""Bulk inserts that keep history: rows and their django-simple-history rows.

The synthetic generator writes millions of rows. Django's bulk_create and
simple-history's bulk_history_create compile every value of every row through the
ORM, which was most of a 10,000-account run; here both the rows and their history
go in with core.bulk's executemany statements, each value prepared by its field's
own get_db_prep_save. Primary keys are reserved before the insert
(core.bulk.reserve_ids), so children can point at their parents.
tests/demo checks the rows equal those the ORM writes.
"""

from collections import Counter
from datetime import datetime

from django.conf import settings

from keyplan.core.bulk import Prepare, execute, reserve_ids, statement


def insert(model, objs: list, counts: Counter) -> None:
    """Insert `objs` (unsaved `model` instances) and their history rows. Foreign keys
    may point at instances inserted earlier in the same way."""
    if not objs:
        return
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding = False
    sql, columns = statement(model._meta, with_pk=True)
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    prepare = Prepare(columns)
    rows = []
    for obj in objs:
        for field in relations:  # parents were inserted first: take their ids
            parent = obj._state.fields_cache.get(field.name)
            if parent is not None:
                setattr(obj, field.attname, parent.pk)
        rows.append(prepare(obj, {}))
    execute(sql, rows)
    counts[model._meta.label] += len(objs)
    write_history(model, objs, counts)


def write_history(model, objs: list, counts: Counter) -> None:
    """Write the history rows of freshly inserted `objs`, as simple-history's
    bulk_history_create would: one "+" row at creation and, for a record that carries
    `_earlier` values (what it held when created), a "+" row with those then a "~" row.
    `_by` on a record names the user who wrote it."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    sql, columns = statement(model.history.model._meta, with_pk=False)
    rows, prepare = [], Prepare(columns)
    for obj in objs:
        extra = {"history_user_id": getattr(obj, "_by", None), "history_change_reason": ""}
        earlier = getattr(obj, "_earlier", None)
        if earlier is not None:
            first = {"version": 1, "updated_at": obj.created_at, **earlier}
            rows.append(prepare(obj, extra | first | _stamp(obj.created_at, "+")))
        rows.append(prepare(obj, extra | _stamp(obj.updated_at, "~" if earlier else "+")))
    execute(sql, rows)
    counts[model.history.model._meta.label] += len(rows)


def _stamp(moment: datetime, kind: str) -> dict:
    return {"history_date": moment, "history_type": kind}
