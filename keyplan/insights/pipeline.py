"""Pipeline numbers: plays by stage, the weighted pipeline and the path to target ARR.

Rules
- Open plays are those at idea, in conversation, active opportunity or closing.
- Close date passed: an open play whose target close date is before today (typed in
  keyplan or imported from a CRM). It is flagged on the plan, raises the "close date
  passed" alert (insights.alerts) and is left out of the weighted pipeline, the path to
  target and the forecast until it is re-dated (today or later) or closed (won or lost).
  A play closing today still counts; a play with no close date counts.
- Current plays are the open plays whose close date has not passed.
- A play's win probability is its own `probability` percent when set, else its stage's
  default (growth.models.STAGE_PROBABILITY: idea 10%, in conversation 25%, active
  opportunity 50%, closing 80%).
- Weighted pipeline = sum over current plays of target ARR x win probability.
- Path to target, over the accounts with a target ARR only: projection = current ARR
  (live contracts) + weighted pipeline; gap = target ARR - projection (positive: still
  to find; zero or negative: the target is covered). The portfolio gap is the sum of the
  accounts' gaps, so an account ahead of its target offsets one behind; the number of
  accounts short of their target is among the inputs.
- Shortfall (beside the net gap, never netted): the sum of the gaps of the accounts
  below their target (gap > 0) and how many they are; an account ahead of its target
  adds nothing to it.
- The pipeline by stage splits open plays from closed ones: per open stage, the current
  plays' target ARR and weighted value (the open stages' weighted values add up to the
  weighted pipeline, to the cent); the open plays whose close date passed are counted
  apart, left out; won and lost plays are shown apart with their target ARR.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from keyplan.core import clock
from keyplan.growth.models import OPEN_STAGES, STAGE_PROBABILITY, Play, Stage
from keyplan.insights.figures import COUNT, PERCENT, Figure, percent
from keyplan.insights.figures import MONEY as MONEY_UNIT
from keyplan.insights.revenue import current_arr
from keyplan.insights.sql import MONEY, ZERO, ranked, sql_percent, subtotal, tally

PROBABILITY = DecimalField(max_digits=5, decimal_places=4)
PASSED_RULE = (
    "an open play whose target close date is before today is left out until it is "
    "re-dated or closed"
)
WEIGHT_RULE = (
    "target ARR x win probability of open plays (the play's own probability, else its "
    "stage's: "
    + ", ".join(f"{Stage(s).label.lower()} {STAGE_PROBABILITY[s]:.0%}" for s in OPEN_STAGES)
    + f"); {PASSED_RULE}"
)


def win_probability() -> Coalesce:
    """Per-play expression: the play's probability (percent -> share), else its stage's."""
    stage_default = Case(
        *(When(stage=stage, then=Value(p)) for stage, p in STAGE_PROBABILITY.items()),
        default=Value(Decimal(0)),
        output_field=PROBABILITY,
    )
    # x 0.01 rather than / 100: SQLite divides integers as integers.
    own = F("probability") * Value(Decimal("0.01"))
    return Coalesce(own, stage_default, output_field=PROBABILITY)


def weighted_value() -> Coalesce:
    """Per-play expression: target ARR x win probability."""
    return F("target_arr") * win_probability()


def close_date_passed(today: date) -> Q:
    """Plays that are open and whose target close date is before `today`."""
    return Q(stage__in=OPEN_STAGES, target_close_date__lt=today)


def _still_dated(today: date) -> Q:
    """No close date, or one today or later."""
    return Q(target_close_date__isnull=True) | Q(target_close_date__gte=today)


def current_plays(today: date, **filters) -> QuerySet:
    """Open plays whose close date has not passed: the plays that count as pipeline."""
    return Play.objects.filter(_still_dated(today), stage__in=OPEN_STAGES, **filters)


def weighted_per_account(today: date) -> Coalesce:
    """Per-account expression: the account's weighted pipeline on `today`."""
    return subtotal(current_plays(today, account=OuterRef("pk")), weighted_value())


@dataclass(frozen=True)
class StagePipeline:
    stage: str
    label: str
    plays: Figure  # how many plays
    target_arr: Figure  # their target ARR


def _stage_sums() -> dict:
    """The aggregates behind pipeline_by_stage: plays and target ARR of every stage."""
    return {
        **{f"all_n_{s}": Count("pk", filter=Q(stage=s)) for s in Stage.values},
        **{f"all_arr_{s}": Sum("target_arr", filter=Q(stage=s)) for s in Stage.values},
    }


