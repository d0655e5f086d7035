"""The health score of an account (0-100): a weighted blend of five parts, each 0-100.

Parts and weights (the signals come from the account's latest health snapshot dated on
or before `today`; a field empty there means no data for that part):
- adoption, 30%: active seats / licensed seats x 100, at most 100;
- sentiment, 20%: NPS mapped to 0-100 as (NPS + 100) / 2, or CSAT % when there is no NPS;
- escalations, 15%: 100 - 25 per escalation (4 or more: 0); fewer is better;
- coverage, 20%: relationship coverage of key stakeholders in percent (insights.relationships);
- risk, 15%: 100 x (1 - risk exposure / current ARR), at least 0 (insights.risk); needs ARR.
Each part is rounded to one decimal, and the score is the weighted average of the parts
that have data: the weights of parts without data are left out and the others scaled up to
100%. With no part at all the score is unknown. Everything is computed in SQL, so accounts
can be ranked by health in one query; several accounts' score is the average of theirs.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf, Round
from django.db.models.lookups import IsNull

from keyplan.accounts.models import Contract
from keyplan.core import clock
from keyplan.insights.accounts import live_contracts
from keyplan.insights.figures import SCORE, Figure
from keyplan.insights.relationships import key_stakeholders
from keyplan.insights.revenue import current_arr
from keyplan.insights.risk import weighted_at_risk
from keyplan.insights.sql import MONEY, ZERO, ranked, tenth
from keyplan.risks.models import HealthSnapshot
from keyplan.team.models import Organisation

PART = DecimalField(max_digits=5, decimal_places=1)
FLOAT = FloatField()

# (key, label, weight in percent, rule)
PARTS = (
    ("adoption", "Adoption", 30, "active seats / licensed seats x 100, at most 100"),
    ("sentiment", "NPS or CSAT", 20, "(NPS + 100) / 2, or CSAT % when there is no NPS"),
    ("escalations", "Escalations", 15, "100 - 25 per escalation, 0 from 4 escalations"),
    ("coverage", "Relationship coverage", 20, "key stakeholders met recently / key stakeholders"),
    ("risk", "Risk", 15, "100 x (1 - risk exposure / current ARR), at least 0"),
)
SCORE_RULE = (
    "weighted average of the parts: "
    + ", ".join(f"{label.lower()} {weight}%" for _, label, weight, _ in PARTS)
    + "; parts without data are left out and the other weights scaled up to 100%"
)


def _rounded(expression) -> Round:
    return Round(Cast(expression, PART), 1)


def _float(name: str) -> Cast:
    return Cast(F(name), FLOAT)


def _latest_snapshot(today: date) -> QuerySet:
    return HealthSnapshot.objects.filter(account=OuterRef("pk"), date__lte=today).order_by("-date")


def _snapshot_part(today: date, expression) -> Subquery:
    """`expression` (0-100) on the account's latest snapshot on or before `today`."""
    latest = _latest_snapshot(today).annotate(part=_rounded(expression)).values("part")[:1]
    return Subquery(latest, output_field=PART)


# Each part is one subquery per account, NULL without data. The guards come first:
# PostgreSQL's LEAST and GREATEST skip NULLs where SQLite's return NULL.
ADOPTION = Case(
    When(
        licensed_seats__gt=0,
        active_seats__isnull=False,
        then=Least(Value(100.0), _float("active_seats") * Value(100.0) / _float("licensed_seats")),
    ),
    output_field=FLOAT,
)
SENTIMENT = Case(
    When(nps__isnull=False, then=(_float("nps") + Value(100.0)) / Value(2.0)),
    When(csat__isnull=False, then=_float("csat")),
    output_field=FLOAT,
)
ESCALATIONS = Case(
    When(
        escalations__isnull=False,
        then=Greatest(Value(0.0), Value(100.0) - Value(25.0) * _float("escalations")),
    ),
    output_field=FLOAT,
)
SNAPSHOT_PARTS = {"adoption": ADOPTION, "sentiment": SENTIMENT, "escalations": ESCALATIONS}
WEIGHTS = {name: float(weight) for name, _, weight, _ in PARTS}


def _coverage_part(today: date, days: int) -> Subquery:
    """Coverage percent of the account's key stakeholders; NULL when it has none."""
    key = key_stakeholders(today, days, account=OuterRef("pk"))
    share = Cast(Count("pk", filter=Q(met=True)), FLOAT) * Value(100.0) / Cast(Count("pk"), FLOAT)
    per_account = key.order_by().values("account").annotate(part=_rounded(share)).values("part")
    return Subquery(per_account, output_field=PART)


def _risk_part(today: date) -> Subquery:
    """100 x (1 - exposure / current ARR), at least 0; NULL without ARR. One subquery: the
    account's live contracts, grouped, with the exposure looked up once per account."""
    live = Contract.objects.filter(live_contracts(today), account=OuterRef("pk")).order_by()
    live = live.values("account").annotate(arr_total=Sum("arr")).filter(arr_total__gt=0)
    exposure = Cast(weighted_at_risk(outer="account"), FLOAT)
    share = Value(100.0) - exposure * Value(100.0) / Cast(F("arr_total"), FLOAT)
    return Subquery(
        live.annotate(part=_rounded(Greatest(Value(0.0), share))).values("part"), output_field=PART
    )


