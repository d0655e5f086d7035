"""Early warnings on account plans (DESIGN.md §3): named rules, each run in SQL.

The rules in their fixed order, with their severity; thresholds come from
`Organisation` (defaults in brackets), and "more than N days" fires on day N + 1.
- single_threaded (high): at most one active stakeholder is warm or champion.
- champion_left (high): a champion (role, secondary role or strength) has left the
  company and no active champion has replaced them.
- buyer_cold (high): an active economic buyer (role or secondary role) not met
  meaningfully for more than `cold_buyer_days` [60]; never met counts from being on the
  map (`on_map_since`: the CRM's created date when imported, else when added).
- red_dot (medium): an active stakeholder the heat map colours red.
- renewal_unprepared (high): a live contract ends within `renewal_window_days` [90]
  and no executive touchpoint (planned or held) is dated in that window before its end.
- overdue_action (medium): an open or in-progress action past its due date.
- untied_action (medium): an open or in-progress action with no objective and no play.
- stale_plan (medium): no change (`Account.last_changed`) and no plan review for more
  than `stale_plan_days` [30].
- review_overdue (medium): no plan review for more than the tier's review days
  [7, 30, 90], or a monthly, quarterly or annual review older than the tier's days for
  it (insights.cadence); a plan never reviewed counts from its creation. One alert per
  plan, naming every kind overdue.
- unmitigated_risk (high): an open or mitigating risk with high probability or severe
  impact and an empty mitigation.
- low_adoption (medium): the latest health snapshot with seat counts has fewer than
  `low_adoption_percent` [60] of licensed seats active.
- new_trigger (medium): a trigger event still marked "needs a plan update".
- close_date_passed (medium): an open play (idea to closing) whose target close date is
  before today, typed in keyplan or imported from a CRM; it stays out of the weighted
  pipeline, the path to target and the forecast until re-dated or closed
  (insights.pipeline).

An alert snoozed during a review (cadence.AlertSnooze: its rule and record, until a
day) stays out of every list and count until that day has passed.

Each rule is one query for any number of accounts, one row per alert: `alerts()`
costs 14 queries (the organisation, then one per rule), `counts()` 2.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Replace
from django.utils import timezone

from keyplan.accounts.models import Account, Contract
from keyplan.cadence import models as cadence
from keyplan.cadence.models import AlertRule
from keyplan.core import clock, formats
from keyplan.core.choices import Level
from keyplan.core.formats import format_date, format_money, format_number, format_percent
from keyplan.growth.models import Action, ActionStatus, Play
from keyplan.insights import cadence as review_cadence
from keyplan.insights import pipeline
from keyplan.insights.accounts import live_contracts
from keyplan.insights.sql import tally
from keyplan.relationships import models as people
from keyplan.relationships.heatmap import RED, colour_expression
from keyplan.relationships.models import BuyingRole, Stakeholder, Strength
from keyplan.risks.models import OPEN_RISK_STATUSES, HealthSnapshot, Impact, Risk
from keyplan.team.models import Organisation

HIGH, MEDIUM = "high", "medium"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1}


@dataclass(frozen=True)
class Alert:
    rule: str  # the rule's key
    title: str  # the rule's title
    account_id: int
    account_name: str
    why: str  # one sentence with the specifics
    record: tuple[str, str]  # (label, anchor on the plan page) of the record to fix
    severity: str  # HIGH or MEDIUM
    # The id of the row the rule found (the record, or the account for plan-wide
    # rules): with `rule`, what a snooze names.
    record_id: int | None = None


Explain = Callable[[dict], tuple[str, tuple[str, str]]]  # a row -> (why, record)


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    severity: str
    description: str  # the rule in words; {placeholders} name Organisation thresholds
    # (accounts, settings, today) -> (the query, one row per alert; how to explain a row)
    query: Callable[[QuerySet, Organisation, date], tuple[QuerySet, Explain]]

    def describe(self, settings: Organisation) -> str:
        """The description with this organisation's thresholds filled in."""
        fields = settings._meta.concrete_fields
        return self.description.format(**{f.attname: getattr(settings, f.attname) for f in fields})

    def rows(self, accounts: QuerySet, settings: Organisation, today: date):
        """The rule's query without the alerts snoozed on `today`, and its explainer."""
        rows, explain = self.query(accounts, settings, today)
        snoozed = cadence.AlertSnooze.objects.filter(
            rule=self.key, record_id=OuterRef("pk"), until__gte=today
        )
        return rows.exclude(Exists(snoozed)), explain

    def rule(self, accounts: QuerySet, settings: Organisation, today: date) -> list[Alert]:
        """This rule's alerts for every account of `accounts`, in one query."""
        rows, explain = self.rows(accounts, settings, today)
        alert = partial(Alert, self.key, self.title, severity=self.severity)
        return [
            alert(
                r["account_id"],
                r["account_name"],
                *explain(r),
                record_id=r.get("pk", r["account_id"]),
            )
            for r in rows
        ]

    __call__ = rule