def pipeline_by_stage(accounts: QuerySet, totals: dict | None = None) -> list[StagePipeline]:
    """Plays and their target ARR per stage, in the stages' order (won and lost included);
    `totals`: the aggregates of _stage_sums when already read (pipeline_split reads them)."""
    if totals is None:
        totals = Play.objects.filter(account__in=accounts.values("pk")).aggregate(**_stage_sums())
    result = []
    for stage in Stage:  # the six stages, not the portfolio's rows
        at_stage = Play.objects.filter(account=OuterRef("pk"), stage=stage)
        result.append(
            StagePipeline(
                stage=stage.value,
                label=stage.label,
                plays=Figure(
                    key=f"plays_{stage.value}",
                    label=f"Plays: {stage.label.lower()}",
                    value=totals[f"all_n_{stage.value}"],
                    unit=COUNT,
                    formula=f"plays at the stage “{stage.label}”",
                    breakdown=ranked(accounts, tally(at_stage)),
                ),
                target_arr=Figure(
                    key=f"pipeline_{stage.value}",
                    label=f"Target ARR: {stage.label.lower()}",
                    value=totals[f"all_arr_{stage.value}"] or ZERO,
                    unit=MONEY_UNIT,
                    formula=f"sum of the target ARR of the plays at the stage “{stage.label}”",
                    inputs={"plays": totals[f"all_n_{stage.value}"]},
                    breakdown=ranked(accounts, subtotal(at_stage, "target_arr")),
                ),
            )
        )
    return result


@dataclass(frozen=True)
class StageTotal:
    stage: str
    label: str
    plays: int
    target_arr: Decimal
    weighted: Decimal | None = None  # open stages only: the current plays' weighted value


@dataclass(frozen=True)
class PipelineSplit:
    """The pipeline chart: open stages (adding up to the weighted pipeline), the open
    plays left out because their close date passed, and won and lost apart."""

    open_stages: list[StageTotal]
    weighted: Figure  # the weighted pipeline the open stages add up to
    passed: StageTotal  # open plays whose close date passed: left out of `weighted`
    closed: list[StageTotal]  # won, then lost
    by_stage: list[StagePipeline]  # every stage's plays and target ARR, read in the same query


def pipeline_split(
    accounts: QuerySet, today: date | None = None, *, weighted: Figure | None = None
) -> PipelineSplit:
    """Plays by stage with open stages apart from won and lost, and every stage's totals
    (pipeline_by_stage), in one query (plus the weighted pipeline's own when `weighted` is
    not given). Each open stage's weighted value
    is rounded to the cent so that together they give the weighted pipeline exactly."""
    today = today or clock.today()
    weighted = weighted or weighted_pipeline(accounts, today)
    current, passed = _still_dated(today), close_date_passed(today)
    sums = {}
    for stage in OPEN_STAGES:
        now = current & Q(stage=stage)
        sums |= {
            f"n_{stage}": Count("pk", filter=now),
            f"arr_{stage}": Sum("target_arr", filter=now),
            f"w_{stage}": Sum(weighted_value(), filter=now, output_field=MONEY),
        }
    for stage in (Stage.WON, Stage.LOST):
        sums |= {
            f"n_{stage}": Count("pk", filter=Q(stage=stage)),
            f"arr_{stage}": Sum("target_arr", filter=Q(stage=stage)),
        }
    totals = Play.objects.filter(account__in=accounts.values("pk")).aggregate(
        **sums,
        **_stage_sums(),
        n_passed=Count("pk", filter=passed),
        arr_passed=Sum("target_arr", filter=passed),
    )
    parts = _to_the_cent([totals[f"w_{stage}"] or ZERO for stage in OPEN_STAGES], weighted)

    def total(stage, label, part=None) -> StageTotal:
        return StageTotal(
            str(stage), label, totals[f"n_{stage}"], totals[f"arr_{stage}"] or ZERO, part
        )

    return PipelineSplit(
        open_stages=[
            total(stage, Stage(stage).label, part)
            for stage, part in zip(OPEN_STAGES, parts, strict=True)
        ],
        weighted=weighted,
        passed=total("passed", "Close date passed"),
        closed=[total(stage, Stage(stage).label) for stage in (Stage.WON, Stage.LOST)],
        by_stage=pipeline_by_stage(accounts, totals),
    )


def _to_the_cent(parts: list[Decimal], whole: Figure) -> list[Decimal]:
    """`parts` rounded to the cent, the rounding left over given to the largest, so that
    they add up to `whole` (the weighted pipeline as shown)."""
    rounded = [Decimal(part).quantize(ZERO) for part in parts]
    left = Decimal(whole.value or ZERO) - sum(rounded, ZERO)
    if left and rounded:
        largest = max(range(len(rounded)), key=lambda i: rounded[i])
        rounded[largest] += left
    return rounded


