"""Fixtures for the import and export tests: the NovaTech sample plan, helpers that
read a plan the way a user compares plans (`keyplan plan show --format json`), and
a snapshot of the database to prove an import left it exactly as it was."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from keyplan.accounts.models import Account
from keyplan.demo import novatech
from keyplan.growth.models import Product
from keyplan.team.models import Organisation


@pytest.fixture
def sample(novatech_users):
    """NovaTech's plan (novatech_users, tests/conftest.py: built once, loaded per test)."""
    return Account.objects.get(name=novatech.NAME)


def plan_show(name: str) -> dict:
    out = StringIO()
    call_command("plan", "show", name, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def empty_the_plans() -> None:
    """Every account and the catalog gone (the users stay): an empty database to import into."""
    Account.objects.all().delete()
    Product.objects.all().delete()


def snapshot() -> dict:
    """How many rows every keyplan table (and its history) holds, plus each row's version.

    The organisation's settings row is made first: any access check reads the settings,
    and their first read makes the row (as the first request of a new install does)."""
    Organisation.objects.get_or_create(pk=1)
    counts = {}
    for model in apps.get_models():
        # The audit trail notes a run that changed nothing: it is not what a run changed.
        if model.__module__.startswith("keyplan.") and model._meta.app_label != "audit":
            counts[model._meta.label] = model.objects.count()
            if hasattr(model, "version"):
                counts[f"{model._meta.label}.versions"] = sorted(
                    model.objects.values_list("pk", "version")
                )
    return counts
