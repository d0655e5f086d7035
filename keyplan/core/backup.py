"""Backup and restore of a whole keyplan: the database and the data directory's key.

A backup is a zip file: `manifest.json` (what it is and what it holds), the database
(`database.sqlite3` made by SQLite's online backup, `database.pgdump` made by pg_dump,
or `database.xml` from Django's serializers) and, when keyplan generated its secret
key into the data directory, `secret_key`. The key signs sessions and encrypts the
secrets kept in the database (a CRM connection's), so a restore without it would
bring back data nobody can read. Every file written here is readable by its owner only.
"""

import hashlib
import hmac
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

FORMAT = "keyplan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEY_FILE = "secret_key"
DATABASE_FILES = {"sqlite": "database.sqlite3", "pg_dump": "database.pgdump", "xml": "database.xml"}


class BackupError(Exception):
    """Something a person must fix before the backup or the restore can run."""


@dataclass(frozen=True)
class Manifest:
    keyplan_version: str
    database: str  # "sqlite" or "postgresql"
    method: str  # a key of DATABASE_FILES
    created_at: str
    key_included: bool
    key_fingerprint: str  # tells whether a restore's KEYPLAN_SECRET_KEY is the same key

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, **self.__dict__})


def private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only (or make it so)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


def _fingerprint(key: str) -> str:
    # A keyed hash, so the manifest says which key without holding or weakening it.
    return hmac.new(key.encode(), b"keyplan-backup-key", hashlib.sha256).hexdigest()[:16]


def _key_from_environment() -> bool:
    return bool(os.environ.get("KEYPLAN_SECRET_KEY"))


def _vendor() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


@contextmanager
def _workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="keyplan-backup-") as folder:
        os.chmod(folder, 0o700)
        yield Path(folder)


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": str(db["HOST"] or ""), "PGPORT": str(db["PORT"] or "")}
    env.update(PGUSER=str(db["USER"] or ""), PGDATABASE=str(db["NAME"]))
    if db["PASSWORD"]:
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if db.get("OPTIONS", {}).get("sslmode"):  # ?sslmode=require in DATABASE_URL
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return {name: value for name, value in env.items() if value}


def _dump_database(target: Path, serializers: bool) -> str:
    """Write the database to `target`; the method used."""
    if connection.vendor == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        try:
            # The online backup API: a consistent copy while the server keeps writing.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return "sqlite"
    if not serializers and shutil.which("pg_dump"):
        done = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", target],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(
                f"pg_dump failed: {done.stderr.strip()}\n"
                "(An older pg_dump than the server refuses to run: install the server's "
                "version, or back up with --serializers.)"
            )
        return "pg_dump"
    # Every app, history tables and content types included, by primary key; XML because
    # Django's JSON drops the microseconds of the history's timestamps.
    call_command("dumpdata", format="xml", use_base_manager=True, output=str(target), verbosity=0)
    return "xml"


def backup(out: Path, *, serializers: bool = False) -> Manifest:
    """Write a backup of this keyplan to `out`, readable by its owner only."""
    key_included = not _key_from_environment()
    with _workspace() as folder:
        database = folder / "database"
        private_file(database)
        method = _dump_database(database, serializers)
        manifest = Manifest(
            keyplan_version=importlib.metadata.version("keyplan"),
            database=_vendor(),
            method=method,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            key_included=key_included,
            key_fingerprint=_fingerprint(settings.SECRET_KEY),
        )
        # Written beside `out` and renamed: a failed backup never leaves half a file there.
        handle, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}-")
        try:
            with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w") as archive:
                archive.writestr(MANIFEST, manifest.to_json())
                archive.write(database, DATABASE_FILES[method], zipfile.ZIP_DEFLATED)
                if key_included:
                    archive.writestr(KEY_FILE, settings.SECRET_KEY)
            os.replace(partial, out)
        except BaseException:
            os.unlink(partial)
            raise
    return manifest


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        raw: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raw = {}
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError("This file is not a keyplan backup (it has no keyplan manifest).")
    if raw.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup is in format {raw.get('format_version')}; this keyplan reads "
            f"format {FORMAT_VERSION}. Restore it with the keyplan version that made it "
            f"({raw.get('keyplan_version')})."
        )
    try:
        manifest = Manifest(**{name: raw[name] for name in Manifest.__dataclass_fields__})
        archive.getinfo(DATABASE_FILES[manifest.method])
    except KeyError:
        raise BackupError("This keyplan backup is incomplete: part of it is missing.") from None
    return manifest


