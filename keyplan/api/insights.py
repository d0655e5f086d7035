"""The numbers over the API: one account's metrics, the portfolio rollups, each
rollup's explanation with the accounts behind it, and the alerts.

Every figure comes with its formula, its inputs and the reason when there is not
enough data, exactly as the pages show it (keyplan.insights computes them; this
module only shapes them). The portfolio speaks about the same accounts as the
dashboard: leaders and administrators see all, a KAM their own book, anyone else
the accounts whose team they are on.
"""

from typing import Any, Literal

from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field, field_validator

from keyplan.api import schemas
from keyplan.api.common import responses, visible_account
from keyplan.api.pagination import PageQuery, page_of
from keyplan.api.problems import Problem
from keyplan.core import clock
from keyplan.exchange.documents.document import json_value
from keyplan.insights import alerts as alert_rules
from keyplan.insights import forecast, health, plans, relationships
from keyplan.insights import numbers as plan_numbers
from keyplan.insights.figures import Figure
from keyplan.insights.pipeline import StageTotal
from keyplan.insights.portfolio import FIGURES, TOP_N, book, dashboard
from keyplan.team.models import Organisation

router = Router(tags=["Insights"])

FIGURE_KEYS = tuple(FIGURES)
RULE_KEYS = tuple(rule.key for rule in alert_rules.RULES)


class FigureOut(Schema):
    key: str
    label: str
    value: float | None = Field(description="None when there is not enough data: see reason.")
    unit: Literal["money", "percent", "count", "days", "score", "ratio"]
    formula: str = Field(description="How the value is computed, in words.")
    inputs: dict[str, Any] = Field(description="The named inputs and their values.")
    reason: str = Field(description="Why the value is None; empty otherwise.")


class LabelledFigure(Schema):
    label: str
    figure: FigureOut


class RecordLink(Schema):
    label: str
    url: str = Field(description="The record on the plan page.")


class AlertOut(Schema):
    rule: str
    title: str
    severity: Literal["high", "medium"]
    account_id: int
    account_name: str
    record_id: int = Field(description="The record it is raised on (to snooze it by).")
    why: str
    record: RecordLink


class ForecastOut(Schema):
    p10: float = Field(description="ARR in 12 months that nine runs in ten end above.")
    p50: float
    p90: float
    mean: float
    current_arr: float
    target_arr: float | None
    runs: int
    seed: int
    plays: int
    renewal_plays: int
    later_plays: int
    risks: int
    weighted_pipeline: float
    expected_loss: float
    expected: float
    note: str


class HealthOut(Schema):
    score: FigureOut
    parts: list[FigureOut]


class CompletenessOut(Schema):
    overall: FigureOut
    sections: list[FigureOut]


class AccountMetrics(Schema):
    account_id: int
    numbers: dict[str, FigureOut] = Field(
        description="Open whitespace, weighted pipeline, gap and path to target, ARR at risk "
        "and risk exposure (insights.numbers): the values every surface shows."
    )
    health: HealthOut
    completeness: CompletenessOut
    freshness: FigureOut
    coverage: FigureOut
    forecast: ForecastOut
    alerts: list[AlertOut]


class StageOut(Schema):
    stage: str
    label: str
    plays: FigureOut
    target_arr: FigureOut


class StageTotalOut(Schema):
    stage: str
    label: str
    plays: int
    target_arr: float
    weighted: float | None = Field(
        description="Open stages: the current plays' weighted value (the open stages add up to "
        "the weighted pipeline); None for won, lost and the plays past their close date."
    )


class PipelineSplitOut(Schema):
    open_stages: list[StageTotalOut]
    weighted_pipeline: FigureOut = Field(description="What the open stages add up to.")
    close_date_passed: StageTotalOut = Field(
        description="Open plays whose close date passed: left out until re-dated or closed."
    )
    closed: list[StageTotalOut] = Field(description="Won, then lost.")


class CategoryOut(Schema):
    category: str
    label: str
    exposure: FigureOut
    share: FigureOut


class AlertCount(Schema):
    rule: str
    title: str
    count: int


class Portfolio(Schema):
    filters: dict[str, str] = Field(description="The filters as they were applied.")
    figures: dict[str, FigureOut] = Field(
        description="The headline figures; each key has an explanation at /portfolio/figures/."
    )
    whitespace_by_product: list[LabelledFigure]
    whitespace_by_tier: list[LabelledFigure]
    whitespace_by_owner: list[LabelledFigure]
    pipeline_by_stage: list[StageOut]
    pipeline: PipelineSplitOut = Field(description="The dashboard's pipeline chart.")
    risk_by_category: list[CategoryOut]
    depth_distribution: list[LabelledFigure]
    red_dots: dict[Literal["now", "month_ago", "change"], FigureOut]
    alerts: list[AlertCount]


