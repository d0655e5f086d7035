"""Revenue numbers: retention (NRR and GRR), share of wallet, revenue growth, cost to
serve and profitability.

Rules
- Retention compares a base year with a later year (by default the last two complete
  calendar years) from revenue by year (`RevenueYear`). The cohort is the accounts with
  revenue above zero in the base year and a revenue row in the later year; a row of 0
  there is churn, while a missing row is missing data, so such accounts are left out.
  NRR = sum of later-year revenue / sum of base-year revenue;
  GRR = sum of min(later, base) / sum of base (expansion does not count, losses do).
- Share of wallet = current ARR / wallet estimate, over the accounts with a wallet estimate.
- Revenue growth in year Y = revenue in Y / revenue in Y-1 - 1, summed over the accounts;
  an account without a row for a year counts as 0 that year (new customers add growth,
  lost ones take it away).
- Cost to serve in a year = hours of solution engineering, customer success and executive
  time (delivered, or committed when nothing is delivered yet) x the organisation's hourly
  rate for that kind, plus marketing money as is. Requested-only and declined requests and
  roadmap dependencies cost nothing.
- Profitability = current ARR - cost to serve, in money and as a share of ARR.
Current ARR is the ARR of live contracts on `today` (insights.accounts).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from keyplan.accounts.models import Contract, RevenueYear
from keyplan.core import clock
from keyplan.growth.models import ResourceKind, ResourceRequest, ResourceStatus
from keyplan.insights.accounts import live_contracts
from keyplan.insights.figures import MONEY as MONEY_UNIT
from keyplan.insights.figures import PERCENT, Figure, percent
from keyplan.insights.sql import MONEY, ZERO, ranked, sql_percent, subtotal
from keyplan.team.models import Organisation


def current_arr(today: date) -> Coalesce:
    """Per-account expression: the ARR of the account's live contracts on `today`."""
    return subtotal(Contract.objects.filter(live_contracts(today), account=OuterRef("pk")), "arr")


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ValueError(f"The period ends ({end}) before it starts ({start}).")


# Retention -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    nrr: Figure
    grr: Figure


def _revenue_in(year: int) -> Subquery:
    rows = RevenueYear.objects.filter(account=OuterRef("pk"), year=year)
    return Subquery(rows.values("revenue")[:1], output_field=MONEY)


def retention(
    accounts: QuerySet, base_year: int | None = None, year: int | None = None
) -> Retention:
    """Net and gross revenue retention from `base_year` to `year` (default: the year after
    the base year; the base year defaults to the year before last)."""
    base_year = base_year if base_year is not None else clock.today().year - 2
    year = year if year is not None else base_year + 1
    if year <= base_year:
        raise ValueError(f"The year compared ({year}) must come after the base year ({base_year}).")
    cohort = accounts.annotate(base=_revenue_in(base_year), later=_revenue_in(year)).filter(
        base__gt=0, later__isnull=False
    )
    kept = Case(When(later__lt=F("base"), then=F("later")), default=F("base"), output_field=MONEY)
    totals = cohort.aggregate(
        base_total=Sum("base"), later_total=Sum("later"), kept_total=Sum(kept), n=Count("pk")
    )
    inputs = {
        "base year": base_year,
        "year": year,
        "accounts": totals["n"],
        f"revenue {base_year}": totals["base_total"] or ZERO,
        f"revenue {year}": totals["later_total"] or ZERO,
        f"kept revenue {year}": totals["kept_total"] or ZERO,
    }
    reason = "" if totals["n"] else f"no revenue history for {base_year} and {year}"
    nrr = Figure(
        key="nrr",
        label="Net revenue retention",
        value=percent(totals["later_total"], totals["base_total"]),
        unit=PERCENT,
        formula=(
            f"revenue in {year} / revenue in {base_year}, over the accounts with revenue in "
            f"{base_year} and a revenue figure for {year} (0 there is churn)"
        ),
        inputs=inputs,
        reason=reason,
        breakdown=ranked(cohort, F("later") - F("base"), ascending=True),
    )
    grr = Figure(
        key="grr",
        label="Gross revenue retention",
        value=percent(totals["kept_total"], totals["base_total"]),
        unit=PERCENT,
        formula=(
            f"sum over the same accounts of the lower of the {year} and {base_year} revenue "
            f"/ revenue in {base_year}: losses count, expansion does not"
        ),
        inputs=inputs,
        reason=reason,
        breakdown=ranked(cohort, F("base") - kept),
    )
    return Retention(nrr=nrr, grr=grr)


