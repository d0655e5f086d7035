"""Sync now in Chromium: an administrator connects keyplan to the test org on the
Integrations page, presses Sync now, and watches the sync go from queued to done
(run by `keyplan worker` in its own process, as in production) with its result; the
plan page of the synced account then says when it was last synced."""

import os
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from keyplan.accounts.models import Account
from keyplan.bench.salesforce.org import Org
from keyplan.bench.salesforce.seed import load_export
from keyplan.bench.salesforce.server import start
from keyplan.exchange.crm.salesforce.live.config import ENVIRONMENT
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import run_import
from tests.exchange.crm.test_sync_jobs import database_url

PATTERSON = "Patterson-Hansen"


@pytest.fixture
def test_org(tmp_path, monkeypatch):
    for variable in [*ENVIRONMENT.values(), "REQUESTS_CA_BUNDLE"]:
        monkeypatch.delenv(variable, raising=False)
    running = start(Org(), tmp_path / "org")
    monkeypatch.setenv("SSL_CERT_FILE", str(running.ca_file))  # the worker inherits it
    export = sf.sample_copy(tmp_path)
    load_export(running.org, export)
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(export / "Account.csv", accounts_only / "Account.csv")
    yield running, accounts_only
    running.stop()


@pytest.fixture
def worker(novatech):
    """start() runs `keyplan worker` in its own process, on the live server's database."""
    processes: list[subprocess.Popen] = []

    def start_worker() -> None:
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "keyplan.cli", "worker"],
                env={**os.environ, "DATABASE_URL": database_url()},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    yield start_worker
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_an_administrator_syncs_now_and_the_plan_says_when(novatech, sign_in, test_org, worker):
    running, accounts_only = test_org
    run_import("salesforce", accounts_only, "--accounts", PATTERSON, login="admin")
    patterson = Account.objects.get(name=PATTERSON)
    page = sign_in("admin")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrations").click()
    page.get_by_label("Login URL").fill(running.url)
    page.get_by_label("Client id (consumer key)").fill(running.org.client_id)
    page.get_by_label("Client secret (consumer secret)").fill(running.org.client_secret)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("A secret is set; it is not shown.")).to_be_visible()
    sync = page.get_by_role("region", name="Sync now")
    sync.get_by_role("button", name="Sync now").click()
    expect(sync.get_by_text("Sync queued")).to_be_visible()  # no worker yet
    worker()

    expect(sync.get_by_text("Sync done")).to_be_visible(timeout=90_000)
    result = sync.get_by_role("list", name="Last sync")
    expect(result).to_contain_text("Pulled from Salesforce:")
    expect(result).to_contain_text("Conflicts: 0.")
    expect(result).to_contain_text("No errors.")
    page.goto(f"{page.base}/accounts/{patterson.pk}/")
    block = page.get_by_role("region", name="Salesforce")
    expect(block).to_contain_text("Last synced with Salesforce")
    expect(block.get_by_role("button", name="Sync now")).to_be_visible()
