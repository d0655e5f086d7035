"""The audit trail in the admin site, read-only: the Audit page (/settings/audit/)
filters it, `keyplan audit` exports it, and nobody edits it."""

from django.contrib import admin

from keyplan.audit.models import AuditEvent
from keyplan.core.admin import RecordAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ("when", "kind", "login", "address", "target_label")
    list_filter = ("kind",)
    search_fields = ("login", "address", "target_label")
    date_hierarchy = "when"
