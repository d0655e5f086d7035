"""The dashboard's answers without netting: the shortfall of the accounts below target
beside the net gap, the customer / prospect and "top N by ARR" filters, and the pipeline
split into open stages (adding up to the weighted pipeline) and won and lost apart."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from keyplan.accounts import services as account_services
from keyplan.core import clock, services
from keyplan.growth.models import Play
from keyplan.insights import pipeline, whitespace
from keyplan.insights.portfolio import FIGURES, book, dashboard


def make(leader, name, *, arr, target=None, relationship="customer", plays=()):
    account = account_services.create_account(
        by=leader, name=name, owner=leader, target_arr=target, relationship=relationship
    )
    if arr:
        account_services.add_contract(
            account, by=leader, name="MSA", arr=Decimal(arr), start_date=date(2025, 1, 1)
        )
    for number, (stage, value, close) in enumerate(plays):
        services.create(
            Play, by=leader, account=account, name=f"Play {number}", stage=stage,
            target_arr=Decimal(value), target_close_date=close,
        )  # fmt: skip
    return account


@pytest.fixture
def targets(leader, private_plans):
    """Ahead: 300k ARR for a 200k target (100k ahead). Behind: 100k ARR + 50% of 40k
    for a 200k target (80k short). Far behind: nothing for a 50k target (50k short).
    No target: left out of the path."""
    soon = clock.today() + timedelta(days=30)
    return {
        "ahead": make(leader, "Ahead", arr=300_000, target=200_000),
        "behind": make(
            leader,
            "Behind",
            arr=100_000,
            target=200_000,
            plays=[("opportunity", 40_000, soon)],
        ),
        "far": make(leader, "Far behind", arr=0, target=50_000, relationship="prospect"),
        "none": make(leader, "No target", arr=10_000),
    }


def test_the_shortfall_adds_only_the_accounts_below_target(targets, leader):
    accounts, _ = book(leader)
    path = pipeline.path_to_target(accounts)
    # Net: 450k target - 400k ARR - 20k weighted = 30k; the 100k ahead hides 130k short.
    assert path.gap.value == Decimal(30_000)
    assert path.shortfall.value == Decimal(130_000)
    assert path.accounts_short == 2
    assert [(a.name, a.contribution) for a in path.shortfall.breakdown] == [
        ("Behind", Decimal(80_000)),
        ("Far behind", Decimal(50_000)),
    ]
    assert "below their target" in path.shortfall.formula
    assert FIGURES["path_shortfall"](accounts, clock.today()).value == Decimal(130_000)


def test_no_shortfall_when_every_account_is_ahead(targets, leader):
    accounts, _ = book(leader)
    path = pipeline.path_to_target(accounts.filter(name="Ahead"))
    assert (path.shortfall.value, path.accounts_short) == (Decimal(0), 0)
    assert path.gap.value == Decimal(-100_000)


def test_customer_or_prospect_narrows_every_figure(targets, leader):
    customers, chosen = book(leader, relationship="customer")
    assert chosen == {"relationship": "customer"}
    assert set(customers.values_list("name", flat=True)) == {"Ahead", "Behind", "No target"}
    prospects, _ = book(leader, relationship="prospect")
    assert dashboard(prospects).path_to_target.shortfall.value == Decimal(50_000)
    assert dashboard(customers).arr.value == Decimal(410_000)
    assert book(leader, relationship="partner")[1] == {}  # not a relationship: ignored


def test_top_n_keeps_the_largest_accounts_by_arr(leader, private_plans, product):
    from keyplan.growth import services as growth_services
    from keyplan.growth.models import BusinessUnit

    open_values = {}
    for n in range(12):  # ARR 1k, 2k ... 12k; open whitespace 100 x n
        account = make(leader, f"Account {n:02}", arr=1_000 * (n + 1))
        unit = services.create(BusinessUnit, by=leader, account=account, name="Ops")
        growth_services.set_cell(
            unit, product, by=leader, status="open", estimated_value=Decimal(100 * n)
        )
        open_values[account.name] = Decimal(100 * n)

    top, chosen = book(leader, top="10")
    assert chosen == {"top": "10"}
    names = set(top.values_list("name", flat=True))
    assert names == {f"Account {n:02}" for n in range(2, 12)}
    board = dashboard(top)
    assert board.open_whitespace.value == sum(open_values[name] for name in names)
    assert board.arr.value == Decimal(sum(1_000 * (n + 1) for n in range(2, 12)))
    assert book(leader, top="7")[1] == {}  # not one of the choices: every account


def test_top_n_applies_after_the_other_filters(targets, leader):
    top, chosen = book(leader, relationship="customer", top="10")
    assert chosen == {"relationship": "customer", "top": "10"}
    assert "Far behind" not in set(top.values_list("name", flat=True))


def test_open_stages_add_up_to_the_weighted_pipeline_and_closed_plays_stand_apart(
    leader, private_plans
):
    today = clock.today()
    soon, passed = today + timedelta(days=20), today - timedelta(days=400)
    make(
        leader, "Plays", arr=100_000,
        plays=[
            ("idea", 33_333, soon), ("conversation", 10_001, None), ("closing", 12_345, soon),
            ("opportunity", 50_000, passed),  # close date passed: left out
            ("won", 70_000, passed), ("lost", 20_000, passed), ("lost", 5_000, soon),
        ],
    )  # fmt: skip
    plays = Play.objects.filter(account__name="Plays")
    for stage in ("idea", "conversation"):  # 1.004 each: the stages round to 1.00, the sum to 2.01
        services.create(
            Play, by=leader, account=plays.first().account, name=f"Tiny {stage}", stage=stage,
            target_arr=Decimal("100.40"), probability=1, target_close_date=soon,
        )  # fmt: skip
    accounts, _ = book(leader)
    split = pipeline.pipeline_split(accounts, today)
    weighted = pipeline.weighted_pipeline(accounts, today)
    assert [s.stage for s in split.open_stages] == [
        "idea",
        "conversation",
        "opportunity",
        "closing",
    ]
    assert sum(s.weighted for s in split.open_stages) == weighted.value
    assert split.weighted.value == weighted.value
    by_stage = {s.stage: s for s in split.open_stages}
    assert (by_stage["opportunity"].plays, by_stage["opportunity"].weighted) == (0, Decimal(0))
    assert (split.passed.plays, split.passed.target_arr) == (1, Decimal(50_000))
    assert [(s.stage, s.plays, s.target_arr) for s in split.closed] == [
        ("won", 1, Decimal(70_000)),
        ("lost", 2, Decimal(25_000)),
    ]


def test_owners_are_named_by_full_name_in_the_whitespace_chart(owner, account, unit, product):
    from keyplan.growth import services as growth_services

    growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=500)
    (label, _), *_ = whitespace.whitespace_by_owner(book(owner)[0])
    assert label == "Olga Owner"
