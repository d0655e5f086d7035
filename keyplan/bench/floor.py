"""The raw-SQL floor of the portfolio dashboard, for `keyplan bench`.

The dashboard's aggregates written by hand as a few statements, one pass per table
where the ORM issues a query per figure, so the benchmark can say how far the
dashboard is from what the database needs to do anyway. It returns the same values
as `insights.portfolio.dashboard()` over every account (tests compare the two).

Two parts are not hand-written: the alert counts and the health ranking run the SQL
the ORM compiles for them (twelve rules and five health parts would be a second copy
of `insights` to keep in step), so the floor is exact there by construction.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection

from keyplan.accounts.models import Account, ContractStatus
from keyplan.core.choices import Level
from keyplan.growth.models import OPEN_STAGES, STAGE_PROBABILITY, CellStatus
from keyplan.insights import alerts, health
from keyplan.insights.figures import percent
from keyplan.insights.relationships import month_before
from keyplan.insights.risk import PROBABILITY_WEIGHTS
from keyplan.insights.sql import tenth
from keyplan.relationships.models import BuyingRole, Priority, StakeholderStatus, Strength
from keyplan.risks.models import OPEN_RISK_STATUSES
from keyplan.team.models import Organisation

ZERO = Decimal(0)
LEAST_HEALTHY = 10  # the accounts the dashboard lists by health


def _in(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _case(column: str, mapping: dict) -> str:
    def literal(key) -> str:
        return f"'{key}'" if isinstance(key, str) else str(int(key))

    whens = " ".join(f"WHEN {literal(key)} THEN {value}" for key, value in mapping.items())
    return f"CASE {column} {whens} ELSE 0 END"


def _days_since(expression: str) -> str:
    """Whole days from a date expression to the `%(today)s` parameter."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday(%(today)s) - julianday({expression}) AS INTEGER)"
    return f"(CAST(%(today)s AS date) - {expression})"


def _day(column: str) -> str:
    """The date part of a timestamp column, in UTC as the dashboard reads it."""
    if connection.vendor == "sqlite":
        return f"date({column})"
    return f"CAST(({column} AT TIME ZONE 'UTC') AS date)"


def _greatest(a: str, b: str) -> str:
    # GREATEST skips NULLs on PostgreSQL; SQLite's MAX() of two values does not.
    function = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    return f"{function}(COALESCE({a}, {b}), COALESCE({b}, {a}))"


def _weight() -> str:
    stage_default = _case("p.stage", STAGE_PROBABILITY)
    return f"p.target_arr * COALESCE(p.probability * 0.01, {stage_default})"


