"""Fixtures: the three personas of every access test (the account's owner, a team
member, an outsider), plus a viewer, a leader and an administrator, and a small
account plan to act on; NovaTech's sample plan and the demo database, built once and
shared.

`make test` spreads the tests over the cores with pytest-xdist (`-n auto`, and
pyproject.toml's `--dist loadfile --no-loadscope-reorder`): each worker runs whole
modules, so a module-scoped fixture (a demo portfolio, a browser, a server) is set up
once, and takes them in the order set here, the longest first."""

import os
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from keyplan.accounts import services as account_services
from keyplan.core import services
from keyplan.demo import portfolio
from keyplan.growth.models import BusinessUnit, Product
from keyplan.relationships.models import Stakeholder
from keyplan.team import services as team_services
from keyplan.team.models import Organisation, PlanVisibility, Role, User
from tests.shared import DemoDatabase, MigratedDatabase, Snapshot


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Each API operation's fuzz test (schemathesis) its own id again, "test_every_
    operation[GET /api/v1/accounts]": since pytest 9.2 it builds an item's id from the
    function's name and pytest's own parameters, so all 91 shared one, and xdist, which
    hands out modules by id, ran only one of them."""
    count = Counter(item.nodeid for item in items)
    for item in items:
        if count[item.nodeid] > 1 and item.nodeid.rpartition("::")[2] != item.name:
            own = f"{item.nodeid.rpartition('::')[0]}::{item.name}"
            if hasattr(item, "_id"):  # pytest 9.2 on
                from _pytest.nodeid import NodeId

                item._id = NodeId.parse(own)
            else:
                item._nodeid = own
    if os.environ.get("PYTEST_XDIST_WORKER") and len({i.nodeid for i in items}) != len(items):
        raise pytest.UsageError("two tests have the same id: xdist would run only one")


class LongestFirst:
    """The order in which an xdist worker's modules are handed out: those with slow
    tests first, then by their number of tests, so that no worker is left with a long
    module at the end. Each module keeps its own order (pytest-django's: the tests in a
    transaction first, then those that commit)."""

    @pytest.hookimpl(trylast=True)  # after pytest-django's own order
    def pytest_collection_modifyitems(self, config, items):
        modules: dict[str, list] = {}
        for item in items:
            modules.setdefault(item.nodeid.split("::")[0], []).append(item)
        rank = {
            module: (not any(item.get_closest_marker("slow") for item in tests), -len(tests))
            for module, tests in modules.items()
        }
        items.sort(key=lambda item: rank[item.nodeid.split("::")[0]])


def pytest_configure(config):
    if hasattr(config, "workerinput"):  # an xdist worker
        config.pluginmanager.register(LongestFirst(), "keyplan-longest-first")


MIGRATED: list[tuple[Snapshot, object]] = []  # the rows, and pytest-django's blocker


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and the rows its migrations wrote (but the content
    types and permissions, which Django writes again itself), read right after."""
    with django_db_blocker.unblock():
        MIGRATED.append((Snapshot.now(skip=(ContentType, Permission)), django_db_blocker))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that commits (transactional_db, live_server) ends with every table emptied,
    the rows the migrations wrote with them (the scorecard's default criteria). Put them
    back, so that the next tests find the database as migrated whatever ran before them
    in this process (an xdist worker runs modules in any order)."""
    result = yield
    if (
        nextitem is not None
        and MIGRATED
        and {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    ):
        rows, blocker = MIGRATED[0]
        with blocker.unblock():
            rows.load()
    return result


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def figures_on_write(request, settings):
    """The stored per-account figures are kept on write only in tests marked
    `kept_figures` (their own, the bench's): recomputing them after every write costs
    the rest of the suite minutes, and without rows the dashboard computes from scratch."""
    settings.FIGURES_KEPT_ON_WRITE = request.node.get_closest_marker("kept_figures") is not None


@pytest.fixture(autouse=True)
def fresh_cache():
    """Counters kept in the cache (bad API tokens per address) start at zero in each
    test: a test process runs many tests from the same address within minutes."""
    cache.clear()
    yield


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
    logins = [login for login, *_ in portfolio.USERS]
    return {user.username: user for user in User.objects.filter(username__in=logins)}


def _run_directory(tmp_path_factory) -> Path:
    """A directory for the whole run: xdist's workers each have one in the run's."""
    here = tmp_path_factory.getbasetemp()
    return here.parent if os.environ.get("PYTEST_XDIST_WORKER") else here


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> MigratedDatabase:
    """A SQLite data directory made by `keyplan migrate`, once for the run: copy its
    database into a new data directory (`migrated_database.copy(path)`) rather than
    migrate one."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the end-to-end runs use SQLite; they run in the SQLite pass")
    return MigratedDatabase.once(_run_directory(tmp_path_factory))


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> DemoDatabase:
    """A SQLite database loaded by `keyplan demo`, made once for the run: copy it
    (`demo_database.copy(path)`) to use it."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the end-to-end runs use SQLite; they run in the SQLite pass")
    return DemoDatabase.once(_run_directory(tmp_path_factory))
