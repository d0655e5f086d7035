from django.contrib import admin

from keyplan.cadence.models import (
    PlanReview,
    Touchpoint,
    TouchpointAttendee,
    TouchpointHost,
    TriggerEvent,
)
from keyplan.core.admin import LinkInline, PlanAdmin


class HostInline(LinkInline):
    model = TouchpointHost


class AttendeeInline(LinkInline):
    model = TouchpointAttendee


@admin.register(Touchpoint)
class TouchpointAdmin(PlanAdmin):
    list_display = ("__str__", "account", "kind", "date", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "account__name")
    autocomplete_fields = ("account",)
    date_hierarchy = "date"
    inlines = [HostInline, AttendeeInline]


@admin.register(PlanReview)
class PlanReviewAdmin(PlanAdmin):
    list_display = ("account", "kind", "date", "reviewer")
    list_filter = ("kind",)
    search_fields = ("account__name",)
    autocomplete_fields = ("account", "reviewer")


@admin.register(TriggerEvent)
class TriggerEventAdmin(PlanAdmin):
    list_display = ("account", "kind", "date", "status", "handled_on")
    list_filter = ("kind", "status")
    search_fields = ("account__name", "description")
    autocomplete_fields = ("account", "handled_by")
