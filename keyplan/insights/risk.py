"""Risk numbers: exposure and its concentration by category.

Rules
- Open risks are those open or being mitigated (closed and realised ones are out).
- Exposure of a risk = its ARR at risk x a weight for its probability:
  low 0.2, medium 0.5, high 0.8. Impact does not weigh in: ARR at risk already says
  how much is at stake.
- Exposure of accounts = the sum over their open risks.
- Concentration: exposure per risk category, and each category's share of the total.
"""

from dataclasses import dataclass
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
from django.db.models.functions import Coalesce

from keyplan.core.choices import Level
from keyplan.insights.figures import MONEY as MONEY_UNIT
from keyplan.insights.figures import PERCENT, Figure, percent
from keyplan.insights.sql import MONEY, ZERO, ranked, subtotal
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk, RiskCategory

PROBABILITY_WEIGHTS = {
    Level.LOW: Decimal("0.2"),
    Level.MEDIUM: Decimal("0.5"),
    Level.HIGH: Decimal("0.8"),
}
WEIGHT = DecimalField(max_digits=3, decimal_places=2)
EXPOSURE_RULE = (
    "ARR at risk of open risks (open or mitigating) x probability weight ("
    + ", ".join(f"{Level(p).label.lower()} {w}" for p, w in PROBABILITY_WEIGHTS.items())
    + ")"
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


def exposure_per_account(outer: str = "pk", **filters) -> Coalesce:
    """Per-account expression: the exposure of the account's open risks (matching `filters`);
    `outer` names the outer query's account column."""
    return subtotal(open_risks(account=OuterRef(outer), **filters), exposure_value())


def risk_exposure(accounts: QuerySet) -> Figure:
    """Probability-weighted ARR at risk over the accounts' open risks."""
    totals = open_risks(account__in=accounts.values("pk")).aggregate(
        exposure=Sum(exposure_value()), at_risk=Sum("arr_at_risk"), risks=Count("pk")
    )
    return Figure(
        key="risk_exposure",
        label="Risk exposure",
        value=(totals["exposure"] or ZERO).quantize(ZERO),
        unit=MONEY_UNIT,
        formula=EXPOSURE_RULE,
        inputs={"open risks": totals["risks"], "ARR at risk": totals["at_risk"] or ZERO},
        breakdown=ranked(accounts, exposure_per_account()),
    )


@dataclass(frozen=True)
class CategoryExposure:
    category: str
    label: str
    exposure: Figure  # money
    share: Figure  # percent of the total exposure


def risk_concentration(accounts: QuerySet) -> list[CategoryExposure]:
    """Exposure per risk category and its share of all exposure, largest first."""
    rows = open_risks(account__in=accounts.values("pk"))
    totals = rows.aggregate(
        total=Sum(exposure_value()),
        **{f"x_{c}": Sum(exposure_value(), filter=Q(category=c)) for c in RiskCategory.values},
        **{f"n_{c}": Count("pk", filter=Q(category=c)) for c in RiskCategory.values},
    )
    total = (totals["total"] or ZERO).quantize(ZERO)
    result = []
    for category in RiskCategory:  # the nine categories, not the portfolio's rows
        exposure = (totals[f"x_{category.value}"] or ZERO).quantize(ZERO)
        inputs = {
            "open risks": totals[f"n_{category.value}"],
            "exposure": exposure,
            "total exposure": total,
        }
        breakdown = ranked(accounts, exposure_per_account(category=category))
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
                    formula=f"exposure of “{category.label}” risks / exposure of all open risks",
                    inputs=inputs,
                    reason="" if total else "no exposure: no open risk with ARR at risk",
                    breakdown=breakdown,
                ),
            )
        )
    result.sort(key=lambda row: row.exposure.value, reverse=True)
    return result