def _accounts_sql(settings: Organisation) -> str:
    """One row over all accounts: every per-account rollup, each table read once."""
    live = (
        f"c.status = '{ContractStatus.ACTIVE}' AND (c.end_date IS NULL OR c.end_date >= %(today)s)"
    )
    cadence = {tier: settings.review_days(tier) for tier in (1, 2, 3)}
    due = f"CASE a.tier WHEN 1 THEN {cadence[1]} WHEN 2 THEN {cadence[2]} ELSE {cadence[3]} END"
    fresh_on = _greatest(_day("a.last_changed"), "r.last_review")
    gap = "a.target_arr - COALESCE(l.arr, 0) - COALESCE(w.weighted, 0)"
    return f"""
    WITH live AS (
        SELECT c.account_id, SUM(c.arr) AS arr FROM accounts_contract c
        WHERE {live} GROUP BY c.account_id
    ), weighted AS (
        SELECT p.account_id, SUM({_weight()}) AS weighted FROM growth_play p
        WHERE p.stage IN ({_in(OPEN_STAGES)})
          AND (p.target_close_date IS NULL OR p.target_close_date >= %(today)s)
        GROUP BY p.account_id
    ), threads AS (
        SELECT s.account_id, COUNT(*) AS depth FROM relationships_stakeholder s
        WHERE s.status = '{StakeholderStatus.ACTIVE}' AND s.strength >= {Strength.WARM}
        GROUP BY s.account_id
    ), reviews AS (
        SELECT account_id, MAX(date) AS last_review FROM cadence_planreview
        WHERE date <= %(today)s GROUP BY account_id
    ), revenue AS (
        SELECT account_id,
            MAX(CASE WHEN year = %(base_year)s THEN revenue END) AS base,
            MAX(CASE WHEN year = %(year)s THEN revenue END) AS later
        FROM accounts_revenueyear WHERE year IN (%(base_year)s, %(year)s) GROUP BY account_id
    ), rows AS (
        SELECT a.tier, a.target_arr, a.wallet_estimate,
            COALESCE(l.arr, 0) AS arr, COALESCE(w.weighted, 0) AS weighted,
            COALESCE(t.depth, 0) AS depth, r.last_review,
            {_days_since(fresh_on)} AS fresh_days,
            {_days_since("r.last_review")} - {due} AS overdue,
            v.base, v.later, CASE WHEN a.target_arr IS NOT NULL THEN {gap} END AS gap
        FROM accounts_account a
        LEFT JOIN live l ON l.account_id = a.id
        LEFT JOIN weighted w ON w.account_id = a.id
        LEFT JOIN threads t ON t.account_id = a.id
        LEFT JOIN reviews r ON r.account_id = a.id
        LEFT JOIN revenue v ON v.account_id = a.id
    )
    SELECT COUNT(*), SUM(arr), SUM(weighted),
        COUNT(target_arr),
        SUM(CASE WHEN target_arr IS NOT NULL THEN arr END),
        SUM(CASE WHEN target_arr IS NOT NULL THEN weighted END),
        SUM(target_arr),
        SUM(CASE WHEN gap > 0 THEN 1 ELSE 0 END),
        SUM(CASE WHEN depth <= 1 THEN 1 ELSE 0 END),
        SUM(CASE WHEN depth BETWEEN 2 AND 3 THEN 1 ELSE 0 END),
        SUM(CASE WHEN depth >= 4 THEN 1 ELSE 0 END),
        SUM(depth),
        AVG(fresh_days), COUNT(fresh_days),
        SUM(CASE WHEN fresh_days > %(stale_days)s THEN 1 ELSE 0 END),
        SUM(CASE WHEN overdue <= 0 THEN 1 ELSE 0 END),
        SUM(CASE WHEN last_review IS NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN base > 0 AND later IS NOT NULL THEN base END),
        SUM(CASE WHEN base > 0 AND later IS NOT NULL THEN later END),
        SUM(CASE WHEN base > 0 AND later IS NOT NULL
            THEN CASE WHEN later < base THEN later ELSE base END END),
        SUM(CASE WHEN wallet_estimate > 0 THEN arr END),
        SUM(CASE WHEN wallet_estimate > 0 THEN wallet_estimate END)
    FROM rows
    """


def _red(alias: str) -> str:
    """The heat map's red rule (relationships.heatmap.colour) over a stakeholder row."""
    blocker = f"'{BuyingRole.BLOCKER}' IN ({alias}.role, {alias}.secondary_role)"
    return (
        f"(({blocker} AND {alias}.power >= {Level.MEDIUM}) "
        f"OR ({alias}.power = {Level.HIGH} AND {alias}.strength = {Strength.COLD}))"
    )


_KEY = f"(s.priority = {Priority.PRIMARY} OR s.power = {Level.HIGH})"


def _met(since: str) -> str:
    return f"""EXISTS (
        SELECT 1 FROM relationships_interactionstakeholder x
        JOIN relationships_interaction i ON i.id = x.interaction_id
        WHERE x.stakeholder_id = s.id AND i.meaningful
          AND i.date >= {since} AND i.date <= %(today)s)"""


# Key stakeholders coverage counts: on the map since the window began, or ever met.
STAKEHOLDERS = f"""
    SELECT
        SUM(CASE WHEN {_KEY} AND (s.on_map_since <= %(since)s OR {_met("'0001-01-01'")})
            THEN 1 ELSE 0 END),
        SUM(CASE WHEN {_KEY} AND {_met("%(since)s")} THEN 1 ELSE 0 END),
        SUM(CASE WHEN {_red("s")} THEN 1 ELSE 0 END)
    FROM relationships_stakeholder s WHERE s.status = '{StakeholderStatus.ACTIVE}'
"""

