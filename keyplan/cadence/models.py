"""Plan section 8 and the operating rhythm: executive touchpoints (QBR, EBR,
sponsor meetings), recorded plan reviews and the trigger events that call for a
plan update."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

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
        if self.status == TriggerStatus.NEW and self.handled_on:
            raise ValidationError(
                {"handled_on": "A trigger that still needs a plan update has no handled date."}
            )
        if self.handled_on and self.date and self.handled_on < self.date:
            raise ValidationError(
                {"handled_on": "A trigger cannot be handled before the date it happened."}
            )