def weighted_pipeline(accounts: QuerySet, today: date | None = None) -> Figure:
    """Current plays' target ARR weighted by their win probability (plays whose close
    date has passed are left out and counted among the inputs)."""
    today = today or clock.today()
    current = _still_dated(today)
    totals = Play.objects.filter(
        account__in=accounts.values("pk"), stage__in=OPEN_STAGES
    ).aggregate(
        weighted=Sum(weighted_value(), filter=current, output_field=MONEY),
        unweighted=Sum("target_arr", filter=current),
        plays=Count("pk", filter=current),
        passed=Count("pk", filter=close_date_passed(today)),
    )
    return Figure(
        key="weighted_pipeline",
        label="Weighted pipeline",
        value=(totals["weighted"] or ZERO).quantize(ZERO),
        unit=MONEY_UNIT,
        formula=WEIGHT_RULE,
        inputs={
            "open plays": totals["plays"],
            "unweighted target ARR": totals["unweighted"] or ZERO,
            "plays past their close date (left out)": totals["passed"],
        },
        breakdown=ranked(accounts, weighted_per_account(today)),
    )


SHORTFALL_RULE = (
    "sum over the accounts below their target ARR of target ARR - (current ARR + weighted "
    "pipeline); an account ahead of its target adds nothing (the net gap lets it offset one "
    "behind)"
)
SHORT_ACCOUNTS = "accounts below target"


@dataclass(frozen=True)
class PathToTarget:
    current_arr: Figure
    weighted_pipeline: Figure
    target_arr: Figure
    gap: Figure  # target - (current + weighted); positive: still to find
    attainment: Figure  # (current + weighted) / target, percent
    shortfall: Figure  # the gaps of the accounts below target only, never netted

    @property
    def accounts_short(self) -> int:
        """How many accounts are below their target (their gaps make the shortfall)."""
        return self.shortfall.inputs[SHORT_ACCOUNTS]


def path_to_target(accounts: QuerySet, today: date | None = None) -> PathToTarget:
    """Current ARR plus weighted pipeline against the target ARR, over accounts with a target."""
    today = today or clock.today()
    rows = accounts.filter(target_arr__isnull=False).annotate(
        arr=current_arr(today), weighted=weighted_per_account(today)
    )
    gap = F("target_arr") - F("arr") - F("weighted")
    below = Q(target_arr__gt=F("arr") + F("weighted"))
    totals = rows.aggregate(
        n=Count("pk"),
        arr_total=Sum("arr"),
        weighted_total=Sum("weighted"),
        target=Sum("target_arr"),
        short=Count("pk", filter=below),
        shortfall=Sum(gap, filter=below, output_field=MONEY),
    )
    known = bool(totals["n"])
    reason = "" if known else "no account has a target ARR"
    arr, weighted = totals["arr_total"] or ZERO, (totals["weighted_total"] or ZERO).quantize(ZERO)
    target = totals["target"] or ZERO
    inputs = {
        "accounts with a target": totals["n"],
        "current ARR": arr,
        "weighted pipeline": weighted,
        "target ARR": target,
        "accounts short of target": totals["short"],
    }

    def figure(key, label, value, unit, formula, contribution, ascending=False):
        value = value if known else None
        return Figure(
            key=key,
            label=label,
            value=value,
            unit=unit,
            formula=f"{formula}, over the accounts with a target ARR",
            inputs=inputs,
            reason=reason or ("the target ARR is 0" if value is None else ""),
            breakdown=ranked(rows, contribution, ascending=ascending),
        )

    return PathToTarget(
        current_arr=figure(
            "path_current_arr", "Current ARR", arr, MONEY_UNIT, "ARR of live contracts", F("arr")
        ),
        weighted_pipeline=figure(
            "path_weighted_pipeline",
            "Weighted pipeline",
            weighted,
            MONEY_UNIT,
            WEIGHT_RULE,
            F("weighted"),
        ),
        target_arr=figure(
            "path_target_arr", "Target ARR", target, MONEY_UNIT, "target ARR", F("target_arr")
        ),
        gap=figure(
            "path_gap",
            "Gap to target",
            target - arr - weighted,
            MONEY_UNIT,
            "target ARR - (current ARR + weighted pipeline); positive: still to find; in the "
            f"weighted pipeline, {PASSED_RULE}",
            gap,
        ),
        attainment=figure(
            "path_attainment",
            "Path to target",
            percent(arr + weighted, target),
            PERCENT,
            "(current ARR + weighted pipeline) / target ARR; in the weighted pipeline, "
            + PASSED_RULE,
            sql_percent(F("arr") + F("weighted"), F("target_arr")),
            ascending=True,
        ),
        shortfall=Figure(
            key="path_shortfall",
            label="Shortfall of accounts below target",
            value=(totals["shortfall"] or ZERO).quantize(ZERO) if known else None,
            unit=MONEY_UNIT,
            formula=f"{SHORTFALL_RULE}; in the weighted pipeline, {PASSED_RULE}",
            inputs={
                SHORT_ACCOUNTS: totals["short"],
                "accounts with a target": totals["n"],
                "net gap to target": target - arr - weighted,
            },
            reason=reason,
            breakdown=ranked(rows.filter(below), gap),
        ),
    )
