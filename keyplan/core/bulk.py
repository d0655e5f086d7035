"""Inserting many records and their history rows at once: services.create_many()
and the synthetic generator (demo.bulk) both write through these pieces.

Django's bulk_create and simple-history's bulk_history_create compile every value
of every row through the ORM; here each table gets one executemany per batch, each
value prepared by its field's own get_db_prep_save. Primary keys are reserved
first (from the table's sequence on PostgreSQL; on SQLite the transaction already
holds the write lock, so the ids after both MAX(id) and the AUTOINCREMENT sequence
are ours), so records can point at each other before they are written: foreign
keys are checked at commit on both databases.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection, models

if TYPE_CHECKING:
    from django.db.models.options import Options

# Per column of an INSERT: the attribute its value comes from, and the conversion of
# that value for the database (a field's get_db_prep_save), or None when none is needed.
Columns = list[tuple[str, Callable[..., Any] | None]]

BATCH = 2000  # rows per executemany call

# Field types whose Python values every driver takes as they are; others go through
# the field's own get_db_prep_save (dates, datetimes, decimals).
PLAIN = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField",
    "ForeignKey", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SlugField", "SmallIntegerField", "TextField", "URLField",
}  # fmt: skip


def reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    if count == 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        table = connection.ops.quote_name(meta.db_table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(meta.pk.column)}), 0) "
                       f"FROM {table}")  # fmt: skip
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return range(start, start + count)


@cache
def statement(meta: "Options[Any]", *, with_pk: bool) -> tuple[str, Columns]:
    """The INSERT of every concrete column of a table (its primary key only if
    `with_pk`) and, per column, (attname, converter or None) for Prepare."""
    fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    columns: Columns = [
        (f.attname, None if f.get_internal_type() in PLAIN else f.get_db_prep_save) for f in fields
    ]
    return sql, columns


def execute(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run `sql` for every row, BATCH rows per executemany."""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


class Prepare:
    """Turns a record into a row's parameters for statement()'s `columns`, taking a
    column's value from `values` where it is there and from the record otherwise.
    Conversions are memoised: most rows of a batch share their timestamps."""

    def __init__(self, columns: Columns):
        self.columns = columns
        self.memo: dict[tuple[str, Any], Any] = {}

    def __call__(self, obj: models.Model, values: Mapping[str, Any]) -> list[Any]:
        row = []
        for attname, convert in self.columns:
            value = values[attname] if attname in values else getattr(obj, attname)
            if convert is not None and value is not None:
                if isinstance(value, dict | list):  # a JSON value: not hashable
                    value = convert(value, connection)
                else:
                    key = (attname, value)
                    if key not in self.memo:
                        self.memo[key] = convert(value, connection)
                    value = self.memo[key]
            row.append(value)
        return row


def insert(
    model: type[models.Model],
    records: Sequence[models.Model],
    *,
    user_id: int | None,
    moment: datetime,
) -> None:
    """Insert `records` (with their pks set) and a "+" history row for each."""
    if not records:
        return
    sql, columns = statement(model._meta, with_pk=True)
    prepare = Prepare(columns)
    execute(sql, [prepare(r, {}) for r in records])
    history = getattr(model, "history", None)
    if history is None:
        return
    sql, columns = statement(history.model._meta, with_pk=False)
    extra = {
        "history_date": moment,
        "history_change_reason": "",
        "history_type": "+",
        "history_user_id": user_id,
    }
    prepare = Prepare(columns)
    execute(sql, [prepare(r, extra) for r in records])


def refresh_statistics() -> None:
    """Let PostgreSQL's planner see the rows a bulk load wrote.

    Until the tables are analysed the planner assumes they are nearly empty and may
    pick nested loops that take minutes over a large portfolio; autovacuum does this
    eventually (or never, where it is switched off). SQLite plans well without
    statistics, and its ANALYZE reads every index, so it is left alone.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
