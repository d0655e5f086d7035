"""Plan sections 1-2: the account with its profile and strategic context, its
contracts and revenue; and the scorecard that selects and tiers key accounts."""

import difflib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower

from keyplan.core.constraints import DatabaseCheck, in_choices, non_negative
from keyplan.core.ids import parse_id
from keyplan.core.models import CRM_NOTES_HELP, Checked, PlanQuerySet, Tracked, Versioned
from keyplan.core.money import MoneyField
from keyplan.team.models import Role, TeamRole


class Tier(models.IntegerChoices):
    ONE = 1, "Tier 1"
    TWO = 2, "Tier 2"
    THREE = 3, "Tier 3"


class Relationship(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PROSPECT = "prospect", "Prospect"


class Ownership(models.TextChoices):
    PUBLIC = "public", "Public"
    PE_BACKED = "pe_backed", "PE-backed"
    PRIVATE = "private", "Private"
    BOOTSTRAPPED = "bootstrapped", "Bootstrapped"


class BuyingCentralisation(models.TextChoices):
    CENTRALISED = "centralised", "Centralised buying"
    HYBRID = "hybrid", "Hybrid"
    DECENTRALISED = "decentralised", "Decentralised buying"


class VendorStance(models.TextChoices):
    ENTRENCHED = "entrenched", "Entrenched"
    MIXED = "mixed", "Mixed"
    FLEXIBLE = "flexible", "Flexible"


class Source(models.TextChoices):
    """Where an account came from; `generate` refuses to mix into non-synthetic ones."""

    MANUAL = "manual", "Entered in keyplan"
    DEMO = "demo", "Demo portfolio"
    SYNTHETIC = "synthetic", "Synthetic scale data"
    EXCEL = "excel", "Excel import"
    SALESFORCE = "salesforce", "Salesforce"
    HUBSPOT = "hubspot", "HubSpot"


MAX_LISTED = 20  # the matches an ambiguous name lists


def told_apart(account: "Account") -> str:
    """One account as a list of same-named ones shows it: its name, headquarters, CRM
    id, owner and keyplan id (what is blank is left out)."""
    owner = account.owner
    details = [
        account.headquarters,
        f"CRM id {account.crm_id}" if account.crm_id else "",
        f"owner {owner}" if owner else "no owner",
        f"id {account.pk}",
    ]
    return f"{account.name} ({', '.join(d for d in details if d)})"


def split_list(text: str | None) -> list[str]:
    """The ids or names of a comma-separated option (`--accounts A,B`), blanks left out.
    A name holding a comma is given by its id, or whole in an option of its own."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class AccountQuerySet(PlanQuerySet):
    """Accounts may share a name (CRMs hold duplicates and same-named accounts in two
    regions): a name finds an account only when it is the only one of that name; an
    id always does."""

    def named(self, text: str) -> "AccountQuerySet":
        """The accounts named `text`, in any case (through the index on Lower(name))."""
        return self.alias(lower_name=Lower("name")).filter(lower_name=Lower(Value(text.strip())))

    def find(self, text: str) -> "Account":
        """The account with the id `text`, or the one account named `text` (any case).

        Raises Account.DoesNotExist naming the closest names when there is none, and
        Account.MultipleObjectsReturned telling each match apart (with its id to give
        instead) when several accounts have that name.
        """
        text = text.strip()
        if (pk := parse_id(text)) is not None and (match := self.filter(pk=pk).first()):
            return match
        matches = list(self.named(text).select_related("owner").order_by("pk")[: MAX_LISTED + 1])
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = "\n".join(f"  {told_apart(account)}" for account in matches[:MAX_LISTED])
            more = "\n  ..." if len(matches) > MAX_LISTED else ""
            raise Account.MultipleObjectsReturned(
                f"Several accounts are named “{text}”; give the id of the one you mean:\n"
                f"{listed}{more}"
            )
        close = self.close_matches(text)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise Account.DoesNotExist(f"No account is named “{text}”.{hint}")

    def find_each(self, texts: Iterable[str]) -> list["Account"]:
        """find() for each of `texts` (ids or names), in order and without repeats; raises
        Account.DoesNotExist with every problem, one a line, when any is not found or
        ambiguous."""
        found: dict[int, Account] = {}
        problems = []
        for text in texts:
            try:
                account = self.find(text)
            except (Account.DoesNotExist, Account.MultipleObjectsReturned) as exc:
                problems.append(str(exc))
            else:
                found.setdefault(account.pk, account)
        if problems:
            raise Account.DoesNotExist("\n".join(problems))
        return list(found.values())

    def twins(self) -> dict[int, str]:
        """What tells apart the accounts of this queryset that share a name (any case)
        with another of it: {id: "Lyon, Kim Alvarez"} from the headquarters and the
        owner, with the CRM id and then the id when those do not. In one query."""
        shared = (
            self.order_by()
            .values(lower_name=Lower("name"))
            .annotate(count=models.Count("pk"))
            .filter(count__gt=1)
            .values("lower_name")
        )
        rows = (
            self.alias(lower_name=Lower("name"))
            .filter(lower_name__in=shared)
            .order_by("pk")
            .values_list(
                "pk", Lower("name"), "headquarters", "crm_id",
                "owner__first_name", "owner__last_name", "owner__username",
            )
        )  # fmt: skip
        groups: dict[str, list[tuple[int, list[str]]]] = {}
        for pk, lower_name, headquarters, crm_id, first, last, login in rows:
            owner = f"{first} {last}".strip() or login or ""
            levels = [headquarters, owner, f"CRM id {crm_id}" if crm_id else "", f"id {pk}"]
            groups.setdefault(lower_name, []).append((pk, levels))
        told: dict[int, str] = {}
        for group in groups.values():
            for depth in range(2, 5):  # headquarters and owner; then CRM id; then id
                labels = {pk: ", ".join(p for p in levels[:depth] if p) for pk, levels in group}
                if all(labels.values()) and len(set(labels.values())) == len(labels):
                    break
            told.update(labels)
        return told

    def close_matches(self, text: str, limit: int = 5) -> list[str]:
        containing = list(self.filter(name__icontains=text).values_list("name", flat=True)[:limit])
        names = self.values_list("name", flat=True).iterator()
        similar = difflib.get_close_matches(text, names, n=limit, cutoff=0.6)
        return list(dict.fromkeys(containing + similar))[:limit]

    def customers(self):
        return self.filter(relationship=Relationship.CUSTOMER)

    def prospects(self):
        return self.filter(relationship=Relationship.PROSPECT)

    def with_last_handoff(self):
        """Each account with its latest handoff, in the same query: `last_handoff_id`,
        `last_handoff_at` and `last_handoff_from_id` (the previous owner), or None."""
        latest = Handoff.objects.filter(account=models.OuterRef("pk")).order_by(
            "-created_at", "-pk"
        )
        return self.annotate(
            **{
                f"last_handoff_{name}": models.Subquery(latest.values(column)[:1])
                for name, column in (("id", "pk"), ("at", "created_at"),
                                     ("from_id", "previous_owner_id"))
            }
        )  # fmt: skip


class Account(Checked, Versioned):
    """A key account and its plan: the profile (section 1), the relationship's
    history (section 2) and the growth thesis (section 6) live on this row."""

    # Who and what
    name = models.CharField(max_length=200)
    tier = models.PositiveSmallIntegerField(choices=Tier, default=Tier.TWO)
    relationship = models.CharField(
        max_length=10, choices=Relationship, default=Relationship.CUSTOMER
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_accounts",
        help_text="The key account manager who owns the plan.",
    )
    source = models.CharField(max_length=12, choices=Source, default=Source.MANUAL)
    crm_id = models.CharField("CRM id", max_length=40, blank=True, db_index=True)
    crm_notes = models.TextField("CRM notes", blank=True, help_text=CRM_NOTES_HELP)
    last_changed = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The last change to any record of the plan (kept by the services).",
    )
    # Advanced by the services with every change to any record of the plan, so what is
    # built from the whole plan (its document, its figures) is known current or not.
    plan_version = models.PositiveBigIntegerField(default=1, editable=False)

    # 1. Profile
    industry = models.CharField(max_length=80, blank=True)
    annual_revenue = MoneyField(null=True, blank=True, help_text="The customer's own revenue.")
    employees = models.PositiveIntegerField(null=True, blank=True)
    headquarters = models.CharField(max_length=200, blank=True)
    key_offices = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subsidiary_accounts"
    )
    subsidiaries = models.TextField(blank=True, help_text="Subsidiaries not tracked as accounts.")
    ownership = models.CharField(max_length=12, choices=Ownership, blank=True)
    website = models.URLField(blank=True)
    business_model = models.TextField(blank=True, help_text="Business model and revenue drivers.")
    org_structure = models.TextField(blank=True)
    buying_centralisation = models.CharField(
        max_length=13, choices=BuyingCentralisation, blank=True
    )
    current_stack = models.TextField(blank=True, help_text="Current stack and vendors.")
    vendor_stance = models.CharField(
        max_length=10, choices=VendorStance, blank=True, help_text="Are incumbents entrenched?"
    )
    budget_cycle = models.TextField(blank=True)
    procurement_rules = models.TextField(blank=True)
    wallet_estimate = MoneyField(
        null=True, blank=True, help_text="Their yearly spend in our category (for share of wallet)."
    )

    # 1. Strategic context
    business_priorities = models.TextField(blank=True, help_text="Next 12-36 months.")
    earnings_commentary = models.TextField(blank=True)
    leadership_changes = models.TextField(blank=True)
    restructuring = models.TextField(blank=True, help_text="M&A or restructuring.")
    industry_pressures = models.TextField(blank=True)
    desired_outcomes = models.TextField(
        blank=True, help_text="The business outcomes the customer is after."
    )
    off_the_record = models.TextField(
        blank=True,
        help_text="The reality behind the official story (what the champion complains about).",
    )
    board_priority_link = models.TextField(
        blank=True, help_text="How our offering ties to a board-level priority."
    )

    # 2. History of the relationship
    relationship_origin = models.TextField(blank=True, help_text="How the relationship began.")
    first_sale_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    original_use_case = models.TextField(blank=True)

    # 6. Growth thesis
    growth_thesis = models.TextField(blank=True)
    target_arr = MoneyField("target ARR", null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)

    # 8. Value delivered, for QBRs
    value_realised = MoneyField(null=True, blank=True)
    value_unrealised = MoneyField(null=True, blank=True)

    objects = AccountQuerySet.as_manager()

    account_path = ""
    manager_fields = frozenset({"owner", "tier", "relationship", "source"})

    class Meta:
        ordering = ["name"]
        constraints = [
            in_choices("tier", Tier, "account_tier_valid"),
            *non_negative(
                "account",
                "annual_revenue",
                "wallet_estimate",
                "target_arr",
                "value_realised",
                "value_unrealised",
            ),
        ]
        indexes = [
            # Names are not unique (see AccountQuerySet); they are looked up in any case.
            models.Index(Lower("name"), name="account_name_lower_idx"),
            models.Index(fields=["tier", "relationship"], name="account_tier_rel_idx"),
            models.Index(fields=["owner", "tier"], name="account_owner_tier_idx"),
            models.Index(fields=["updated_at"], name="account_updated_idx"),
            models.Index(fields=["source"], name="account_source_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # Walk up the parents: a subsidiary cannot (indirectly) own its parent.
        seen, parent_id = set(), self.parent_id
        while parent_id is not None and parent_id not in seen:
            if parent_id == self.pk:
                raise ValidationError({"parent": "An account cannot be its own (grand)parent."})
            seen.add(parent_id)
            parent_id = (
                Account.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
            )

    def team(self) -> list[tuple]:
        """(user, role) for everyone on the account team, the owner first."""
        team = [(self.owner, TeamRole.OWNER)] if self.owner_id else []
        team += [(member.user, member.role) for member in self.members.select_related("user")]
        return team


# Section 1 of the plan, as the admin, the plan document and exports group it.
PROFILE_FIELDS = (
    "industry",
    "annual_revenue",
    "employees",
    "headquarters",
    "key_offices",
    "subsidiaries",
    "ownership",
    "website",
    "business_model",
    "org_structure",
    "buying_centralisation",
    "current_stack",
    "vendor_stance",
    "budget_cycle",
    "procurement_rules",
    "wallet_estimate",
)
CONTEXT_FIELDS = (
    "business_priorities",
    "earnings_commentary",
    "leadership_changes",
    "restructuring",
    "industry_pressures",
    "desired_outcomes",
    "off_the_record",
    "board_priority_link",
)


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Contract(Versioned):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contracts")
    name = models.CharField(max_length=200)
    crm_id = models.CharField("CRM id", max_length=40, blank=True, db_index=True)
    crm_notes = models.TextField("CRM notes", blank=True, help_text=CRM_NOTES_HELP)
    status = models.CharField(max_length=10, choices=ContractStatus, default=ContractStatus.ACTIVE)
    arr = MoneyField("ARR", default=0)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    auto_renew = models.BooleanField(default=False)
    notice_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days of notice to cancel before the end date."
    )
    renewal_terms = models.TextField(blank=True)
    termination_clauses = models.TextField(blank=True)

    class Meta:
        ordering = ["account", "-start_date"]
        constraints = [
            *non_negative("contract", "arr"),
            DatabaseCheck(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="contract_end_not_before_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"], name="contract_status_end_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})


class ContractLine(Versioned):
    """A product line on a contract: which product, how many seats, how much ARR."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "growth.Product", on_delete=models.PROTECT, related_name="contract_lines"
    )
    quantity = models.PositiveIntegerField(default=1, help_text="Quantity or seats.")
    arr = MoneyField("ARR", default=0)

    account_path = "contract__account"

    class Meta:
        ordering = ["contract", "product__name"]
        constraints = [
            *non_negative("contractline", "arr"),
            models.UniqueConstraint(
                fields=["contract", "product"],
                name="contractline_one_per_product",
                violation_error_message="This product is already on the contract.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} x {self.quantity}"


class RevenueYear(Versioned):
    """What the account paid us in a calendar year."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="revenue_years")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    revenue = MoneyField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["account", "year"]
        constraints = [
            *non_negative("revenueyear", "revenue"),
            models.UniqueConstraint(
                fields=["account", "year"],
                name="revenueyear_one_per_year",
                violation_error_message="This year already has a revenue figure.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.year}"


class SelectionCriterion(Versioned):
    """A criterion of the account-selection scorecard; active weights total 100%."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Percent of the weighted score."
    )
    position = models.PositiveSmallIntegerField(default=0)

    account_path = None
    managed_by = frozenset({Role.ADMIN, Role.LEADER})

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "selection criteria"
        constraints = [
            DatabaseCheck(
                condition=models.Q(weight__lte=100), name="selectioncriterion_weight_percent"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SelectionScore(Versioned):
    """One account's 1-5 score on one criterion."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="selection_scores")
    criterion = models.ForeignKey(
        SelectionCriterion, on_delete=models.CASCADE, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.CharField(max_length=200, blank=True)

    managed_by = frozenset({Role.ADMIN, Role.LEADER})

    class Meta:
        ordering = ["account", "criterion__position"]
        constraints = [
            DatabaseCheck(
                condition=models.Q(score__gte=1, score__lte=5),
                name="selectionscore_score_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["account", "criterion"],
                name="selectionscore_one_per_criterion",
                violation_error_message="This account is already scored on this criterion.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.criterion} = {self.score}"


class Handoff(Tracked):
    """An account changing owner (keyplan.accounts.handoff): who handed it to whom, and
    which records moved with it. `held` lists the stakeholders whose relationship the
    previous owner held then, and `moved` the records reassigned, by kind, so the
    brief can be read again later."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="handoffs")
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handoffs_given",
    )
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="handoffs_received",
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="handoffs_made",
    )
    note = models.TextField(blank=True, help_text="What the new owner should know first.")
    held = models.JSONField(default=list, blank=True)
    moved = models.JSONField(default=dict, blank=True)

    manager_only = True

    class Meta:
        ordering = ["account", "-created_at"]
        constraints = [
            DatabaseCheck(
                condition=~models.Q(previous_owner=models.F("new_owner")),
                name="handoff_to_someone_else",
            )
        ]

    def __str__(self) -> str:
        return f"Handoff from {self.previous_owner or 'nobody'} to {self.new_owner}"

    def clean(self):
        if self.previous_owner_id and self.previous_owner_id == self.new_owner_id:
            raise ValidationError({"new_owner": "The account already belongs to this user."})
