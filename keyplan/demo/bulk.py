"""Bulk inserts that keep history: rows and their django-simple-history rows.

The synthetic generator writes millions of rows. Django's bulk_create and
simple-history's bulk_history_create compile every value of every row through the
ORM, which was most of a 10,000-account run; here both the rows and their history
go in with executemany, each value prepared by its field's own get_db_prep_save.
Primary keys are reserved before the insert (from the table's sequence on
PostgreSQL; on SQLite the transaction already holds the database's write lock, so
the next ids after MAX(id) are ours), so children can point at their parents.
tests/demo checks the rows equal those the ORM writes.
"""

from collections import Counter
from datetime import datetime
from functools import cache

from django.conf import settings
from django.db import connection

BATCH = 2000  # rows per executemany call

# Columns whose Python values every driver takes as they are; others go through the
# field's own get_db_prep_save (dates, datetimes, decimals).
PLAIN = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField",
    "ForeignKey", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SlugField", "SmallIntegerField", "TextField", "URLField",
}  # fmt: skip


def insert(model, objs: list, counts: Counter) -> None:
    """Insert `objs` (unsaved `model` instances) and their history rows. Foreign keys
    may point at instances inserted earlier in the same way."""
    if not objs:
        return
    for obj, pk in zip(objs, _reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding = False
    sql, columns = _insert_sql(model._meta, with_pk=True)
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    prepare = _Prepare()
    rows = []
    for obj in objs:
        for field in relations:  # parents were inserted first: take their ids
            parent = obj._state.fields_cache.get(field.name)
            if parent is not None:
                setattr(obj, field.attname, parent.pk)
        rows.append(prepare(obj, columns, {}))
    _execute(sql, rows)
    counts[model._meta.label] += len(objs)
    write_history(model, objs, counts)


def write_history(model, objs: list, counts: Counter) -> None:
    """Write the history rows of freshly inserted `objs`, as simple-history's
    bulk_history_create would: one "+" row at creation and, for a record that carries
    `_earlier` values (what it held when created), a "+" row with those then a "~" row.
    `_by` on a record names the user who wrote it."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    sql, columns = _insert_sql(model.history.model._meta, with_pk=False)
    rows, prepare = [], _Prepare()
    for obj in objs:
        extra = {"history_user_id": getattr(obj, "_by", None), "history_change_reason": ""}
        earlier = getattr(obj, "_earlier", None)
        if earlier is not None:
            first = {"version": 1, "updated_at": obj.created_at, **earlier}
            rows.append(prepare(obj, columns, extra | first | _stamp(obj.created_at, "+")))
        rows.append(prepare(obj, columns, extra | _stamp(obj.updated_at, "~" if earlier else "+")))
    _execute(sql, rows)
    counts[model.history.model._meta.label] += len(rows)


def _reserve_ids(model, count: int) -> range | list[int]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
    return range(start, start + count)


@cache
def _insert_sql(meta, *, with_pk: bool) -> tuple[str, list]:
    """The INSERT for a table and, per column, (attname, converter or None)."""
    fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    columns = [
        (f.attname, None if f.get_internal_type() in PLAIN else f.get_db_prep_save) for f in fields
    ]
    return sql, columns


def _execute(sql: str, rows: list) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _stamp(moment: datetime, kind: str) -> dict:
    return {"history_date": moment, "history_type": kind}


class _Prepare:
    """Turns a record into a row's parameters. Conversions are memoised: most rows of
    an account share their timestamps."""

    def __init__(self):
        self.memo = {}

    def __call__(self, obj, columns: list, values: dict) -> list:
        row = []
        for attname, convert in columns:
            value = values[attname] if attname in values else getattr(obj, attname)
            if convert is not None and value is not None:
                key = (attname, value)
                if key not in self.memo:
                    self.memo[key] = convert(value, connection)
                value = self.memo[key]
            row.append(value)
        return row
