"""Relationship numbers: coverage of key stakeholders, multithread depth, single-threaded
accounts, red dots on the heat map and their month-over-month trajectory.

Rules
- Only active stakeholders count (not those who left the company).
- A key stakeholder is active and has priority "primary" or power "high".
- Covered: a meaningful interaction with the stakeholder (through the interaction's
  participants) dated within `Organisation.coverage_days` up to and including `today`.
  Coverage = covered key stakeholders / key stakeholders, over all the accounts.
  Someone new is not yet due: a key stakeholder never met who has been on the map
  (`on_map_since`: the CRM's created date when imported, else when added) for less
  than the window counts in neither (a person added today is not "not met").
- Multithread depth of an account = its active stakeholders at warm or champion strength;
  for several accounts the average, with the distribution over 0-1, 2-3 and 4 or more.
- Single-threaded: an account whose depth is at most one (no stakeholders: zero).
- Red dots: active stakeholders whose heat-map colour is red (relationships.heatmap).
  The trajectory compares them with the stakeholder map as it stood one calendar month
  earlier, read from the stakeholders' history in SQL (the latest history row of each
  stakeholder up to that moment, deleted ones left out).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from keyplan.core import clock
from keyplan.core.choices import Level
from keyplan.core.clock import month_before
from keyplan.insights.figures import COUNT, PERCENT, RATIO, Figure, percent, ratio
from keyplan.insights.sql import ranked, sql_percent, tally, tenth
from keyplan.relationships.heatmap import RED, RULE, colour_expression
from keyplan.relationships.models import (
    InteractionStakeholder,
    Priority,
    Stakeholder,
    StakeholderStatus,
    Strength,
)
from keyplan.team.models import Organisation

ACTIVE = Q(status=StakeholderStatus.ACTIVE)
KEY = ACTIVE & (Q(priority=Priority.PRIMARY) | Q(power=Level.HIGH))
THREADED = ACTIVE & Q(strength__gte=Strength.WARM)
KEY_RULE = "active stakeholders with priority primary or power high"
DEPTH_BUCKETS = (("0-1", 0, 1), ("2-3", 2, 3), ("4+", 4, None))


def met_since(since: date, today: date) -> Exists:
    """Per-stakeholder condition: a meaningful interaction between `since` and `today`."""
    return Exists(
        InteractionStakeholder.objects.filter(
            stakeholder=OuterRef("pk"),
            interaction__meaningful=True,
            interaction__date__gte=since,
            interaction__date__lte=today,
        )
    )


def _met(since: date, today: date) -> dict:
    """Annotations: `met` in the window from `since`, and `ever` met."""
    return {"met": met_since(since, today), "ever": met_since(date.min, today)}


# On stakeholders annotated by _met: those coverage counts, on the map since the window's
# first day or earlier, or met at some time (only the never met are new).
def due(since: date) -> Q:
    return Q(on_map_since__lte=since) | Q(ever=True)


def key_stakeholders(today: date, days: int, **where) -> QuerySet:
    """The key stakeholders coverage counts (see `due`), annotated `met` in the window."""
    since = today - timedelta(days=days)
    key = Stakeholder.objects.filter(KEY, **where).annotate(**_met(since, today))
    return key.filter(due(since))


def coverage_counts(today: date, days: int) -> tuple:
    """Per-account expressions: (key stakeholders, covered key stakeholders)."""
    key = key_stakeholders(today, days, account=OuterRef("pk"))
    return tally(key), tally(key.filter(met=True))


def coverage(accounts: QuerySet, today: date | None = None) -> Figure:
    """Share of key stakeholders met meaningfully within the coverage window."""
    today = today or clock.today()
    days = Organisation.current().coverage_days
    since = today - timedelta(days=days)
    totals = (
        Stakeholder.objects.filter(KEY, account__in=accounts.values("pk"))
        .annotate(**_met(since, today))
        .aggregate(
            key=Count("pk", filter=due(since)),
            covered=Count("pk", filter=Q(met=True)),
            new=Count("pk", filter=~due(since)),
        )
    )
    key, covered = coverage_counts(today, days)
    rows = accounts.annotate(key_stakeholders=key, covered_stakeholders=covered)
    return Figure(
        key="coverage",
        label="Relationship coverage",
        value=percent(totals["covered"], totals["key"]),
        unit=PERCENT,
        formula=(
            f"key stakeholders ({KEY_RULE}) with a meaningful interaction in the last "
            f"{days} days / key stakeholders, leaving out those never met and on the map for "
            f"less than {days} days"
        ),
        inputs={
            "key stakeholders": totals["key"],
            "covered": totals["covered"],
            "new, never met": totals["new"],
            "window (days)": days,
            "since": since,
        },
        reason="" if totals["key"] else "no key stakeholders",
        breakdown=ranked(
            rows, sql_percent(F("covered_stakeholders"), F("key_stakeholders")), ascending=True
        ),
    )


def depth_expression() -> Coalesce:
    """Per-account expression: active stakeholders at warm or champion strength."""
    return tally(Stakeholder.objects.filter(THREADED, account=OuterRef("pk")))


def _bucket(low: int, high: int | None) -> Q:
    return Q(depth__gte=low) & (Q(depth__lte=high) if high is not None else Q())


@dataclass(frozen=True)
class Depth:
    depth: Figure  # average depth (one account: its depth)
    distribution: tuple[tuple[str, Figure], ...]  # accounts per depth bucket


def multithread_depth(accounts: QuerySet) -> Depth:
    """Stakeholders at warm or champion strength per account, and their distribution."""
    rows = accounts.annotate(depth=depth_expression())
    totals = rows.aggregate(
        n=Count("pk"),
        threads=Sum("depth"),
        **{label: Count("pk", filter=_bucket(low, high)) for label, low, high in DEPTH_BUCKETS},
    )
    depth = Figure(
        key="multithread_depth",
        label="Multithread depth",
        value=tenth(ratio(totals["threads"], totals["n"])),
        unit=RATIO,
        formula="active stakeholders at warm or champion strength, averaged over the accounts",
        inputs={"accounts": totals["n"], "warm or champion stakeholders": totals["threads"] or 0},
        reason="" if totals["n"] else "no accounts",
        breakdown=ranked(rows, F("depth"), ascending=True),
    )
    distribution = tuple(
        (
            label,
            Figure(
                key=f"depth_{label}",
                label=f"Accounts with {label} warm or champion stakeholders",
                value=totals[label],
                unit=COUNT,
                formula=f"accounts whose warm or champion active stakeholders number {label}",
                inputs={"accounts": totals["n"]},
                breakdown=ranked(rows.filter(_bucket(low, high)), F("depth"), ascending=True),
            ),
        )
        for label, low, high in DEPTH_BUCKETS
    )
    return Depth(depth=depth, distribution=distribution)


def single_threaded(accounts: QuerySet) -> Figure:
    """Accounts with at most one warm or champion active stakeholder."""
    rows = accounts.annotate(depth=depth_expression())
    totals = rows.aggregate(n=Count("pk"), single=Count("pk", filter=Q(depth__lte=1)))
    return Figure(
        key="single_threaded",
        label="Single-threaded accounts",
        value=totals["single"],
        unit=COUNT,
        formula="accounts with at most one active stakeholder at warm or champion strength",
        inputs={"accounts": totals["n"], "share": percent(totals["single"], totals["n"])},
        reason="" if totals["n"] else "no accounts",
        breakdown=ranked(rows.filter(depth__lte=1), F("depth"), ascending=True),
    )


# Red dots ---------------------------------------------------------------------------------


def _red(stakeholders: QuerySet) -> QuerySet:
    """Active stakeholders of `stakeholders` (live rows or history) coloured red."""
    return stakeholders.filter(ACTIVE).annotate(colour=colour_expression()).filter(colour=RED)


def _as_of(moment: datetime | None) -> QuerySet:
    return Stakeholder.objects.all() if moment is None else Stakeholder.history.as_of(moment)


def red_dots_at(moment: datetime | None = None) -> Coalesce:
    """Per-account expression: red dots now (None) or as the map stood at `moment`."""
    return tally(_red(_as_of(moment).filter(account_id=OuterRef("pk"))), by="account_id")


def _count_red(accounts: QuerySet, moment: datetime | None) -> int:
    return _red(_as_of(moment).filter(account_id__in=accounts.values("pk"))).count()


def red_dots(accounts: QuerySet) -> Figure:
    """Stakeholders shown red on the heat map now."""
    rows = Stakeholder.objects.filter(ACTIVE, account__in=accounts.values("pk"))
    totals = rows.annotate(colour=colour_expression()).aggregate(
        on_map=Count("pk"), red=Count("pk", filter=Q(colour=RED))
    )
    return Figure(
        key="red_dots",
        label="Red dots",
        value=totals["red"],
        unit=COUNT,
        formula=f"active stakeholders coloured red on the heat map ({RULE})",
        inputs={"stakeholders on the map": totals["on_map"]},
        breakdown=ranked(accounts, red_dots_at(None)),
    )


@dataclass(frozen=True)
class Trajectory:
    now: Figure
    before: Figure
    change: Figure  # now - before: positive means more red dots


def red_dot_trajectory(accounts: QuerySet, now: datetime | None = None) -> Trajectory:
    """Red dots now (or as of `now`) against one calendar month earlier, from history."""
    moment = now or clock.now()
    earlier = month_before(moment)
    current, past = _count_red(accounts, now), _count_red(accounts, earlier)
    rule = f"active stakeholders coloured red on the heat map ({RULE})"
    change_per_account = red_dots_at(now) - red_dots_at(earlier)
    return Trajectory(
        now=Figure(
            key="red_dots_now",
            label="Red dots now",
            value=current,
            unit=COUNT,
            formula=rule,
            inputs={"as of": moment},
            breakdown=ranked(accounts, red_dots_at(now)),
        ),
        before=Figure(
            key="red_dots_month_ago",
            label="Red dots a month ago",
            value=past,
            unit=COUNT,
            formula=f"{rule}, as the stakeholder map stood one month earlier (from history)",
            inputs={"as of": earlier},
            breakdown=ranked(accounts, red_dots_at(earlier)),
        ),
        change=Figure(
            key="red_dots_change",
            label="Change in red dots over a month",
            value=current - past,
            unit=COUNT,
            formula="red dots now - red dots one month earlier (positive: more red)",
            inputs={"now": current, "a month ago": past, "since": earlier},
            breakdown=ranked(accounts, change_per_account),
        ),
    )
