"""Risk numbers: ARR at risk, risk exposure and its concentration by category.

Rules
- Open risks are those open or being mitigated (closed and realised ones are out).
- ARR at risk of an account = the sum of its open risks' ARR at risk, at most the
  account's current ARR (live contracts): risks overlap (two risks may threaten the
  same contract), so the account's ARR is counted once. A portfolio's ARR at risk is
  the sum over its accounts.
- Exposure of a risk = its ARR at risk x a weight for its probability:
  low 0.2, medium 0.5, high 0.8. Impact does not weigh in: ARR at risk already says
  how much is at stake.
- Risk exposure of an account = the sum over its open risks, at most the account's
  current ARR; a portfolio's = the sum over its accounts, so one absurd amount cannot
  make it more than the accounts' ARR.
- Concentration: exposure per risk category (per account at most its ARR, as above),
  and each category's share of the categories' total.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from keyplan.core import clock
from keyplan.core.choices import Level
from keyplan.insights.figures import MONEY as MONEY_UNIT
from keyplan.insights.figures import PERCENT, Figure, percent
from keyplan.insights.revenue import current_arr
from keyplan.insights.sql import MONEY, ZERO, ranked, subtotal, tally
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk, RiskCategory

PROBABILITY_WEIGHTS = {
    Level.LOW: Decimal("0.2"),
    Level.MEDIUM: Decimal("0.5"),
    Level.HIGH: Decimal("0.8"),
}
WEIGHT = DecimalField(max_digits=3, decimal_places=2)
CAP_RULE = "at most the account's current ARR (risks overlap: its ARR is counted once)"
AT_RISK_RULE = (
    f"sum of the ARR at risk of each account's open risks (open or mitigating), {CAP_RULE}; "
    "summed over the accounts"
)
EXPOSURE_RULE = (
    "ARR at risk of open risks (open or mitigating) x probability weight ("
    + ", ".join(f"{Level(p).label.lower()} {w}" for p, w in PROBABILITY_WEIGHTS.items())
    + f"), summed per account and {CAP_RULE}; summed over the accounts"
)


def exposure_value() -> ExpressionWrapper:
    """Per-risk expression: ARR at risk x the weight of its probability."""
    weight = Case(
        *(When(probability=p, then=Value(w)) for p, w in PROBABILITY_WEIGHTS.items()),
        default=Value(Decimal(0)),
        output_field=WEIGHT,
    )
    return ExpressionWrapper(F("arr_at_risk") * weight, output_field=MONEY)


def open_risks(**filters) -> QuerySet:
    return Risk.objects.filter(status__in=OPEN_RISK_STATUSES, **filters)


def weighted_at_risk(outer: str = "pk", **filters) -> Coalesce:
    """Per-account expression: the exposure of the account's open risks (matching
    `filters`) before the cap; `outer` names the outer query's account column."""
    return subtotal(open_risks(account=OuterRef(outer), **filters), exposure_value())


def _capped(amount, today: date):
    """Per-account expression: `amount`, at most the account's current ARR."""
    return Least(amount, current_arr(today), output_field=MONEY)


def arr_at_risk_per_account(today: date) -> Least:
    """Per-account expression: the account's ARR at risk (see the rules)."""
    return _capped(subtotal(open_risks(account=OuterRef("pk")), "arr_at_risk"), today)


def exposure_per_account(today: date, **filters) -> Least:
    """Per-account expression: the account's risk exposure (of the risks matching
    `filters`), at most its current ARR."""
    return _capped(weighted_at_risk(**filters), today)


def _account_totals(accounts: QuerySet, today: date, per_account) -> dict:
    """One query: the sum of `per_account` over `accounts`, with the uncapped sums and how
    many open risks and accounts at their cap went into it."""
    rows = accounts.annotate(
        r_capped=per_account,
        r_arr=current_arr(today),
        r_stated=subtotal(open_risks(account=OuterRef("pk")), "arr_at_risk"),
        r_weighted=weighted_at_risk(),
        r_risks=tally(open_risks(account=OuterRef("pk"))),
    )
    return rows.aggregate(
        value=Sum("r_capped"),
        stated=Sum("r_stated"),
        weighted=Sum("r_weighted"),
        risks=Sum("r_risks"),
        at_cap=Count("pk", filter=Q(r_stated__gt=F("r_arr"))),
        arr=Sum("r_arr"),
    )


