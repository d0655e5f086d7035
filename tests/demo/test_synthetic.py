"""keyplan generate: a synthetic portfolio of realistic, valid and repeatable plans."""

import io
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from keyplan.accounts.models import Account, Contract, ContractLine, RevenueYear, Source
from keyplan.cadence.models import PlanReview, Touchpoint, TriggerEvent
from keyplan.core import clock
from keyplan.demo import synthetic_plans
from keyplan.demo.synthetic import GenerateError, generate
from keyplan.demo.vocabulary import CATALOG
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    Objective,
    Play,
    Product,
    WhitespaceCell,
)
from keyplan.relationships.models import (
    Influence,
    Interaction,
    InteractionStakeholder,
    Stakeholder,
)
from keyplan.risks.models import HealthSnapshot, Risk
from keyplan.team.models import User


def per_account(model, path="account_id"):
    return Counter(model.objects.values_list(path, flat=True))


@pytest.fixture
def portfolio(db):
    counts = generate(12, seed=7)
    return counts, list(Account.objects.order_by("pk"))


def test_each_plan_has_the_stated_shape(portfolio):
    counts, accounts = portfolio
    assert len(accounts) == counts["accounts.Account"] == 12
    assert all(a.source == Source.SYNTHETIC and a.owner.role == "kam" for a in accounts)
    ranges = {
        Stakeholder: (20, 40),
        BusinessUnit: (10, 13),
        Play: (3, 8),
        Risk: (2, 6),
        Interaction: (16, 24),
        Objective: (2, 3),
        Action: (4, 8),
        HealthSnapshot: (12, 12),
        Touchpoint: (1, 2),
        PlanReview: (1, 3),
    }
    tallies = {model: per_account(model) for model in ranges}
    contracts = per_account(Contract)
    revenue_years = per_account(RevenueYear)
    for account in accounts:
        for model, (low, high) in ranges.items():
            assert low <= tallies[model][account.pk] <= high, (model.__name__, account.name)
        if account.relationship == "customer":
            assert 1 <= contracts[account.pk] <= 2
            assert revenue_years[account.pk] == 3
        else:
            assert account.contracts.get().status == "draft"
            assert revenue_years[account.pk] == 0
        assert account.whitespace_cells.filter(status="open", estimated_value__gt=0).exists()
    assert set(per_account(ContractLine, "contract__account_id")) == {a.pk for a in accounts}
    assert max(per_account(TriggerEvent).values(), default=0) <= 2

    participants = per_account(InteractionStakeholder, "interaction_id").values()
    assert len(participants) == Interaction.objects.count()
    assert min(participants) >= 1 and max(participants) <= 3

    # The mixes that make the portfolio interesting to the alerts and rollups.
    assert len(set(Play.objects.values_list("stage", flat=True))) >= 5
    assert set(WhitespaceCell.objects.values_list("status", flat=True)) == {
        "sold",
        "evaluating",
        "open",
        "n_a",
    }
    assert Stakeholder.objects.filter(role="blocker").exists()
    assert Stakeholder.objects.filter(status="left").exists()
    today = clock.today()
    assert Action.objects.filter(status__in=["open", "in_progress"], due_date__lt=today).exists()
    assert Action.objects.filter(objective=None, play=None).exists()
    assert not Action.objects.filter(status="done", completed_on=None).exists()
    assert not TriggerEvent.objects.filter(status="handled", handled_on=None).exists()
    assert User.objects.filter(username__startswith="kam", role="kam").count() >= 3
    assert not User.objects.get(username="kam0001").has_usable_password()


def test_reporting_lines_stay_in_their_account_and_form_a_tree(portfolio):
    _, accounts = portfolio
    managed = Stakeholder.objects.exclude(reports_to=None)
    assert managed.exists()
    assert not managed.exclude(reports_to__account=F("account")).exists()
    assert not managed.filter(reports_to=F("pk")).exists()
    assert not Influence.objects.exclude(source__account=F("target__account")).exists()
    for account in accounts:
        manager = dict(account.stakeholders.values_list("pk", "reports_to_id"))
        assert list(manager.values()).count(None) == 1  # one CEO at the top
        for person in manager:
            seen = set()
            while person is not None:
                assert person not in seen, "a reporting line goes in a circle"
                seen.add(person)
                person = manager[person]
        titles = dict(account.stakeholders.values_list("pk", "title"))
        assert {titles[pk] for pk, boss in manager.items() if boss is None} == {
            "Chief Executive Officer"
        }