def revenue_growth(accounts: QuerySet, year: int | None = None) -> Figure:
    """Revenue in `year` (default: last year) against the year before, in percent."""
    year = year if year is not None else clock.today().year - 1
    rows = RevenueYear.objects.filter(account__in=accounts.values("pk"), year__in=(year - 1, year))
    totals = rows.aggregate(
        before=Sum("revenue", filter=Q(year=year - 1)), after=Sum("revenue", filter=Q(year=year))
    )
    before, after = totals["before"], totals["after"]
    reason = ""
    if not before:
        reason = f"no revenue history for {year - 1}"
    elif after is None:
        reason = f"no revenue recorded for {year}"
    change = percent((after or 0) - before, before) if not reason else None
    contribution = _revenue_or_zero(year) - _revenue_or_zero(year - 1)
    return Figure(
        key="revenue_growth",
        label=f"Revenue growth {year}",
        value=change,
        unit=PERCENT,
        formula=(
            f"(revenue in {year} - revenue in {year - 1}) / revenue in {year - 1}; "
            "an account without a figure for a year counts as 0 that year"
        ),
        inputs={f"revenue {year - 1}": before or ZERO, f"revenue {year}": after or ZERO},
        reason=reason,
        breakdown=ranked(accounts, contribution, ascending=True),
    )


def _revenue_or_zero(year: int) -> Coalesce:
    return Coalesce(_revenue_in(year), Value(ZERO), output_field=MONEY)


def share_of_wallet(accounts: QuerySet, today: date | None = None) -> Figure:
    """Current ARR as a share of the wallet estimate (their spend in our category)."""
    today = today or clock.today()
    rows = accounts.filter(wallet_estimate__gt=0).annotate(arr=current_arr(today))
    totals = rows.aggregate(arr_total=Sum("arr"), wallet=Sum("wallet_estimate"), n=Count("pk"))
    return Figure(
        key="share_of_wallet",
        label="Share of wallet",
        value=percent(totals["arr_total"], totals["wallet"]),
        unit=PERCENT,
        formula="current ARR / wallet estimate, over the accounts with a wallet estimate",
        inputs={
            "accounts with a wallet estimate": totals["n"],
            "current ARR": totals["arr_total"] or ZERO,
            "wallet estimate": totals["wallet"] or ZERO,
        },
        reason="" if totals["n"] else "no wallet estimate",
        breakdown=ranked(rows, sql_percent(F("arr"), F("wallet_estimate"))),
    )


# Cost to serve and profitability ------------------------------------------------------------

HOURLY_RATES = {
    ResourceKind.SOLUTION_ENGINEERING: "se_hour_rate",
    ResourceKind.CUSTOMER_SUCCESS: "cs_hour_rate",
    ResourceKind.EXECUTIVE: "exec_hour_rate",
}
COSTED_KINDS = (*HOURLY_RATES, ResourceKind.MARKETING)
COST_RULE = (
    "hours (delivered, else committed) x the hourly rate of their kind, "
    "plus marketing money delivered, else committed"
)


def _resources(year: int) -> QuerySet:
    """The resource requests that cost something in `year`."""
    return ResourceRequest.objects.filter(year=year, kind__in=COSTED_KINDS).exclude(
        status=ResourceStatus.DECLINED
    )