_rules: list[Rule] = []


def _define(name: AlertRule, severity: str):
    """Register the decorated query as the rule `name` (its key the query's name, its
    title the name's label), its docstring the description, and the order of
    definition the order of RULES."""

    def register(query):
        assert query.__name__ == name.value, f"{query.__name__} is not the rule {name.value}"
        description = " ".join(query.__doc__.split())
        _rules.append(Rule(name.value, str(name.label), severity, description, query))
        return query

    return register


# Wording and query helpers
def _day(value: date) -> str:
    return format_date(value)


def _days(count: int) -> str:
    return formats.counted(count, "day")


def _roles(row: dict) -> str:
    return ", ".join(BuyingRole(r).label.lower() for r in (row["role"], row["secondary_role"]) if r)


def _owner(row: dict) -> str:
    name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return name or row["owner__username"]


def _midnight(value: date) -> datetime:
    """The first moment of `value` in the current time zone (for datetime columns)."""
    return timezone.make_aware(datetime.combine(value, time.min))


def _ids(accounts: QuerySet) -> QuerySet:
    return accounts.values("pk")  # Django drops the ordering of an unsliced `__in`


def _plans(accounts: QuerySet) -> QuerySet:
    """Account rows for account-level rules, whatever annotations `accounts` carries."""
    return Account.objects.filter(pk__in=_ids(accounts)).order_by("name", "pk")


def _of(model, accounts: QuerySet, *order: str) -> QuerySet:
    records = model.objects.filter(account__in=_ids(accounts))
    return records.order_by("account__name", "account", *order)


ACCOUNT = {"account_id": F("pk"), "account_name": F("name")}
OF_ACCOUNT = {"account_name": F("account__name")}
PERSON = ("pk", "account_id", "name", "role", "secondary_role")
ACTION = ("pk", "account_id", "title", "due_date")
OWNER = ("owner__first_name", "owner__last_name", "owner__username")
OPEN_ACTIONS = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
ACTIVE = people.StakeholderStatus.ACTIVE
CHAMPION = Q(role=BuyingRole.CHAMPION) | Q(secondary_role=BuyingRole.CHAMPION)
CHAMPION |= Q(strength=Strength.CHAMPION)
BUYER = Q(role=BuyingRole.ECONOMIC_BUYER) | Q(secondary_role=BuyingRole.ECONOMIC_BUYER)


def _person(row: dict) -> tuple[str, str]:
    return row["name"], f"#stakeholder-{row['pk']}"


def _without_spaces(field: str):
    """The text without spaces, tabs and line breaks: "" when it is blank (SQL TRIM
    only strips spaces)."""
    text = F(field)
    for space in " \t\r\n":
        text = Replace(text, Value(space), Value(""), output_field=models.TextField())
    return text


def _last_review(today: date) -> Subquery:
    """The date of the account's latest plan review, on or before today."""
    reviews = cadence.PlanReview.objects.filter(account=OuterRef("pk"), date__lte=today)
    reviews = reviews.order_by("-date")
    return Subquery(reviews.values("date")[:1])


# The rules
@_define(AlertRule.SINGLE_THREADED, HIGH)
def single_threaded(accounts, settings, today):
    """At most one active stakeholder is warm or champion."""
    warm = Stakeholder.objects.filter(
        account=OuterRef("pk"), status=ACTIVE, strength__gte=Strength.WARM
    )
    first = warm.order_by("-strength", "priority", "name").values("name")[:1]
    rows = _plans(accounts).annotate(threads=tally(warm), thread=Subquery(first))
    rows = rows.filter(threads__lte=1).values("threads", "thread", **ACCOUNT)

    def explain(row):
        if row["threads"]:
            why = f"Only {row['thread']} is warm or champion: one departure leaves no thread"
        else:
            why = "No active stakeholder is warm or champion"
        return why, ("Stakeholder map", "#section-stakeholders")

    return rows, explain