def test_each_account_has_one_cell_per_business_unit_and_product(portfolio):
    _, accounts = portfolio
    catalog = set(Product.objects.filter(name__in=[n for n, *_ in CATALOG]).values_list("pk"))
    assert len(catalog) == len(CATALOG)
    for account in accounts:
        units = set(account.business_units.values_list("pk", flat=True))
        cells = list(account.whitespace_cells.values_list("business_unit_id", "product_id"))
        assert len(cells) == len(set(cells)) == len(units) * len(catalog)
        assert {unit for unit, _ in cells} == units
        assert {(p,) for _, p in cells} == catalog


def test_every_record_passes_model_validation(db):
    generate(3, seed=11)
    checked = 0
    for model in synthetic_plans.MODELS:
        for record in model.objects.all():
            record.full_clean()
            checked += 1
    assert checked > 600


def fingerprint():
    plans = []
    for account in Account.objects.filter(source=Source.SYNTHETIC).order_by("pk"):
        plans.append(
            (
                account.name,
                account.tier,
                account.relationship,
                account.owner.username,
                sorted(account.stakeholders.values_list("name", "title", "strength")),
                sorted(account.whitespace_cells.values_list("status", "estimated_value")),
                sorted(account.plays.values_list("name", "stage", "target_arr")),
            )
        )
    return plans


def test_same_seed_gives_the_same_portfolio(db):
    first_counts = generate(12, seed=7)
    first = fingerprint()
    Account.objects.filter(source=Source.SYNTHETIC).delete()
    second_counts = generate(12, seed=7)
    assert fingerprint() == first
    created_once = {"team.User", "growth.Product", "growth.HistoricalProduct"}
    assert (second_counts["team.User"], second_counts.get("growth.Product", 0)) == (0, 0)
    for counts in (first_counts, second_counts):
        for label in created_once:
            counts.pop(label, None)
    assert first_counts == second_counts

    Account.objects.filter(source=Source.SYNTHETIC).delete()
    generate(12, seed=8)
    assert [plan[0] for plan in fingerprint()] != [plan[0] for plan in first]


def test_generating_again_appends_accounts_with_new_names(db):
    generate(12, seed=7)
    first = set(Account.objects.values_list("name", flat=True))
    generate(12, seed=7)
    names = [name.lower() for name in Account.objects.values_list("name", flat=True)]
    assert len(names) == len(set(names)) == 24
    assert first < set(Account.objects.values_list("name", flat=True))


def written_rows():
    return (
        Account.objects.count(),
        User.objects.count(),
        Product.objects.count(),
        Stakeholder.objects.count(),
        Account.history.count(),
    )


def test_refuses_beside_real_accounts_and_writes_nothing(db):
    Account.objects.create(name="Real Co", source="manual")
    before = written_rows()
    with pytest.raises(GenerateError, match=r"not synthetic.*Real Co.*--force"):
        generate(5)
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("generate", "--accounts", "5", stdout=io.StringIO())
    assert written_rows() == before


def test_force_generates_beside_real_accounts(db):
    real = Account.objects.create(name="Real Co", source="manual")
    generate(3, seed=2, force=True)
    assert Account.objects.filter(source=Source.SYNTHETIC).count() == 3
    kept = Account.objects.get(pk=real.pk)
    assert (kept.name, kept.version, kept.updated_at) == ("Real Co", 1, real.updated_at)


@pytest.mark.parametrize("accounts", [0, -3, "5", 2.5, True])
def test_the_number_of_accounts_must_be_a_positive_integer(db, accounts):
    with pytest.raises(GenerateError, match="positive integer"):
        generate(accounts)
    assert not Account.objects.exists()


def test_command_refuses_a_non_positive_count(db):
    with pytest.raises(CommandError, match="positive integer"):
        call_command("generate", "--accounts", "0", stdout=io.StringIO())


