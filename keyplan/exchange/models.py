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
