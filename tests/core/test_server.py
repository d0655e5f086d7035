"""keyplan serve sizes itself to the machine, and KEYPLAN_WORKERS / KEYPLAN_THREADS (or
--workers / --threads) say otherwise."""

import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from keyplan.core.management.commands import serve


@pytest.fixture
def started(monkeypatch):
    """What the server would have been started with (gunicorn is not started)."""
    calls: dict = {}
    monkeypatch.setattr(serve, "run", lambda **options: calls.update(options))
    monkeypatch.delenv("KEYPLAN_WORKERS", raising=False)
    monkeypatch.delenv("KEYPLAN_THREADS", raising=False)
    return calls


def serve_says(*args) -> str:
    out = io.StringIO()
    call_command("serve", "--no-worker", *args, stdout=out)
    return out.getvalue()


def test_serve_starts_a_process_per_core_and_one_more(transactional_db, started, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert "processes: 5, threads each: 16" in serve_says()
    assert started["workers"] == 5 and started["threads"] == 16


def test_serve_takes_its_size_from_the_environment_or_flags(transactional_db, started, monkeypatch):
    monkeypatch.setenv("KEYPLAN_WORKERS", "2")
    monkeypatch.setenv("KEYPLAN_THREADS", "3")
    assert "processes: 2, threads each: 3" in serve_says()
    assert "processes: 1, threads each: 32" in serve_says("--workers", "1", "--threads", "32")
    assert started["workers"] == 1 and started["threads"] == 32


def test_serve_refuses_no_threads(db, started):
    with pytest.raises(CommandError, match="--workers and --threads must be at least 1"):
        serve_says("--threads", "0")
    assert not started
