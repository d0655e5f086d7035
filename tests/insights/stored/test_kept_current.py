"""Stored per-account figures equal the from-scratch ones after every kind of change,
and the dashboard reading them gives the from-scratch answer."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.cadence.models import AlertSnooze
from keyplan.core import clock, services
from keyplan.growth import services as growth_services
from keyplan.growth.models import Action, BusinessUnit, Product, WhitespaceCell
from keyplan.insights import alerts, health, whitespace
from keyplan.insights.portfolio import book, dashboard
from keyplan.insights.stored import read, upkeep
from keyplan.insights.stored.models import AccountFigures, AlertFigure
from keyplan.relationships.models import Stakeholder
from keyplan.risks.models import HealthSnapshot, Risk
from keyplan.team.models import Organisation, Role
from tests.conftest import make_user

pytestmark = pytest.mark.kept_figures


def plan(owner, name, product, *, tier=2, value=10_000, strength=4):
    """An account with a contract, an open cell, a stakeholder, an open action and
    health signals, all written through the services."""
    account = account_services.create_account(by=owner, name=name, tier=tier, owner=owner)
    account_services.add_contract(
        account, by=owner, name="MSA", arr=Decimal(100_000), start_date=date(2025, 1, 1)
    )
    unit = services.create(BusinessUnit, by=owner, account=account, name="Ops")
    growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=value)
    services.create(
        Stakeholder, by=owner, account=account, name=f"{name} CFO", role="economic_buyer",
        power=3, interest=2, strength=strength, priority=1,
    )  # fmt: skip
    services.create(
        Action, by=owner, account=account, title="Send the proposal", owner=owner,
        due_date=clock.today() + timedelta(days=10),
    )  # fmt: skip
    services.create(
        HealthSnapshot, by=owner, account=account, date=clock.today() - timedelta(days=3),
        licensed_seats=100, active_seats=50, nps=20, escalations=1,
    )  # fmt: skip
    return account


@pytest.fixture
def other_product(admin_user):
    return services.create(Product, by=admin_user, name="Security", list_price=Decimal(9000))


@pytest.fixture
def plans(owner, product, private_plans):
    return [
        plan(owner, "Acme", product, tier=1, value=40_000),
        plan(owner, "Borealis", product, value=10_000, strength=1),
        plan(owner, "Cobalt", product, tier=3, value=5_000),
    ]


def from_scratch(accounts, today):
    """The stored parts of the dashboard as the insights functions compute them."""
    return {
        "open": whitespace.open_whitespace(accounts),
        "product": whitespace.whitespace_by_product(accounts),
        "tier": whitespace.whitespace_by_tier(accounts),
        "owner": whitespace.whitespace_by_owner(accounts),
        "alerts": alerts.counts(accounts, today),
        "health": health.ranked_by_health(accounts, today),
    }


def seen(parts) -> dict:
    """What a person sees of those parts: values, inputs, labels, order."""

    def figures(pairs):
        return [(label, f.key, f.value, f.inputs) for label, f in pairs]

    return {
        "open": (parts["open"].value, parts["open"].inputs),
        "product": figures(parts["product"]),
        "tier": figures(parts["tier"]),
        "owner": figures(parts["owner"]),
        "alerts": parts["alerts"],
        "health": [(a.pk, a.health_score, a.health_adoption) for a in parts["health"]],
    }


def assert_current_and_equal(user, today=None, **filters):
    today = today or clock.today()
    assert upkeep.drift() == []
    accounts, _ = book(user, today=today, **filters)
    assert read.current(accounts, today), "a row is not current after the change"
    board = dashboard(accounts, today=today)
    ours = {
        "open": board.open_whitespace,
        "product": board.whitespace_by_product,
        "tier": board.whitespace_by_tier,
        "owner": board.whitespace_by_owner,
        "alerts": board.alert_counts,
        "health": board.ranked_by_health,
    }
    assert seen(ours) == seen(from_scratch(accounts, today))


def test_a_new_plan_s_figures_are_stored_as_it_is_written(plans, owner):
    acme = plans[0]
    row = AccountFigures.objects.get(account=acme)
    assert row.plan_version == Account.objects.get(pk=acme.pk).plan_version
    assert row.as_of == clock.today()
    assert row.health_score is not None
    assert_current_and_equal(owner)


def edit(record, user, **values):
    return services.update(record, by=user, version=record.version, **values)


def cell(account):
    return WhitespaceCell.objects.get(account=account)


def change_cell_value(account, owner, product):
    edit(cell(account), owner, estimated_value=Decimal(99_000))


def sell_cell(account, owner, product):
    edit(cell(account), owner, status="sold")


def delete_cell(account, owner, product):
    record = cell(account)
    services.delete(record, by=owner, version=record.version)


def cell_in_another_product(account, owner, spare):
    unit = BusinessUnit.objects.get(account=account)
    growth_services.set_cell(unit, spare, by=owner, status="open", estimated_value=7_000)


def action_overdue(account, owner, product):
    action = Action.objects.get(account=account)
    edit(action, owner, due_date=clock.today() - timedelta(days=2))


def delete_action(account, owner, product):
    record = Action.objects.get(account=account)
    services.delete(record, by=owner, version=record.version)


def stakeholder_warm(account, owner, product):
    edit(Stakeholder.objects.get(account=account), owner, strength=4)


def stakeholders_at_once(account, owner, product):
    rows = [
        {"account": account, "name": f"Analyst {n}", "title": "Analyst", "strength": 4}
        for n in range(3)
    ]
    services.create_many(Stakeholder, rows, by=owner)


def unmitigated_risk(account, owner, product):
    services.create(
        Risk, by=owner, account=account, title="Budget freeze", category="budget_freeze",
        probability=3, impact=3, arr_at_risk=Decimal(60_000),
    )  # fmt: skip


def new_health_signals(account, owner, product):
    services.create(
        HealthSnapshot, by=owner, account=account, date=clock.today(),
        licensed_seats=100, active_seats=95, nps=60, escalations=0,
    )  # fmt: skip


def account_tier(account, owner, product):
    account = Account.objects.get(pk=account.pk)
    account_services.update_account(account, by=owner, version=account.version, tier=3)


def account_owner(account, owner, product):

    other = make_user("other_kam", Role.KAM, first_name="Other", last_name="Kam")
    account = Account.objects.get(pk=account.pk)
    account_services.update_account(account, by=owner, version=account.version, owner=other)


def snooze_alert(account, owner, product):
    red = Stakeholder.objects.get(account=account)  # cold with high power
    services.create(
        AlertSnooze, by=owner, account=account, rule="red_dot", record_id=red.pk,
        until=clock.today() + timedelta(days=5), reason="Waiting for the customer",
    )  # fmt: skip


CHANGES = [
    change_cell_value, sell_cell, delete_cell, cell_in_another_product, action_overdue,
    delete_action, stakeholder_warm, stakeholders_at_once, unmitigated_risk,
    new_health_signals, account_tier, snooze_alert,
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_stored_figures_equal_the_from_scratch_ones_after_a_change(
    change, plans, owner, leader, other_product
):
    before = seen(from_scratch(Account.objects.all(), clock.today()))

    change(plans[1], owner, other_product)

    assert seen(from_scratch(Account.objects.all(), clock.today())) != before, "nothing moved"
    assert_current_and_equal(owner)
    assert_current_and_equal(leader, tier=1)
    assert_current_and_equal(leader, top=10)
    assert_current_and_equal(leader, account=plans[1].pk)


def test_every_filter_of_the_book_gives_the_from_scratch_answer(plans, owner, leader):
    account_owner(plans[2], owner, None)
    for filters in (
        {}, {"tier": 1}, {"tier": 3}, {"owner": owner.pk}, {"relationship": "customer"},
        {"top": 10}, {"account": plans[0].pk},
    ):  # fmt: skip
        assert_current_and_equal(leader, **filters)


def test_a_rolled_back_write_leaves_the_rows_as_they_were(plans, owner):
    rows = list(AccountFigures.objects.order_by("pk").values())
    alert_rows = list(AlertFigure.objects.order_by("pk").values())

    with pytest.raises(RuntimeError), transaction.atomic():
        action_overdue(plans[0], owner, None)
        assert AlertFigure.objects.filter(rule="overdue_action").exists()
        raise RuntimeError("the request failed after the save")

    assert list(AccountFigures.objects.order_by("pk").values()) == rows
    assert list(AlertFigure.objects.order_by("pk").values()) == alert_rows
    assert_current_and_equal(owner)


def test_a_day_later_the_dashboard_computes_from_scratch_until_the_daily_pass(plans, owner):
    action_overdue(plans[0], owner, None)
    later = clock.today() + timedelta(days=40)  # actions overdue, plans stale, coverage gone
    accounts, _ = book(owner, today=later)
    assert not read.current(accounts, later)
    board = dashboard(accounts, today=later)
    assert board.alert_counts == alerts.counts(accounts, later)  # right, from scratch

    assert upkeep.refresh(later) == 3

    assert_current_and_equal(owner, today=later)
    assert upkeep.refresh(later) == 0  # nothing left to do


def test_new_organisation_settings_make_the_rows_not_current(plans, owner, admin_user):
    settings = Organisation.current()
    services.update(settings, by=admin_user, version=settings.version, cold_buyer_days=1)
    Organisation.forget()
    accounts, _ = book(owner)
    assert not read.current(accounts, clock.today())

    upkeep.refresh(clock.today())

    assert_current_and_equal(owner)


def dashboard_queries(user) -> int:
    accounts, _ = book(user)
    with CaptureQueriesContext(connection) as captured:
        board = dashboard(accounts)
        list(board.ranked_by_health[:10])
    return len(captured)


def test_the_dashboard_s_queries_do_not_grow_with_the_accounts(owner, product, private_plans):
    for n in range(3):
        plan(owner, f"Small {n}", product)
    few = dashboard_queries(owner)
    for n in range(27):
        plan(owner, f"Large {n}", product)
    assert read.current(book(owner)[0], clock.today())
    assert dashboard_queries(owner) == few


def run_figures(*options) -> str:
    out = StringIO()
    call_command("figures", *options, stdout=out)
    return out.getvalue()


def test_the_check_names_a_tampered_row_and_the_rebuild_repairs_it(plans, owner):
    assert "agree" in run_figures("--check")
    AlertFigure.objects.create(account=plans[1], rule="new_trigger", count=5)

    with pytest.raises(CommandError) as error:
        run_figures("--check")
    assert error.value.returncode == 1

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("figures", "--check", stdout=out)
    assert "Borealis" in out.getvalue() and "new_trigger alerts 5" in out.getvalue()
    assert "Recomputed the figures of 3 accounts" in run_figures("--rebuild")
    assert "agree" in run_figures("--check")