@_define(AlertRule.CHAMPION_LEFT, HIGH)
def champion_left(accounts, settings, today):
    """A champion (by role or relationship strength) has left the company and no active
    champion has replaced them."""
    successor = Stakeholder.objects.filter(CHAMPION, account=OuterRef("account"), status=ACTIVE)
    rows = _of(Stakeholder, accounts, "name").filter(
        CHAMPION, ~Exists(successor), status=people.StakeholderStatus.LEFT
    )

    def explain(row):
        who = ", ".join(filter(None, [row["title"], _roles(row)]))
        why = f"{row['name']} ({who}) has left the company and no active champion replaced them"
        return why, _person(row)

    return rows.values(*PERSON, "title", **OF_ACCOUNT), explain


@_define(AlertRule.BUYER_COLD, HIGH)
def buyer_cold(accounts, settings, today):
    """An active economic buyer has had no meaningful interaction for more than
    {cold_buyer_days} days."""
    limit = settings.cold_buyer_days
    cutoff = today - timedelta(days=limit)
    met = people.InteractionStakeholder.objects.filter(
        stakeholder=OuterRef("pk"), interaction__meaningful=True, interaction__date__lte=today
    ).order_by("-interaction__date")
    rows = (
        _of(Stakeholder, accounts, "name")
        .filter(BUYER, status=ACTIVE)
        .annotate(met=Subquery(met.values("interaction__date")[:1]), added=F("on_map_since"))
        .filter(Q(met__lt=cutoff) | Q(met__isnull=True, added__lt=cutoff))
    )

    def explain(row):
        who = f"{row['name']} ({_roles(row)})"
        if row["met"]:
            why = f"{who} last met {_days((today - row['met']).days)} ago; the limit is {limit}"
        else:
            days = _days((today - row["added"]).days)
            why = f"{who} has not been met in the {days} on the map; the limit is {limit}"
        return why, _person(row)

    return rows.values(*PERSON, "met", "added", **OF_ACCOUNT), explain


@_define(AlertRule.RED_DOT, MEDIUM)
def red_dot(accounts, settings, today):
    """An active stakeholder is red: a blocker with medium or high power, or high power
    and a cold relationship."""
    rows = _of(Stakeholder, accounts, "name").filter(status=ACTIVE)
    rows = rows.alias(colour=colour_expression()).filter(colour=RED)

    def explain(row):
        power = Level(row["power"]).label.lower()
        if BuyingRole.BLOCKER in (row["role"], row["secondary_role"]):
            reason = f"a blocker with {power} power"
        else:
            reason = f"{power} power and a {Strength(row['strength']).label.lower()} relationship"
        return f"{row['name']} ({_roles(row)}) is red on the heat map: {reason}", _person(row)

    return rows.values(*PERSON, "power", "strength", **OF_ACCOUNT), explain


@_define(AlertRule.RENEWAL_UNPREPARED, HIGH)
def renewal_unprepared(accounts, settings, today):
    """A live contract ends within {renewal_window_days} days and no executive touchpoint
    is planned or held in the {renewal_window_days} days before its end."""
    window = timedelta(days=settings.renewal_window_days)
    window_start = models.ExpressionWrapper(
        OuterRef("end_date") - window, output_field=models.DateField()
    )
    touchpoints = cadence.Touchpoint.objects.filter(
        account=OuterRef("account"), date__lte=OuterRef("end_date"), date__gte=window_start
    ).exclude(status=cadence.TouchpointStatus.CANCELLED)
    rows = _of(Contract, accounts, "end_date", "name").filter(
        live_contracts(today), ~Exists(touchpoints), end_date__lte=today + window
    )

    def explain(row):
        arr = format_money(row["arr"], settings.currency)
        days = (row["end_date"] - today).days
        when = f"in {_days(days)}" if days else "today"
        why = (
            f"“{row['name']}” ({arr} ARR) ends on {_day(row['end_date'])}, {when}, with no "
            f"executive touchpoint planned before it; the window is "
            f"{_days(settings.renewal_window_days)}"
        )
        return why, ("Executive touchpoints", "#section-cadence")

    return rows.values("pk", "account_id", "name", "arr", "end_date", **OF_ACCOUNT), explain


@_define(AlertRule.OVERDUE_ACTION, MEDIUM)
def overdue_action(accounts, settings, today):
    """An open action is past its due date."""
    rows = _of(Action, accounts, "due_date", "title")
    rows = rows.filter(status__in=OPEN_ACTIONS, due_date__lt=today)

    def explain(row):
        days = _days((today - row["due_date"]).days)
        why = f"“{row['title']}” ({_owner(row)}) was due on {_day(row['due_date'])}, {days} ago"
        return why, (row["title"], f"#action-{row['pk']}")

    return rows.values(*ACTION, *OWNER, **OF_ACCOUNT), explain