def test_plans_can_be_read_as_of_a_date(portfolio):
    _, accounts = portfolio
    account = accounts[0]
    now = clock.now()
    current = set(account.stakeholders.values_list("pk", flat=True))
    as_of_now = Stakeholder.history.as_of(now).filter(account_id=account.pk)
    assert set(as_of_now.values_list("id", flat=True)) == current
    before = account.created_at - timedelta(seconds=1)
    assert not Stakeholder.history.as_of(before).filter(account_id=account.pk).exists()
    assert not Account.history.as_of(before).filter(id=account.pk).exists()

    # A record that changed reads with its earlier values before the change.
    changed = Stakeholder.objects.filter(version=2).first()
    assert changed is not None
    earlier = Stakeholder.history.as_of(changed.updated_at - timedelta(seconds=1))
    old = earlier.get(id=changed.pk)
    assert old.version == 1
    assert (old.strength, old.status) != (changed.strength, changed.status)
    assert Stakeholder.history.as_of(now).get(id=changed.pk).strength == changed.strength
    won = Play.objects.filter(stage="won").first()
    if won is not None:
        assert Play.history.as_of(won.created_at).get(id=won.pk).stage == "closing"


def history_rows(model, ids):
    table = model.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE id IN ({",".join(map(str, ids))})')
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        del row["history_id"]
    return sorted(rows, key=lambda row: row["id"])


@pytest.mark.parametrize("model", [Stakeholder, WhitespaceCell, HealthSnapshot, Contract])
def test_history_rows_are_those_bulk_history_create_writes(portfolio, model):
    """The generator writes history rows with executemany for speed; they must be
    exactly what simple-history's own bulk_history_create stores."""
    _, accounts = portfolio
    account = accounts[0]
    records = list(model.objects.filter(account=account, version=1))
    ids = [record.pk for record in records]
    ours = history_rows(model, ids)
    assert len(ours) == len(records)
    model.history.filter(id__in=ids).delete()
    for record in records:
        record._history_date = record.created_at
    model.history.bulk_history_create(records, default_user=account.owner)
    assert history_rows(model, ids) == ours


def test_command_prints_the_counts_and_the_time(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate", "--accounts", "3", "--seed", "2", stdout=out, stderr=err)
    text = out.getvalue()
    assert re.search(r"^accounts\.Account\s+3\s+3$", text, re.MULTILINE)
    stakeholders = Stakeholder.objects.count()
    assert re.search(rf"^relationships\.Stakeholder\s+{stakeholders:,}\s", text, re.MULTILINE)
    assert re.search(r"Generated 3 synthetic accounts \(seed 2\) in [\d.]+ s\.", text)


@pytest.mark.slow
def test_larger_portfolio_spreads_tiers_and_owners(db):
    generate(300, seed=3)
    tiers = Counter(Account.objects.values_list("tier", flat=True))
    assert 10 <= tiers[1] <= 55 and 60 <= tiers[2] <= 125 and 145 <= tiers[3] <= 220
    customers = Account.objects.filter(relationship="customer").count()
    assert 200 <= customers <= 280
    owners = Counter(Account.objects.values_list("owner__username", flat=True))
    assert len(owners) == 12  # one KAM per 25 accounts
    assert max(owners.values()) <= 60


def test_records_created_afterwards_get_fresh_ids(portfolio):
    _, accounts = portfolio
    later = Account.objects.create(name="Added by hand", source=Source.SYNTHETIC)
    person = Stakeholder.objects.create(account=later, name="New Person")
    assert later.pk > max(a.pk for a in accounts)
    assert person.pk > Stakeholder.objects.exclude(pk=person.pk).order_by("-pk")[0].pk


def test_generating_leaves_postgresql_statistics_to_plan_with(db):
    """Without them the planner takes the new tables for empty and the dashboard's
    coverage query ran for over twenty minutes at 10,000 accounts."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans without statistics; only PostgreSQL is analysed")
    generate(3, seed=11)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s",
            [Stakeholder._meta.db_table],
        )
        [(estimated,)] = cursor.fetchall()

    assert estimated == Stakeholder.objects.count() > 0
