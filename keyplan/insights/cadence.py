"""Review cadence: which plan reviews are due or overdue, per account and kind of
review, and how well the portfolio keeps to its cadence.

Each tier expects a review of each kind (cadence.ReviewKind) every so many days,
set by an administrator (`Organisation.review_cadence(tier)`; by default tier 1:
weekly 7, monthly 30, quarterly 90, annual 365; tier 2: 30, 30, 90, 365; tier 3:
90, none, 90, 365). A review of one kind counts for the lighter kinds too: a
quarterly review is also that month's and that week's review.

For an account and a kind its tier expects:
- last: the latest review of that kind or a heavier one, on or before today;
- late: days from `last` (from the plan's creation when it has none) to today, less
  the tier's days for the kind. Overdue when late > 0 ("more than N days" fires on
  day N + 1, as the alerts do); due within D days when late >= -D.
The review due for an account is the heaviest kind that is overdue or due soon, so
one review settles everything due at once.

Compliance for a kind: the share of the plans whose tier expects that kind whose
latest review of it (or a heavier one) is no older than the tier's days; a plan never
given one is not compliant (as in plans.cadence_compliance, which is the weekly kind:
any review at all). Overdue reviews: the plans with at least one kind overdue.
Everything is one SQL query per figure or list, whatever the number of accounts.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate

from keyplan.accounts.models import Tier
from keyplan.cadence.models import PlanReview, ReviewKind
from keyplan.core import clock, formats
from keyplan.insights.figures import COUNT, DAYS, PERCENT, Figure, percent
from keyplan.insights.sql import DaysSince
from keyplan.team.models import REVIEW_KINDS, Organisation

KINDS: tuple[str, ...] = tuple(ReviewKind.values)
assert KINDS == REVIEW_KINDS, "team.REVIEW_KINDS must list cadence.ReviewKind in order"
# Reviews falling due within this many days are done in this week's review.
DUE_SOON_DAYS = 3
NOT_EXPECTED = -1_000_000  # stands in for "no cadence" where SQL needs a number

# What each kind of review covers, as a KAM says it.
COVERS = {
    "weekly": "actions, plays and risks",
    "monthly": "the stakeholder map and heat map",
    "quarterly": "the whole plan and the QBR",
    "annual": "a rewrite of the plan",
}


def schedule(organisation: Organisation | None = None) -> dict[int, dict[str, int | None]]:
    """Tier -> kind -> days between reviews (None: not expected)."""
    organisation = organisation or Organisation.current()
    return {tier: organisation.review_cadence(tier) for tier in Tier.values}


def _every(kind: str, days: dict[int, dict[str, int | None]]) -> Cast:
    # Cast: PostgreSQL types a CASE of NULLs only (no tier expects the kind) as text.
    return Cast(
        Case(
            *(
                When(tier=tier, then=Value(days[tier][kind], output_field=IntegerField()))
                for tier in (1, 2)
            ),
            default=Value(days[3][kind], output_field=IntegerField()),
            output_field=IntegerField(),
        ),
        IntegerField(),
    )


def _last(kind: str, today: date) -> Subquery:
    reviews = PlanReview.objects.filter(
        account=OuterRef("pk"), kind__in=ReviewKind.covering(kind), date__lte=today
    )
    return Subquery(reviews.order_by("-date").values("date")[:1], output_field=DateField())


def fields(kind: str) -> tuple[str, str, str]:
    """The annotations `with_review_state` adds for `kind`: last, every, late."""
    return f"review_{kind}_last", f"review_{kind}_every", f"review_{kind}_late"


STATE_FIELDS = (
    "tier",
    "review_created_on",
    "review_late",
    *(name for kind in KINDS for name in fields(kind)),
)


def with_review_state(
    accounts: QuerySet, today: date | None = None, organisation: Organisation | None = None
) -> QuerySet:
    """`accounts` annotated, for each kind, with `review_<kind>_last` (date or None),
    `review_<kind>_every` (days, None when the tier expects none) and
    `review_<kind>_late` (days past due; negative: due in that many days), and with
    `review_late`, the largest of them."""
    today = today or clock.today()
    days = schedule(organisation)
    rows = accounts.annotate(review_created_on=TruncDate("created_at"))
    for kind in KINDS:
        last, every, late = fields(kind)
        rows = rows.annotate(**{last: _last(kind, today), every: _every(kind, days)})
        since = Coalesce(F(last), F("review_created_on"))
        rows = rows.annotate(**{late: DaysSince(since, today) - F(every)})
    most = [Coalesce(F(fields(kind)[2]), Value(NOT_EXPECTED)) for kind in KINDS]
    return rows.annotate(review_late=Greatest(*most))


@dataclass(frozen=True)
class Due:
    """One kind of review for one account, read from `with_review_state`."""

    kind: str
    every: int  # days between reviews of this kind for the account's tier
    last: date | None  # the latest review of this kind or a heavier one
    late: int  # days past due (> 0 overdue); negative: due in that many days
    today: date

    @property
    def label(self) -> str:
        return ReviewKind(self.kind).label

    @property
    def name(self) -> str:
        return f"{self.kind} review"

    @property
    def covers(self) -> str:
        return COVERS[self.kind]

    @property
    def overdue(self) -> bool:
        return self.late > 0

    @property
    def due_on(self) -> date:
        return self.today - timedelta(days=self.late)

    @property
    def days(self) -> int:
        """Days overdue, or days until due."""
        return abs(self.late)

    def soon(self, within: int = DUE_SOON_DAYS) -> bool:
        return self.late >= -within


def _get(row, name):
    return row[name] if isinstance(row, dict) else getattr(row, name)


def dues(row, today: date | None = None) -> list[Due]:
    """The kinds the row's tier expects, lightest first, from an annotated row (an
    Account from `with_review_state` or a dict of its values)."""
    today = today or clock.today()
    found = []
    for kind in KINDS:
        last, every, late = (_get(row, name) for name in fields(kind))
        if every is not None:
            found.append(Due(kind, every, last, late, today))
    return found


def review_due(row, today: date | None = None, within: int = DUE_SOON_DAYS) -> Due | None:
    """The review to hold now: the heaviest kind overdue or due within `within` days."""
    due = [d for d in dues(row, today) if d.soon(within)]
    return due[-1] if due else None


def due_reviews(
    accounts: QuerySet,
    today: date | None = None,
    within: int = 0,
    organisation: Organisation | None = None,
) -> QuerySet:
    """The accounts with a review overdue (or, with `within`, due in that many days),
    the most overdue first, annotated as by `with_review_state`."""
    rows = with_review_state(accounts, today, organisation)
    return rows.filter(review_late__gte=-within if within else 1).order_by(
        F("review_late").desc(), "tier", "name", "pk"
    )


def compliance_by_kind(
    accounts: QuerySet, today: date | None = None, organisation: Organisation | None = None
) -> list[Figure]:
    """Per kind of review, the share of the plans expecting it that had it on time."""
    today = today or clock.today()
    organisation = organisation or Organisation.current()
    days = schedule(organisation)
    rows = with_review_state(accounts, today, organisation)
    counted = {}
    for kind in KINDS:
        last, every, late = fields(kind)
        expected = Q(**{f"{every}__isnull": False})
        counted[f"{kind}_plans"] = Count("pk", filter=expected)
        counted[f"{kind}_on_time"] = Count(
            "pk", filter=expected & Q(**{f"{last}__isnull": False, f"{late}__lte": 0})
        )
        counted[f"{kind}_never"] = Count("pk", filter=expected & Q(**{f"{last}__isnull": True}))
    totals = rows.aggregate(**counted)
    figures = []
    for kind in KINDS:
        last, every, late = fields(kind)
        cadence = ", ".join(
            f"tier {tier}: {formats.counted(every, 'day') if every is not None else 'none'}"
            for tier in Tier.values
            for every in [days[tier][kind]]
        )
        heavier = [k for k in ReviewKind.covering(kind) if k != kind]
        counts_too = f" (a {' or '.join(heavier)} review counts too)" if heavier else ""
        plans = totals[f"{kind}_plans"]
        figures.append(
            Figure(
                key=f"cadence_{kind}",
                label=f"{kind.capitalize()} reviews on time",
                value=percent(totals[f"{kind}_on_time"], plans),
                unit=PERCENT,
                formula=(
                    f"plans whose latest {kind} review{counts_too} is at most their tier's "
                    f"{kind} cadence old ({cadence}) / plans whose tier expects one"
                ),
                inputs={
                    "plans expecting it": plans,
                    "on time": totals[f"{kind}_on_time"],
                    "never given one": totals[f"{kind}_never"],
                },
                reason="" if plans else f"no plan's tier expects a {kind} review",
                breakdown=rows.filter(**{f"{every}__isnull": False})
                .annotate(contribution=F(late))
                .order_by(F(last).asc(nulls_first=True), F(late).desc(), "name", "pk"),
                breakdown_unit=DAYS,
            )
        )
    return figures


def kind_compliance(kind: str, accounts: QuerySet, today: date | None = None) -> Figure:
    """The compliance figure of one kind of review (see compliance_by_kind)."""
    return compliance_by_kind(accounts, today)[KINDS.index(kind)]


def reviews_overdue(
    accounts: QuerySet, today: date | None = None, organisation: Organisation | None = None
) -> Figure:
    """How many plans have a review of some kind overdue."""
    today = today or clock.today()
    rows = with_review_state(accounts, today, organisation)
    totals = rows.aggregate(
        n=Count("pk"),
        overdue=Count("pk", filter=Q(review_late__gt=0)),
        **{kind: Count("pk", filter=Q(**{f"{fields(kind)[2]}__gt": 0})) for kind in KINDS},
    )
    return Figure(
        key="reviews_overdue",
        label="Plans with a review overdue",
        value=totals["overdue"],
        unit=COUNT,
        formula=(
            "plans with a review of some kind (weekly, monthly, quarterly, annual) older than "
            "their tier's cadence for it; a plan never reviewed counts from its creation"
        ),
        inputs={
            "plans": totals["n"],
            **{f"{kind} review overdue": totals[kind] for kind in KINDS},
        },
        reason="" if totals["n"] else "no accounts",
        breakdown=rows.annotate(contribution=F("review_late")).order_by(
            F("review_late").desc(), "name", "pk"
        ),
        breakdown_unit=DAYS,
    )


@dataclass(frozen=True)
class Cadence:
    """The dashboard's view of the cadence: compliance per kind, the overdue count and
    the most overdue plans."""

    by_kind: list[Figure]
    overdue: Figure
    most_overdue: list  # Accounts (owner loaded) annotated by with_review_state

    def overdue_rows(self) -> list[tuple[object, list[Due]]]:
        """(account, its overdue kinds heaviest first) for the most overdue plans."""
        return [
            (account, [d for d in reversed(dues(account)) if d.overdue])
            for account in self.most_overdue
        ]


def cadence(accounts: QuerySet, today: date | None = None, *, shown: int = 10) -> Cadence:
    today = today or clock.today()
    organisation = Organisation.current()
    most = due_reviews(accounts.select_related("owner"), today, organisation=organisation)
    return Cadence(
        by_kind=compliance_by_kind(accounts, today, organisation),
        overdue=reviews_overdue(accounts, today, organisation),
        most_overdue=list(most[:shown]),
    )