def _amount() -> Coalesce:
    return Coalesce("delivered", "committed")


def _rates(organisation: Organisation) -> dict[str, Decimal]:
    rates = {kind: getattr(organisation, field) for kind, field in HOURLY_RATES.items()}
    return {**rates, ResourceKind.MARKETING: Decimal(1)}


def cost_expression(organisation: Organisation) -> Case:
    """The cost of one resource request row, in SQL."""
    return Case(
        *(
            When(kind=kind, then=_amount() * Value(rate))
            for kind, rate in _rates(organisation).items()
        ),
        default=Value(ZERO),
        output_field=MONEY,
    )


def cost_per_account(year: int, organisation: Organisation) -> Coalesce:
    """Per-account expression: the cost to serve the account in `year`."""
    rows = _resources(year).filter(account=OuterRef("pk"))
    return subtotal(rows, cost_expression(organisation))


def cost_to_serve(accounts: QuerySet, year: int | None = None) -> Figure:
    """What serving the accounts costs in `year` (default: this year)."""
    year = year if year is not None else clock.today().year
    organisation = Organisation.current()
    rates = _rates(organisation)
    rows = _resources(year).filter(account__in=accounts.values("pk"))
    sums = rows.aggregate(
        counted=Count("pk", filter=Q(delivered__isnull=False) | Q(committed__isnull=False)),
        **{str(kind): Sum(_amount(), filter=Q(kind=kind)) for kind in COSTED_KINDS},
    )
    # Four fixed kinds: the rates are applied here to the sums SQL returned.
    total = sum(((sums[str(kind)] or 0) * rate for kind, rate in rates.items()), ZERO)
    inputs = {f"{ResourceKind(kind).label}": sums[str(kind)] or ZERO for kind in COSTED_KINDS}
    inputs.update({f"{ResourceKind(kind).label} rate": rates[kind] for kind in HOURLY_RATES})
    return Figure(
        key="cost_to_serve",
        label=f"Cost to serve {year}",
        value=total.quantize(ZERO) if sums["counted"] else None,
        unit=MONEY_UNIT,
        formula=COST_RULE,
        inputs=inputs,
        reason="" if sums["counted"] else f"no committed or delivered resources for {year}",
        breakdown=ranked(accounts, cost_per_account(year, organisation)),
    )


@dataclass(frozen=True)
class Profitability:
    profit: Figure  # ARR - cost to serve, money
    margin: Figure  # profit / ARR, percent


def profitability(
    accounts: QuerySet, year: int | None = None, today: date | None = None
) -> Profitability:
    """Current ARR minus the cost to serve in `year` (default: this year)."""
    today = today or clock.today()
    year = year if year is not None else today.year
    rows = accounts.annotate(
        arr=current_arr(today), cost=cost_per_account(year, Organisation.current())
    )
    totals = rows.aggregate(arr_total=Sum("arr"), cost_total=Sum("cost"))
    arr = (totals["arr_total"] or ZERO).quantize(ZERO)
    cost = (totals["cost_total"] or ZERO).quantize(ZERO)
    profit = arr - cost if arr or cost else None
    inputs = {"current ARR": arr, f"cost to serve {year}": cost}
    breakdown = ranked(rows, F("arr") - F("cost"), ascending=True)
    return Profitability(
        profit=Figure(
            key="profit",
            label="Profit after cost to serve",
            value=profit,
            unit=MONEY_UNIT,
            formula=f"current ARR - cost to serve in {year} ({COST_RULE})",
            inputs=inputs,
            reason="" if profit is not None else "no ARR and no cost to serve",
            breakdown=breakdown,
        ),
        margin=Figure(
            key="margin",
            label="Margin after cost to serve",
            value=percent(profit, arr),
            unit=PERCENT,
            formula=f"(current ARR - cost to serve in {year}) / current ARR",
            inputs=inputs,
            reason="" if arr else "no ARR",
            breakdown=breakdown,
        ),
    )
