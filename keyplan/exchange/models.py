"""What exchange keeps between runs: the live CRM connections an administrator sets
on the Integrations page."""

from django.conf import settings
from django.db import models


class SalesforceConnection(models.Model):
    """The Salesforce org keyplan connects to, as set on the Integrations page: one
    row. Each value may be overridden by its environment variable (see
    crm/salesforce/live/config.py); a blank value means "the default".

    The client secret and the private key are kept encrypted with a key derived from
    the secret key (live/sealed.py) and are never shown again once saved."""

    login_url = models.URLField("login URL", max_length=255, blank=True)
    client_id = models.CharField("client id (consumer key)", max_length=255, blank=True)
    client_secret = models.TextField("client secret (encrypted)", blank=True, editable=False)
    username = models.CharField("integration user's username", max_length=255, blank=True)
    private_key = models.TextField("private key (encrypted)", blank=True, editable=False)
    api_version = models.CharField("API version", max_length=8, blank=True)
    play_id_field = models.CharField("play id field", max_length=80, blank=True)
    # keyplan's stage (growth.Stage) -> the Opportunity stage (StageName) a push writes;
    # the first push fills it from the org's picklist, and an administrator may change it.
    stage_map = models.JSONField("stage map", default=dict, blank=True)
    # A push creates the stakeholders of its plays who have no Contact as Contacts.
    create_contacts = models.BooleanField("create new stakeholders as Contacts", default=False)
    # Counts saves, so a form based on an older version is refused, not applied over it.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # When the last pull that reached every linked account began: the next pull asks
    # Salesforce for what changed since then.
    last_pull_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The org's API use over 24 hours as Salesforce last told it (Sforce-Limit-Info).
    api_used = models.PositiveIntegerField(null=True, blank=True, editable=False)
    api_allowed = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "Salesforce connection"

    def __str__(self) -> str:
        return "Salesforce connection"


class SeenValue(models.Model):
    """The value keyplan last saw in Salesforce for one synced field of one record (a
    pull read it, or a push wrote it): what tells a change made in Salesforce from
    one made in keyplan, so that neither side overwrites the other's (live/seen.py).
    The value is kept as text, in keyplan's form of it (seen.text_of)."""

    kind = models.CharField(max_length=100)  # the model's label: growth.play, ...
    record_id = models.PositiveBigIntegerField()
    crm_id = models.CharField("Salesforce id", max_length=18)
    field = models.CharField(max_length=100)
    value = models.TextField(blank=True)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id", "field"], name="seen_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id} {self.field}"


class Kept(models.TextChoices):
    KEYPLAN = "keyplan", "keyplan's value"
    SALESFORCE = "salesforce", "Salesforce's value"


class SyncConflict(models.Model):
    """A field changed in keyplan and in Salesforce since the last sync: neither side
    is written until a user who may edit the plan keeps one (live/conflicts.py)."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=100)  # as SeenValue.kind
    record_id = models.PositiveBigIntegerField()
    crm_id = models.CharField("Salesforce id", max_length=18)
    record_name = models.CharField(max_length=255)
    field = models.CharField(max_length=100)
    keyplan_value = models.TextField(blank=True)
    keyplan_by = models.CharField(max_length=255, blank=True)
    salesforce_value = models.TextField(blank=True)
    salesforce_by = models.CharField(max_length=255, blank=True)
    found_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kept = models.CharField(max_length=20, choices=Kept.choices, blank=True)
    # Counts changes (a later sync's new values, the resolution), so a choice made on
    # what was shown before is refused rather than applied to other values.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id", "field"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_conflict_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_name}: {self.field}"


class DeletedRecord(models.Model):
    """A record deleted on one side of the Salesforce connection that the other side
    keeps, so a sync neither brings it back nor deletes its twin: a play deleted in
    keyplan (its Opportunity stays in Salesforce, and a pull does not re-create the
    play), or a contact role deleted in Salesforce (a push does not add it again).
    Opportunities and contacts deleted in Salesforce flag their play or stakeholder
    (crm_deleted_at) instead, where the plan page shows it."""

    SALESFORCE, KEYPLAN = "salesforce", "keyplan"
    SIDES = [(SALESFORCE, "deleted in Salesforce"), (KEYPLAN, "deleted in keyplan")]

    side = models.CharField(max_length=10, choices=SIDES)
    object_name = models.CharField(max_length=40)  # Opportunity, OpportunityContactRole
    crm_id = models.CharField("Salesforce id", max_length=40, db_index=True)
    # A contact role's Opportunity and Contact, which a push would otherwise pair again.
    opportunity_id = models.CharField(max_length=40, blank=True)
    contact_id = models.CharField(max_length=40, blank=True)
    # The Salesforce Account it belongs to (an id, not a key: the record outlives the
    # play, and even the account, it was noted for).
    account_crm_id = models.CharField(max_length=40, blank=True, db_index=True)
    name = models.CharField(max_length=200, blank=True)  # the play's name, when it went
    deleted_at = models.DateTimeField()
    # When a push report first said so (a deleted play's dropped link is said once).
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["side", "object_name", "crm_id"], name="deleted_record_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_name} {self.crm_id} {self.get_side_display()}"


class AccountSync(models.Model):
    """When an account's plan was last synced with Salesforce (a pull and a push that
    reached it without an error), for its plan page."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="salesforce_sync"
    )
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account} synced {self.synced_at:%Y-%m-%d %H:%M}"


class SyncRun(models.Model):
    """A sync someone started with Sync now: queued, run by `keyplan worker`, and its
    report for the page that polls it."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, "queued"), (RUNNING, "running"), (DONE, "done"), (FAILED, "failed")]

    state = models.CharField(max_length=8, choices=STATES, default=QUEUED)
    # The one account the plan page's button syncs; none: every linked account.
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)  # the sync's JSON report

    class Meta:
        ordering = ["-queued_at", "-pk"]

    def __str__(self) -> str:
        return f"Salesforce sync {self.pk}: {self.state}"


class PushedRecord(models.Model):
    """A keyplan record a push wrote to a Salesforce record that keyplan has no field
    to keep its id in: an account's plan as its AccountPlan, an objective as its
    AccountPlanObjective (live/account_plans.py). The next push updates the same
    record by this id."""

    object_name = models.CharField(max_length=40)  # AccountPlan, AccountPlanObjective
    record_id = models.PositiveBigIntegerField()  # the account's or the objective's pk
    crm_id = models.CharField("Salesforce id", max_length=18)
    account_crm_id = models.CharField(max_length=40, blank=True, db_index=True)
    name = models.CharField(max_length=255, blank=True)  # as last pushed
    pushed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_name", "record_id"], name="pushed_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.object_name} {self.crm_id}"
