"""`keyplan backup` and `keyplan restore`, end to end: a small plan with history is
built through the services in one database, backed up, restored into a fresh one, and
read back the same. On SQLite in the SQLite pass, on PostgreSQL (pg_dump and Django's
serializers) in the PostgreSQL pass; each command runs as its own process."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.shared import MigratedDatabase, keyplan_environment

pytestmark = pytest.mark.slow

POSTGRES = os.environ.get("DATABASE_URL", "")

# Two users, an account with a stakeholder edited twice and one deleted: every kind of
# history row (created, changed, deleted), built the way the pages build them.
BUILD = """
import django
django.setup()
from decimal import Decimal
from keyplan.accounts import services as account_services
from keyplan.core import services
from keyplan.relationships.models import Stakeholder
from keyplan.team import services as team_services

kam = team_services.create_user(by=None, username="olga", password="a-long-test-password",
                                role="kam", check_password=False, first_name="Olga")
team_services.create_user(by=None, username="vic", password="another-long-password",
                          role="viewer", check_password=False)
account = account_services.create_account(by=kam, name="Acme Corp", tier=1,
    industry="Manufacturing", annual_revenue=Decimal("50000000"), employees=900)
sarah = services.create(Stakeholder, by=kam, account=account, name="Sarah Lin",
    title="VP Ops", role="champion", power=3, interest=3, strength=4, priority=1)
services.update(sarah, by=kam, version=sarah.version, title="COO")
gone = services.create(Stakeholder, by=kam, account=account, name="Leaving Soon")
services.delete(gone, by=kam, version=gone.version)
from keyplan.exchange.crm.salesforce.live.sealed import seal
from keyplan.exchange.models import SalesforceConnection
SalesforceConnection.objects.create(client_id="3MVG9", client_secret=seal("the-client-secret"))
"""

# What a person would compare after a restore: the plan, the logins and their password
# hashes, how many history rows each model keeps, and the Salesforce secret (readable
# only with the same secret key).
READ = """
import django, json
django.setup()
from django.apps import apps
from keyplan.team.models import User
from keyplan.exchange.crm.salesforce.live.sealed import unseal
from keyplan.exchange.models import SalesforceConnection
print(json.dumps({
    "salesforce_secret": unseal(SalesforceConnection.objects.get().client_secret),
    "users": sorted([u.username, u.password, u.role] for u in User.objects.all()),
    "history": {m._meta.label: m.objects.count() for m in apps.get_models()
                if m.__name__.startswith("Historical")},
}, sort_keys=True))
"""


def run(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def keyplan(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return run("-m", "keyplan", *args, env=env, check=check)


def state(env: dict) -> tuple[dict, dict]:
    plan = json.loads(keyplan("plan", "show", "Acme Corp", "--format", "json", env=env).stdout)
    rows = json.loads(
        run("-c", READ, env={**env, "DJANGO_SETTINGS_MODULE": "keyplan.settings"}).stdout
    )
    return plan, rows


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class Places:
    """Fresh data directories, and fresh PostgreSQL databases in the PostgreSQL pass,
    for this module. A migrated one is a copy of a database that `keyplan migrate` set
    up once (a migrate takes some twenty seconds): on SQLite the run's shared one, on
    PostgreSQL this module's template database."""

    def __init__(self, tmp_path: Path, migrated: MigratedDatabase | None):
        self.tmp_path = tmp_path
        self.migrated = migrated
        self.databases: list[str] = []
        self.template = ""
        if POSTGRES:
            self.template = self._database("migrated")
            keyplan("migrate", "-v0", env=self._env(tmp_path / "migrated", self.template))

    def env(self, name: str, *, migrated: bool = False, **extra: str) -> dict:
        """A new data directory (and database) called `name`, empty or `migrated`."""
        data_dir = self.tmp_path / f"{len(self.databases)}-{name}"
        if self.migrated and migrated:
            self.migrated.copy(data_dir)
        else:
            data_dir.mkdir()
        database = self._database(name, template=self.template if migrated else "")
        return {**self._env(data_dir, database), **extra}

    def _env(self, data_dir: Path, database: str) -> dict:
        env = keyplan_environment(data_dir)
        if POSTGRES:
            assert dj_database_url.parse(POSTGRES)["NAME"] != database
            env["DATABASE_URL"] = POSTGRES.rsplit("/", 1)[0] + "/" + database
        return env

    def _database(self, name: str, template: str = "") -> str:
        database = f"keyplan_backup_{os.getpid()}_{len(self.databases)}_{name}"
        self.databases.append(database)
        if POSTGRES:
            self._admin(
                f'DROP DATABASE IF EXISTS "{database}"',
                f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""),
            )
        return database

    def _admin(self, *statements: str) -> None:
        config = dj_database_url.parse(POSTGRES)
        with psycopg.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            autocommit=True,
        ) as admin:
            for statement in statements:
                admin.execute(statement)

    def drop(self) -> None:
        if POSTGRES:
            for database in self.databases:
                self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def places(tmp_path_factory, request):
    migrated = None if POSTGRES else request.getfixturevalue("migrated_database")
    made = Places(tmp_path_factory.mktemp("backup"), migrated)
    yield made
    made.drop()


