"""keyplan bench --import-rows: the Salesforce import of N generated contacts and the
raw bulk insert of the same rows, timed, compared and rolled back."""

import io
import json
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from keyplan.bench import import_load as import_bench
from tests.exchange.conftest import snapshot

pytestmark = pytest.mark.slow


def test_the_import_figure_is_printed_as_json_and_leaves_the_database_alone(db):
    before = snapshot()
    out = io.StringIO()

    call_command("bench", import_rows=1500, import_only=True, stdout=out, stderr=io.StringIO())

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["vendor"] == connection.vendor
    assert (result["import_rows"], result["import_accounts"]) == (1500, 2)
    assert result["import_ms"] > 0 and result["import_floor_ms"] > 0
    assert result["import_vs_floor"] == round(result["import_ms"] / result["import_floor_ms"], 2)
    assert result["import_floor_agrees"] is True
    assert "dashboard_ms" not in result
    assert snapshot() == before


def test_the_import_and_the_floor_write_the_same_rows(db):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        import_bench.write_export(folder, 120)
        _, imported = import_bench.import_once(folder, 10**8)
        _, floored = import_bench.floor_once(folder)
    assert imported == floored
    assert len(imported) == 120
    managers = [row[6] for row in imported]
    assert managers.count(None) == 1 and len(set(managers)) > 10  # an org chart


def test_the_import_figure_refuses_zero_rows(db):
    with pytest.raises(CommandError, match=r"--import-rows must be at least 1, not 0\."):
        call_command("bench", import_rows=0, import_only=True, stdout=io.StringIO())


def test_the_sync_figure_pulls_what_the_import_writes_and_leaves_the_database_alone(db):
    before = snapshot()
    out = io.StringIO()

    call_command("bench", sync_rows=1200, sync_only=True, stdout=out, stderr=io.StringIO())

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["sync_rows"], result["sync_accounts"]) == (1200, 2)
    assert result["sync_errors"] == []
    assert result["sync_agrees"] is True
    assert result["sync_vs_import"] == round(result["sync_ms"] / result["sync_import_ms"], 2)
    assert "import_ms" not in result and "dashboard_ms" not in result
    assert snapshot() == before


def test_the_sync_figure_refuses_zero_rows(db):
    with pytest.raises(CommandError, match=r"--sync-rows must be at least 1, not 0\."):
        call_command("bench", sync_rows=0, sync_only=True, stdout=io.StringIO())
