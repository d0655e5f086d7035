"""Plan numbers: completeness per section, freshness and review cadence compliance.

Completeness: each section of a plan is complete when it meets its rule (listed in
`_sections` and stated by each section's Figure; open plays are at idea to closing, open
risks are open or mitigating, open actions are open or in progress). The history section
applies to customers only: a prospect's plan is measured on the other ten. An account's
completeness is the share of the sections that apply to it that are complete; for several
accounts, a section's figure is the share of the accounts whose plan meets it and the
overall figure is the average completeness.

Freshness: days from the later of the plan's last change (`Account.last_changed`) and its
latest review (on or before today) to today; for several accounts, the average. Plans
older than `Organisation.stale_plan_days` are counted as stale among the inputs.

Cadence compliance: the share of the accounts whose latest review is no older than
`Organisation.review_days(tier)` days for their tier (any review counts: this is the
weekly kind; insights.cadence has the figures of each kind). A plan never reviewed is
not compliant. The breakdown lists days overdue (days since the review - the tier's cadence),
the plans never reviewed first.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThanOrEqual

from keyplan.accounts.models import Contract, Relationship, RevenueYear, Tier
from keyplan.cadence.models import PlanReview, Touchpoint, TouchpointStatus
from keyplan.core import clock
from keyplan.core.formats import counted
from keyplan.growth.models import (
    OPEN_STAGES,
    Action,
    ActionStatus,
    BusinessUnit,
    CellStatus,
    Objective,
    ObjectiveStatus,
    Play,
    Product,
    ResourceRequest,
    WhitespaceCell,
)
from keyplan.insights.figures import DAYS, PERCENT, Figure, percent
from keyplan.insights.sql import DaysSince, ranked, sql_percent, tally, tenth
from keyplan.relationships.models import BuyingRole, Stakeholder, StakeholderStatus
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk, SwotItem, SwotKind
from keyplan.team.models import Organisation


def _of(model, **filters) -> QuerySet:
    return model.objects.filter(account=OuterRef("pk"), **filters)


def _has(model, **filters) -> Exists:
    return Exists(_of(model, **filters))


def _filled(*fields: str) -> Q:
    return Q(*(~Q(**{field: ""}) for field in fields))


def _sections(today: date, products: int) -> list[tuple[str, str, str, Q]]:
    """(key, label, rule in words, SQL condition on Account) for every section."""
    first_year = today.year - 3
    active = {"status": StakeholderStatus.ACTIVE}
    buyer = Q(role=BuyingRole.ECONOMIC_BUYER) | Q(secondary_role=BuyingRole.ECONOMIC_BUYER)
    champion = Q(role=BuyingRole.CHAMPION) | Q(secondary_role=BuyingRole.CHAMPION)
    cells = tally(_of(WhitespaceCell, product__active=True))
    units = tally(_of(BusinessUnit))
    objectives = tally(_of(Objective).exclude(status=ObjectiveStatus.DROPPED))
    open_risks = _of(Risk, status__in=OPEN_RISK_STATUSES)
    tied = Q(objective__isnull=False) | Q(play__isnull=False)
    open_action = Q(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS)) & tied
    return [
        (
            "profile",
            "Profile",
            "industry, annual revenue, employees and business priorities filled in",
            _filled("industry", "business_priorities")
            & Q(annual_revenue__isnull=False, employees__isnull=False),
        ),
        (
            "history",
            "History and contracts",
            f"customers: at least one contract and revenue for 3 of the years {first_year}"
            f"-{today.year}",
            Q(_has(Contract))
            & Q(
                GreaterThanOrEqual(
                    tally(_of(RevenueYear, year__gte=first_year, year__lte=today.year)), 3
                )
            ),
        ),
        (
            "stakeholders",
            "Stakeholder map",
            "at least 5 active stakeholders, among them an economic buyer and a champion",
            Q(GreaterThanOrEqual(tally(_of(Stakeholder, **active)), 5))
            & Q(Exists(_of(Stakeholder, **active).filter(buyer)))
            & Q(Exists(_of(Stakeholder, **active).filter(champion))),
        ),
        (
            "whitespace",
            "Whitespace",
            "a cell for every business unit x active product, and an estimate on every open cell",
            Q(GreaterThan(units, 0))
            & Q(Exact(cells, units * Value(products)))
            & ~Q(_has(WhitespaceCell, status=CellStatus.OPEN, estimated_value__isnull=True)),
        ),
        (
            "growth",
            "Growth plan",
            "a growth thesis, a target ARR and at least one open play",
            _filled("growth_thesis")
            & Q(target_arr__isnull=False)
            & Q(_has(Play, stage__in=OPEN_STAGES)),
        ),
        (
            "risks",
            "Risk register",
            "at least one open risk, and a mitigation on every open risk",
            Q(Exists(open_risks)) & ~Q(Exists(open_risks.filter(mitigation=""))),
        ),
        (
            "cadence",
            "Executive cadence",
            "an executive touchpoint planned in the next 90 days",
            Q(
                _has(
                    Touchpoint,
                    status=TouchpointStatus.PLANNED,
                    date__gte=today,
                    date__lte=today + timedelta(days=90),
                )
            ),
        ),
        (
            "resources",
            "Resources",
            "at least one resource request",
            Q(_has(ResourceRequest)),
        ),
        (
            "swot",
            "SWOT",
            "at least one item in each of the four quadrants",
            Q(*(_has(SwotItem, kind=kind) for kind in SwotKind.values)),
        ),
        (
            "objectives",
            "Objectives",
            "2 to 5 objectives (dropped ones left out)",
            Q(GreaterThanOrEqual(objectives, 2)) & Q(LessThanOrEqual(objectives, 5)),
        ),
        (
            "actions",
            "Action plan",
            "at least one open action tied to an objective or a play",
            Q(Exists(_of(Action).filter(open_action))),
        ),
    ]


PROSPECT = Q(relationship=Relationship.PROSPECT)


def _applies(key: str) -> Q:
    return ~PROSPECT if key == "history" else Q()


@dataclass(frozen=True)
class Completeness:
    overall: Figure  # percent of the applicable sections complete (average over accounts)
    sections: tuple[tuple[str, Figure], ...]  # (section key, share of accounts meeting it)


def with_completeness(accounts: QuerySet, today: date | None = None) -> QuerySet:
    """`accounts` annotated with `plan_<section>` (1 complete, 0 not, None: does not apply)
    and `plan_completeness` (percent of the applicable sections complete)."""
    today = today or clock.today()
    sections = _sections(today, Product.objects.filter(active=True).count())
    met = {
        f"plan_{key}": Case(
            *([When(PROSPECT, then=Value(None))] if key == "history" else []),
            When(condition, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for key, _, _, condition in sections
    }
    rows = accounts.annotate(**met)
    total = sum((Coalesce(F(name), Value(0)) for name in met), Value(0))
    applicable = Case(When(PROSPECT, then=Value(len(met) - 1)), default=Value(len(met)))
    return rows.annotate(plan_completeness=sql_percent(total, applicable))


def completeness(accounts: QuerySet, today: date | None = None) -> Completeness:
    """Plan completeness per section and overall (see the module's rules)."""
    today = today or clock.today()
    rows = with_completeness(accounts, today)
    sections = _sections(today, 0)  # only their keys, labels and rules are read here
    # Django writes each section's SQL into every aggregate that reads it: two per section.
    totals = rows.aggregate(
        n=Count("pk"),
        prospects=Count("pk", filter=PROSPECT),
        **{f"met_{key}": Sum(f"plan_{key}") for key, *_ in sections},
        **{f"prospect_{key}": Sum(f"plan_{key}", filter=PROSPECT) for key, *_ in sections},
    )
    for key, *_ in sections:
        totals[f"of_{key}"] = totals["n"] - (totals["prospects"] if key == "history" else 0)
    # The average of the plans' shares, from the section sums (customers are measured on
    # all the sections, prospects on one fewer), so each section is computed once.
    met_by_prospects = sum(totals[f"prospect_{key}"] or 0 for key, *_ in sections)
    met_by_customers = sum(totals[f"met_{key}"] or 0 for key, *_ in sections) - met_by_prospects
    average = None
    if totals["n"]:
        shares = Decimal(met_by_customers * 100) / len(sections)
        if met_by_prospects:
            shares += Decimal(met_by_prospects * 100) / (len(sections) - 1)
        average = shares / totals["n"]
    figures = tuple(
        (
            key,
            Figure(
                key=f"completeness_{key}",
                label=f"{label} complete",
                value=percent(totals[f"met_{key}"], totals[f"of_{key}"]),
                unit=PERCENT,
                formula=f"share of the plans with {rule}",
                inputs={"complete": totals[f"met_{key}"] or 0, "plans": totals[f"of_{key}"]},
                reason="" if totals[f"of_{key}"] else "no plan this section applies to",
                breakdown=ranked(rows.filter(_applies(key)), F(f"plan_{key}"), ascending=True),
            ),
        )
        for key, label, rule, _ in sections
    )
    overall = Figure(
        key="completeness",
        label="Plan completeness",
        value=tenth(average),
        unit=PERCENT,
        formula=(
            "complete sections / sections that apply (history: customers only), "
            "averaged over the plans"
        ),
        inputs={
            label: figure.value
            for (_, figure), (_, label, _, _) in zip(figures, sections, strict=True)
        },
        reason="" if totals["n"] else "no accounts",
        breakdown=ranked(rows, F("plan_completeness"), ascending=True),
    )
    return Completeness(overall=overall, sections=figures)


def _latest_review(today: date) -> Subquery:
    reviews = _of(PlanReview, date__lte=today).order_by("-date").values("date")[:1]
    return Subquery(reviews, output_field=DateField())


def plan_freshness(accounts: QuerySet, today: date | None = None) -> Figure:
    """Days since the plan last changed or was reviewed, whichever is later."""
    today = today or clock.today()
    stale_days = Organisation.current().stale_plan_days
    changed, reviewed = TruncDate("last_changed"), _latest_review(today)
    # GREATEST skips NULLs on PostgreSQL but not on SQLite: fill each side with the other.
    latest = Greatest(Coalesce(changed, reviewed), Coalesce(reviewed, changed))
    rows = accounts.annotate(fresh_on=latest).annotate(days=DaysSince(F("fresh_on"), today))
    totals = rows.aggregate(
        n=Count("pk"),
        known=Count("days"),
        average=Avg("days"),
        stale=Count("pk", filter=Q(days__gt=stale_days)),
    )
    return Figure(
        key="plan_freshness",
        label="Plan freshness",
        value=tenth(totals["average"]),
        unit=DAYS,
        formula="days since the later of the plan's last change and its latest review"
        + (", averaged over the plans" if totals["known"] > 1 else ""),
        inputs={
            "plans": totals["n"],
            f"stale (over {counted(stale_days, 'day')})": totals["stale"],
            "never changed or reviewed": totals["n"] - totals["known"],
        },
        reason="" if totals["known"] else "no change or review recorded",
        breakdown=ranked(rows, F("days")),
    )


def cadence_compliance(accounts: QuerySet, today: date | None = None) -> Figure:
    """Share of the plans reviewed within their tier's review cadence."""
    today = today or clock.today()
    organisation = Organisation.current()
    cadence = {tier: organisation.review_days(tier) for tier in Tier.values}
    due = Case(
        *(When(tier=tier, then=Value(days)) for tier, days in cadence.items()),
        default=Value(organisation.review_days(Tier.THREE)),
        output_field=IntegerField(),
    )
    rows = accounts.annotate(last_review=_latest_review(today), cadence_days=due).annotate(
        overdue_days=DaysSince(F("last_review"), today) - F("cadence_days")
    )
    totals = rows.aggregate(
        n=Count("pk"),
        compliant=Count("pk", filter=Q(overdue_days__lte=0)),
        never=Count("pk", filter=Q(last_review__isnull=True)),
    )
    breakdown = rows.annotate(contribution=F("overdue_days")).order_by(
        F("contribution").desc(nulls_first=True), "name", "pk"
    )
    return Figure(
        key="cadence_compliance",
        label="Review cadence compliance",
        value=percent(totals["compliant"], totals["n"]),
        unit=PERCENT,
        formula=(
            "plans whose latest review is at most the cadence of their tier old "
            f"(tier 1: {cadence[1]} days, tier 2: {cadence[2]}, tier 3: {cadence[3]}) / plans"
        ),
        inputs={
            "plans": totals["n"],
            "reviewed on time": totals["compliant"],
            "never reviewed": totals["never"],
        },
        reason="" if totals["n"] else "no accounts",
        breakdown=breakdown,
        breakdown_unit=DAYS,
    )
