"""The load figure of `keyplan bench --load`: many API clients at once on one server.

The bench starts `keyplan serve` as it runs in production (bench.api_load's server, on
the database being measured), gives each of N client threads an API token of its own,
and lets them work for T seconds with keep-alive connections, as an integration or a
busy team would: read plans, the portfolio, account and record lists, one account's
numbers, and change records with If-Match. Every request is timed; an answer other
than the expected one (or none) is an error. A write refused with 412 (another client
changed the record since it was read) is the expected refusal, not an error.

No lost update: every accepted write must come back with a version no other accepted
write got, and at the end each written record's stored version must have moved by
exactly the number of writes accepted on it.

Half the clients are the owners of their account, half a leader (who reads the whole
portfolio); clients share accounts and records, so writes do meet.
"""

import contextlib
import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from secrets import token_urlsafe

from django.db import connection

from keyplan.accounts.models import Account, Source
from keyplan.api import tokens
from keyplan.bench import api_load
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import User

# What a client does next, and how often (weights): reads outnumber writes.
MIX = {"plan": 30, "portfolio": 10, "accounts": 15, "records": 15, "metrics": 10, "write": 20}
WRITTEN_PER_ACCOUNT = 2  # records the clients of an account take turns changing
TIMEOUT = 30  # seconds a request may take before it counts as an error
ERROR_EXAMPLES = 5


class LoadError(Exception):
    """The load cannot run on this database; the message says why."""


@dataclass(frozen=True)
class Client:
    user: User
    account_id: int
    record_ids: tuple[int, ...]