@_define(AlertRule.UNTIED_ACTION, MEDIUM)
def untied_action(accounts, settings, today):
    """An open action serves no objective and no play."""
    rows = _of(Action, accounts, "due_date", "title").filter(
        status__in=OPEN_ACTIONS, objective__isnull=True, play__isnull=True
    )

    def explain(row):
        why = f"“{row['title']}” ({_owner(row)}) serves no objective and no play"
        return why, (row["title"], f"#action-{row['pk']}")

    return rows.values(*ACTION, *OWNER, **OF_ACCOUNT), explain


@_define(AlertRule.STALE_PLAN, MEDIUM)
def stale_plan(accounts, settings, today):
    """No change to the plan and no plan review for more than {stale_plan_days} days."""
    cutoff = today - timedelta(days=settings.stale_plan_days)
    rows = (
        _plans(accounts)
        .annotate(changed=Coalesce("last_changed", "updated_at"), reviewed=_last_review(today))
        .filter(Q(reviewed__isnull=True) | Q(reviewed__lt=cutoff), changed__lt=_midnight(cutoff))
    )

    def explain(row):
        changed, review = timezone.localdate(row["changed"]), row["reviewed"]
        reviewed = f"last reviewed on {_day(review)}" if review else "never reviewed"
        why = (
            f"No change since {_day(changed)} ({_days((today - changed).days)} ago) and "
            f"{reviewed}; the limit is {_days(settings.stale_plan_days)}"
        )
        return why, ("Plan reviews", "#section-cadence")

    return rows.values("changed", "reviewed", **ACCOUNT), explain


@_define(AlertRule.REVIEW_OVERDUE, MEDIUM)
def review_overdue(accounts, settings, today):
    """No plan review for more than {review_days_tier1} days (tier 1),
    {review_days_tier2} days (tier 2) or {review_days_tier3} days (tier 3), or a monthly,
    quarterly or annual review older than the tier's cadence for it (a review also counts
    for the lighter kinds); a plan never reviewed counts from its creation."""
    rows = review_cadence.with_review_state(_plans(accounts), today, settings)
    rows = rows.filter(review_late__gt=0)

    def explain(row):
        tier, created = row["tier"], row["review_created_on"]
        overdue = [d for d in review_cadence.dues(row, today) if d.overdue]
        parts = []
        for due in overdue:
            if due.kind == "weekly":
                every = f"tier {tier} plans are reviewed every {_days(due.every)}"
                if due.last:
                    days = _days((today - due.last).days)
                    parts.append(
                        f"The last plan review was on {_day(due.last)}, {days} ago; {every}"
                    )
                else:
                    days = _days((today - created).days)
                    parts.append(
                        f"No plan review in the {days} since the plan was created; {every}"
                    )
                continue
            every = f"every {_days(due.every)} for tier {tier}"
            if due.last:
                days = _days((today - due.last).days)
                when = f"last held on {_day(due.last)}, {days} ago"
            else:
                when = f"none in the {_days((today - created).days)} since the plan was created"
            name = due.name if parts else due.name.capitalize()
            parts.append(f"{name} ({due.covers}) overdue: {when}; {every}")
        return "; ".join(parts), ("Plan reviews", "#section-cadence")

    return rows.values(*review_cadence.STATE_FIELDS, **ACCOUNT), explain


@_define(AlertRule.UNMITIGATED_RISK, HIGH)
def unmitigated_risk(accounts, settings, today):
    """An open risk with high probability or severe impact has no mitigation."""
    rows = (
        _of(Risk, accounts, "-impact", "-probability", "title")
        .filter(Q(probability=Level.HIGH) | Q(impact=Impact.SEVERE))
        .filter(status__in=OPEN_RISK_STATUSES)
        .alias(written=_without_spaces("mitigation"))
        .filter(written="")
    )

    def explain(row):
        probability = Level(row["probability"]).label.lower()
        impact = Impact(row["impact"]).label.lower()
        arr = format_money(row["arr_at_risk"], settings.currency)
        why = (
            f"“{row['title']}” ({probability} probability, {impact} impact, {arr} ARR at risk) "
            "has no mitigation"
        )
        return why, (row["title"], f"#risk-{row['pk']}")

    fields = ("pk", "account_id", "title", "probability", "impact", "arr_at_risk")
    return rows.values(*fields, **OF_ACCOUNT), explain