def with_health(accounts: QuerySet, today: date | None = None) -> QuerySet:
    """`accounts` annotated with each part (`health_<part>`, None without data), the inputs
    `health_arr` and `health_exposure`, and `health_score`."""
    today = today or clock.today()
    days = Organisation.current().coverage_days
    parts = {name: _snapshot_part(today, expr) for name, expr in SNAPSHOT_PARTS.items()}
    parts.update(coverage=_coverage_part(today, days), risk=_risk_part(today))
    rows = accounts.annotate(
        health_arr=current_arr(today),
        health_exposure=Least(weighted_at_risk(), F("health_arr"), output_field=MONEY),
        **{f"health_{name}": part for name, part in parts.items()},
    )
    # score = sum(weight x part) / sum(weight) over the parts with data. Each part is
    # referenced once: the snapshot's three parts are summed inside one subquery, and
    # cheap existence checks stand in for "coverage and risk have data".
    snapshot = _latest_snapshot(today)
    snapshot_sum = Subquery(
        snapshot.annotate(s=_weighted(SNAPSHOT_PARTS)).values("s")[:1],
        output_field=FLOAT,
    )
    snapshot_weight = Subquery(
        snapshot.annotate(w=_present(SNAPSHOT_PARTS)).values("w")[:1],
        output_field=FLOAT,
    )
    has_key = Exists(key_stakeholders(today, days, account=OuterRef("pk")))
    has_arr = Exists(
        Contract.objects.filter(live_contracts(today), account=OuterRef("pk"), arr__gt=0)
    )
    weighted = (
        Coalesce(snapshot_sum, Value(0.0))
        + Coalesce(Cast(F("health_coverage"), FLOAT), Value(0.0)) * Value(WEIGHTS["coverage"])
        + Coalesce(Cast(F("health_risk"), FLOAT), Value(0.0)) * Value(WEIGHTS["risk"])
    )
    weight = (
        Coalesce(snapshot_weight, Value(0.0))
        + Case(When(has_key, then=Value(WEIGHTS["coverage"])), default=Value(0.0))
        + Case(When(has_arr, then=Value(WEIGHTS["risk"])), default=Value(0.0))
    )
    return rows.annotate(health_score=_rounded(weighted / NullIf(weight, Value(0.0))))


def _weighted(parts: dict):
    """On a snapshot row: sum of weight x rounded part, the parts without data as 0."""
    terms = [
        Coalesce(Cast(_rounded(expr), FLOAT), Value(0.0)) * Value(WEIGHTS[name])
        for name, expr in parts.items()
    ]
    return sum(terms[1:], terms[0])


def _present(parts: dict):
    """On a snapshot row: the sum of the weights of the parts with data."""
    terms = [
        Case(When(IsNull(expr, False), then=Value(WEIGHTS[name])), default=Value(0.0))
        for name, expr in parts.items()
    ]
    return sum(terms[1:], terms[0])


def ranked_by_health(accounts: QuerySet, today: date | None = None) -> QuerySet:
    """The accounts with their health (see with_health), the least healthy first; accounts
    without a score come last. `contribution` is the score."""
    return ranked(with_health(accounts, today), F("health_score"), ascending=True)


@dataclass(frozen=True)
class Health:
    score: Figure
    parts: tuple[tuple[str, Figure], ...]  # (part key, its Figure); weight in inputs


def health_score(accounts: QuerySet, today: date | None = None) -> Health:
    """The health score with its parts: one account's, or the average over the accounts."""
    today = today or clock.today()
    scored = with_health(accounts, today)
    rows = ranked(scored, F("health_score"), ascending=True)
    totals = scored.aggregate(
        score=Avg("health_score"),
        scored=Count("health_score"),  # Count(field) counts values that are not NULL
        **{n: Avg(f"health_{n}") for n, _, _, _ in PARTS},
        **{f"n_{n}": Count(f"health_{n}") for n, _, _, _ in PARTS},
        arr=Sum("health_arr"),
        exposure=Sum("health_exposure"),
    )
    parts = tuple(
        (
            name,
            Figure(
                key=f"health_{name}",
                label=label,
                value=tenth(totals[name]),
                unit=SCORE,
                formula=f"{rule} (weight {weight}%)",
                inputs={"weight (%)": weight, "accounts with data": totals[f"n_{name}"]},
                reason="" if totals[name] is not None else f"no data for {label.lower()}",
                breakdown=ranked(scored, F(f"health_{name}"), ascending=True),
            ),
        )
        for name, label, weight, rule in PARTS
    )
    inputs = {label: tenth(totals[name]) for name, label, _, _ in PARTS}
    inputs.update(
        {
            "accounts scored": totals["scored"],
            "current ARR": (totals["arr"] or ZERO).quantize(ZERO),
            "risk exposure": (totals["exposure"] or ZERO).quantize(ZERO),
        }
    )
    score = Figure(
        key="health_score",
        label="Health score",
        value=tenth(totals["score"]),
        unit=SCORE,
        formula=SCORE_RULE + ("; averaged over the accounts" if totals["scored"] > 1 else ""),
        inputs=inputs,
        reason=""
        if totals["score"] is not None
        else "no health signals, key stakeholders or ARR to score",
        breakdown=rows,
    )
    return Health(score=score, parts=parts)