@dataclass
class Tally:
    """What one client saw; merged after the run."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    refused: int = 0
    accepted: dict[int, list[int]] = field(default_factory=dict)  # record id: versions

    def timed(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)


def check_portfolio() -> None:
    """The load writes to plans: only to the demo's or the synthetic portfolio's."""
    real = Account.objects.exclude(source__in=(Source.DEMO, Source.SYNTHETIC)).count()
    if real:
        raise LoadError(
            f"The database holds {real:,} accounts that are neither demo nor synthetic; the "
            "load changes plans, so run it on a database of its own (DATABASE_URL or "
            "KEYPLAN_DATA_DIR)."
        )
    if not Account.objects.exists():
        from keyplan.demo import portfolio  # only when there is nothing to measure yet

        portfolio.build()


def clients(count: int) -> list[Client]:
    """`count` clients over the accounts in turn: even ones the account's owner, odd ones
    a leader or administrator when there is one."""
    accounts = list(Account.objects.select_related("owner").order_by("pk"))
    leaders = [u for u in User.objects.filter(is_active=True).order_by("pk") if u.sees_all_accounts]
    written: dict[int, list[int]] = {}
    for stakeholder in Stakeholder.objects.order_by("account_id", "pk").values("account", "pk"):
        ids = written.setdefault(stakeholder["account"], [])
        if len(ids) < WRITTEN_PER_ACCOUNT:
            ids.append(stakeholder["pk"])
    usable = [a for a in accounts if written.get(a.pk) and a.owner and a.owner.is_active]
    if not usable:
        raise LoadError("No account has an active owner and a stakeholder to change.")
    result = []
    for n in range(count):
        account = usable[n % len(usable)]
        user = leaders[n // 2 % len(leaders)] if n % 2 and leaders else account.owner
        result.append(Client(user, account.pk, tuple(written[account.pk])))
    return result


def _request(connection_, method: str, path: str, headers: dict, body: bytes | None = None):
    connection_.request(method, path, body=body, headers=headers)
    response = connection_.getresponse()
    return response, response.read()


def _work(
    slot: int,
    client: Client,
    secret: str,
    port: int,
    stop: threading.Event,
    ready,
    tally: Tally,
    run: str,
) -> None:
    rng = random.Random(slot)
    kinds, weights = list(MIX), list(MIX.values())
    base = f"/api/v1/accounts/{client.account_id}"
    auth = {"Authorization": f"Bearer {secret}"}
    reads = {
        "plan": f"{base}/plan",
        "portfolio": "/api/v1/portfolio",
        "accounts": "/api/v1/accounts",
        "records": f"{base}/stakeholders",
        "metrics": f"{base}/metrics",
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def call(kind: str, method: str, path: str, headers: dict, body: bytes | None = None):
        started = time.perf_counter()
        response, content = _request(conn, method, path, headers, body)
        tally.timed(kind, (time.perf_counter() - started) * 1000)
        return response, content

    def fail(message: str) -> None:
        tally.errors.append(message)

    try:
        _request(conn, "GET", reads["plan"], auth)  # warm-up: the connection and a worker
    except Exception as exc:  # reported with the figure, not lost in the thread
        fail(f"warm-up: {exc!r}")
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()
    # The server has closed a connection left idle while the others warmed up: a new one.
    conn.close()
    writes = 0
    while not stop.is_set():
        kind = rng.choices(kinds, weights)[0]
        try:
            if kind != "write":
                response, content = call(kind, "GET", reads[kind], auth)
                if response.status != 200:
                    fail(f"GET {reads[kind]}: {response.status} {content[:200]!r}")
                continue
            record = rng.choice(client.record_ids)
            path = f"{base}/stakeholders/{record}"
            response, content = call("write", "GET", path, auth)
            if response.status != 200:
                fail(f"GET {path}: {response.status} {content[:200]!r}")
                continue
            writes += 1
            # Unique to this run: a write that changes nothing is accepted without a version.
            note = f"Load test {run}: change {writes} by client {slot}."
            body = json.dumps({"notes": note})
            headers = {
                **auth,
                "If-Match": response.getheader("ETag"),
                "Content-Type": "application/json",
            }
            response, content = call("write", "PATCH", path, headers, body.encode())
            if response.status == 412:
                tally.refused += 1
            elif response.status == 200:
                version = int(response.getheader("ETag", "").strip('"'))
                tally.accepted.setdefault(record, []).append(version)
            else:
                fail(f"PATCH {path}: {response.status} {content[:200]!r}")
        except Exception as exc:  # a dropped or timed-out request: an error
            fail(f"{kind}: {exc!r}")
            conn.close()  # http.client reconnects on the next request
    conn.close()


def _percentile(sorted_ms: list[float], share: float) -> float:
    if not sorted_ms:
        return 0.0
    return round(sorted_ms[min(len(sorted_ms) - 1, int(share * len(sorted_ms)))], 1)


def many_clients(count: int, seconds: float) -> dict:
    """N clients for `seconds` against a server of its own; the load_* figures."""
    check_portfolio()
    plan = clients(count)
    made = [tokens.create(c.user, name=f"keyplan bench load {n}") for n, c in enumerate(plan)]
    written = {record for c in plan for record in c.record_ids}
    before = dict(Stakeholder.objects.filter(pk__in=written).values_list("pk", "version"))
    server = api_load._Server(token_urlsafe(24))  # the bare view's key: unused here
    tallies = [Tally() for _ in plan]
    run = token_urlsafe(6)
    stop = threading.Event()
    ready = threading.Barrier(count + 1)
    try:
        server.wait_until_up()
        threads = [
            threading.Thread(
                target=_work, args=(n, c, secret, server.port, stop, ready, tallies[n], run)
            )
            for n, (c, (_, secret)) in enumerate(zip(plan, made, strict=True))
        ]
        for thread in threads:
            thread.start()
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.wait()
        began = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.stop()
        for token, _ in made:
            token.delete()
    return _figures(count, seconds, elapsed, tallies, before)


def _figures(count: int, seconds: float, elapsed: float, tallies: list[Tally], before) -> dict:
    by_kind: dict[str, list[float]] = {}
    accepted: dict[int, list[int]] = {}
    for tally in tallies:
        for kind, times in tally.latencies.items():
            by_kind.setdefault(kind, []).extend(times)
        for record, versions in tally.accepted.items():
            accepted.setdefault(record, []).extend(versions)
    every = sorted(ms for times in by_kind.values() for ms in times)
    errors = [message for tally in tallies for message in tally.errors]
    after = dict(Stakeholder.objects.filter(pk__in=before).values_list("pk", "version"))
    # Two accepted writes given one version: one of them overwrote the other.
    duplicates = sum(n - 1 for v in accepted.values() for n in Counter(v).values() if n > 1)
    moved = {record: after[record] - before[record] for record in before}
    unstored = sum(max(0, len(accepted.get(r, ())) - moved[r]) for r in before)
    return {
        "vendor": connection.vendor,
        "load_clients": count,
        "load_seconds": seconds,
        "load_requests": len(every),
        "load_rps": round(len(every) / elapsed, 1) if elapsed else 0.0,
        "load_p50_ms": round(statistics.median(every), 1) if every else 0.0,
        "load_p95_ms": _percentile(every, 0.95),
        "load_max_ms": round(every[-1], 1) if every else 0.0,
        "load_p95_ms_by_request": {
            kind: _percentile(sorted(times), 0.95) for kind, times in sorted(by_kind.items())
        },
        "load_errors": len(errors),
        "load_error_examples": list(dict.fromkeys(errors))[:ERROR_EXAMPLES],
        "load_writes": sum(len(v) for v in accepted.values()),
        "load_refused_writes": sum(tally.refused for tally in tallies),
        "load_lost_updates": duplicates + unstored,
        # Each written record moved by exactly the writes accepted on it.
        "load_versions_agree": all(moved[r] == len(accepted.get(r, ())) for r in before),
    }