@_define(AlertRule.LOW_ADOPTION, MEDIUM)
def low_adoption(accounts, settings, today):
    """In the latest health signals, fewer than {low_adoption_percent}% of licensed seats
    are active."""
    percent = settings.low_adoption_percent
    counted = HealthSnapshot.objects.filter(
        licensed_seats__gt=0, active_seats__isnull=False, date__lte=today
    )
    latest = counted.filter(account=OuterRef("account")).order_by("-date").values("pk")[:1]
    # active / licensed < percent / 100, in whole numbers
    rows = (
        _of(HealthSnapshot, accounts)
        .filter(pk=Subquery(latest))
        .alias(active=F("active_seats") * 100, limit=F("licensed_seats") * percent)
        .filter(active__lt=F("limit"))
    )

    def explain(row):
        active, licensed = row["active_seats"], row["licensed_seats"]
        why = (
            f"On {_day(row['date'])}, {format_number(active)} of "
            f"{formats.counted(licensed, 'licensed seat')} were active "
            f"({format_percent(100 * active // licensed)}); the limit is {format_percent(percent)}"
        )
        # The page shows the latest health signals in the risk section, without a row id.
        return why, ("Health signals", "#section-risks")

    fields = ("pk", "account_id", "date", "active_seats", "licensed_seats")
    return rows.values(*fields, **OF_ACCOUNT), explain


@_define(AlertRule.NEW_TRIGGER, MEDIUM)
def new_trigger(accounts, settings, today):
    """A trigger event still needs a plan update."""
    rows = _of(cadence.TriggerEvent, accounts, "date", "pk").filter(
        status=cadence.TriggerStatus.NEW
    )

    def explain(row):
        text = (row["description"].strip().splitlines() or [""])[0]
        text = text if len(text) <= 60 else text[:59] + "…"
        kind = cadence.TriggerKind(row["kind"]).label
        days = _days(max((today - row["date"]).days, 0))
        why = f"{kind} on {_day(row['date'])} (“{text}”) still needs a plan update, {days} on"
        return why, (kind, f"#triggerevent-{row['pk']}")

    return rows.values("pk", "account_id", "kind", "date", "description", **OF_ACCOUNT), explain


@_define(AlertRule.CLOSE_DATE_PASSED, MEDIUM)
def close_date_passed(accounts, settings, today):
    """An open play's target close date has passed: it is left out of the weighted
    pipeline, the path to target and the forecast until it is re-dated or closed."""
    rows = _of(Play, accounts, "target_close_date", "name").filter(
        pipeline.close_date_passed(today)
    )

    def explain(row):
        days = _days((today - row["target_close_date"]).days)
        why = (
            f"“{row['name']}” ({_owner(row)}) was to close on {_day(row['target_close_date'])}, "
            f"{days} ago: re-date it or close it; until then it is left out of the pipeline"
        )
        return why, (row["name"], f"#play-{row['pk']}")

    fields = ("pk", "account_id", "name", "target_close_date")
    return rows.values(*fields, *OWNER, **OF_ACCOUNT), explain


RULES: tuple[Rule, ...] = tuple(_rules)
RULES_BY_KEY = {r.key: r for r in RULES}


def _portfolio(accounts) -> QuerySet:
    """A queryset of accounts; one Account stands for the queryset of itself."""
    if isinstance(accounts, Account):
        return Account.objects.filter(pk=accounts.pk)
    return accounts


def alerts(accounts, *, today: date | None = None) -> list[Alert]:
    """Every rule's alerts on `accounts`, high severity first, then by account name."""
    accounts, today = _portfolio(accounts), today or clock.today()
    settings = Organisation.current()
    found = [alert for r in RULES for alert in r.rule(accounts, settings, today)]
    # A stable sort keeps the rules' order (and each rule's record order) within an account.
    return sorted(
        found, key=lambda a: (SEVERITY_ORDER[a.severity], a.account_name.casefold(), a.account_id)
    )


class _CountRows(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = models.IntegerField()
    empty_result_set_value = 0  # no accounts at all: Django compiles no subquery


def counts(accounts, today: date | None = None) -> dict[str, int]:
    """How many alerts each rule raises on `accounts` (rule key to count), in one query."""
    accounts, today = _portfolio(accounts), today or clock.today()
    settings = Organisation.current()
    counted = {
        r.key: _CountRows(r.rows(accounts, settings, today)[0].order_by().values("pk"))
        for r in RULES
    }
    return Organisation.objects.filter(pk=settings.pk).values(**counted).get()
