"""`keyplan bench`: how fast the portfolio dashboard and the plan page are at scale.

It measures, on the configured database, with a warm-up and the median of several
runs: the whole portfolio dashboard over every account (as a leader sees it); the
raw-SQL floor of the same aggregates (`bench.floor`); the plan page of the account
whose stakeholder count is nearest 50, rendered through Django's test client as its
owner; and the queries each one issues. Times are medians in milliseconds. Then
the API figure (`bench.api_load`): requests per second reading that plan through
the API against a bare Django view on the same server.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Func
from django.test import Client
from django.test.utils import override_settings

from keyplan.accounts.models import Account, Source
from keyplan.bench import api_load, edits, floor, import_load
from keyplan.bench.load import LoadError, many_clients
from keyplan.core import clock, services
from keyplan.demo.synthetic import generate
from keyplan.insights.portfolio import dashboard
from keyplan.insights.stored import upkeep as stored_figures
from keyplan.relationships.models import Stakeholder, Strength
from keyplan.team.models import Organisation

PLAN_PAGE_STAKEHOLDERS = 50
IMPORT_ROWS = 100_000  # the import figure of record: a Salesforce export of 100,000 contacts
SYNC_ROWS = 10_000  # the sync figure of record: a first pull of 10,000 contacts


class BenchError(Exception):
    """The benchmark cannot run as asked; the message says why."""


@dataclass(frozen=True)
class Timing:
    median_ms: float
    queries: int


def measure(work: Callable[[], object], runs: int) -> Timing:
    """Median wall time of `work` over `runs` runs after one warm-up, and the queries of
    a run as measured (after the warm-up has filled the caches, as in steady use)."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    work()  # warm-up: caches, prepared plans, the first connection
    # A wrapper rather than the debug query log, which each request start empties.
    with connection.execute_wrapper(count):
        work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return Timing(round(statistics.median(times), 1), len(queries))


def portfolio(accounts: int, *, seed: int, progress=None) -> int:
    """Reuse the synthetic portfolio of `accounts` accounts, or build it in an empty
    database; refuse anything else rather than measure an unknown portfolio."""
    if accounts < 1:
        raise BenchError(f"--accounts must be at least 1, not {accounts}.")
    synthetic = Account.objects.filter(source=Source.SYNTHETIC).count()
    others = Account.objects.exclude(source=Source.SYNTHETIC).count()
    if others:
        raise BenchError(
            f"The database holds {others:,} accounts that are not synthetic; run the "
            "benchmark on a database of its own (DATABASE_URL or KEYPLAN_DATA_DIR)."
        )
    if synthetic == 0:
        generate(accounts, seed=seed, progress=progress)
    elif synthetic != accounts:
        raise BenchError(
            f"The database holds {synthetic:,} synthetic accounts, not {accounts:,}: "
            f"run `keyplan bench --accounts {synthetic}` or use an empty database."
        )
    return accounts


def _plan_account() -> Account:
    """The account nearest 50 stakeholders, topped up to 50 through the services (synthetic
    plans have 20 to 40) so the page measured is the size the aims speak of."""
    distance = Func(F("people") - PLAN_PAGE_STAKEHOLDERS, function="ABS")
    account = (
        Account.objects.annotate(people=Count("stakeholders"))
        .annotate(distance=distance)
        .select_related("owner")
        .order_by("distance", "pk")
        .first()
    )
    for n in range(account.people + 1, PLAN_PAGE_STAKEHOLDERS + 1):
        services.create(
            Stakeholder,
            by=account.owner,
            account=account,
            name=f"Bench stakeholder {n}",
            title="Analyst",
            strength=Strength.NEUTRAL,
        )
    account.people = max(account.people, PLAN_PAGE_STAKEHOLDERS)
    return account


def run(
    accounts: int, *, runs: int = 5, seed: int = 1, api_seconds: float = 5.0, progress=None
) -> dict:
    """Build or reuse the portfolio, measure, and return the figures as a dict."""
    if runs < 1:
        raise BenchError(f"--runs must be at least 1, not {runs}.")
    if api_seconds <= 0:
        raise BenchError(f"--api-seconds must be more than 0, not {api_seconds:g}.")
    portfolio(accounts, seed=seed, progress=progress)
    today, now = clock.today(), clock.now()
    stored_figures.refresh(today)  # as the daily pass leaves them
    edits.apply(today, seed=seed)  # the stored figures must follow these

    def whole_dashboard():
        Organisation.forget()  # as each request does: its settings are read afresh
        board = dashboard(Account.objects.all(), today=today)
        list(board.ranked_by_health[: floor.LEAST_HEALTHY])  # the page lists them
        return board

    dashboard_timing = measure(whole_dashboard, runs)
    floor_timing = measure(lambda: floor.floor(today, now), runs)
    board = whole_dashboard()
    disagreements = floor.disagreements(board, floor.floor(today, now))

    account = _plan_account()
    client = Client()
    client.force_login(account.owner)
    url = f"/accounts/{account.pk}/"

    def plan_page():
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"The plan page {url} answered {response.status_code}.")

    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        page_timing = measure(plan_page, runs)
    try:
        api = api_load.measure(account, seconds=api_seconds)
    except api_load.ServerError as exc:
        raise BenchError(f"The API figure could not be measured: {exc}") from exc

    return {
        "vendor": connection.vendor,
        "accounts": accounts,
        "runs": runs,
        "dashboard_ms": dashboard_timing.median_ms,
        "floor_ms": floor_timing.median_ms,
        "dashboard_vs_floor": round(dashboard_timing.median_ms / floor_timing.median_ms, 2),
        "floor_agrees": not disagreements,
        "floor_disagreements": disagreements,
        "figures_agree": not stored_figures.drift(),
        "dashboard_queries": dashboard_timing.queries,
        "floor_queries": floor_timing.queries,
        "plan_page_ms": page_timing.median_ms,
        "plan_page_queries": page_timing.queries,
        "plan_page_stakeholders": account.people,
        **api,
    }


def import_figure(rows: int, *, runs: int = 1, seed: int = 1) -> dict:
    """The Salesforce import of `rows` contacts against a raw bulk insert of the same
    rows (bench.import_load); both are rolled back, leaving the database as it was."""
    if rows < 1:
        raise BenchError(f"--import-rows must be at least 1, not {rows}.")
    if runs < 1:
        raise BenchError(f"--import-runs must be at least 1, not {runs}.")
    return {"vendor": connection.vendor, **import_load.run(rows, runs=runs, seed=seed)}


def sync_figure(rows: int, *, runs: int = 1, seed: int = 1) -> dict:
    """A first Salesforce pull of `rows` contacts through the test org against the
    import of the same rows from a Data Export (bench.sync_load); both rolled back."""
    if rows < 1:
        raise BenchError(f"--sync-rows must be at least 1, not {rows}.")
    from keyplan.bench import sync_load  # needs the test dependencies (trustme)

    return {"vendor": connection.vendor, **sync_load.run(rows, runs=runs, seed=seed)}


def load_figure(clients: int, seconds: float) -> dict:
    """`clients` API clients at once for `seconds` against one server (bench.load), on
    the portfolio in the database (the demo's, built when the database is empty)."""
    if clients < 1:
        raise BenchError(f"--load-clients must be at least 1, not {clients}.")
    if seconds <= 0:
        raise BenchError(f"--load-seconds must be more than 0, not {seconds:g}.")
    try:
        return many_clients(clients, seconds)
    except (LoadError, api_load.ServerError) as exc:
        raise BenchError(f"The load figure could not be measured: {exc}") from exc
