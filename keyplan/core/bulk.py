"""Inserting many validated records and their history rows at once, for
services.create_many().

Django's bulk_create and simple-history's bulk_history_create compile every value
of every row through the ORM; here each table gets one executemany per batch, each
value prepared by its field's own get_db_prep_save. Primary keys are reserved
first (from the table's sequence on PostgreSQL; on SQLite the transaction already
holds the write lock, so the ids after both MAX(id) and the AUTOINCREMENT sequence
are ours), so records can point at each other before they are written: foreign
keys are checked at commit on both databases.
"""

from datetime import datetime

from django.db import connection

BATCH = 2000  # rows per executemany call

# Field types whose Python values every driver takes as they are.
PLAIN = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField",
    "ForeignKey", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SlugField", "SmallIntegerField", "TextField", "URLField",
}  # fmt: skip


def reserve_ids(model, count: int) -> list[int]:
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
    return list(range(start, start + count))


def _columns(meta, *, skip_pk: bool) -> list:
    return [f for f in meta.concrete_fields if not (skip_pk and f.primary_key)]


def _insert(meta, fields: list, rows: list[list]) -> None:
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


class _Prepare:
    """A row's values for the driver; conversions are memoised (every record of a
    batch shares its timestamps)."""

    def __init__(self, fields: list):
        self.fields = fields
        self.plain = [f.get_internal_type() in PLAIN for f in fields]
        self.memo: dict = {}

    def __call__(self, values: list) -> list:
        row = []
        for f, plain, value in zip(self.fields, self.plain, values, strict=True):
            if value is not None and not plain:
                key = (f.attname, value)
                if key not in self.memo:
                    self.memo[key] = f.get_db_prep_save(value, connection)
                value = self.memo[key]
            row.append(value)
        return row


def insert(model, records: list, *, user_id: int | None, moment: datetime) -> None:
    """Insert `records` (with their pks set) and a "+" history row for each."""
    if not records:
        return
    fields = _columns(model._meta, skip_pk=False)
    prepare = _Prepare(fields)
    _insert(
        model._meta, fields, [prepare([getattr(r, f.attname) for f in fields]) for r in records]
    )
    history = getattr(model, "history", None)
    if history is None:
        return
    meta = history.model._meta
    fields = _columns(meta, skip_pk=True)
    extra = {
        "history_date": moment,
        "history_change_reason": "",
        "history_type": "+",
        "history_user_id": user_id,
    }
    prepare, rows = _Prepare(fields), []
    for record in records:
        values = [extra[f.attname] if f.attname in extra else getattr(record, f.attname)
                  for f in fields]  # fmt: skip
        rows.append(prepare(values))
    _insert(meta, fields, rows)


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
