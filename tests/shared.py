"""Sample data built once and shared, so tests that only need it to exist do not each
pay for building it (tests/conftest.py has the fixtures).

- `Snapshot`: the rows that a builder (NovaTech's plan) writes through the services,
  taken once per test process and inserted as they were into each test's database;
  or the rows the migrations wrote, put back after a test that empties the tables.
- `MigratedDatabase`: one SQLite data directory made by `keyplan migrate` for the whole
  run (all xdist workers), whose database the end-to-end tests copy into a new data
  directory instead of migrating their own (some twenty seconds each).
- `DemoDatabase`: one SQLite database made by `keyplan demo` for the whole run (all
  xdist workers), copied by the end-to-end tests that run keyplan on a demo database.
"""

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.test import override_settings

from keyplan.team.models import Organisation

# Rows of a snapshot get primary keys from here on (SQLite), so they never meet the
# rows a test writes before loading it. PostgreSQL's sequences do not roll back, so
# there the keys are past the snapshot's anyway.
SNAPSHOT_KEYS_FROM = 1_000_000
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _fields(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@dataclass(frozen=True)
class Snapshot:
    """What `build` added to the database, table by table, as column values."""

    rows: dict[type[models.Model], list[dict]]

    @classmethod
    def take(cls, build: Callable[[], object]) -> "Snapshot":
        """Run `build` in a transaction that is rolled back, and keep what it added. It
        may only add rows: a change to a row that was there before is refused."""
        with override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
            if connection.vendor == "sqlite":
                _keys_from(SNAPSHOT_KEYS_FROM)
            before = {model: _read(model) for model in _tables()}
            build()
            rows = {}
            for model, was in before.items():
                now = _read(model)
                changed = [pk for pk, row in was.items() if now.get(pk) != row]
                if changed:
                    raise AssertionError(f"the build changed {model.__name__} rows {changed}")
                if added := [row for pk, row in now.items() if pk not in was]:
                    rows[model] = added
            transaction.set_rollback(True)
        Organisation.forget()  # it may have read the settings of the rolled-back build
        return cls(rows)

    @classmethod
    def now(cls, *, skip: tuple[type[models.Model], ...] = ()) -> "Snapshot":
        """Every row of every table but those of `skip`, as they are now."""
        tables = [model for model in _tables() if model not in skip]
        return cls({model: rows for model in tables if (rows := list(_read(model).values()))})

    def load(self) -> None:
        """Insert the rows as they were: no services, no signals, no new history. In one
        transaction, as foreign keys are checked at its end (tables come in any order)."""
        with transaction.atomic():
            for model, rows in self.rows.items():
                # bulk_create keeps every value given (no field of keyplan's sets itself).
                model._base_manager.bulk_create([model(**row) for row in rows])
            # The next keys come after the rows loaded (PostgreSQL's counters do not see
            # rows inserted with their keys; SQLite's do).
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                    cursor.execute(sql)
        Organisation.forget()


def _read(model: type[models.Model]) -> dict:
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.values(*_fields(model))}


def _keys_from(start: int) -> None:
    """SQLite's AUTOINCREMENT counters of every table set to `start`."""
    tables = [model._meta.db_table for model in _tables()]
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM sqlite_sequence WHERE name = %s", [[t] for t in tables])
        cursor.executemany(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [[t, start] for t in tables]
        )


# ---- the run's demo database


def keyplan_environment(data_dir: Path) -> dict:
    """The environment of a `keyplan` command on its own SQLite data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYPLAN_", "DATABASE"))}
    return {**env, "KEYPLAN_DATA_DIR": str(data_dir)}


def keyplan_demo(data_dir: Path, *, seed: str) -> subprocess.Popen:
    """`keyplan demo --no-serve --seed SEED` on `data_dir`, started (not waited for)."""
    return subprocess.Popen(
        [sys.executable, "-m", "keyplan", "demo", "--no-serve", "--seed", seed],
        env=keyplan_environment(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def keyplan_migrate(data_dir: Path) -> None:
    """`keyplan migrate -v0` on `data_dir`, which it creates, and checked."""
    run = subprocess.run(
        [sys.executable, "-m", "keyplan", "migrate", "-v0"],
        env=keyplan_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr


@dataclass(frozen=True)
class MigratedDatabase:
    """A new data directory on which `keyplan migrate` ran: its database as the
    migrations leave it, and the key the settings generated."""

    data_dir: Path

    @classmethod
    def once(cls, where: Path) -> "MigratedDatabase":
        """The migrated data directory in `where`, made by the first process to ask for
        it while the others wait (a lock file)."""
        made, done = where / "migrated", where / "migrated.done"
        with (where / "migrated.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not done.exists():
                shutil.rmtree(made, ignore_errors=True)
                keyplan_migrate(made)
                done.touch()  # last: its presence says the database is whole
        return cls(made)

    def copy(self, data_dir: Path) -> Path:
        """`data_dir`, a new data directory holding a copy of the migrated database (mode
        and all) but not the key: the first command there generates its own, as in any
        new data directory."""
        data_dir.mkdir(parents=True, exist_ok=True)
        for path in self.data_dir.glob("keyplan.sqlite3*"):
            shutil.copy2(path, data_dir / path.name)
        return data_dir


@dataclass(frozen=True)
class DemoDatabase:
    """A data directory loaded by `keyplan demo --seed SEED`, and what the command printed."""

    data_dir: Path
    output: str
    seed: str

    @classmethod
    def once(cls, where: Path, seed: str = "2026") -> "DemoDatabase":
        """The demo database in `where`, made by the first process to ask for it while
        the others wait (a lock file)."""
        built, printed = where / f"demo-{seed}", where / f"demo-{seed}.txt"
        with (where / f"demo-{seed}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not printed.exists():
                shutil.rmtree(built, ignore_errors=True)
                # On a migrated database: `keyplan demo` finds nothing to migrate and
                # loads the portfolio (tests/test_commands.py runs it on a new one).
                MigratedDatabase.once(where).copy(built)
                run = keyplan_demo(built, seed=seed)
                out, err = run.communicate(timeout=600)
                assert run.returncode == 0, err
                printed.write_text(out)  # last: its presence says the database is whole
        return cls(built, printed.read_text(), seed)

    def copy(self, data_dir: Path) -> Path:
        """A copy of the database (and the key it was made with) in `data_dir`, to change."""
        shutil.copytree(self.data_dir, data_dir, dirs_exist_ok=True)
        return data_dir
