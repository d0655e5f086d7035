"""A rehearsal: doing all the work of a change and then undoing it, on SQLite
without holding the database's write lock while it works.

An import's preview writes everything through the services and rolls it back, so
it reports exactly what applying would do. SQLite has one writer at a time, and a
preview of a large export can take a minute: inside a transaction, every other
user's save would wait for it. So on SQLite the rehearsal works on a copy of the
database (SQLite's online backup, which only reads: other writers carry on) and
throws the copy away. PostgreSQL lets writers work side by side, so there the
rehearsal is a rolled-back transaction on the database itself."""

import contextlib
import copy
import os
import sqlite3
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper


@contextlib.contextmanager
def rehearsal() -> Iterator[None]:
    """Run the block, then undo everything it wrote to the database."""
    connection = connections[DEFAULT_DB_ALIAS]
    # Inside a transaction already (a test, a caller's atomic block), a copy would not
    # see its uncommitted rows: roll back to a savepoint instead.
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
        return
    with _copy_of(connection) as scratch:
        connections[DEFAULT_DB_ALIAS] = scratch  # for this thread only
        try:
            with transaction.atomic():
                yield
        finally:
            connections[DEFAULT_DB_ALIAS] = connection
            scratch.close()


@contextlib.contextmanager
def _copy_of(connection: BaseDatabaseWrapper) -> Iterator[BaseDatabaseWrapper]:
    """A connection, like `connection`, to a copy of its database in a temporary file
    (next to the data, where there is room for it)."""
    folder = getattr(settings, "DATA_DIR", None)
    if folder is not None and not os.path.isdir(folder):
        folder = None
    handle, path = tempfile.mkstemp(prefix="rehearsal-", suffix=".sqlite3", dir=folder)
    os.close(handle)
    try:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        config = copy.deepcopy(connection.settings_dict)
        config["NAME"] = path
        yield type(connection)(config, alias=DEFAULT_DB_ALIAS)
    finally:
        for leftover in (path, f"{path}-wal", f"{path}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
