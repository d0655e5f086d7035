"""Every portfolio figure costs the same few queries however many accounts it covers, and
every figure explains itself: a formula, and a breakdown of accounts ranked by their part."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyplan.core import clock
from keyplan.insights import health, pipeline, plans, relationships, revenue, risk, whitespace

TODAY = clock.today()
YEAR = TODAY.year

FIGURES = {
    "coverage": lambda a: relationships.coverage(a),
    "multithread_depth": lambda a: relationships.multithread_depth(a),
    "single_threaded": lambda a: relationships.single_threaded(a),
    "red_dots": lambda a: relationships.red_dots(a),
    "red_dot_trajectory": lambda a: relationships.red_dot_trajectory(a),
    "completeness": lambda a: plans.completeness(a),
    "plan_freshness": lambda a: plans.plan_freshness(a),
    "cadence_compliance": lambda a: plans.cadence_compliance(a),
    "open_whitespace": lambda a: whitespace.open_whitespace(a),
    "whitespace_by_product": lambda a: whitespace.whitespace_by_product(a),
    "whitespace_by_tier": lambda a: whitespace.whitespace_by_tier(a),
    "whitespace_by_owner": lambda a: whitespace.whitespace_by_owner(a),
    "whitespace_conversion": lambda a: whitespace.whitespace_conversion(
        a, TODAY - timedelta(days=30), TODAY
    ),
    "pipeline_by_stage": lambda a: pipeline.pipeline_by_stage(a),
    "weighted_pipeline": lambda a: pipeline.weighted_pipeline(a),
    "path_to_target": lambda a: pipeline.path_to_target(a),
    "risk_exposure": lambda a: risk.risk_exposure(a),
    "risk_concentration": lambda a: risk.risk_concentration(a),
    "health_score": lambda a: health.health_score(a),
    "retention": lambda a: revenue.retention(a, base_year=YEAR - 2),
    "revenue_growth": lambda a: revenue.revenue_growth(a, year=YEAR - 1),
    "share_of_wallet": lambda a: revenue.share_of_wallet(a),
    "cost_to_serve": lambda a: revenue.cost_to_serve(a, year=YEAR),
    "profitability": lambda a: revenue.profitability(a, year=YEAR),
}


def figures_of(result) -> list:
    """Every Figure in a result: a Figure, a dataclass of them, or a list of either."""
    if hasattr(result, "breakdown"):
        return [result]
    if isinstance(result, list | tuple):
        return [f for item in result for f in figures_of(item)]
    if hasattr(result, "__dataclass_fields__"):
        return [f for value in vars(result).values() for f in figures_of(value)]
    return []


def first_breakdown(result):
    """The first Figure in a result (a Figure, a dataclass of them or a list)."""
    if hasattr(result, "breakdown"):
        return result
    if isinstance(result, list):
        row = result[0]
        return row[1] if isinstance(row, tuple) else first_breakdown(row)
    return next(v for v in vars(result).values() if hasattr(v, "breakdown"))


def computed(figure, accounts) -> int:
    """Queries to compute the figure and read its breakdown's accounts."""
    with CaptureQueriesContext(connection) as queries:
        list(first_breakdown(figure(accounts)).breakdown)
    return len(queries)


@pytest.mark.parametrize("name", FIGURES)
def test_a_portfolio_figure_s_queries_do_not_grow_with_the_accounts(
    name, plain_accounts, django_assert_max_num_queries
):
    figure = FIGURES[name]
    few = computed(figure, plain_accounts(3))
    assert few <= 4, f"{name} takes {few} queries"
    many = plain_accounts(9)  # 12 accounts now
    with django_assert_max_num_queries(few):
        list(first_breakdown(figure(many)).breakdown)


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_has_a_formula_and_a_ranked_breakdown(name, portfolio):
    for figure in figures_of(FIGURES[name](portfolio.accounts)):
        assert figure.formula and figure.label
        assert figure.known or figure.reason, f"{figure.key} is unknown without a reason"
        parts = [account.contribution for account in figure.breakdown]
        known = [part for part in parts if part is not None]
        assert known in (sorted(known), sorted(known, reverse=True)), figure.key