def arr_at_risk(accounts: QuerySet, today: date | None = None) -> Figure:
    """The accounts' ARR that their open risks threaten, each account's at most its ARR."""
    today = today or clock.today()
    totals = _account_totals(accounts, today, arr_at_risk_per_account(today))
    return Figure(
        key="arr_at_risk",
        label="ARR at risk",
        value=(totals["value"] or ZERO).quantize(ZERO),
        unit=MONEY_UNIT,
        formula=AT_RISK_RULE,
        inputs={
            "open risks": totals["risks"] or 0,
            "ARR at risk as stated on the risks": totals["stated"] or ZERO,
            "current ARR": totals["arr"] or ZERO,
            "accounts whose risks state more than their ARR": totals["at_cap"],
        },
        breakdown=ranked(accounts, arr_at_risk_per_account(today)),
    )


def risk_exposure(accounts: QuerySet, today: date | None = None) -> Figure:
    """Probability-weighted ARR at risk over the accounts' open risks, each account's at
    most its ARR."""
    today = today or clock.today()
    totals = _account_totals(accounts, today, exposure_per_account(today))
    return Figure(
        key="risk_exposure",
        label="Risk exposure",
        value=(totals["value"] or ZERO).quantize(ZERO),
        unit=MONEY_UNIT,
        formula=EXPOSURE_RULE,
        inputs={
            "open risks": totals["risks"] or 0,
            "ARR at risk as stated on the risks": totals["stated"] or ZERO,
            "weighted before the cap": (totals["weighted"] or ZERO).quantize(ZERO),
            "current ARR": totals["arr"] or ZERO,
            "accounts whose risks state more than their ARR": totals["at_cap"],
        },
        breakdown=ranked(accounts, exposure_per_account(today)),
    )


@dataclass(frozen=True)
class CategoryExposure:
    category: str
    label: str
    exposure: Figure  # money
    share: Figure  # percent of the total exposure


def risk_concentration(accounts: QuerySet, today: date | None = None) -> list[CategoryExposure]:
    """Exposure per risk category (each account's at most its ARR) and its share of the
    categories' total, largest first. One query."""
    today = today or clock.today()
    rows = accounts.annotate(r_arr=current_arr(today)).annotate(
        **{
            f"r_x_{c}": Least(weighted_at_risk(category=c), F("r_arr"), output_field=MONEY)
            for c in RiskCategory.values
        },
        **{
            f"r_n_{c}": tally(open_risks(account=OuterRef("pk"), category=c))
            for c in RiskCategory.values
        },
    )
    totals = rows.aggregate(
        **{f"x_{c}": Sum(f"r_x_{c}") for c in RiskCategory.values},
        **{f"n_{c}": Sum(f"r_n_{c}") for c in RiskCategory.values},
    )
    total = sum(((totals[f"x_{c}"] or ZERO) for c in RiskCategory.values), ZERO).quantize(ZERO)
    result = []
    for category in RiskCategory:  # the nine categories, not the portfolio's rows
        exposure = (totals[f"x_{category.value}"] or ZERO).quantize(ZERO)
        inputs = {
            "open risks": totals[f"n_{category.value}"] or 0,
            "exposure": exposure,
            "total exposure": total,
        }
        breakdown = ranked(accounts, exposure_per_account(today, category=category))
        result.append(
            CategoryExposure(
                category=category.value,
                label=category.label,
                exposure=Figure(
                    key=f"risk_exposure_{category.value}",
                    label=f"Risk exposure: {category.label}",
                    value=exposure,
                    unit=MONEY_UNIT,
                    formula=f"{EXPOSURE_RULE}, for risks of the category “{category.label}”",
                    inputs=inputs,
                    breakdown=breakdown,
                ),
                share=Figure(
                    key=f"risk_share_{category.value}",
                    label=f"Share of risk exposure: {category.label}",
                    value=percent(exposure, total),
                    unit=PERCENT,
                    formula=f"exposure of “{category.label}” risks / the categories' exposure",
                    inputs=inputs,
                    reason="" if total else "no exposure: no open risk with ARR at risk",
                    breakdown=breakdown,
                ),
            )
        )
    result.sort(key=lambda row: row.exposure.value, reverse=True)
    return result
