"""Account selection: the weighted scorecard that ranks accounts and suggests tiers.

Rules (DESIGN.md §2, portfolio level):
- Each account is scored 1-5 on each criterion; each criterion has a weight in
  percent, and the weights of all criteria total 100%.
- Weighted score = sum over the criteria with a weight above 0 of
  score x weight / 100, so it is on the same 1-5 scale as the scores.
- An account without a score on some weighted criterion is *not scored yet*: its
  weighted score, rank and suggested tier are None and `missing` says how many
  scores it lacks. A missing score is never taken as 0.
- Rank: 1 for the highest weighted score among the accounts of the scorecard;
  equal scores share a rank and the next rank skips (1, 1, 3).
- Suggested tier: 1 from `Organisation.tier1_min_score`, 2 from `tier2_min_score`,
  else 3 (thresholds inclusive).
Customers and prospects are scored alike.

The sums are kept in integer "points x 100" (`weighted_points`, 100-500), so ranking,
ties and thresholds are exact on SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Rank

from keyplan.accounts.models import Account, SelectionCriterion, SelectionScore
from keyplan.insights.figures import SCORE, Figure
from keyplan.team.models import Organisation

FORMULA = (
    "sum over the criteria with a weight of score (1-5) × weight ÷ 100; "
    "not scored while any weighted criterion has no score"
)
SCORE_FIELD = DecimalField(max_digits=5, decimal_places=2)
CENT = Decimal("0.01")


def _count(queryset: QuerySet) -> Subquery:
    """COUNT(*) of `queryset` as a scalar subquery (no GROUP BY: one row, even for none)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def _threshold(score: Decimal) -> int:
    """A tier's minimum weighted score in points x 100 (the scores have 2 decimals)."""
    return int((Decimal(score) * 100).to_integral_value(rounding=ROUND_CEILING))


def suggest_tier(weighted_score: Decimal | None, organisation: Organisation) -> int | None:
    """The tier a weighted score suggests (None when not scored); as `scorecard` in SQL."""
    if weighted_score is None:
        return None
    if weighted_score >= organisation.tier1_min_score:
        return 1
    return 2 if weighted_score >= organisation.tier2_min_score else 3


def _per_account(organisation: Organisation) -> QuerySet:
    """Each account's scores on the weighted criteria, grouped: `points` (score x weight
    summed), `score` and `tier`; only for an account scored on every weighted criterion
    (HAVING), so the others get NULL from the subqueries below."""
    required = _count(SelectionCriterion.objects.filter(weight__gt=0))
    tier1, tier2 = (
        _threshold(organisation.tier1_min_score),
        _threshold(organisation.tier2_min_score),
    )
    return (
        SelectionScore.objects.filter(account=OuterRef("pk"), criterion__weight__gt=0)
        .order_by()
        .values("account")
        .annotate(scored=Count("pk"), points=Sum(F("score") * F("criterion__weight")))
        .filter(scored=required)
        .annotate(
            # x 0.01 rather than / 100: SQLite divides integers as integers.
            score=ExpressionWrapper(F("points") * Value(CENT), output_field=SCORE_FIELD),
            tier=Case(
                When(points__gte=tier1, then=Value(1)),
                When(points__gte=tier2, then=Value(2)),
                default=Value(3),
            ),
        )
    )


def scorecard(accounts: QuerySet, *, organisation: Organisation | None = None) -> QuerySet:
    """`accounts` annotated with `weighted_points` (score x weight summed, an integer),
    `weighted_score` (Decimal, 1-5), `missing` (weighted criteria without a score),
    `rank` and `suggested_tier`; all None but `missing` for an account not scored yet.

    One query however many accounts; ordered by rank, then name. The rank is among
    the accounts of `accounts`: narrow the result with `narrow`, not `filter`, to keep
    it (a plain filter on a ranked queryset ranks within the filter).
    """
    # Each number is its own small subquery on the scores' (account, criterion) index,
    # rather than expressions over one another: the SQL would repeat them.
    grouped = _per_account(organisation or Organisation.current())
    weighted = SelectionScore.objects.filter(account=OuterRef("pk"), criterion__weight__gt=0)
    by_points = F("weighted_points").desc(nulls_last=True)
    return (
        accounts.annotate(
            weighted_points=Subquery(grouped.values("points"), output_field=IntegerField()),
            weighted_score=Subquery(grouped.values("score"), output_field=SCORE_FIELD),
            suggested_tier=Subquery(grouped.values("tier"), output_field=IntegerField()),
            missing=ExpressionWrapper(
                _count(SelectionCriterion.objects.filter(weight__gt=0)) - _count(weighted),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            rank=Case(
                When(weighted_points__isnull=False, then=Window(Rank(), order_by=by_points)),
                default=None,
                output_field=IntegerField(),
            )
        )
        .order_by(by_points, "name", "pk")
    )


def narrow(ranked: QuerySet, condition: Q) -> QuerySet:
    """The accounts of a `scorecard` that match `condition`, keeping their rank among all.

    Django filters a queryset holding a window function before the window is
    computed, except for a disjunction that refers to the window: that one it
    applies to the ranked rows (SQL QUALIFY, emulated with a subquery). The second
    branch is never true (ranks start at 1); it only moves the filter outside.
    """
    if not condition:
        return ranked
    return ranked.filter(condition | Q(rank__lt=0))


@dataclass(frozen=True)
class Line:
    """One criterion of an account's weighted score."""

    criterion: SelectionCriterion
    score: int | None  # None: not scored on this criterion

    @property
    def weight(self) -> int:
        return self.criterion.weight

    @property
    def counts(self) -> bool:
        """Only criteria with a weight count; a score on a 0% criterion adds nothing."""
        return self.weight > 0

    @property
    def points(self) -> Decimal | None:
        """score x weight / 100; None when not scored."""
        if self.score is None:
            return None
        return (Decimal(self.score * self.weight) / 100).quantize(CENT)


def explain(account: Account, *, organisation: Organisation | None = None) -> Figure:
    """The weighted score of one account with its lines (criterion, weight, score,
    points), for "how is this computed". Same rules and result as `scorecard`."""
    organisation = organisation or Organisation.current()
    criteria = list(SelectionCriterion.objects.order_by("position", "name"))
    scores = dict(
        SelectionScore.objects.filter(account=account).values_list("criterion_id", "score")
    )
    lines = tuple(Line(criterion, scores.get(criterion.pk)) for criterion in criteria)
    weighted = [line for line in lines if line.counts]
    unscored = [line.criterion.name for line in weighted if line.score is None]
    if not weighted:
        value, reason = None, "No criterion has a weight yet."
    elif unscored:
        value, reason = None, f"Not scored yet on {', '.join(unscored)}."
    else:
        value = sum((line.points for line in weighted), Decimal(0)).quantize(CENT)
        reason = ""
    return Figure(
        key="selection_score",
        label="Weighted selection score",
        value=value,
        unit=SCORE,
        formula=FORMULA,
        inputs={
            "lines": lines,
            "total_weight": sum(line.weight for line in lines),
            "tier1_min_score": organisation.tier1_min_score,
            "tier2_min_score": organisation.tier2_min_score,
            "suggested_tier": suggest_tier(value, organisation),
        },
        reason=reason,
    )
