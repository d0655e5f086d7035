"""The API figure of `keyplan bench`: requests per second for reading a plan through
the API, against a bare Django view that returns the same JSON, on one server.

The bench starts `keyplan serve` (gunicorn, as in production) on a free loopback
port and on the database it is measuring, then loads it from this process with
several keep-alive connections for a fixed time per target. The bare view has no
authentication and no API framework: it is switched on only in that server, by a
random key that its requests must carry (keyplan.bench.bare), so the ratio is what
the API's routing, token check, access rule and schema cost over plain Django.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from secrets import token_urlsafe
from urllib.parse import quote

from django.db import connection

from keyplan.api import tokens
from keyplan.bench.bare import BARE_KEY_HEADER, BARE_KEY_VARIABLE

CONNECTIONS = 4  # concurrent clients: enough to keep both of the server's workers busy


class ServerError(Exception):
    """The bench's server did not start or answered wrongly."""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float

    @property
    def rps(self) -> float:
        return round(self.requests / self.seconds, 1) if self.seconds else 0.0


def database_url() -> str:
    """The URL of the database this process is connected to (in tests: the test
    database), so the server reads the same rows."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user = quote(config["USER"] or "")
    password = f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
    login = f"{user}{password}@" if user else ""
    host, port = config["HOST"] or "localhost", config["PORT"] or 5432
    return f"postgres://{login}{host}:{port}/{config['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(client: http.client.HTTPConnection, path: str, headers: dict) -> bytes:
    client.request("GET", path, headers=headers)
    response = client.getresponse()
    body = response.read()
    if response.status != 200:
        raise ServerError(f"GET {path} answered {response.status}: {body[:200]!r}")
    return body


def load(port: int, path: str, headers: dict, seconds: float) -> Load:
    """Keep CONNECTIONS clients busy on `path` for `seconds` after a short warm-up."""
    counts = [0] * CONNECTIONS
    errors: list[Exception] = []
    ready = threading.Barrier(CONNECTIONS + 1)  # every client has warmed up
    go = threading.Event()  # set once the clock runs
    stop_at = [0.0]

    def client(slot: int) -> None:
        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            _get(connection_, path, headers)  # warm-up: the connection and the worker
            ready.wait()
            go.wait()
            while time.perf_counter() < stop_at[0]:
                _get(connection_, path, headers)
                counts[slot] += 1
        except Exception as exc:  # reported after the run, not lost in the thread
            errors.append(exc)
            ready.abort()
        finally:
            connection_.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a client failed: see errors
        ready.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    go.set()
    for thread in threads:
        thread.join()
    if errors:
        raise ServerError(str(errors[0]))
    return Load(sum(counts), time.perf_counter() - began)


class _Server:
    """`keyplan serve` on a free port, on this process's database, with the bare view."""

    def __init__(self, bare_key: str):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            # The bench's own URLs: the application's, plus the bare view.
            "DJANGO_SETTINGS_MODULE": "keyplan.bench.settings",
            BARE_KEY_VARIABLE: bare_key,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "keyplan", "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"keyplan serve stopped: {self.process.stderr.read()[-2000:]}")
            try:
                _get(http.client.HTTPConnection("127.0.0.1", self.port, timeout=2), "/healthz", {})
                return
            except (OSError, ServerError):
                time.sleep(0.2)
        raise ServerError("keyplan serve did not answer within a minute")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def measure(account, *, seconds: float) -> dict:
    """The API figure for reading `account`'s plan as its owner."""
    token, secret = tokens.create(account.owner, name="keyplan bench")
    bare_key = token_urlsafe(24)
    server = _Server(bare_key)
    api_path = f"/api/v1/accounts/{account.pk}/plan"
    bare_path = f"/bench/bare-plan/{account.pk}"
    api_headers = {"Authorization": f"Bearer {secret}"}
    bare_headers = {BARE_KEY_HEADER: bare_key}
    try:
        server.wait_until_up()
        probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        same = _get(probe, api_path, api_headers) == _get(probe, bare_path, bare_headers)
        probe.close()
        api = load(server.port, api_path, api_headers, seconds)
        bare = load(server.port, bare_path, bare_headers, seconds)
    finally:
        server.stop()
        token.delete()
    return {
        "api_rps": api.rps,
        "bare_rps": bare.rps,
        "api_vs_bare": round(api.rps / bare.rps, 2) if bare.rps else None,
        "api_same_as_bare": same,
        "api_connections": CONNECTIONS,
        "api_seconds": seconds,
    }
