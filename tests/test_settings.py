"""Settings come from the environment; production settings pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection


def keyplan(*args, data_dir: Path, **env) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("KEYPLAN_", "DATABASE"))
    }
    environment.update(KEYPLAN_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, "-m", "keyplan", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = keyplan(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        data_dir=tmp_path,
        KEYPLAN_SECRET_KEY="k" * 20 + "-very-long-and-random-" + "x9Q!" * 10,
        KEYPLAN_ALLOWED_HOSTS="keyplan.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_hosts_the_deploy_check_warns_about_https(tmp_path):
    result = keyplan("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    script = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "print(connection.transaction_mode);"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    result = keyplan("shell", "--no-imports", "-c", script, data_dir=tmp_path)
    assert result.stdout.split() == ["wal", "IMMEDIATE", "20000"], result.stderr
    assert (tmp_path / "keyplan.sqlite3").exists()


def test_database_url_selects_postgresql(tmp_path):
    script = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = keyplan(
        "shell",
        "--no-imports",
        "-c",
        script,
        data_dir=tmp_path,
        DATABASE_URL="postgres://someone@db.example:5432/keyplan",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path):
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = keyplan("shell", "--no-imports", "-c", script, data_dir=tmp_path).stdout
    second = keyplan("shell", "--no-imports", "-c", script, data_dir=tmp_path).stdout
    assert first == second and len(first.strip()) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_processes_starting_together_on_a_new_data_directory_share_one_key(tmp_path):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("KEYPLAN_", "DATABASE"))
    }
    environment["KEYPLAN_DATA_DIR"] = str(tmp_path)
    script = "import keyplan.settings as s; print(s.SECRET_KEY)"
    starts = [
        subprocess.Popen([sys.executable, "-c", script], env=environment, stdout=subprocess.PIPE)
        for _ in range(6)
    ]
    keys = {start.communicate(timeout=60)[0] for start in starts}
    assert len(keys) == 1 and len(keys.pop().strip()) >= 50
    assert not list(tmp_path.glob(".secret_key-*"))  # no key left half-way


def test_postgresql_sessions_run_without_jit(db):
    """The reports' aggregates are short; compiling them took longer than running them."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
