"""keyplan bench: the raw-SQL floor computes what the dashboard computes, and the
command prints its figures as JSON; bad sizes and foreign databases are refused."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from keyplan.accounts.models import Account
from keyplan.api.models import ApiToken
from keyplan.bench import bare, edits, floor
from keyplan.core import clock
from keyplan.demo.synthetic import generate
from keyplan.exchange.documents import document
from keyplan.insights.portfolio import dashboard
from keyplan.insights.stored import upkeep

pytestmark = [pytest.mark.slow, pytest.mark.kept_figures]


def board_and_floor():
    today, now = clock.today(), clock.now()
    board = dashboard(Account.objects.all(), today=today)
    return board, floor.floor(today, now)


def test_the_floor_gives_the_dashboards_numbers(db):
    generate(40, seed=3)
    board, values = board_and_floor()
    assert floor.disagreements(board, values) == []
    # Not a comparison of zeros: the portfolio has something in every part.
    assert values["arr"] > 0 and values["open_whitespace"] > 0 and values["red_dots"] > 0
    assert values["weighted_pipeline"] > 0 and values["key_stakeholders"] > 0
    assert sum(values["depth"].values()) == 40 and sum(board.alert_counts.values()) > 0


def test_after_the_bench_s_edits_the_stored_figures_and_the_floor_still_agree(db):
    generate(8, seed=8)
    assert edits.apply(clock.today(), seed=1) == edits.EDITS
    board, values = board_and_floor()
    assert floor.disagreements(board, values) == []
    assert upkeep.drift() == []


def test_the_floor_reads_last_months_map_from_history(db):
    generate(15, seed=4)
    later = clock.now() + timedelta(days=45)
    with clock.travel(later):
        board, values = board_and_floor()
    assert values["red_dots_before"] == board.red_dots.before.value > 0
    assert floor.disagreements(board, values) == []


def test_a_changed_number_shows_as_a_disagreement(db):
    generate(5, seed=5)
    board, values = board_and_floor()
    values["arr"] += 1
    assert floor.disagreements(board, values) == [
        f"arr: dashboard {board.arr.value!r}, floor {values['arr']!r}"
    ]


def test_the_dashboard_costs_the_same_queries_at_any_size(db):
    generate(3, seed=6)
    board_and_floor()  # the first call also sets up the organisation's settings
    with CaptureQueriesContext(connection) as small:
        board_and_floor()
    generate(9, seed=7)
    with CaptureQueriesContext(connection) as large:
        board_and_floor()
    assert len(small.captured_queries) == len(large.captured_queries)


def test_bench_prints_its_figures_as_json_on_the_last_line(transactional_db):
    """transactional_db: the API figure's server is another process, which sees only
    committed rows."""
    out = io.StringIO()
    call_command("bench", accounts=4, runs=1, api_seconds=1, stdout=out, stderr=io.StringIO())
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["vendor"] == connection.vendor and result["accounts"] == 4
    assert Account.objects.count() == 4  # built, since the database was empty
    assert Account.objects.filter(stakeholders__name="Bench stakeholder 50").exists()
    assert result["floor_agrees"] is True and result["floor_disagreements"] == []
    assert result["figures_agree"] is True  # after the bench's edits through the services
    for key in ("dashboard_ms", "floor_ms", "plan_page_ms"):
        assert result[key] > 0
    assert result["dashboard_vs_floor"] == round(result["dashboard_ms"] / result["floor_ms"], 2)
    assert result["plan_page_stakeholders"] == 50
    # The bench counts a run after its warm-up, which kept the plan in the shared cache:
    # a read of a kept plan, as tests/web/test_pages.py counts it.
    assert 0 < result["plan_page_queries"] <= 12
    assert 0 < result["floor_queries"] < result["dashboard_queries"]
    # The API served the same plan as the bare view, and both were measured.
    assert result["api_same_as_bare"] is True
    assert result["api_rps"] > 0 and result["bare_rps"] > 0
    assert result["api_vs_bare"] == round(result["api_rps"] / result["bare_rps"], 2)
    assert not ApiToken.objects.exists()  # the bench's token does not outlive it
    # Run again: the same portfolio is reused, not doubled.
    call_command(
        "bench", accounts=4, runs=1, api_seconds=0.2, stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Account.objects.count() == 4


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"accounts": 0}, "--accounts must be at least 1, not 0."),
        ({"accounts": 3, "runs": 0}, "--runs must be at least 1, not 0."),
        ({"accounts": 3, "api_seconds": 0}, "--api-seconds must be more than 0, not 0."),
    ],
)
def test_bench_refuses_a_size_of_zero(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench", stdout=io.StringIO(), **arguments)
    assert Account.objects.count() == 0


def test_bench_refuses_a_database_with_real_plans(novatech_users):
    with pytest.raises(CommandError, match="1 accounts that are not synthetic"):
        call_command("bench", accounts=3, stdout=io.StringIO())
    assert Account.objects.count() == 1


def test_bench_refuses_a_portfolio_of_another_size(db):
    generate(3, seed=8)
    with pytest.raises(CommandError, match="holds 3 synthetic accounts, not 5"):
        call_command("bench", accounts=5, stdout=io.StringIO())
    assert Account.objects.count() == 3


def test_the_bare_plan_view_is_off_on_a_normal_server(db, monkeypatch):
    # Not even with the bench's key in the environment: only the bench's own URLs route it.
    monkeypatch.setenv(bare.BARE_KEY_VARIABLE, "the-key")
    with pytest.raises(Resolver404):
        resolve("/bench/bare-plan/1")
    assert resolve("/bench/bare-plan/1", urlconf="keyplan.bench.urls").func is bare.bare_plan


def test_the_bare_plan_view_answers_only_with_the_benchs_key(novatech_users, rf, monkeypatch):
    account = Account.objects.get(name="NovaTech")
    monkeypatch.setenv(bare.BARE_KEY_VARIABLE, "the-key")
    monkeypatch.setattr(bare, "served", {})

    def ask(key):
        return bare.bare_plan(rf.get("/", headers={bare.BARE_KEY_HEADER: key}), account.pk)

    with pytest.raises(Http404):
        ask("a-guess")
    assert json.loads(ask("the-key").content) == json.loads(
        document.to_json(document.build(account))
    )
