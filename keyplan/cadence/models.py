"""Plan section 8 and the operating rhythm: executive touchpoints (QBR, EBR,
sponsor meetings), recorded plan reviews, the trigger events that call for a
plan update, alerts snoozed during a review, and what keeps the rhythm going:
follow-ups that became actions, calendar feeds and sent digests."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from keyplan.core import clock
from keyplan.core.constraints import DatabaseCheck
from keyplan.core.formats import format_date
from keyplan.core.models import Tracked, Versioned


class TouchpointKind(models.TextChoices):
    QBR = "qbr", "QBR"
    EBR = "ebr", "EBR"
    SPONSOR = "sponsor", "Sponsor meeting"
    OTHER = "other", "Other executive meeting"


class TouchpointStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Touchpoint(Versioned):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="touchpoints"
    )
    kind = models.CharField(max_length=8, choices=TouchpointKind, default=TouchpointKind.QBR)
    date = models.DateField()
    status = models.CharField(
        max_length=9, choices=TouchpointStatus, default=TouchpointStatus.PLANNED
    )
    title = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    proof_points = models.TextField(blank=True)
    asks = models.TextField(blank=True)
    commitments = models.TextField("follow-up commitments", blank=True)
    notes = models.TextField(blank=True)
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TouchpointHost", related_name="touchpoints", blank=True
    )
    attendees = models.ManyToManyField(
        "relationships.Stakeholder",
        through="TouchpointAttendee",
        related_name="touchpoints",
        blank=True,
    )

    class Meta:
        ordering = ["account", "date"]
        verbose_name = "executive touchpoint"
        indexes = [models.Index(fields=["account", "date"], name="touchpoint_acct_date_idx")]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.date}"


class TouchpointHost(Tracked):
    """Someone from our side attending a touchpoint."""

    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="host_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="touchpoint_links"
    )

    account_path = "touchpoint__account"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["touchpoint", "user"], name="touchpointhost_once")
        ]


class TouchpointAttendee(Tracked):
    """Someone from the customer's side attending a touchpoint."""

    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.CASCADE, related_name="attendee_links"
    )
    stakeholder = models.ForeignKey(
        "relationships.Stakeholder", on_delete=models.CASCADE, related_name="touchpoint_links"
    )

    account_path = "touchpoint__account"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["touchpoint", "stakeholder"], name="touchpointattendee_once"
            )
        ]

    def clean(self):
        if self.touchpoint_id:
            self.check_same_account(self.touchpoint.account_id, "stakeholder")


class ReviewKind(models.TextChoices):
    """Lightest first: a review of one kind also counts for the kinds before it."""

    WEEKLY = "weekly", "Weekly (actions, plays, risks)"
    MONTHLY = "monthly", "Monthly (stakeholder map and heat map)"
    QUARTERLY = "quarterly", "Quarterly (whole plan, QBR)"
    ANNUAL = "annual", "Annual (rewrite)"

    @classmethod
    def covering(cls, kind: str) -> list[str]:
        """The kinds whose review counts as a review of `kind`: itself and the heavier."""
        return cls.values[cls.values.index(kind) :]


