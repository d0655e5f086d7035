"""Fixtures: the three personas of every access test (the account's owner, a team
member, an outsider), plus a viewer, a leader and an administrator, and a small
account plan to act on; NovaTech's sample plan and the demo database, built once and
shared."""

import os
from datetime import date
from decimal import Decimal

import pytest

from keyplan.accounts import services as account_services
from keyplan.core import services
from keyplan.demo import portfolio
from keyplan.growth.models import BusinessUnit, Product
from keyplan.relationships.models import Stakeholder
from keyplan.team import services as team_services
from keyplan.team.models import Organisation, PlanVisibility, Role, User
from tests.shared import DemoDatabase, Snapshot


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_organisation():
    """Each test rolls the database back, settings included: forget what was read."""
    Organisation.forget()
    yield
    Organisation.forget()


def make_user(username, role, **fields):
    return team_services.create_user(
        by=None,
        username=username,
        password="a-long-test-password",
        role=role,
        check_password=False,
        **fields,
    )


@pytest.fixture
def admin_user(db):
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def leader(db):
    return make_user("lena", Role.LEADER)


@pytest.fixture
def owner(db):
    """A KAM who owns `account`."""
    return make_user("olga", Role.KAM, first_name="Olga", last_name="Owner")


@pytest.fixture
def member(db):
    """A contributor on `account`'s team."""
    return make_user("max", Role.CONTRIBUTOR)


@pytest.fixture
def viewer(db):
    """A read-only user on `account`'s team."""
    return make_user("vera", Role.VIEWER)


@pytest.fixture
def outsider(db):
    """A KAM on no team of `account`."""
    return make_user("otto", Role.KAM)


@pytest.fixture
def private_plans(db):
    """Plans are visible to their account team only (the default)."""
    organisation = Organisation.current()
    assert organisation.plan_visibility == PlanVisibility.ACCOUNT_TEAM
    return organisation


@pytest.fixture
def account(db, owner, member, viewer, private_plans):
    account = account_services.create_account(
        by=owner,
        name="Acme Corp",
        tier=1,
        industry="Manufacturing",
        annual_revenue=Decimal("50000000"),
        employees=900,
    )
    team_services.add_member(account, member, by=owner)
    team_services.add_member(account, viewer, by=owner)
    return account


@pytest.fixture
def product(db, admin_user):
    return services.create(Product, by=admin_user, name="Analytics", list_price=Decimal(45000))


@pytest.fixture
def unit(account, owner):
    return services.create(
        BusinessUnit, by=owner, account=account, name="Engineering", headcount=120
    )


@pytest.fixture
def champion(account, owner):
    return services.create(
        Stakeholder,
        by=owner,
        account=account,
        name="Sarah Lin",
        title="VP Ops",
        role="champion",
        power=3,
        interest=3,
        strength=4,
        priority=1,
    )


@pytest.fixture
def day():
    return date(2026, 6, 15)


@pytest.fixture(scope="session")
def novatech_snapshot(django_db_setup, django_db_blocker) -> Snapshot:
    """NovaTech's plan, the demo users and the catalog as `portfolio.build_novatech`
    writes them through the services, built once per test process."""
    with django_db_blocker.unblock():
        return Snapshot.take(portfolio.build_novatech)


@pytest.fixture
def novatech_users(db, novatech_snapshot) -> dict[str, User]:
    """The demo users (by username), the catalog and NovaTech's plan, in this test's
    database."""
    novatech_snapshot.load()
    return portfolio.users_by_name()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> DemoDatabase:
    """A SQLite database loaded by `keyplan demo`, made once for the run: copy it
    (`demo_database.copy(path)`) to use it."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the end-to-end runs use SQLite; they run in the SQLite pass")
    here = tmp_path_factory.getbasetemp()
    # xdist's workers each have a directory in the run's: the database is made there once.
    return DemoDatabase.once(here.parent if os.environ.get("PYTEST_XDIST_WORKER") else here)