def built(places: Places, name: str = "source", **extra: str) -> dict:
    env = places.env(name, migrated=True, **extra)
    run("-c", BUILD, env={**env, "DJANGO_SETTINGS_MODULE": "keyplan.settings"})
    return env


@pytest.fixture(scope="module")
def source(places) -> dict:
    """The small plan, built once for the tests that only back it up and read it."""
    return built(places)


@pytest.fixture(scope="module")
def source_state(source) -> tuple[dict, dict]:
    return state(source)


METHODS = ["pg_dump", "serializers"] if POSTGRES else ["sqlite"]


@pytest.mark.parametrize("method", METHODS)
def test_a_restore_brings_back_every_plan_history_and_user(
    places, source, source_state, tmp_path, method
):
    out = tmp_path / "keyplan.backup"
    if method == "sqlite":
        # As while serving: a writer is mid-transaction. The backup neither waits for it
        # nor takes its uncommitted change.
        writer = sqlite3.connect(Path(source["KEYPLAN_DATA_DIR"]) / "keyplan.sqlite3")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE team_user SET password = 'uncommitted'")
    said = keyplan(
        "backup",
        "--out",
        str(out),
        *(["--serializers"] if method == "serializers" else []),
        env=source,
    ).stdout
    assert f"by {'xml' if method == 'serializers' else method}" in said
    assert mode(out) == 0o600
    if method == "sqlite":
        writer.rollback()
        writer.close()

    target = places.env("target")
    keyplan("restore", str(out), env=target)

    plan, rows = state(target)
    assert (plan, rows) == source_state
    assert plan["stakeholders"][0]["title"] == "COO"
    assert (
        rows["history"]["relationships.HistoricalStakeholder"] == 4
    )  # 2 created, 1 edit, 1 delete
    assert [user[0] for user in rows["users"]] == ["olga", "vic"]
    assert rows["salesforce_secret"] == "the-client-secret"
    # The key came back with the data, so sessions and encrypted secrets still work.
    restored_key = Path(target["KEYPLAN_DATA_DIR"]) / "secret_key"
    assert restored_key.read_text() == (Path(source["KEYPLAN_DATA_DIR"]) / "secret_key").read_text()
    assert mode(restored_key) == 0o600
    if not POSTGRES:
        assert mode(Path(target["KEYPLAN_DATA_DIR"]) / "keyplan.sqlite3") == 0o600


def test_restore_refuses_a_database_that_holds_data(source, tmp_path):
    out = tmp_path / "keyplan.backup"
    keyplan("backup", "--out", str(out), env=source)
    refused = keyplan("restore", str(out), env=source, check=False)
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr
    assert state(source)[1]["users"][0][0] == "olga"  # left as it was


def test_a_backup_made_with_the_key_in_the_environment_needs_the_same_key(places, tmp_path):
    key = "a-key-kept-by-the-operator-0123456789abcdef"
    source = built(places, KEYPLAN_SECRET_KEY=key)
    out = tmp_path / "keyplan.backup"
    said = keyplan("backup", "--out", str(out), env=source).stdout
    assert "does not hold the secret key" in said
    assert "secret_key" not in zipfile.ZipFile(out).namelist()

    without = keyplan("restore", str(out), env=places.env("no-key"), check=False)
    assert "Set KEYPLAN_SECRET_KEY to the same value" in without.stderr
    other = places.env("other-key", KEYPLAN_SECRET_KEY="some-other-key-0123456789abcdefghij")
    wrong = keyplan("restore", str(out), env=other, check=False)
    assert "is not the key this backup was made with" in wrong.stderr

    target = places.env("target", KEYPLAN_SECRET_KEY=key)
    keyplan("restore", str(out), env=target)
    assert state(target) == state(source)


def test_restore_refuses_a_file_that_is_not_a_keyplan_backup(places, tmp_path):
    env = places.env("target")
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("photo.jpg", b"...")
    for path in (text, other_zip):
        refused = keyplan("restore", str(path), env=env, check=False)
        assert refused.returncode != 0
        assert "is not a keyplan backup" in refused.stderr, refused.stderr
    # A manifest whose database went missing (a file cut short, say).
    cut = tmp_path / "cut.zip"
    with zipfile.ZipFile(cut, "w") as archive:
        archive.writestr(
            "manifest.json",
            json.dumps({"format": "keyplan-backup", "format_version": 1, "method": "sqlite"}),
        )
    refused = keyplan("restore", str(cut), env=env, check=False)
    assert "This keyplan backup is incomplete" in refused.stderr, refused.stderr


def test_a_new_data_directory_keeps_its_database_and_key_private(migrated_database):
    # The run's migrated data directory: new when `keyplan migrate -v0` made it.
    data_dir = migrated_database.data_dir
    assert mode(data_dir / "keyplan.sqlite3") == 0o600
    assert mode(data_dir / "secret_key") == 0o600
