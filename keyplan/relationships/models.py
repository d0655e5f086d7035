"""Plan sections 3-4: stakeholders, who influences whom, and the interaction log.
The heat map is derived from these (see heatmap.py), never typed twice."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from keyplan.core import clock
from keyplan.core.choices import Level
from keyplan.core.constraints import DatabaseCheck, in_choices
from keyplan.core.models import CRM_NOTES_HELP, Tracked, Versioned


class BuyingRole(models.TextChoices):
    ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
    TECHNICAL_BUYER = "technical_buyer", "Technical buyer"
    EVALUATOR = "evaluator", "Evaluator"
    USER = "user", "User"
    CHAMPION = "champion", "Champion"
    EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
    BLOCKER = "blocker", "Blocker"
    INFLUENCER = "influencer", "Influencer"


class Strength(models.IntegerChoices):
    """How strong our relationship with a stakeholder is."""

    COLD = 1, "Cold"
    NEUTRAL = 2, "Neutral"
    WARM = 3, "Warm"
    CHAMPION = 4, "Champion"


class Priority(models.IntegerChoices):
    PRIMARY = 1, "Primary"
    SECONDARY = 2, "Secondary"
    TERTIARY = 3, "Tertiary"


class StakeholderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LEFT = "left", "Left the company"


class Stakeholder(Versioned):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(max_length=120)
    title = models.CharField(max_length=120, blank=True)
    business_unit = models.ForeignKey(
        "growth.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stakeholders",
    )
    department = models.CharField(max_length=120, blank=True)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    role = models.CharField(max_length=20, choices=BuyingRole, default=BuyingRole.INFLUENCER)
    secondary_role = models.CharField(max_length=20, choices=BuyingRole, blank=True)
    power = models.PositiveSmallIntegerField(choices=Level, default=Level.MEDIUM)
    interest = models.PositiveSmallIntegerField(choices=Level, default=Level.MEDIUM)
    strength = models.PositiveSmallIntegerField(
        "relationship strength",
        choices=Strength,
        default=Strength.NEUTRAL,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.SECONDARY)
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_relationships",
        help_text="Who on our side holds this relationship.",
    )
    on_map_since = models.DateField(
        "on the map since",
        default=clock.today,
        help_text="When this person joined the plan (the CRM's created date when imported). "
        "Someone never met counts against coverage and alerts only after the coverage window.",
    )
    next_interaction_date = models.DateField(null=True, blank=True)
    next_interaction_plan = models.CharField(max_length=200, blank=True)
    cares_about_professionally = models.TextField(blank=True)
    cares_about_personally = models.TextField(blank=True)
    competitor_relationships = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    linkedin = models.URLField(blank=True)
    status = models.CharField(
        max_length=6, choices=StakeholderStatus, default=StakeholderStatus.ACTIVE
    )
    notes = models.TextField(blank=True)
    crm_id = models.CharField("CRM id", max_length=40, blank=True, db_index=True)
    crm_notes = models.TextField("CRM notes", blank=True, help_text=CRM_NOTES_HELP)
    # Its Contact was deleted in Salesforce: the stakeholder stays, flagged.
    crm_deleted_at = models.DateTimeField(
        "deleted in the CRM", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["account", "priority", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"],
                name="stakeholder_name_unique_in_account",
                violation_error_message="A stakeholder with this name is already on the account.",
            ),
            DatabaseCheck(
                condition=models.Q(strength__gte=1, strength__lte=4),
                name="stakeholder_strength_1_to_4",
            ),
            in_choices("power", Level, "stakeholder_power_valid"),
            in_choices("interest", Level, "stakeholder_interest_valid"),
            in_choices("priority", Priority, "stakeholder_priority_valid"),
            DatabaseCheck(
                condition=~models.Q(reports_to=models.F("id")),
                name="stakeholder_not_own_manager",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "power"], name="stakeholder_acct_power_idx"),
            models.Index(fields=["account", "role"], name="stakeholder_acct_role_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.reports_to_id:
            if self.reports_to.account_id != self.account_id:
                errors["reports_to"] = "The manager must be a stakeholder of the same account."
            elif self._reporting_cycle():
                errors["reports_to"] = (
                    f"{self.reports_to} already reports (directly or not) to {self.name}; "
                    "a reporting line cannot go in a circle."
                )
        if self.secondary_role and self.secondary_role == self.role:
            errors["secondary_role"] = "The secondary role repeats the main role."
        if errors:
            raise ValidationError(errors)
        self.check_same_account(self.account_id, "business_unit")

    def _reporting_cycle(self) -> bool:
        if self.pk is None:
            return False
        seen, manager_id = set(), self.reports_to_id
        managers = dict(
            Stakeholder.objects.filter(account_id=self.account_id).values_list(
                "id", "reports_to_id"
            )
        )
        while manager_id is not None and manager_id not in seen:
            if manager_id == self.pk:
                return True
            seen.add(manager_id)
            manager_id = managers.get(manager_id)
        return False

    @property
    def is_active(self) -> bool:
        return self.status == StakeholderStatus.ACTIVE

    def has_role(self, role: str) -> bool:
        return role in (self.role, self.secondary_role)


class Influence(Tracked):
    """`source` sways `target`'s view (drawn as an arrow on the org chart)."""

    source = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="influences")
    target = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="influenced_by")
    strength = models.PositiveSmallIntegerField(choices=Level, default=Level.MEDIUM)
    note = models.CharField(max_length=200, blank=True)

    account_path = "source__account"

    class Meta:
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"],
                name="influence_once_per_pair",
                violation_error_message="This influence link already exists.",
            ),
            DatabaseCheck(
                condition=~models.Q(source=models.F("target")),
                name="influence_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}"

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": "A stakeholder cannot influence themselves."})
        if self.source_id:
            self.check_same_account(self.source.account_id, "target")


class InteractionKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class Interaction(Versioned):
    """A logged touch with the customer: feeds "last meaningful interaction" and coverage."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="interactions"
    )
    date = models.DateField()
    kind = models.CharField(max_length=8, choices=InteractionKind, default=InteractionKind.MEETING)
    subject = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    meaningful = models.BooleanField(
        default=True, help_text="A real conversation, not a newsletter or an unanswered email."
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="logged_interactions",
    )
    stakeholders = models.ManyToManyField(
        Stakeholder, through="InteractionStakeholder", related_name="interactions", blank=True
    )
    crm_id = models.CharField("CRM id", max_length=40, blank=True, db_index=True)
    crm_notes = models.TextField("CRM notes", blank=True, help_text=CRM_NOTES_HELP)

    class Meta:
        ordering = ["account", "-date"]
        indexes = [models.Index(fields=["account", "date"], name="interaction_acct_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.subject}"


class InteractionStakeholder(Tracked):
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="participant_links"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="interaction_links"
    )

    account_path = "interaction__account"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "stakeholder"], name="interactionstakeholder_once"
            )
        ]

    def clean(self):
        if self.interaction_id:
            self.check_same_account(self.interaction.account_id, "stakeholder")
