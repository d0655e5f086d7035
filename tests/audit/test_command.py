"""`keyplan audit`: the trail as text or JSON lines, filtered, to stdout or a file, and
--prune, which deletes what is older than KEYPLAN_AUDIT_DAYS."""

import json
import stat
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from keyplan.audit.models import AuditEvent
from keyplan.core import clock
from tests.audit.conftest import HERE, PASSWORD


def audit(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def trail(owner):
    """A failed and a good sign-in, through the sign-in page, and an event 40 days old,
    on a trail that starts empty (making the persona is an event too)."""
    AuditEvent.objects.all().delete()
    client = Client(REMOTE_ADDR=HERE)
    client.post("/login/", {"username": "olga", "password": "not-the-password"})
    client.post("/login/", {"username": "olga", "password": PASSWORD})
    AuditEvent.objects.create(
        kind="export", login="max", when=clock.now() - timedelta(days=40), details={"format": "md"}
    )


def test_json_lines_are_one_event_a_line_oldest_first(trail):
    lines = [json.loads(line) for line in audit("--format", "jsonl").splitlines()]

    kinds = [line["kind"] for line in lines]
    assert kinds[-2:] == ["signin.failed", "signin"]
    assert kinds[0] == "export"
    signin = lines[-1]
    assert (signin["user"], signin["address"]) == ("olga", HERE)
    assert signin["target"]["kind"] == "user"
    assert clock.now() - timedelta(minutes=5) < _parse(signin["when"]) <= clock.now()
    assert lines[0]["details"] == {"format": "md"}


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_filters_by_kind_user_and_dates(trail):
    today = clock.today()

    def kinds(*args):
        return [json.loads(line)["kind"] for line in audit("--format", "jsonl", *args).splitlines()]

    assert kinds("--kind", "signin") == ["signin.failed", "signin"]  # a kind and its sub-kinds
    assert kinds("--kind", "signin.failed") == ["signin.failed"]
    assert kinds("--user", "max") == ["export"]
    assert kinds("--since", (today - timedelta(days=1)).isoformat()) == ["signin.failed", "signin"]
    assert kinds("--until", (today - timedelta(days=30)).isoformat()) == ["export"]


def test_text_is_one_readable_line_an_event(trail):
    lines = audit().splitlines()

    assert len(lines) == 3
    assert "signin.failed" in lines[1] and "olga" in lines[1] and HERE in lines[1]
    assert 'format="md"' in lines[0]


def test_out_writes_a_file_only_its_owner_reads(trail, tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text("an older export")
    path.chmod(0o644)

    said = audit("--format", "jsonl", "--out", str(path))

    assert said.strip() == f"Wrote 3 audit events to {path}."
    assert len([json.loads(line) for line in path.read_text().splitlines()]) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="not a date"):
        audit("--since", "last week")


def test_prune_deletes_what_is_older_than_the_configured_days(trail, settings, monkeypatch):
    monkeypatch.setattr("keyplan.audit.queries.PRUNE_BATCH", 2)  # more than one batch
    for days in (400, 500, 600):
        AuditEvent.objects.create(kind="signin", when=clock.now() - timedelta(days=days))

    assert audit("--prune").strip() == "Deleted 3 audit events."
    assert AuditEvent.objects.count() == 3

    settings.KEYPLAN_AUDIT_DAYS = 30
    assert audit("--prune").strip() == "Deleted 1 audit event."
    assert sorted(AuditEvent.objects.values_list("kind", flat=True)) == ["signin", "signin.failed"]
