"""The README's first-run path: `keyplan createsuperuser`, then an import, then editing
plans. A superuser is an administrator wherever roles are checked."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from keyplan.accounts.models import Account
from keyplan.core import access
from keyplan.core.choices import Role
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import User
from tests.exchange.crm.helpers import SAMPLE


def create_superuser(username="boss") -> tuple[User, str]:
    out = StringIO()
    os.environ["DJANGO_SUPERUSER_PASSWORD"] = "a-long-first-password"
    try:
        call_command(
            "createsuperuser",
            interactive=False,
            username=username,
            email=f"{username}@example.com",
            stdout=out,
        )
    finally:
        del os.environ["DJANGO_SUPERUSER_PASSWORD"]
    return User.objects.get(username=username), out.getvalue()


def test_createsuperuser_makes_an_administrator_and_says_so(db):
    boss, said = create_superuser()
    assert boss.role == Role.ADMIN and boss.is_staff
    assert "Superuser created successfully." in said
    assert "Role: administrator" in said


def test_a_superuser_edits_every_plan_and_manages_users(db, account):
    boss, _ = create_superuser()
    assert access.can_edit_account(boss, account)
    assert access.can_manage_account(boss, account)
    assert access.is_administrator(boss)
    # A superuser whose role was set to viewer by hand is still an administrator.
    boss.role = Role.VIEWER
    boss.save()
    boss.refresh_from_db()
    assert boss.role == Role.ADMIN


def test_a_superuser_imports_the_salesforce_sample_as_the_first_administrator(db):
    if not (SAMPLE / "Account.csv").exists():
        pytest.skip(f"the Salesforce sample export is not at {SAMPLE}")
    boss, _ = create_superuser()
    out = StringIO()
    call_command("import", "salesforce", str(SAMPLE), "--all", stdout=out)
    imported = Account.objects.all()
    assert imported.exists()
    assert all(access.can_edit_account(boss, a) for a in imported)
    assert Stakeholder.objects.filter(account__in=imported).exists()
    # The history names the superuser as the one who imported.
    assert imported.first().history.earliest().history_user == boss


@pytest.mark.slow
def test_the_first_run_path_on_a_fresh_database(request, tmp_path):
    """As the README says: migrate, createsuperuser, import: each a separate command.
    The migrate is the run's shared one (`keyplan migrate -v0` on a new data directory,
    checked there), copied here."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the end-to-end run uses SQLite; it runs in the SQLite pass")
    if not (SAMPLE / "Account.csv").exists():
        pytest.skip(f"the Salesforce sample export is not at {SAMPLE}")
    data_dir = request.getfixturevalue("migrated_database").copy(tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYPLAN_", "DATABASE"))}
    env |= {"KEYPLAN_DATA_DIR": str(data_dir), "DJANGO_SUPERUSER_PASSWORD": "a-long-password"}

    def keyplan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "keyplan", *args],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    made = keyplan("createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.org")
    assert made.returncode == 0, made.stderr
    assert "Role: administrator" in made.stdout
    imported = keyplan("import", "salesforce", str(SAMPLE), "--all")
    assert imported.returncode == 0, imported.stderr + imported.stdout
    assert "Nothing was imported" not in imported.stdout