def open_backup(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except (zipfile.BadZipFile, IsADirectoryError):
        raise BackupError(f"{path} is not a keyplan backup (it is not a zip file).") from None


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def holds_data() -> bool:
    """Whether the database has users or accounts (a migrated, unused one is empty)."""
    tables = _tables()
    for label in ("team.User", "accounts.Account"):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.exists():
            return True
    return False


def _check_key(manifest: Manifest) -> None:
    if manifest.key_included:
        return
    if not _key_from_environment():
        raise BackupError(
            "This backup does not hold the secret key: it was made with KEYPLAN_SECRET_KEY "
            "set. Set KEYPLAN_SECRET_KEY to the same value and run the restore again."
        )
    if _fingerprint(settings.SECRET_KEY) != manifest.key_fingerprint:
        raise BackupError(
            "KEYPLAN_SECRET_KEY is not the key this backup was made with; the secrets kept "
            "in it (a CRM connection's) could not be read. Set the same key and run again."
        )


def _write_key(key: str) -> None:
    path = Path(settings.DATA_DIR) / "secret_key"
    handle, written = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")  # 0600
    with os.fdopen(handle, "w") as file:
        file.write(key)
    os.replace(written, path)


def restore(path: Path) -> Manifest:
    """Bring back the backup at `path` into this keyplan's empty database."""
    with open_backup(path) as archive:
        manifest = read_manifest(archive)
        if manifest.database != _vendor():
            raise BackupError(
                f"This backup holds a {manifest.database} database; this keyplan runs on "
                f"{_vendor()}. Point DATABASE_URL at a {manifest.database} database."
            )
        _check_key(manifest)
        if holds_data():
            raise BackupError(
                "The database is not empty (it has users or accounts); keyplan restores only "
                "into an empty one. Point KEYPLAN_DATA_DIR or DATABASE_URL at a new database."
            )
        with _workspace() as folder:
            database = folder / "database"
            private_file(database)
            with archive.open(DATABASE_FILES[manifest.method]) as source, database.open("wb") as f:
                shutil.copyfileobj(source, f)
            _load_database(database, manifest.method)
        if manifest.key_included:
            _write_key(archive.read(KEY_FILE).decode())
    # A backup from an older keyplan is brought up to this version's tables.
    call_command("migrate", interactive=False, verbosity=0)
    return manifest


def _load_database(database: Path, method: str) -> None:
    if method == "sqlite":
        connections.close_all()
        target = Path(settings.DATABASES["default"]["NAME"])
        private_file(target)
        source, copy = sqlite3.connect(database), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    if method == "pg_dump":
        _pg_restore(database)
        return
    # Django's serializers load by primary key into a migrated database emptied first,
    # so the content types and permissions are the backup's own, ids and all.
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    renamed = database.with_suffix(".xml")
    database.rename(renamed)
    call_command("loaddata", str(renamed), verbosity=0)


def _pg_restore(database: Path) -> None:
    if not shutil.which("pg_restore"):
        raise BackupError(
            "This backup was made by pg_dump and needs pg_restore, which is not installed "
            "(on Debian: apt-get install postgresql-client)."
        )
    if _tables():
        # An empty database that `keyplan migrate` already set up: drop its tables, so
        # the backup's own (and their rows) take their place.
        connections.close_all()
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        connections.close_all()
    done = subprocess.run(
        [
            *("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"),
            *("--single-transaction", "--dbname", connection.settings_dict["NAME"], database),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