# The stakeholder map as it stood at a moment: each stakeholder's latest history row up to
# then (ties broken by history id, as simple-history does), deleted ones left out.
RED_BEFORE = f"""
    SELECT COUNT(*) FROM relationships_historicalstakeholder h
    WHERE h.history_date <= %(moment)s AND h.history_type <> '-'
      AND h.status = '{StakeholderStatus.ACTIVE}' AND {_red("h")}
      AND NOT EXISTS (
        SELECT 1 FROM relationships_historicalstakeholder n
        WHERE n.id = h.id AND n.history_date <= %(moment)s
          AND (n.history_date > h.history_date
               OR (n.history_date = h.history_date AND n.history_id > h.history_id)))
"""

CELLS = f"""
    SELECT c.product_id, a.tier, a.owner_id, SUM(c.estimated_value), COUNT(*)
    FROM growth_whitespacecell c JOIN accounts_account a ON a.id = c.account_id
    WHERE c.status = '{CellStatus.OPEN}' GROUP BY c.product_id, a.tier, a.owner_id
"""

PLAYS = "SELECT stage, COUNT(*), SUM(target_arr) FROM growth_play GROUP BY stage"

# Exposure per category: each account's at most its live ARR (insights.risk).
RISKS = f"""
    WITH live AS (
        SELECT c.account_id, SUM(c.arr) AS arr FROM accounts_contract c
        WHERE c.status = '{ContractStatus.ACTIVE}'
          AND (c.end_date IS NULL OR c.end_date >= %(today)s)
        GROUP BY c.account_id
    ), per AS (
        SELECT account_id, category, COUNT(*) AS n,
            SUM(arr_at_risk * {_case("probability", PROBABILITY_WEIGHTS)}) AS x
        FROM risks_risk WHERE status IN ({_in(OPEN_RISK_STATUSES)})
        GROUP BY account_id, category
    )
    SELECT per.category,
        SUM(CASE WHEN per.x < COALESCE(l.arr, 0) THEN per.x ELSE COALESCE(l.arr, 0) END),
        SUM(per.n)
    FROM per LEFT JOIN live l ON l.account_id = per.account_id GROUP BY per.category
"""


def _money(value) -> Decimal:
    return Decimal(str(value)) if value is not None else ZERO


def _fetch(cursor, sql: str, params: dict) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def floor(today: date, now: datetime) -> dict:
    """Every dashboard figure over all accounts, by hand-written SQL (see the module)."""
    settings = Organisation.current()
    params = {
        "today": today,
        "since": today - timedelta(days=settings.coverage_days),
        "moment": month_before(now),
        "base_year": today.year - 2,
        "year": today.year - 1,
        "stale_days": settings.stale_plan_days,
    }
    with connection.cursor() as cursor:
        (totals,) = _fetch(cursor, _accounts_sql(settings), params)
        (people,) = _fetch(cursor, STAKEHOLDERS, params)
        (red_before,) = _fetch(cursor, RED_BEFORE, params)
        cells = _fetch(cursor, CELLS, params)
        plays = _fetch(cursor, PLAYS, params)
        risks = _fetch(cursor, RISKS, params)
    accounts = Account.objects.all()
    alert_counts = alerts.counts(accounts, today)
    ranked = list(
        health.ranked_by_health(accounts, today).values_list("pk", flat=True)[:LEAST_HEALTHY]
    )

    (n, arr, weighted, targets, path_arr, path_weighted, target, short, *rest) = totals
    (depth_low, depth_mid, depth_high, threads, fresh, fresh_known, stale, *rest) = rest
    (compliant, never, base, later, kept, wallet_arr, wallet) = rest
    by = {
        "product": defaultdict(Decimal),
        "tier": defaultdict(Decimal),
        "owner": defaultdict(Decimal),
    }
    for product, tier, owner, value, _count in cells:
        for key, group in (("product", product), ("tier", tier), ("owner", owner)):
            by[key][group] += _money(value)
    return {
        "accounts": n,
        "arr": _money(arr),
        "weighted_pipeline": _money(weighted).quantize(ZERO),
        "open_whitespace": sum(by["tier"].values(), ZERO),
        "whitespace_by_product": dict(by["product"]),
        "whitespace_by_tier": dict(by["tier"]),
        "whitespace_by_owner": dict(by["owner"]),
        "path": {
            "accounts": targets,
            "arr": _money(path_arr),
            "weighted": _money(path_weighted).quantize(ZERO),
            "target": _money(target),
            "short": short or 0,
        },
        "plays_by_stage": {stage: (count, _money(value)) for stage, count, value in plays},
        "risk_by_category": {c: _money(x).quantize(ZERO) for c, x, _n in risks},
        "key_stakeholders": people[0] or 0,
        "covered": people[1] or 0,
        "red_dots": people[2] or 0,
        "red_dots_before": red_before[0],
        "depth": {"0-1": depth_low or 0, "2-3": depth_mid or 0, "4+": depth_high or 0},
        "threads": threads or 0,
        "freshness": None if fresh is None else Decimal(str(fresh)),
        "fresh_known": fresh_known,
        "stale": stale or 0,
        "compliant": compliant or 0,
        "never_reviewed": never or 0,
        "retention": (_money(base), _money(later), _money(kept)),
        "wallet": (_money(wallet_arr), _money(wallet)),
        "alert_counts": alert_counts,
        "least_healthy": ranked,
    }


