"""The two commands of the README, end to end: `keyplan demo` sets up a real SQLite
database and `keyplan serve` serves it; `plan show` reads it back."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.accounts.models import Account
from tests.shared import keyplan_demo, keyplan_environment

SEED = "2026"


def keyplan(*args, data_dir, timeout=300) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "keyplan", *args],
        env=keyplan_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo_dirs(tmp_path_factory, request):
    """Two databases loaded by `keyplan demo --no-serve` with the same seed, side by side:
    this module's own run (and what it printed), and the run's shared demo database
    (tests/conftest.py), made by another `keyplan demo`."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the end-to-end run uses SQLite; it runs in the SQLite pass")
    dirs = [tmp_path_factory.mktemp("demo-a"), tmp_path_factory.mktemp("demo-b")]
    own = keyplan_demo(dirs[0], seed=SEED)
    shared = request.getfixturevalue("demo_database")  # made meanwhile if not yet there
    assert shared.seed == SEED
    shared.copy(dirs[1])
    output, err = own.communicate(timeout=600)
    assert own.returncode == 0, err
    return dirs, output


pytestmark = pytest.mark.slow


def test_demo_sets_up_the_database_and_prints_the_logins(demo_dirs):
    dirs, output = demo_dirs
    assert (dirs[0] / "keyplan.sqlite3").exists()
    assert "Loaded 25 accounts" in output
    assert "keyplan-demo" in output
    for login in ("admin", "leader", "kam", "contributor", "viewer", "outsider"):
        assert re.search(rf"^\s+{login}\s", output, re.MULTILINE), login


def test_plan_show_reads_novatech_from_the_demo_database(demo_dirs):
    plan = json.loads(
        keyplan("plan", "show", "NovaTech", "--format", "json", data_dir=demo_dirs[0][0])
    )
    assert plan["profile"]["employees"] == 400
    assert {"Sarah Lin", "James Park", "Priya Desai"} <= {s["name"] for s in plan["stakeholders"]}


def test_the_demo_is_the_same_for_the_same_seed(demo_dirs):
    dirs, _ = demo_dirs
    first, second = (keyplan("plan", "show", "--all", "--format", "json", data_dir=d) for d in dirs)
    assert len(json.loads(first)) == 25
    assert first == second


def test_running_demo_again_keeps_the_loaded_portfolio(demo_dirs):
    output = keyplan("demo", "--no-serve", data_dir=demo_dirs[0][0])
    assert "already loaded" in output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_serves_the_demo(demo_dirs):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "keyplan", "serve", "--port", str(port)],
        env=keyplan_environment(demo_dirs[0][0]),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = browser.open(f"{base}/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": "kam", "password": "keyplan-demo", "csrfmiddlewaretoken": token}
        ).encode()
        home = browser.open(urllib.request.Request(f"{base}/login/", data=form)).read().decode()
        assert "NovaTech" in home
        assert browser.open(f"{base}/static/keyplan/keyplan.css").status == 200
        assert browser.open(f"{base}/static/admin/css/base.css").status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_demo_refuses_a_database_with_real_accounts(db):
    Account.objects.create(name="Real Customer", source="manual")
    with pytest.raises(CommandError) as error:
        call_command("demo", "--no-serve", stdout=StringIO())
    assert "not demo data" in str(error.value)
    assert Account.objects.count() == 1


def test_serve_refuses_an_impossible_port(db):
    with pytest.raises(CommandError) as error:
        call_command("serve", "--port", "70000")
    assert "is not a TCP port" in str(error.value)
