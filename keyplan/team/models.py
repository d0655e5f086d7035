"""Users, their roles, teams, account teams and the organisation's settings."""

import contextvars
import copy

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from keyplan.core.choices import PlanVisibility, Role
from keyplan.core.constraints import DatabaseCheck
from keyplan.core.formats import DEFAULT_LOCALE, validate_locale
from keyplan.core.models import Versioned
from keyplan.core.money import MoneyField


class User(AbstractUser):
    """A person who signs in. Their role sets what they may do across the portfolio."""

    role = models.CharField(max_length=16, choices=Role, default=Role.VIEWER)
    title = models.CharField("job title", max_length=120, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    def save(self, *args, **kwargs):
        # A superuser may do everything, so they are an administrator wherever roles
        # are checked; administrators run the admin site, nobody else needs it.
        if self.is_superuser:
            self.role = Role.ADMIN
        self.is_staff = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_all_accounts(self) -> bool:
        return self.is_superuser or self.role in (Role.ADMIN, Role.LEADER)


class Team(models.Model):
    """A sales team (for example "Enterprise EMEA"), for rollups by team."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    leader = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    members = models.ManyToManyField(User, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RequireMfa(models.TextChoices):
    """Who must use two-step sign-in (keyplan.security.mfa) when signing in with a
    password; single sign-on users rely on their provider's own."""

    OFF = "off", "Nobody: each user chooses"
    ADMINISTRATORS = "admins", "Administrators"
    EVERYONE = "everyone", "Everyone who signs in with a password"


# The kinds of plan review (cadence.ReviewKind), lightest first.
REVIEW_KINDS = ("weekly", "monthly", "quarterly", "annual")


def _cadence(days: int, tier: int, review: str) -> models.PositiveSmallIntegerField:
    weekly = review.startswith("weekly")
    return models.PositiveSmallIntegerField(
        f"tier {tier}: {review} every",
        default=days,
        validators=[MinValueValidator(1 if weekly else 0), MaxValueValidator(3660)],
        help_text="Days; every plan gets reviewed at least this often."
        if weekly
        else "Days; 0 when plans of this tier need no review of this kind.",
    )


class Organisation(Versioned):
    """The one row of settings for this keyplan installation."""

    name = models.CharField(max_length=120, default="Our company")
    currency = models.CharField(
        max_length=3,
        default="USD",
        help_text="ISO 4217 code, such as USD, EUR or GBP",
        validators=[
            RegexValidator(
                r"^[A-Z]{3}$",
                "A currency is its three-letter ISO 4217 code in capitals, "
                "such as USD, EUR or GBP.",
            )
        ],
    )
    locale = models.CharField(
        max_length=20,
        default=DEFAULT_LOCALE,
        help_text="How numbers, amounts and dates are written on every page, document "
        "and email: a language and region such as en-US (1,250 · 7 Dec 2026), en-GB, "
        "de-DE (1.250 · 7. Dez. 2026) or fr-FR.",
        validators=[validate_locale],
    )
    plan_visibility = models.CharField(
        max_length=8, choices=PlanVisibility, default=PlanVisibility.ACCOUNT_TEAM
    )
    require_mfa = models.CharField(
        "require two-step sign-in",
        max_length=8,
        choices=RequireMfa,
        default=RequireMfa.OFF,
        help_text="Who must confirm a password sign-in with a code from an authenticator "
        "app. Those who have not set it up are asked to right after their password.",
    )

    # Alert thresholds (insights.alerts)
    stale_plan_days = models.PositiveSmallIntegerField(
        default=30, help_text="A plan with no change or review for longer is stale."
    )
    coverage_days = models.PositiveSmallIntegerField(
        default=90, help_text="A key stakeholder counts as covered if met within this many days."
    )
    cold_buyer_days = models.PositiveSmallIntegerField(
        default=60, help_text="An economic buyer not met for longer has gone cold."
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        default=90, help_text="A renewal this close needs an executive touchpoint planned."
    )
    low_adoption_percent = models.PositiveSmallIntegerField(
        default=60, validators=[MaxValueValidator(100)], help_text="Active seats below this share."
    )
    # Expected plan review cadence per tier and kind of review, in days; 0: not expected
    # (insights.cadence). A review of a kind also counts for the lighter kinds (an annual
    # rewrite is a quarterly, monthly and weekly review too), so the weekly cadence is how
    # often a plan of the tier gets any review at all.
    review_days_tier1 = _cadence(7, 1, "weekly review (actions, plays, risks)")
    review_days_tier2 = _cadence(30, 2, "weekly review (actions, plays, risks)")
    review_days_tier3 = _cadence(90, 3, "weekly review (actions, plays, risks)")
    monthly_days_tier1 = _cadence(30, 1, "monthly review (stakeholder map, heat map)")
    monthly_days_tier2 = _cadence(30, 2, "monthly review (stakeholder map, heat map)")
    monthly_days_tier3 = _cadence(0, 3, "monthly review (stakeholder map, heat map)")
    quarterly_days_tier1 = _cadence(90, 1, "quarterly review (whole plan, QBR)")
    quarterly_days_tier2 = _cadence(90, 2, "quarterly review (whole plan, QBR)")
    quarterly_days_tier3 = _cadence(90, 3, "quarterly review (whole plan, QBR)")
    annual_days_tier1 = _cadence(365, 1, "annual review (rewrite)")
    annual_days_tier2 = _cadence(365, 2, "annual review (rewrite)")
    annual_days_tier3 = _cadence(365, 3, "annual review (rewrite)")
    # Cost to serve: what an hour of each kind of resource costs
    se_hour_rate = MoneyField("solution-engineering hour rate", default=150)
    cs_hour_rate = MoneyField("customer-success hour rate", default=100)
    exec_hour_rate = MoneyField("executive hour rate", default=400)
    # Account selection: the weighted score (1-5) a suggested tier needs
    tier1_min_score = models.DecimalField(max_digits=3, decimal_places=2, default=4)
    tier2_min_score = models.DecimalField(max_digits=3, decimal_places=2, default=3)

    account_path = None
    managed_by = frozenset({Role.ADMIN})

    class Meta:
        verbose_name = "organisation settings"
        verbose_name_plural = "organisation settings"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.tier2_min_score > self.tier1_min_score:
            raise ValidationError(
                {"tier2_min_score": "Tier 2 cannot need a higher score than tier 1."}
            )

    def review_days(self, tier: int) -> int:
        """How often a plan of this tier is expected to be reviewed (any kind of review)."""
        return {1: self.review_days_tier1, 2: self.review_days_tier2}.get(
            tier, self.review_days_tier3
        )

    def review_cadence(self, tier: int) -> dict[str, int | None]:
        """Days between reviews of each kind (cadence.ReviewKind values, lightest first)
        for a plan of this tier; None where the tier expects no review of that kind."""
        tier = tier if tier in (1, 2) else 3
        days = {
            "weekly": self.review_days(tier),
            **{kind: getattr(self, f"{kind}_days_tier{tier}") for kind in REVIEW_KINDS[1:]},
        }
        return {kind: value or None for kind, value in days.items()}

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Organisation.forget()

    @classmethod
    def current(cls) -> "Organisation":
        """The settings, read once per request or command (every money amount and access
        check asks for them) and forgotten when they are saved or a request begins
        (keyplan.team.middleware). Each caller gets its own copy to change."""
        organisation = _CURRENT.get()
        if organisation is None:
            organisation, _ = cls.objects.get_or_create(pk=1)
            _CURRENT.set(organisation)
        return copy.copy(organisation)

    @staticmethod
    def forget() -> None:
        _CURRENT.set(None)


_CURRENT: contextvars.ContextVar[Organisation | None] = contextvars.ContextVar(
    "keyplan_organisation", default=None
)


class TeamRole(models.TextChoices):
    """Roles on an account team. The owner is the account's own `owner` field."""

    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"
    SPONSOR = "sponsor", "Executive sponsor"


class AccountMember(Versioned):
    """A user on an account's team besides its owner: a member or an executive sponsor."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=TeamRole, default=TeamRole.MEMBER)
    paired_stakeholder = models.ForeignKey(
        "relationships.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paired_sponsors",
        help_text="For a sponsor: the customer's executive they are paired with.",
    )
    note = models.CharField(max_length=200, blank=True)

    manager_only = True

    class Meta:
        ordering = ["account", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user"],
                name="accountmember_one_per_user",
                violation_error_message="This user is already on the account team.",
            ),
            DatabaseCheck(
                condition=models.Q(role__in=[TeamRole.MEMBER, TeamRole.SPONSOR]),
                name="accountmember_role_not_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) on {self.account}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role == TeamRole.OWNER:
            raise ValidationError(
                {"role": "The owner is set on the account itself; choose member or sponsor."}
            )
        self.check_same_account(self.account_id, "paired_stakeholder")
        if self.account_id and self.user_id and self.account.owner_id == self.user_id:
            raise ValidationError({"user": "The owner is already on the account team."})
