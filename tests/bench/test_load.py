"""keyplan bench --load: many API clients at once against `keyplan serve`, their writes
really made and none lost; and the bench migrates a database that is behind first."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from keyplan.accounts.models import Account
from keyplan.api.models import ApiToken
from keyplan.relationships.models import Stakeholder

pytestmark = pytest.mark.slow

LOAD_KEYS = (
    "load_clients",
    "load_seconds",
    "load_rps",
    "load_p50_ms",
    "load_p95_ms",
    "load_max_ms",
    "load_errors",
    "load_writes",
    "load_refused_writes",
    "load_lost_updates",
)


def bench(**options) -> dict:
    out = io.StringIO()
    call_command("bench", stdout=out, stderr=io.StringIO(), **options)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_load_reports_its_figures_and_its_writes_are_stored(transactional_db, novatech_users):
    """transactional_db: the server is another process, which sees only committed rows."""
    versions = dict(Stakeholder.objects.values_list("pk", "version"))
    result = bench(load=True, load_clients=2, load_seconds=2)
    assert set(LOAD_KEYS) <= set(result)
    assert result["load_clients"] == 2 and result["load_seconds"] == 2
    assert result["load_errors"] == 0, result["load_error_examples"]
    assert result["load_lost_updates"] == 0 and result["load_versions_agree"] is True
    assert result["load_rps"] > 0 and 0 < result["load_p50_ms"] <= result["load_p95_ms"]
    # The accepted writes are in the database: versions moved by exactly that many.
    assert result["load_writes"] > 0
    moved = sum(s.version - versions[s.pk] for s in Stakeholder.objects.all())
    assert moved == result["load_writes"]
    assert Stakeholder.objects.filter(notes__startswith="Load test ").exists()
    assert not ApiToken.objects.exists()  # the clients' tokens do not outlive the run


def test_load_refuses_a_database_with_real_plans(novatech_users):
    Account.objects.update(source="manual")
    with pytest.raises(CommandError, match="1 accounts that are neither demo nor synthetic"):
        bench(load=True, load_clients=1, load_seconds=1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"load_clients": 0}, "--load-clients must be at least 1, not 0."),
        ({"load_seconds": 0}, "--load-seconds must be more than 0, not 0."),
    ],
)
def test_load_refuses_no_clients_or_no_time(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        bench(load=True, **arguments)
    assert not Account.objects.exists()  # refused before building anything


def test_bench_migrates_a_database_that_is_behind_first(transactional_db):
    # A table the migrations make and the bench's figures never touch, taken away as if
    # the database had never been migrated (which a fresh data directory is).
    call_command("migrate", "sessions", "zero", verbosity=0)
    assert "django_session" not in connection.introspection.table_names()
    result = bench(import_only=True, import_rows=5)
    assert "django_session" in connection.introspection.table_names()
    assert result["import_rows"] == 5 and result["import_floor_agrees"] is True