class ContributionOut(Schema):
    account_id: int
    account_name: str
    contribution: float | None = Field(description="The account's part of the figure.")


ContributionPage = schemas.page_schema(ContributionOut, "ContributionPage")


class Explanation(Schema):
    figure: FigureOut
    accounts: ContributionPage


AlertPage = schemas.page_schema(AlertOut, "AlertPage")


class BookFilters(Schema):
    tier: int | None = Field(None, ge=1, le=3, description="Only this tier (1, 2 or 3).")
    owner: schemas.RecordId | None = Field(None, description="Only accounts this user id owns.")
    team: schemas.RecordId | None = Field(None, description="Only accounts of this sales team.")
    relationship: Literal["customer", "prospect"] | None = Field(
        None, description="Only customers, or only prospects."
    )
    top: int | None = Field(
        None,
        description="Only the N accounts with the largest current ARR, after the other "
        f"filters: one of {', '.join(map(str, TOP_N))}.",
        json_schema_extra={"enum": list(TOP_N)},
    )

    @field_validator("top")
    @classmethod
    def _one_of_top_n(cls, value: int | None) -> int | None:
        if value is not None and value not in TOP_N:
            raise ValueError(f"top is one of {', '.join(map(str, TOP_N))}")
        return value


class AlertFilters(BookFilters, PageQuery):
    rule: Literal[RULE_KEYS] | None = Field(None, description="Only this rule's alerts.")
    account_id: schemas.RecordId | None = Field(None, description="Only this account's alerts.")


class ExplanationQuery(BookFilters, PageQuery):
    pass


