"""Each Salesforce pull and push is one event on the trail with its counts, against the
test org on loopback; a dry run is none."""

import shutil
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.growth.models import Play
from tests.audit.conftest import events, only
from tests.exchange.crm.conftest import (  # noqa: F401 (fixtures)
    clean_environment,
    connected,
    data_export,
    org,
    test_org,
)
from tests.exchange.crm.helpers import run_import

PATTERSON, MOODY = "Patterson-Hansen", "Moody and Sons"


@pytest.fixture
def linked(admin_user, org, data_export, tmp_path):  # noqa: F811
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(data_export / "Account.csv", accounts_only / "Account.csv")
    run_import("salesforce", accounts_only, "--accounts", f"{PATTERSON},{MOODY}")
    return {name: Account.objects.get(name=name) for name in (PATTERSON, MOODY)}


def run(*args: str) -> bool:
    try:
        call_command("salesforce", *args, stdout=StringIO())
    except CommandError:
        return False
    return True


def test_a_pull_is_one_event_with_its_counts(admin_user, linked):
    assert run("pull", "--dry-run")
    assert events("sync.pull") == []

    assert run("pull")

    event = only("sync.pull")
    assert event.actor == admin_user
    assert event.details["ok"] is True and event.details["accounts"] == 2
    assert event.details["pulled"]["Contact"]["created"] > 0
    assert events("import") == [only("import")]  # the linking import only, not one per account


def test_a_push_is_one_event_with_its_counts(admin_user, linked):
    values = {"stage": "conversation", "target_arr": Decimal("120000")}
    services.create(
        Play, by=admin_user, account=linked[PATTERSON], name="Payments expansion",
        target_close_date=date(2027, 3, 31), **values,
    )  # fmt: skip

    assert run("push", "--account", PATTERSON)

    event = only("sync.push")
    assert event.actor == admin_user
    assert event.details["ok"] is True
    assert event.details["pushed"]["created"] == 1


def test_a_failed_run_is_recorded_with_its_errors(admin_user, db, clean_environment):  # noqa: F811
    assert not run("pull")

    event = only("sync.pull")
    assert event.details["ok"] is False
    assert any("Not set" in error for error in event.details["errors"])
