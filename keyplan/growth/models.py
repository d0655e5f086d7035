"""Plan sections 5, 6 and 9: the product catalog, business units and the whitespace
grid, objectives, growth plays, the action plan and resource requests."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from keyplan.core.choices import Level
from keyplan.core.constraints import DatabaseCheck, in_choices, non_negative
from keyplan.core.models import CRM_NOTES_HELP, Checked, Tracked, Versioned
from keyplan.core.money import MoneyField
from keyplan.team.models import Role


class Product(Versioned):
    """An entry of our product catalog (the columns of every whitespace grid)."""

    name = models.CharField(max_length=120, unique=True)
    family = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    list_price = MoneyField(null=True, blank=True, help_text="Typical yearly price.")
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    crm_id = models.CharField("CRM id", max_length=40, blank=True, db_index=True)
    crm_notes = models.TextField("CRM notes", blank=True, help_text=CRM_NOTES_HELP)

    account_path = None
    managed_by = frozenset({Role.ADMIN})

    class Meta:
        ordering = ["position", "name"]
        constraints = non_negative("product", "list_price")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    BUSINESS_UNIT = "business_unit", "Business unit"
    GEOGRAPHY = "geography", "Geography"
    USE_CASE = "use_case", "Use case"


class BusinessUnit(Versioned):
    """A row of the whitespace grid: a business unit, geography or use case."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="business_units"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=13, choices=UnitKind, default=UnitKind.BUSINESS_UNIT)
    headcount = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["account", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"],
                name="businessunit_name_unique_in_account",
                violation_error_message="A business unit with this name is already on the account.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CellStatus(models.TextChoices):
    SOLD = "sold", "Sold and live"
    EVALUATING = "evaluating", "In evaluation or trial"
    OPEN = "open", "Open (unsold)"
    NOT_APPLICABLE = "n_a", "Not applicable"


CELL_COLOURS = {
    CellStatus.SOLD: "green",
    CellStatus.EVALUATING: "yellow",
    CellStatus.OPEN: "red",
    CellStatus.NOT_APPLICABLE: "grey",
}


class WhitespaceCell(Versioned):
    """One business unit x product cell. Unsold value in open cells is the growth thesis."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="whitespace_cells"
    )
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="cells")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="cells")
    status = models.CharField(max_length=10, choices=CellStatus, default=CellStatus.OPEN)
    estimated_value = MoneyField(null=True, blank=True, help_text="Yearly value if sold.")
    fit = models.PositiveSmallIntegerField(choices=Level, null=True, blank=True)
    champion = models.ForeignKey(
        "relationships.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="championed_cells",
        help_text="The internal champion who could sponsor it.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = [
            "account",
            "business_unit__position",
            "business_unit__name",
            "product__position",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "product"],
                name="whitespacecell_one_per_unit_product",
                violation_error_message="This business unit already has a cell for this product.",
            ),
            *non_negative("whitespacecell", "estimated_value"),
            in_choices("fit", Level, "whitespacecell_fit_valid"),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="cell_acct_status_idx"),
            models.Index(fields=["product", "status"], name="cell_product_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.business_unit} x {self.product}"

    def clean(self):
        if self.business_unit_id and not self.account_id:
            self.account_id = self.business_unit.account_id
        self.check_same_account(self.account_id, "business_unit", "champion")

    @property
    def colour(self) -> str:
        return CELL_COLOURS[self.status]


class ObjectiveStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Objective(Checked, Versioned):
    """A SMART objective: specific statement, a metric from baseline to target by a date."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(max_length=240)
    metric = models.CharField(max_length=120)
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True, help_text='For example "USD", "%", "seats".')
    due_date = models.DateField()
    status = models.CharField(
        max_length=9, choices=ObjectiveStatus, default=ObjectiveStatus.ON_TRACK
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )

    class Meta:
        ordering = ["account", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "title"],
                name="objective_title_unique_in_account",
                violation_error_message="An objective with this title is already on the account.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlayKind(models.TextChoices):
    EXPANSION = "expansion", "Expansion"
    CROSS_SELL = "cross_sell", "Cross-sell"
    RENEWAL = "renewal", "Renewal"


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    CONVERSATION = "conversation", "In conversation"
    OPPORTUNITY = "opportunity", "Active opportunity"
    CLOSING = "closing", "Closing"
    WON = "won", "Won"
    LOST = "lost", "Lost"


OPEN_STAGES = (Stage.IDEA, Stage.CONVERSATION, Stage.OPPORTUNITY, Stage.CLOSING)

# The chance a play at each stage closes, unless the play states its own.
STAGE_PROBABILITY = {
    Stage.IDEA: Decimal("0.10"),
    Stage.CONVERSATION: Decimal("0.25"),
    Stage.OPPORTUNITY: Decimal("0.50"),
    Stage.CLOSING: Decimal("0.80"),
    Stage.WON: Decimal("1.00"),
    Stage.LOST: Decimal("0.00"),
}


