"""An integration's view: `keyplan demo` loads a SQLite database, `keyplan token
create` makes a token on the command line, `keyplan serve` runs the real server,
and httpx reads and edits NovaTech's plan through it."""

import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.shared import keyplan_environment

pytestmark = pytest.mark.slow


def keyplan(*args, env, timeout=600) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "keyplan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    """(base URL, the KAM's token, the environment) of a live server on the demo."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the live server runs on a SQLite file; it runs in the SQLite pass")
    # A copy of the run's database loaded by `keyplan demo --no-serve` (tests/conftest.py).
    data_dir = request.getfixturevalue("demo_database").copy(tmp_path_factory.mktemp("api-live"))
    env = keyplan_environment(data_dir)
    secret = keyplan("token", "create", "kam", "--name", "client test", env=env).splitlines()[-1]
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "keyplan", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("keyplan serve did not answer")
        yield base, secret, env
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def client(server):
    base, secret, _ = server
    with httpx.Client(
        base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as client:
        yield client


def novatech_id(client) -> int:
    found = client.get("/accounts", params={"search": "NovaTech"}).json()
    assert found["count"] == 1
    return found["results"][0]["id"]


def test_the_plan_read_through_the_api_is_the_plan_show_document(server, client):
    account_id = novatech_id(client)

    response = client.get(f"/accounts/{account_id}/plan")

    assert response.status_code == 200
    shown = keyplan("plan", "show", "NovaTech", "--format", "json", env=server[2])
    assert response.json() == json.loads(shown)


def test_a_token_edits_novatech_without_losing_anyones_change(server, client):
    account_id = novatech_id(client)
    stakeholders = client.get(f"/accounts/{account_id}/stakeholders", params={"page_size": 200})
    first = stakeholders.json()["results"][0]
    url = f"/accounts/{account_id}/stakeholders/{first['id']}"
    read = client.get(url)

    edited = client.patch(url, json={"notes": "Met at the summit."}, headers={
        "If-Match": read.headers["ETag"],
    })  # fmt: skip
    stale = client.patch(url, json={"notes": "Overwrite"}, headers={
        "If-Match": read.headers["ETag"],
    })  # fmt: skip

    assert edited.status_code == 200
    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == "application/problem+json"
    assert stale.json()["current"]["notes"] == "Met at the summit."
    plan = json.loads(keyplan("plan", "show", "NovaTech", "--format", "json", env=server[2]))
    notes = {s["name"]: s.get("notes") for s in plan["stakeholders"]}
    assert notes[first["name"]] == "Met at the summit."


def test_a_token_adds_and_removes_an_action(client):
    account_id = novatech_id(client)
    me = client.get(f"/accounts/{account_id}").json()["owner"]
    created = client.post(
        f"/accounts/{account_id}/actions",
        json={"title": "Send the API pilot summary", "owner": me, "due_date": "2026-12-01"},
    )
    assert created.status_code == 201

    deleted = client.delete(created.headers["Location"], headers={
        "If-Match": created.headers["ETag"],
    })  # fmt: skip

    assert deleted.status_code == 204
    assert client.get(created.headers["Location"]).status_code == 404


def test_without_the_token_the_server_says_401(server):
    response = httpx.get(f"{server[0]}/api/v1/accounts")

    assert response.status_code == 401
    assert response.json()["title"] == "Authentication required"


def test_concurrent_writers_from_the_same_read_cannot_lose_an_update(server, client):
    base, secret, _ = server
    account_id = novatech_id(client)
    first = client.get(f"/accounts/{account_id}/risks").json()["results"][0]
    url = f"{base}/api/v1/accounts/{account_id}/risks/{first['id']}"
    etag = client.get(url).headers["ETag"]

    def write(number: int) -> tuple[int, str]:
        response = httpx.patch(
            url,
            json={"mitigation": f"Plan {number}"},
            headers={"Authorization": f"Bearer {secret}", "If-Match": etag},
            timeout=30,
        )
        return response.status_code, f"Plan {number}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(write, range(8)))

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [412] * 7
    winner = next(text for status, text in results if status == 200)
    assert client.get(url).json()["mitigation"] == winner