class PlanReview(Versioned):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(max_length=9, choices=ReviewKind)
    date = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_reviews",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["account", "-date"]
        indexes = [models.Index(fields=["account", "kind", "date"], name="review_acct_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} review {self.date}"


class TriggerKind(models.TextChoices):
    EXECUTIVE_CHANGE = "executive_change", "Executive change"
    FUNDING_ROUND = "funding_round", "Funding round"
    PRODUCT_LAUNCH = "product_launch", "Product launch"
    REGULATORY_SHIFT = "regulatory_shift", "Regulatory shift"
    M_AND_A = "m_and_a", "M&A"


HANDLED_NOTE_NEEDED = "Say how the plan was updated for this trigger, or why it needs no update."


class TriggerStatus(models.TextChoices):
    NEW = "new", "Needs a plan update"
    HANDLED = "handled", "Handled"


class TriggerEvent(Versioned):
    """Something happened at the customer that should prompt a plan update."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="trigger_events"
    )
    kind = models.CharField(max_length=16, choices=TriggerKind)
    date = models.DateField()
    description = models.TextField()
    status = models.CharField(max_length=7, choices=TriggerStatus, default=TriggerStatus.NEW)
    handled_on = models.DateField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_triggers",
    )
    handled_note = models.TextField(blank=True)

    class Meta:
        ordering = ["account", "-date"]
        indexes = [models.Index(fields=["account", "status"], name="trigger_acct_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date})"

    def clean(self):
        if self.status == TriggerStatus.HANDLED and not self.handled_on:
            raise ValidationError(
                {"handled_on": "A handled trigger needs the date it was handled."}
            )
        if self.status == TriggerStatus.HANDLED and not self.handled_note.strip():
            # However it is marked (plan page, API, workbook), handling says how.
            raise ValidationError({"handled_note": HANDLED_NOTE_NEEDED})
        if self.status == TriggerStatus.NEW and self.handled_on:
            raise ValidationError(
                {"handled_on": "A trigger that still needs a plan update has no handled date."}
            )
        if self.handled_on and self.date and self.handled_on < self.date:
            raise ValidationError(
                {"handled_on": "A trigger cannot be handled before the date it happened."}
            )
        # The later of the clock's day and the real one, so that history written with
        # the clock set back (the demo, imports of old plans) keeps its real dates.
        today = max(clock.today(), timezone.localdate())
        if self.date and self.date > today:
            raise ValidationError(
                {
                    "date": f"A trigger event is something that has happened: "
                    f"{format_date(self.date)} is in the future (today is {format_date(today)})."
                }
            )


class AlertRule(models.TextChoices):
    """The alert rules (keyplan.insights.alerts holds each one's query), by key and title."""

    SINGLE_THREADED = "single_threaded", "Single-threaded account"
    CHAMPION_LEFT = "champion_left", "Champion left"
    BUYER_COLD = "buyer_cold", "Economic buyer cold"
    RED_DOT = "red_dot", "Red dot on the heat map"
    RENEWAL_UNPREPARED = "renewal_unprepared", "Renewal without an executive touchpoint"
    OVERDUE_ACTION = "overdue_action", "Overdue action"
    UNTIED_ACTION = "untied_action", "Action tied to nothing"
    STALE_PLAN = "stale_plan", "Stale plan"
    REVIEW_OVERDUE = "review_overdue", "Plan review overdue"
    UNMITIGATED_RISK = "unmitigated_risk", "Unmitigated high risk"
    LOW_ADOPTION = "low_adoption", "Low adoption"
    NEW_TRIGGER = "new_trigger", "Unprocessed trigger event"
    CLOSE_DATE_PASSED = "close_date_passed", "Close date passed"


class AlertSnooze(Versioned):
    """An alert (insights.alerts) set aside until a date, with the reason why.

    The alert is named by its rule and the record it is about (`record_id`: the
    record's id, or the account's for alerts about the whole plan), so the same rule
    on another record still fires, and the alert comes back once `until` has passed.
    """

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="alert_snoozes"
    )
    rule = models.CharField(max_length=40, choices=AlertRule.choices)
    record_id = models.PositiveIntegerField()
    until = models.DateField(help_text="The alert stays quiet up to and including this day.")
    reason = models.TextField()
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alert_snoozes",
    )

    # Setting an alert aside is not a change to the plan (its freshness stays).
    touches_plan = False
    MAX_DAYS = 90

    class Meta:
        ordering = ["account", "-until"]
        verbose_name = "snoozed alert"
        indexes = [models.Index(fields=["rule", "record_id", "until"], name="snooze_rule_idx")]
        constraints = [DatabaseCheck(condition=~models.Q(reason=""), name="alertsnooze_has_reason")]

    def __str__(self) -> str:
        return f"“{self.get_rule_display()}” until {self.until}"

    def clean(self):
        if not self.reason.strip():
            raise ValidationError({"reason": "Say why this alert can wait: a reason is required."})
        today = clock.today()
        if self.until and self.until <= today:
            raise ValidationError({"until": "Snooze an alert until a day after today."})
        if self.until and (self.until - today).days > self.MAX_DAYS:
            raise ValidationError(
                {"until": f"An alert can be snoozed for at most {self.MAX_DAYS} days."}
            )


class TouchpointAction(Tracked):
    """A follow-up commitment of a touchpoint that became an action of the plan."""

    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.CASCADE, related_name="action_links"
    )
    action = models.ForeignKey(
        "growth.Action", on_delete=models.CASCADE, related_name="touchpoint_links"
    )

    account_path = "touchpoint__account"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action"],
                name="touchpointaction_one_per_action",
                violation_error_message="This action already follows up a touchpoint.",
            )
        ]

    def clean(self):
        if self.touchpoint_id:
            self.check_same_account(self.touchpoint.account_id, "action")


class CalendarFeed(models.Model):
    """A user's secret calendar address (keyplan.cadence.calendar_feed).

    The address holds `key` and an HMAC of it made with the installation's secret key,
    so the database alone does not give away a working address. Revoking keeps the
    row (when and by whom it was used) and the address stops working at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    key = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendarfeed_one_live_per_user",
                violation_error_message="This user already has a calendar address.",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar of {self.user} ({'revoked' if self.revoked_at else 'live'})"


class DigestDelivery(models.Model):
    """A weekly digest that reached the mail server (keyplan.rhythm.digest).

    Only sent digests are recorded: a user whose digest failed has none for the week,
    so the next run sends it. `alerts` holds the alerts open when it was sent, so the
    next digest tells only the new ones.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    week = models.DateField(help_text="The Monday of the week the digest was sent in.")
    since = models.DateTimeField(help_text="The start of what it reported.")
    sent_at = models.DateTimeField(default=clock.now, editable=False)
    alerts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["user", "-sent_at"]
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digestdelivery_one_per_week")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user}, week of {self.week}"
