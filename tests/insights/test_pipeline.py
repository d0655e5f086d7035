"""Plays by stage, the weighted pipeline and the path to target ARR."""

from decimal import Decimal

from keyplan.insights import pipeline


def contributions(figure) -> dict:
    return {account.name: account.contribution for account in figure.breakdown}


def test_plays_and_target_arr_per_stage(portfolio):
    stages = {
        row.stage: (row.plays.value, row.target_arr.value)
        for row in pipeline.pipeline_by_stage(portfolio.accounts)
    }
    assert stages == {
        "idea": (2, Decimal(50_000 + 20_000)),
        "conversation": (1, Decimal(40_000)),
        "opportunity": (1, Decimal(120_000)),
        "closing": (1, Decimal(80_000)),
        "won": (1, Decimal(300_000)),
        "lost": (1, Decimal(10_000)),
    }


def test_weighted_pipeline_uses_the_play_s_probability_else_the_stage_s(portfolio):
    # Acme: 120,000 x 50% (opportunity) + 80,000 x 60% (its own) + 50,000 x 10% (idea);
    # Beta: 40,000 x 25% (conversation) + 20,000 x 50% (its own). Won and lost are out.
    figure = pipeline.weighted_pipeline(portfolio.accounts)
    assert figure.value == Decimal(60_000 + 48_000 + 5_000 + 10_000 + 10_000)
    assert figure.inputs["open plays"] == 5
    assert contributions(figure) == {
        "Acme Corp": Decimal(113_000),
        "Beta Retail": Decimal(20_000),
        "Gamma Labs": Decimal(0),
    }


def test_an_account_without_plays_has_no_pipeline(portfolio):
    assert pipeline.weighted_pipeline(portfolio.only(portfolio.gamma)).value == 0


def test_path_to_target_sums_the_accounts_with_a_target(portfolio):
    path = pipeline.path_to_target(portfolio.accounts, today=portfolio.today)
    assert path.current_arr.value == Decimal(300_000 + 100_000)
    assert path.weighted_pipeline.value == Decimal(113_000 + 20_000)
    assert path.target_arr.value == Decimal(600_000 + 200_000)
    assert path.gap.value == Decimal(800_000 - 400_000 - 133_000)
    assert path.attainment.value == Decimal("66.6")  # 533,000 / 800,000 = 66.625%
    assert path.gap.inputs["accounts with a target"] == 2  # Gamma has none
    assert contributions(path.gap) == {
        "Acme Corp": Decimal(600_000 - 300_000 - 113_000),
        "Beta Retail": Decimal(200_000 - 100_000 - 20_000),
    }


def test_path_to_target_of_one_account(portfolio):
    path = pipeline.path_to_target(portfolio.only(portfolio.beta), today=portfolio.today)
    assert path.gap.value == Decimal(80_000)
    assert path.attainment.value == Decimal("60.0")  # 120,000 / 200,000


def test_without_a_target_the_path_is_unknown(portfolio):
    path = pipeline.path_to_target(portfolio.only(portfolio.gamma), today=portfolio.today)
    assert path.gap.value is None
    assert path.attainment.value is None
    assert path.gap.reason == "no account has a target ARR"
