"""The Salesforce connection in the admin site, where administrators find the
settings: listed read-only, with the way to the Integrations page, which sets and
tests it (and never shows its secrets); and what the sync keeps (values last seen,
conflicts, deletions, Sync now runs and the job queue), listed for administrators to
read: they change only through the sync and the plan page."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from keyplan.core.admin import AdministratorsOnly, RecordAdmin
from keyplan.exchange.models import (
    AccountSync,
    DeletedRecord,
    PushedRecord,
    SalesforceConnection,
    SeenValue,
    SyncConflict,
    SyncRun,
)


@admin.register(SalesforceConnection)
class SalesforceConnectionAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("__str__", "login_url", "client_id", "last_pull_at", "set_on")
    search_fields = ("login_url", "client_id")

    @admin.display(description="set and tested on")
    def set_on(self, connection):
        return format_html('<a href="{}">the Integrations page</a>', reverse("integrations"))

    def changelist_view(self, request, extra_context=None):
        link = format_html('<a href="{}">the Integrations page</a>', reverse("integrations"))
        self.message_user(request, format_html("Set and test the connection on {}.", link))
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("integrations"))


@admin.register(SeenValue)
class SeenValueAdmin(RecordAdmin):
    list_display = ("kind", "record_id", "crm_id", "field", "value", "seen_at")
    search_fields = ("crm_id", "field")


@admin.register(SyncConflict)
class SyncConflictAdmin(RecordAdmin):
    list_display = ("record_name", "field", "keyplan_value", "salesforce_value", "found_at", "kept")
    search_fields = ("record_name", "field")


@admin.register(DeletedRecord)
class DeletedRecordAdmin(RecordAdmin):
    list_display = ("object_name", "crm_id", "side", "name", "deleted_at")
    search_fields = ("crm_id", "name")


@admin.register(AccountSync)
class AccountSyncAdmin(RecordAdmin):
    list_display = ("account", "synced_at")
    search_fields = ("account__name",)


@admin.register(SyncRun)
class SyncRunAdmin(RecordAdmin):
    list_display = ("pk", "state", "account", "by", "queued_at", "finished_at")
    list_filter = ("state",)
    search_fields = ("account__name",)


@admin.register(PushedRecord)
class PushedRecordAdmin(RecordAdmin):
    list_display = ("object_name", "crm_id", "name", "pushed_at")
    search_fields = ("crm_id", "name")


# The job queue's own admin lets only superusers look; keyplan's administrators read it.
class TaskResultAdmin(AdministratorsOnly, DBTaskResultAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