class Play(Checked, Versioned):
    """A growth play: a specific expansion, cross-sell or renewal move."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="plays")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=PlayKind, default=PlayKind.EXPANSION)
    stage = models.CharField(max_length=12, choices=Stage, default=Stage.IDEA)
    probability = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Percent; blank uses the stage's default.",
    )
    target_arr = MoneyField("target ARR", default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plays",
    )
    customer_owner = models.ForeignKey(
        "relationships.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_plays",
    )
    target_close_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    dependencies = models.TextField(blank=True)
    blocker = models.TextField("current blocker", blank=True)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="plays"
    )
    stakeholders = models.ManyToManyField(
        "relationships.Stakeholder", through="PlayStakeholder", related_name="plays", blank=True
    )
    cells = models.ManyToManyField(
        WhitespaceCell, through="PlayCell", related_name="plays", blank=True
    )
    crm_id = models.CharField("CRM opportunity", max_length=40, blank=True, db_index=True)
    crm_notes = models.TextField("CRM notes", blank=True, help_text=CRM_NOTES_HELP)
    # Its Opportunity was deleted in Salesforce: the play stays, flagged, and is not pushed.
    crm_deleted_at = models.DateTimeField(
        "deleted in the CRM", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["account", "target_close_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"],
                name="play_name_unique_in_account",
                violation_error_message="A play with this name is already on the account.",
            ),
            *non_negative("play", "target_arr"),
            DatabaseCheck(
                condition=models.Q(probability__isnull=True) | models.Q(probability__lte=100),
                name="play_probability_percent",
            ),
        ]
        indexes = [models.Index(fields=["account", "stage"], name="play_acct_stage_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.check_same_account(self.account_id, "customer_owner", "objective")

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def close_date_passed(self, today: date) -> bool:
        """Open with a target close date before `today`: left out of the pipeline until
        re-dated or closed (the rule of insights.pipeline, in SQL there)."""
        return (
            self.is_open and self.target_close_date is not None and self.target_close_date < today
        )

    @property
    def win_probability(self) -> Decimal:
        if self.probability is not None:
            return Decimal(self.probability) / 100
        return STAGE_PROBABILITY[self.stage]


class PlayStakeholder(Tracked):
    """A key stakeholder of a play, with what they do in it (for example "Economic Buyer")."""

    play = models.ForeignKey(Play, on_delete=models.CASCADE, related_name="stakeholder_links")
    stakeholder = models.ForeignKey(
        "relationships.Stakeholder", on_delete=models.CASCADE, related_name="play_links"
    )
    role_hint = models.CharField(max_length=80, blank=True)

    account_path = "play__account"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["play", "stakeholder"], name="playstakeholder_once")
        ]

    def clean(self):
        if self.play_id:
            self.check_same_account(self.play.account_id, "stakeholder")


class PlayCell(Tracked):
    """A whitespace cell the play would convert."""

    play = models.ForeignKey(Play, on_delete=models.CASCADE, related_name="cell_links")
    cell = models.ForeignKey(WhitespaceCell, on_delete=models.CASCADE, related_name="play_links")

    account_path = "play__account"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["play", "cell"], name="playcell_once")]

    def clean(self):
        if self.play_id:
            self.check_same_account(self.play.account_id, "cell")


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Action(Checked, Versioned):
    """An action of the plan. It should serve an objective or a play; if not, it is flagged."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(max_length=240)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=11, choices=ActionStatus, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    play = models.ForeignKey(
        Play, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["account", "due_date", "title"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_due_idx"),
            models.Index(fields=["account", "status", "due_date"], name="action_acct_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.status == ActionStatus.DONE and self.completed_on is None:
            raise ValidationError(
                {"completed_on": "A done action needs the date it was completed."}
            )
        if self.status != ActionStatus.DONE and self.completed_on is not None:
            raise ValidationError({"completed_on": "Only a done action has a completion date."})
        self.check_same_account(self.account_id, "objective", "play")

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    @property
    def ties_to_nothing(self) -> bool:
        return self.objective_id is None and self.play_id is None


class ResourceKind(models.TextChoices):
    SOLUTION_ENGINEERING = "se_hours", "Solution-engineering hours"
    CUSTOMER_SUCCESS = "cs_hours", "Customer-success hours"
    EXECUTIVE = "exec_hours", "Executive hours"
    MARKETING = "marketing", "Marketing investment"
    ROADMAP = "roadmap", "Product-roadmap dependency"


RESOURCE_UNITS = {
    ResourceKind.SOLUTION_ENGINEERING: "hours",
    ResourceKind.CUSTOMER_SUCCESS: "hours",
    ResourceKind.EXECUTIVE: "hours",
    ResourceKind.MARKETING: "money",
    ResourceKind.ROADMAP: "",
}


class ResourceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    COMMITTED = "committed", "Committed"
    DELIVERED = "delivered", "Delivered"
    DECLINED = "declined", "Declined"


class ResourceRequest(Versioned):
    """Section 9: time, money or a roadmap feature the account plan depends on.

    Hours and money are tracked as requested, committed and delivered amounts;
    a roadmap dependency has no amount, only its status.
    """

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="resource_requests"
    )
    kind = models.CharField(max_length=10, choices=ResourceKind)
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2200)]
    )
    quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    requested = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    committed = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    delivered = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        max_length=9, choices=ResourceStatus, default=ResourceStatus.REQUESTED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resource_requests",
    )
    needed_by = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["account", "year", "quarter", "kind"]
        constraints = [
            *non_negative("resourcerequest", "requested", "committed", "delivered"),
            DatabaseCheck(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="resourcerequest_quarter_1_to_4",
            ),
        ]
        indexes = [models.Index(fields=["account", "year", "quarter"], name="resource_acct_q_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.kind == ResourceKind.ROADMAP and any(
            value is not None for value in (self.requested, self.committed, self.delivered)
        ):
            raise ValidationError(
                {"requested": "A roadmap dependency has no hours or amount; describe it instead."}
            )

    @property
    def unit(self) -> str:
        return RESOURCE_UNITS[self.kind]
