"""Plan section 7 (the risk register), the SWOT and the account's health signals."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from keyplan.core.choices import Level
from keyplan.core.constraints import DatabaseCheck, in_choices, non_negative
from keyplan.core.models import Checked, Versioned
from keyplan.core.money import MoneyField


class RiskCategory(models.TextChoices):
    CHAMPION_DEPARTURE = "champion_departure", "Champion departure"
    BUDGET_FREEZE = "budget_freeze", "Budget freeze"
    COMPETITOR = "competitor", "Competitor entering"
    PROCUREMENT = "procurement", "Procurement standardisation"
    SECURITY = "security", "Security or compliance incident"
    SUPPORT_ESCALATION = "support_escalation", "Support escalation"
    RENEWAL_GAP = "renewal_gap", "Renewal-cycle gap"
    M_AND_A = "m_and_a", "M&A"
    OTHER = "other", "Other"


class Impact(models.IntegerChoices):
    SMALL = 1, "Small"
    MEDIUM = 2, "Medium"
    SEVERE = 3, "Severe"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Mitigating"
    CLOSED = "closed", "Closed"
    REALISED = "realised", "Happened"


OPEN_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING)


class Risk(Checked, Versioned):
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=18, choices=RiskCategory)
    description = models.TextField(blank=True)
    probability = models.PositiveSmallIntegerField(choices=Level, default=Level.MEDIUM)
    impact = models.PositiveSmallIntegerField(choices=Impact, default=Impact.MEDIUM)
    arr_at_risk = MoneyField("ARR at risk", default=0)
    mitigation = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risks",
    )
    next_action = models.CharField(max_length=240, blank=True)
    next_action_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RiskStatus, default=RiskStatus.OPEN)

    class Meta:
        ordering = ["account", "-impact", "-probability", "title"]
        constraints = [
            *non_negative("risk", "arr_at_risk"),
            in_choices("probability", Level, "risk_probability_valid"),
            in_choices("impact", Impact, "risk_impact_valid"),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="risk_acct_status_idx"),
            models.Index(fields=["category", "status"], name="risk_category_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RISK_STATUSES


class SwotKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    WEAKNESS = "weakness", "Weakness"
    OPPORTUNITY = "opportunity", "Opportunity"
    THREAT = "threat", "Threat"


class SwotItem(Versioned):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="swot_items"
    )
    kind = models.CharField(max_length=11, choices=SwotKind)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["account", "kind", "position", "id"]
        verbose_name = "SWOT item"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class HealthSnapshot(Versioned):
    """The account's health signals on a date (typically one a month)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="health_snapshots"
    )
    date = models.DateField()
    licensed_seats = models.PositiveIntegerField(null=True, blank=True)
    active_seats = models.PositiveIntegerField(null=True, blank=True)
    open_tickets = models.PositiveIntegerField(null=True, blank=True)
    escalations = models.PositiveIntegerField(null=True, blank=True)
    nps = models.SmallIntegerField(
        "NPS",
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
    )
    csat = models.PositiveSmallIntegerField(
        "CSAT %", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    effort_score = models.DecimalField(
        "customer effort score",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text="1 (effortless) to 7.",
    )
    negative_signals = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["account", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date"],
                name="healthsnapshot_one_per_day",
                violation_error_message="This account already has health signals for that date.",
            ),
            DatabaseCheck(
                condition=models.Q(nps__isnull=True) | models.Q(nps__gte=-100, nps__lte=100),
                name="healthsnapshot_nps_range",
            ),
            DatabaseCheck(
                condition=models.Q(csat__isnull=True) | models.Q(csat__lte=100),
                name="healthsnapshot_csat_percent",
            ),
            DatabaseCheck(
                condition=models.Q(effort_score__isnull=True)
                | models.Q(effort_score__gte=1, effort_score__lte=7),
                name="healthsnapshot_effort_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.date}"

    @property
    def adoption(self):
        """Active seats as a share of licensed seats, or None when unknown."""
        if not self.licensed_seats or self.active_seats is None:
            return None
        return self.active_seats / self.licensed_seats
