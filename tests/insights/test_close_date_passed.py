"""Plays whose close date has passed: flagged, alerted and left out of the pipeline until
re-dated or closed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.growth.models import Play, Stage
from keyplan.insights import alerts, forecast, pipeline

TODAY = clock.today


def play(account, name: str, close, stage=Stage.OPPORTUNITY) -> Play:
    return Play.objects.create(
        account=account, name=name, stage=stage, target_arr=Decimal(100000), target_close_date=close
    )


def fired(account) -> list[str]:
    return [a.why for a in alerts.alerts(account) if a.rule == "close_date_passed"]


@pytest.fixture
def one(account):
    return Account.objects.filter(pk=account.pk)


def test_a_play_dated_yesterday_is_flagged_alerted_and_left_out(account, one, client, owner):
    late = play(account, "Late play", TODAY() - timedelta(days=1))

    assert pipeline.weighted_pipeline(one).value == 0
    assert pipeline.weighted_pipeline(one).inputs["plays past their close date (left out)"] == 1
    assert forecast.forecast(one, runs=100).plays == 0
    assert len(fired(account)) == 1 and "Late play" in fired(account)[0]
    assert alerts.counts(one)["close_date_passed"] == 1
    client.force_login(owner)
    page = client.get(reverse("plan", args=[account.pk])).text
    assert 'data-flag="close-date-passed"' in page
    assert "Left out of the weighted pipeline" in page
    assert late.close_date_passed(TODAY())


def test_a_play_dated_today_still_counts(account, one, client, owner):
    play(account, "Closing today", TODAY())

    assert pipeline.weighted_pipeline(one).value == Decimal(50000)  # 50% at opportunity
    assert fired(account) == []
    client.force_login(owner)
    assert (
        'data-flag="close-date-passed"' not in client.get(reverse("plan", args=[account.pk])).text
    )


def test_a_re_dated_play_counts_again(account, one):
    late = play(account, "Late play", TODAY() - timedelta(days=30))
    assert pipeline.weighted_pipeline(one).value == 0

    late.target_close_date = TODAY() + timedelta(days=30)
    late.save()

    assert pipeline.weighted_pipeline(one).value == Decimal(50000)
    assert fired(account) == []


@pytest.mark.parametrize("stage", [Stage.WON, Stage.LOST])
def test_a_won_or_lost_play_never_counts_nor_alerts(account, one, stage):
    play(account, "Closed play", TODAY() - timedelta(days=400), stage=stage)
    play(account, "Closed later", TODAY() + timedelta(days=10), stage=stage)

    assert pipeline.weighted_pipeline(one).value == 0
    assert pipeline.weighted_pipeline(one).inputs["plays past their close date (left out)"] == 0
    assert fired(account) == []


def test_the_rule_is_stated_on_the_figures_explanation_pages(account, client, owner):
    client.force_login(owner)
    for key in ("weighted_pipeline", "path_gap", "path_attainment"):
        page = client.get(reverse("insight", args=[key]) + f"?account={account.pk}").text
        assert "target close date is before today is left out" in page, key
