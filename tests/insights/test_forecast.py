"""The ARR forecast: a seeded Monte Carlo over open plays and open risks."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.growth.models import Play
from keyplan.insights import forecast as forecasting
from keyplan.insights.forecast import RISK_PROBABILITY, forecast
from keyplan.risks.models import Risk


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def with_arr(account, owner, arr: int, name="Platform"):
    account_services.add_contract(
        account, by=owner, name=name, arr=Decimal(arr), start_date=ago(100), end_date=ago(-200)
    )


def play(account, owner, name, target: int, **values) -> Play:
    values.setdefault("stage", "opportunity")
    return services.create(
        Play, by=owner, account=account, name=name, target_arr=Decimal(target), **values
    )


def risk(account, owner, title, at_risk: int, **values) -> Risk:
    values.setdefault("category", "competitor")
    return services.create(
        Risk, by=owner, account=account, title=title, arr_at_risk=Decimal(at_risk), **values
    )


@pytest.fixture
def plan(account, owner):
    """100,000 ARR, a 50% play of 10,000, a 25% play of 40,000, a medium risk of 30,000."""
    with_arr(account, owner, 100_000)
    play(account, owner, "Expansion", 10_000, probability=50)
    play(account, owner, "Cross-sell", 40_000, stage="conversation")
    risk(account, owner, "Competitor", 30_000, probability=2)
    return account


def test_the_same_seed_gives_the_same_band(plan):
    assert forecast(Account.objects.all(), seed=7) == forecast(Account.objects.all(), seed=7)
    assert forecast(plan, seed=7).runs == 10_000
    assert forecast(plan, seed=7).seed == 7


def test_the_band_is_ordered_and_explains_its_inputs(plan):
    band = forecast(plan)
    assert band.p10 <= band.p50 <= band.p90
    assert band.current_arr == 100_000
    assert (band.accounts, band.plays, band.risks) == (1, 2, 1)
    # 0.5 x 10,000 + 0.25 x 40,000 (the stage's chance); 0.3 x 30,000 (a medium risk)
    assert (band.weighted_pipeline, band.expected_loss) == (15_000, 9_000)
    assert band.expected == 106_000
    assert band.note == ""


def test_a_sure_play_adds_its_target(account, owner):
    with_arr(account, owner, 100_000)
    play(account, owner, "Sure", 25_000, probability=100)
    band = forecast(account)
    assert band.p10 == band.p50 == band.p90 == band.mean == 125_000


def test_the_mean_of_a_coin_flip_play_is_half_its_target(account, owner):
    with_arr(account, owner, 100_000)
    play(account, owner, "Coin flip", 10_000, probability=50)
    band = forecast(account, runs=10_000)
    # One run adds 0 or 10,000: standard deviation 5,000, so the standard error of the
    # mean over 10,000 runs is 5,000 / sqrt(10,000) = 50; allow four of them.
    assert abs(band.mean - 105_000) <= 200
    assert (band.p10, band.p90) == (100_000, 110_000)


def test_a_likely_risk_lowers_the_band(account, owner):
    with_arr(account, owner, 100_000)
    risk(account, owner, "Budget freeze", 40_000, probability=3)
    band = forecast(account)
    # A high risk happens in 60% of runs: more than half, so the median has lost it.
    assert RISK_PROBABILITY[3] > 0.5
    assert (band.p10, band.p50, band.p90) == (60_000, 60_000, 100_000)


def test_risks_never_take_an_account_below_zero(account, owner, private_plans):
    with_arr(account, owner, 100_000)
    risk(account, owner, "Churn", 150_000, probability=3)
    risk(account, owner, "Cut", 80_000, probability=3)
    globex = account_services.create_account(by=owner, name="Globex")
    with_arr(globex, owner, 50_000)
    band = forecast(Account.objects.all())
    assert band.p10 == 50_000  # Acme lost all of its 100,000, no more; Globex kept its own


def test_closed_risks_and_won_or_lost_plays_do_not_count(account, owner):
    with_arr(account, owner, 100_000)
    risk(account, owner, "Old", 40_000, probability=3, status="closed")
    play(account, owner, "Won", 20_000, stage="won")
    play(account, owner, "Lost", 20_000, stage="lost")
    band = forecast(account)
    assert (band.plays, band.risks, band.p10, band.p90) == (0, 0, 100_000, 100_000)


def test_renewal_plays_keep_the_arr_and_add_nothing(account, owner):
    with_arr(account, owner, 100_000)
    play(account, owner, "Renewal 2027", 100_000, kind="renewal", probability=100)
    band = forecast(account)
    assert (band.p10, band.p90, band.plays, band.renewal_plays) == (100_000, 100_000, 0, 1)


def test_plays_closing_after_twelve_months_are_left_out(account, owner):
    with_arr(account, owner, 100_000)
    play(account, owner, "Someday", 50_000, probability=100, target_close_date=ago(-400))
    band = forecast(account)
    assert (band.p90, band.later_plays) == (100_000, 1)


def test_an_account_with_no_plays_or_risks_forecasts_its_arr(account, owner):
    with_arr(account, owner, 100_000)
    band = forecast(account)
    assert band.p10 == band.p50 == band.p90 == 100_000
    assert band.note == "No open plays or risks: the forecast is the current ARR."
    assert band.target_arr is None


def test_an_account_with_nothing_forecasts_zero_and_says_why(account):
    band = forecast(account)
    assert (band.p10, band.p50, band.p90, band.current_arr) == (0, 0, 0, 0)
    assert "nothing to forecast" in band.note


def test_the_target_arr_sums_the_targets_that_are_set(account, owner, private_plans):
    services.update(account, by=owner, version=account.version, target_arr=Decimal(150_000))
    account_services.create_account(by=owner, name="Globex")  # no target
    assert forecast(Account.objects.all()).target_arr == 150_000


def test_drawing_in_slices_keeps_the_band(owner, private_plans, monkeypatch):
    for number in range(3):
        plan = account_services.create_account(by=owner, name=f"Account {number}")
        with_arr(plan, owner, 10_000)
        play(plan, owner, "Sure", 1_000, probability=100)
        play(plan, owner, "Never", 1_000, probability=0)
        risk(plan, owner, "Churn", 50_000, probability=3)  # takes all of the 10,000
    whole = forecast(Account.objects.all(), runs=2_000)
    monkeypatch.setattr(forecasting, "SLICE", 2_000)  # one play or one account at a time
    sliced = forecast(Account.objects.all(), runs=2_000)
    assert sliced == forecast(Account.objects.all(), runs=2_000)  # still reproducible
    # Each account ends at 11,000 (40%) or 1,000 (60%): the mean is 3 x 5,000. A run's
    # standard deviation is sqrt(3) x 10,000 x sqrt(0.24), about 8,485; the standard
    # error over 2,000 runs about 190; allow four of them.
    for band in (whole, sliced):
        assert abs(band.mean - 15_000) <= 760
        assert (band.p10, band.p90) == (3_000, 23_000)


@pytest.mark.parametrize("accounts", [2, 8])
def test_the_forecast_costs_three_queries_for_any_number_of_accounts(
    owner, private_plans, accounts, django_assert_num_queries
):
    for number in range(accounts):
        plan = account_services.create_account(by=owner, name=f"Account {number}")
        with_arr(plan, owner, 10_000)
        play(plan, owner, "Grow", 5_000)
        risk(plan, owner, "Churn", 2_000)
    portfolio = Account.objects.filter(owner=owner)
    with django_assert_num_queries(3):  # ARR and targets, open plays, open risks
        band = forecast(portfolio)
    assert (band.accounts, band.plays, band.risks) == (accounts, accounts, accounts)
