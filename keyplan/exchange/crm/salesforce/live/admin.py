"""The Salesforce connection in the admin site, where administrators find the
settings: listed read-only, with the way to the Integrations page, which sets and
tests it (and never shows its secrets)."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from keyplan.core.admin import AdministratorsOnly
from keyplan.exchange.models import SalesforceConnection


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
