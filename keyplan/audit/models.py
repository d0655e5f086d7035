"""One row per thing worth answering for: who, from where, did what to what."""

from django.conf import settings
from django.db import models

from keyplan.core import clock


class AuditEvent(models.Model):
    when = models.DateTimeField(default=clock.now, editable=False)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The login as it was: kept when the user is deleted or renamed, and the name tried
    # on a failed sign-in, which may belong to nobody.
    login = models.CharField(max_length=150, blank=True)
    address = models.CharField(max_length=45, blank=True)  # IPv4 or IPv6, as text
    target_kind = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-when", "-id"]
        verbose_name = "audit event"
        indexes = [
            # The page's filters, each with the newest first.
            models.Index(fields=["-when"], name="audit_when"),
            models.Index(fields=["kind", "-when"], name="audit_kind_when"),
            models.Index(fields=["login", "-when"], name="audit_login_when"),
            models.Index(fields=["address", "-when"], name="audit_address_when"),
            models.Index(fields=["target_kind", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M:%S} {self.kind} {self.login}".strip()