def _known(figures) -> dict:
    """{key suffix: value} of a dashboard breakdown, leaving out the zero rows the floor
    never sees (tiers or stages without records)."""
    return {f.key.rsplit("_", 1)[1]: f.value for _label, f in figures if f.value}


def disagreements(board, values: dict) -> list[str]:
    """Where the floor's values differ from the dashboard's (an empty list: they agree)."""
    base, later, kept = values["retention"]
    wallet_arr, wallet = values["wallet"]
    path = board.path_to_target
    pairs = {
        "arr": (board.arr.value, values["arr"]),
        "weighted pipeline": (board.weighted_pipeline.value, values["weighted_pipeline"]),
        "open whitespace": (board.open_whitespace.value, values["open_whitespace"]),
        "whitespace by product": (
            _known(board.whitespace_by_product),
            {str(k): v for k, v in values["whitespace_by_product"].items() if v},
        ),
        "whitespace by tier": (
            _known(board.whitespace_by_tier),
            {str(k): v for k, v in values["whitespace_by_tier"].items() if v},
        ),
        "whitespace by owner": (
            _known(board.whitespace_by_owner),
            {str(k or "none"): v for k, v in values["whitespace_by_owner"].items() if v},
        ),
        "path to target": (
            (
                path.current_arr.inputs["accounts with a target"],
                path.current_arr.inputs["current ARR"],
                path.current_arr.inputs["weighted pipeline"],
                path.current_arr.inputs["target ARR"],
                path.current_arr.inputs["accounts short of target"],
            ),
            tuple(values["path"].values()),
        ),
        "pipeline by stage": (
            {
                s.stage: (s.plays.value, s.target_arr.value)
                for s in board.pipeline_by_stage
                if s.plays.value
            },
            values["plays_by_stage"],
        ),
        "risk by category": (
            {c.category: c.exposure.value for c in board.risk_by_category if c.exposure.value},
            {k: v for k, v in values["risk_by_category"].items() if v},
        ),
        "coverage": (
            (board.coverage.inputs["key stakeholders"], board.coverage.inputs["covered"]),
            (values["key_stakeholders"], values["covered"]),
        ),
        "red dots": (
            (board.red_dots.now.value, board.red_dots.before.value),
            (values["red_dots"], values["red_dots_before"]),
        ),
        "depth": (
            {label: f.value for label, f in board.depth.distribution},
            values["depth"],
        ),
        "single-threaded": (board.single_threaded.value, values["depth"]["0-1"]),
        "freshness": (board.freshness.value, tenth(values["freshness"])),
        "cadence": (
            (board.cadence.inputs["reviewed on time"], board.cadence.inputs["never reviewed"]),
            (values["compliant"], values["never_reviewed"]),
        ),
        "NRR": (board.retention.nrr.value, percent(later, base)),
        "GRR": (board.retention.grr.value, percent(kept, base)),
        "share of wallet": (board.share_of_wallet.value, percent(wallet_arr, wallet)),
        "alert counts": (board.alert_counts, values["alert_counts"]),
        "least healthy": (
            [a.pk for a in board.ranked_by_health[:LEAST_HEALTHY]],
            values["least_healthy"],
        ),
    }
    return [
        f"{name}: dashboard {ours!r}, floor {theirs!r}"
        for name, (ours, theirs) in pairs.items()
        if ours != theirs
    ]