def _plain(value):
    """Figures' inputs hold Decimals and dates: as JSON numbers and ISO strings."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json_value(value)


def figure(value: Figure) -> dict:
    return {
        "key": value.key,
        "label": value.label,
        "value": None if value.value is None else float(value.value),
        "unit": value.unit,
        "formula": value.formula,
        "inputs": _plain(value.inputs),
        "reason": value.reason,
    }


def _labelled(rows) -> list[dict]:
    return [{"label": str(label), "figure": figure(value)} for label, value in rows]


def _alert(request, alert) -> dict:
    label, anchor = alert.record
    page = reverse("plan", args=[alert.account_id])
    return {
        "rule": alert.rule,
        "title": alert.title,
        "severity": alert.severity,
        "account_id": alert.account_id,
        "account_name": alert.account_name,
        "record_id": alert.record_id,
        "why": alert.why,
        "record": {"label": label, "url": request.build_absolute_uri(page) + anchor},
    }


def _forecast(band: forecast.Forecast) -> dict:
    counts = ("runs", "seed", "plays", "renewal_plays", "later_plays", "risks")
    amounts = [name for name in ForecastOut.model_fields if name not in (*counts, "note")]
    return {
        **{name: getattr(band, name) for name in (*counts, "note")},
        **{name: _plain(getattr(band, name)) for name in amounts},
    }


def _book(request, filters: BookFilters):
    return book(
        request.auth,
        tier=filters.tier,
        owner=filters.owner,
        team=filters.team,
        relationship=filters.relationship,
        top=filters.top,
    )


def _stage(total: StageTotal) -> dict:
    return {
        "stage": total.stage,
        "label": total.label,
        "plays": total.plays,
        "target_arr": float(total.target_arr),
        "weighted": None if total.weighted is None else float(total.weighted),
    }


@router.get(
    "/accounts/{account_id}/metrics",
    response=responses({200: AccountMetrics}, 404),
    operation_id="get_account_metrics",
    summary="An account's numbers: health and its parts, completeness, freshness, "
    "coverage, forecast band and alerts",
)
def account_metrics(request, account_id: int):
    account = visible_account(request, account_id)
    one, today = type(account).objects.filter(pk=account.pk), clock.today()
    score = health.health_score(one, today)
    complete = plans.completeness(one, today)
    return {
        "account_id": account.pk,
        "numbers": {k: figure(f) for k, f in plan_numbers.numbers(one, today).by_key().items()},
        "health": {"score": figure(score.score), "parts": [figure(f) for _, f in score.parts]},
        "completeness": {
            "overall": figure(complete.overall),
            "sections": [figure(f) for _, f in complete.sections],
        },
        "freshness": figure(plans.plan_freshness(one, today)),
        "coverage": figure(relationships.coverage(one, today)),
        "forecast": _forecast(forecast.forecast(one, runs=2_000, today=today)),
        "alerts": [_alert(request, a) for a in alert_rules.alerts(one, today=today)],
    }


@router.get(
    "/portfolio",
    response=responses({200: Portfolio}),
    operation_id="get_portfolio",
    summary="The portfolio rollups of the dashboard, for the accounts you see",
)
def portfolio(request, filters: Query[BookFilters]):
    accounts, chosen = _book(request, filters)
    today = clock.today()
    board = dashboard(accounts, today=today)
    headline = {key: FIGURES[key] for key in FIGURE_KEYS}
    by_key = {
        "open_whitespace": board.open_whitespace,
        "weighted_pipeline": board.weighted_pipeline,
        "path_gap": board.path_to_target.gap,
        "path_shortfall": board.path_to_target.shortfall,
        "arr": board.arr,
        "target_arr": board.path_to_target.target_arr,
        "risk_exposure": board.risk_exposure,
        "coverage": board.coverage,
        "depth": board.depth.depth,
        "single_threaded": board.single_threaded,
        "red_dots": board.red_dots.now,
        "freshness": board.freshness,
        "cadence": board.cadence,
        "nrr": board.retention.nrr,
        "grr": board.retention.grr,
        "share_of_wallet": board.share_of_wallet,
    }
    # The dashboard computes these together; the rest are worked out one at a time.
    figures = {
        key: by_key[key] if key in by_key else compute(accounts, today)
        for key, compute in headline.items()
    }
    return {
        "filters": chosen,
        "figures": {key: figure(value) for key, value in figures.items()},
        "whitespace_by_product": _labelled(board.whitespace_by_product),
        "whitespace_by_tier": _labelled(board.whitespace_by_tier),
        "whitespace_by_owner": _labelled(board.whitespace_by_owner),
        "pipeline_by_stage": [
            {
                "stage": s.stage,
                "label": s.label,
                "plays": figure(s.plays),
                "target_arr": figure(s.target_arr),
            }
            for s in board.pipeline_by_stage
        ],
        "pipeline": {
            "open_stages": [_stage(s) for s in board.pipeline.open_stages],
            "weighted_pipeline": figure(board.pipeline.weighted),
            "close_date_passed": _stage(board.pipeline.passed),
            "closed": [_stage(s) for s in board.pipeline.closed],
        },
        "risk_by_category": [
            {
                "category": c.category,
                "label": c.label,
                "exposure": figure(c.exposure),
                "share": figure(c.share),
            }
            for c in board.risk_by_category
        ],
        "depth_distribution": _labelled(board.depth.distribution),
        "red_dots": {
            "now": figure(board.red_dots.now),
            "month_ago": figure(board.red_dots.before),
            "change": figure(board.red_dots.change),
        },
        "alerts": [
            {"rule": rule.key, "title": rule.title, "count": board.alert_counts.get(rule.key, 0)}
            for rule in alert_rules.RULES
        ],
    }


@router.get(
    "/portfolio/figures/{key}",
    response=responses({200: Explanation}, 404),
    operation_id="explain_portfolio_figure",
    summary="How a portfolio figure is computed, with the accounts behind it",
)
def explain(request, key: Literal[FIGURE_KEYS], query: Query[ExplanationQuery]):
    accounts, _ = _book(request, query)
    value = FIGURES[key](accounts, clock.today())
    rows = value.breakdown if value.breakdown is not None else accounts.none()

    def contribution(row) -> dict:
        part = getattr(row, "contribution", None)
        return {
            "account_id": row.pk,
            "account_name": row.name,
            "contribution": None if part is None else float(part),
        }

    return {"figure": figure(value), "accounts": page_of(request, rows, query, contribution)}


@router.get(
    "/alerts",
    response=responses({200: AlertPage}, 404),
    operation_id="list_alerts",
    summary="The alerts of the accounts you see (high severity first), each with the record to fix",
)
def list_alerts(request, filters: Query[AlertFilters]):
    accounts, _ = _book(request, filters)
    if filters.account_id is not None:
        accounts = accounts.filter(pk=filters.account_id)
        if not accounts.exists():
            raise Problem(404, "No such account among those you see.")
    today = clock.today()
    if filters.rule is not None:
        rule = alert_rules.RULES_BY_KEY[filters.rule]
        found = rule.rule(accounts, Organisation.current(), today)
    else:
        found = alert_rules.alerts(accounts, today=today)
    return page_of(request, found, filters, lambda alert: _alert(request, alert))
