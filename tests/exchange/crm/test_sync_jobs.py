"""Sync now: the button queues a sync in the database job queue, `keyplan worker` runs
it (here as a separate process, as in production, and in this process), and the page
that polls shows what the worker reported; the plan page of a synced account says when
it was synced. Only administrators sync everything, only those who may edit a plan
sync its account, and nobody else learns the account is there."""

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from keyplan.accounts.models import Account
from keyplan.core import clock, services
from keyplan.exchange.crm.salesforce.live.pull import pull
from keyplan.exchange.models import AccountSync, SyncRun
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder
from keyplan.team import services as team_services
from tests.exchange.crm.helpers import run_import

# The worker reads what the page committed, as two processes would.
pytestmark = pytest.mark.django_db(transaction=True)

PATTERSON, MOODY = "Patterson-Hansen", "Moody and Sons"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def linked(admin_user, owner, org, data_export, tmp_path):
    """Patterson-Hansen (its KAM: owner) and Moody and Sons, linked by an import of
    their Account rows."""
    for name, login in ((PATTERSON, owner.username), (MOODY, admin_user.username)):
        folder = tmp_path / f"accounts-{login}"
        folder.mkdir()
        shutil.copy(data_export / "Account.csv", folder / "Account.csv")
        run_import("salesforce", folder, "--accounts", name, login=login)
    return {name: Account.objects.get(name=name) for name in (PATTERSON, MOODY)}


def database_url() -> str:
    """This test database's URL, for a worker in another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{user}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def worker_process() -> subprocess.CompletedProcess:
    """`keyplan worker --batch` in its own process, on this test database."""
    environment = {**os.environ, "DATABASE_URL": database_url()}
    return subprocess.run(
        [sys.executable, "-m", "keyplan.cli", "worker", "--batch"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_an_administrator_syncs_now_and_the_worker_process_reports_to_the_page(
    admin_user, client, linked, org
):
    client.force_login(admin_user)
    page = client.get("/settings/integrations/").content.decode()
    assert 'hx-get="/settings/integrations/sync/"' in page

    queued = client.post("/settings/integrations/sync/", **HTMX).content.decode()

    assert "Sync queued" in queued
    assert 'hx-trigger="every 2s"' in queued  # the block asks again until done
    finished = worker_process()
    assert finished.returncode == 0, finished.stderr
    done = client.get("/settings/integrations/sync/", **HTMX).content.decode()
    assert "Sync done" in done
    assert "every 2s" not in done  # done: no more polling
    run = SyncRun.objects.get()
    assert run.state == SyncRun.DONE and run.report["errors"] == []
    assert run.report["accounts"] == [MOODY, PATTERSON]
    created = sum(c["created"] for c in run.report["pulled"].values())
    updated = sum(c["updated"] for c in run.report["pulled"].values())
    assert run.report["pulled"]["Contact"]["created"] == 2  # one contact each
    assert f"Pulled from Salesforce: {created} created, {updated} updated." in done
    plays = Play.objects.count()
    assert run.report["pushed"]["unchanged"] == plays
    assert "Pushed to Salesforce: 0 created, 0 updated." in done
    assert "Conflicts: 0." in done and "No errors." in done
    plan = client.get(f"/accounts/{linked[PATTERSON].pk}/").content.decode()
    assert f'hx-get="/accounts/{linked[PATTERSON].pk}/salesforce/sync/"' in plan
    block = client.get(f"/accounts/{linked[PATTERSON].pk}/salesforce/sync/").content.decode()
    assert AccountSync.objects.filter(account=linked[PATTERSON]).exists()
    assert "Last synced with Salesforce" in block and "Not synced" not in block


def test_the_kam_syncs_their_account_from_its_plan_page(owner, client, linked, org):
    client.force_login(owner)
    url = f"/accounts/{linked[PATTERSON].pk}/salesforce/sync/"
    before = client.get(url).content.decode()
    assert "Not synced with Salesforce yet." in before and "Sync now" in before

    client.post(url, **HTMX)
    again = client.post(url, **HTMX)  # pressed twice: still one sync waiting
    call_command("worker", "--batch")

    assert SyncRun.objects.count() == 1
    assert "Sync queued" in again.content.decode()
    run = SyncRun.objects.get()
    assert run.state == SyncRun.DONE, run.report
    assert run.report["accounts"] == [PATTERSON]  # that account only
    assert run.by == owner
    after = client.get(url).content.decode()
    assert "Last synced with Salesforce" in after and "Sync done" in after
    assert AccountSync.objects.filter(account=linked[PATTERSON]).exists()
    assert not AccountSync.objects.filter(account=linked[MOODY]).exists()


def test_who_may_not_sync_is_told_not_found(owner, viewer, outsider, client, linked):
    patterson = linked[PATTERSON]
    url = f"/accounts/{patterson.pk}/salesforce/sync/"
    team_services.add_member(patterson, viewer, by=owner)

    client.force_login(viewer)  # may read the plan, not change it: no button
    assert "Sync now" not in client.get(url).content.decode()
    assert client.post(url).status_code == 404
    client.force_login(outsider)  # may not see the plan at all
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(owner)  # a KAM, not an administrator
    assert client.post("/settings/integrations/sync/").status_code == 404
    assert client.get(f"/accounts/{linked[MOODY].pk}/salesforce/sync/").status_code == 404
    assert not SyncRun.objects.exists()


def test_a_failed_sync_shows_its_errors(admin_user, client, linked, org, monkeypatch):
    monkeypatch.setenv("KEYPLAN_SALESFORCE_CLIENT_SECRET", "not-the-secret")
    client.force_login(admin_user)
    client.post("/settings/integrations/sync/", **HTMX)

    call_command("worker", "--batch")

    shown = client.get("/settings/integrations/sync/", **HTMX).content.decode()
    assert "Sync done" in shown
    assert "Error:" in shown and "invalid client credentials" in shown
    assert not AccountSync.objects.exists()


def test_a_sync_whose_worker_died_does_not_block_the_next(admin_user, client, linked):
    hours_ago = clock.now() - timedelta(hours=2)
    SyncRun.objects.create(
        by=admin_user, state=SyncRun.RUNNING, queued_at=hours_ago, started_at=hours_ago
    )
    client.force_login(admin_user)

    shown = client.post("/settings/integrations/sync/", **HTMX).content.decode()

    assert "Sync queued" in shown
    assert SyncRun.objects.filter(state=SyncRun.QUEUED).count() == 1


def test_the_page_words_a_conflict_the_sync_found_and_counts_its_errors(
    admin_user, owner, client, linked, org
):
    assert pull(by=admin_user).ok  # what Salesforce holds is now seen
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    services.update(bishop, by=owner, version=bishop.version, title="VP Finance")
    org.change("Contact", bishop.crm_id, Title="Chief Financial Officer")
    client.force_login(owner)
    url = f"/accounts/{linked[PATTERSON].pk}/salesforce/sync/"

    client.post(url, **HTMX)
    call_command("worker", "--batch")

    shown = client.get(url).content.decode()
    assert "Conflicts: 1." in shown
    assert "Conflict on Patterson-Hansen, Daniel Bishop, Title: keyplan has “VP Finance”" in shown
    assert "Salesforce “Chief Financial Officer”" in shown
    assert "{&#x27;" not in shown and "{'" not in shown  # words, not a dictionary
    assert "with 1 error" not in shown and "No errors." in shown
