"""The portfolio dashboard: every rollup of DESIGN.md §3 for a set of accounts.

`dashboard()` computes them all with SQL aggregates (a fixed number of queries,
whatever the number of accounts). `FIGURES` names each figure that has an
explanation page, so a page can recompute one figure for the same accounts and
show its formula, its inputs and the accounts behind it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db.models import QuerySet

from keyplan.accounts.models import Relationship, Tier
from keyplan.core import access, clock
from keyplan.core.ids import parse_id
from keyplan.insights import accounts as account_figures
from keyplan.insights import alerts as alert_rules
from keyplan.insights import cadence as review_cadence
from keyplan.insights import health, pipeline, plans, relationships, revenue, risk, whitespace
from keyplan.insights.figures import Figure
from keyplan.insights.revenue import current_arr
from keyplan.insights.stored import read as stored

# "Top N by ARR": the N accounts with the largest current ARR, after the other filters.
TOP_N = (10, 25, 50)


def book(
    user,
    *,
    tier=None,
    owner=None,
    team=None,
    relationship=None,
    top=None,
    account=None,
    today: date | None = None,
) -> tuple[QuerySet, dict[str, str]]:
    """The accounts a portfolio view speaks about for `user`, narrowed by the filters,
    and the filters as they were understood (ignored when not a tier, an id, "customer"
    or "prospect", or one of TOP_N).

    Leaders and administrators see every account, a KAM their own book, anyone else the
    plans they may read (core.access.book). Customer or prospect is the account's own
    relationship field (DESIGN.md section 1). `top` keeps the N accounts with the largest
    current ARR (live contracts on `today`; ties by name) among those the other filters
    leave, so every figure is about those N accounts."""
    accounts = access.book(user)
    chosen = {}
    if str(tier) in {str(value) for value in Tier.values}:
        chosen["tier"] = str(tier)
        accounts = accounts.filter(tier=int(tier))
    if (owner_id := parse_id(owner)) is not None:
        chosen["owner"] = str(owner_id)
        accounts = accounts.filter(owner_id=owner_id)
    if (team_id := parse_id(team)) is not None:
        chosen["team"] = str(team_id)
        accounts = accounts.filter(owner__teams__id=team_id)
    if relationship in Relationship.values:
        chosen["relationship"] = str(relationship)
        accounts = accounts.filter(relationship=relationship)
    if str(top) in {str(n) for n in TOP_N}:
        chosen["top"] = str(top)
        largest = (
            accounts.annotate(top_arr=current_arr(today or clock.today()))
            .order_by("-top_arr", "name", "pk")
            .values("pk")[: int(str(top))]
        )
        accounts = access.book(user).filter(pk__in=largest)
    if (account_id := parse_id(account)) is not None:  # one plan's figure explained
        chosen["account"] = str(account_id)
        accounts = accounts.filter(pk=account_id)
    return accounts, chosen


@dataclass
class Dashboard:
    arr: Figure
    weighted_pipeline: Figure
    open_whitespace: Figure
    whitespace_by_product: list[tuple[str, Figure]]
    whitespace_by_tier: list[tuple[str, Figure]]
    whitespace_by_owner: list[tuple[str, Figure]]
    path_to_target: pipeline.PathToTarget
    pipeline_by_stage: list[pipeline.StagePipeline]
    pipeline: pipeline.PipelineSplit  # the chart: open stages, won and lost apart
    arr_at_risk: Figure
    risk_exposure: Figure
    risk_by_category: list[risk.CategoryExposure]
    coverage: Figure
    depth: relationships.Depth
    single_threaded: Figure
    red_dots: relationships.Trajectory
    freshness: Figure
    cadence: Figure
    reviews: review_cadence.Cadence  # compliance per kind of review, overdue reviews
    retention: revenue.Retention
    share_of_wallet: Figure
    alert_counts: dict[str, int]
    ranked_by_health: QuerySet


def dashboard(accounts: QuerySet, *, today: date | None = None) -> Dashboard:
    """Every rollup for `accounts`. Whitespace, alert counts and the health ranking are
    summed from the stored per-account figures when all of them are current (one query
    says so), else computed from scratch like the rest: the same answer either way."""
    today = today or clock.today()
    if stored.current(accounts, today):
        cells = stored.open_cells(accounts)
        alert_counts = stored.alert_counts(accounts)
        ranked_by_health = stored.ranked_by_health(accounts)
    else:
        cells = whitespace.open_cells(accounts)
        alert_counts = alert_rules.counts(accounts, today)
        ranked_by_health = health.ranked_by_health(accounts, today)
    weighted = pipeline.weighted_pipeline(accounts, today)
    split = pipeline.pipeline_split(accounts, today, weighted=weighted)  # and every stage
    return Dashboard(
        arr=account_figures.arr(accounts, today),
        weighted_pipeline=weighted,
        open_whitespace=whitespace.open_whitespace(accounts, cells),
        whitespace_by_product=whitespace.whitespace_by_product(accounts, cells),
        whitespace_by_tier=whitespace.whitespace_by_tier(accounts, cells),
        whitespace_by_owner=whitespace.whitespace_by_owner(accounts, cells),
        path_to_target=pipeline.path_to_target(accounts, today),
        pipeline_by_stage=split.by_stage,
        pipeline=split,
        arr_at_risk=risk.arr_at_risk(accounts, today),
        risk_exposure=risk.risk_exposure(accounts, today),
        risk_by_category=risk.risk_concentration(accounts, today),
        coverage=relationships.coverage(accounts, today),
        depth=relationships.multithread_depth(accounts),
        single_threaded=relationships.single_threaded(accounts),
        red_dots=relationships.red_dot_trajectory(accounts),
        freshness=plans.plan_freshness(accounts, today),
        cadence=plans.cadence_compliance(accounts, today),
        reviews=review_cadence.cadence(accounts, today),
        retention=revenue.retention(accounts),
        share_of_wallet=revenue.share_of_wallet(accounts, today),
        alert_counts=alert_counts,
        ranked_by_health=ranked_by_health,
    )


Explained = Callable[[QuerySet, date], Figure]

# Figures with an explanation page: key -> how to compute it for a set of accounts.
FIGURES: dict[str, Explained] = {
    "open_whitespace": lambda accounts, today: whitespace.open_whitespace(accounts),
    "weighted_pipeline": pipeline.weighted_pipeline,
    "path_gap": lambda accounts, today: pipeline.path_to_target(accounts, today).gap,
    "arr": account_figures.arr,
    "target_arr": lambda accounts, today: pipeline.path_to_target(accounts, today).target_arr,
    "path_attainment": lambda accounts, today: pipeline.path_to_target(accounts, today).attainment,
    "path_shortfall": lambda accounts, today: pipeline.path_to_target(accounts, today).shortfall,
    "arr_at_risk": risk.arr_at_risk,
    "risk_exposure": risk.risk_exposure,
    "coverage": relationships.coverage,
    "depth": lambda accounts, today: relationships.multithread_depth(accounts).depth,
    "single_threaded": lambda accounts, today: relationships.single_threaded(accounts),
    "red_dots": lambda accounts, today: relationships.red_dots(accounts),
    "freshness": plans.plan_freshness,
    "cadence": plans.cadence_compliance,
    **{
        f"cadence_{kind}": partial(review_cadence.kind_compliance, kind)
        for kind in review_cadence.KINDS
    },
    "reviews_overdue": review_cadence.reviews_overdue,
    "nrr": lambda accounts, today: revenue.retention(accounts).nrr,
    "grr": lambda accounts, today: revenue.retention(accounts).grr,
    "share_of_wallet": revenue.share_of_wallet,
    "health": lambda accounts, today: health.health_score(accounts, today).score,
    "completeness": lambda accounts, today: plans.completeness(accounts, today).overall,
}
