from django.contrib import admin

from keyplan.cadence import calendar_feed
from keyplan.cadence.models import (
    AlertSnooze,
    CalendarFeed,
    DigestDelivery,
    PlanReview,
    Touchpoint,
    TouchpointAction,
    TouchpointAttendee,
    TouchpointHost,
    TriggerEvent,
)
from keyplan.core.admin import LinkInline, PlanAdmin, RecordAdmin


class HostInline(LinkInline):
    model = TouchpointHost


class AttendeeInline(LinkInline):
    model = TouchpointAttendee


class FollowUpInline(LinkInline):
    model = TouchpointAction
    verbose_name_plural = "follow-up actions"


@admin.register(Touchpoint)
class TouchpointAdmin(PlanAdmin):
    list_display = ("__str__", "account", "kind", "date", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "account__name")
    autocomplete_fields = ("account",)
    date_hierarchy = "date"
    inlines = [HostInline, AttendeeInline, FollowUpInline]


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


@admin.register(AlertSnooze)
class AlertSnoozeAdmin(PlanAdmin):
    list_display = ("account", "rule", "record_id", "until", "snoozed_by", "reason")
    list_filter = ("rule",)
    search_fields = ("account__name", "reason")
    autocomplete_fields = ("account", "snoozed_by")
    date_hierarchy = "until"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(RecordAdmin):
    # The key is the feed's secret: never shown, not even to administrators.
    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username",)
    exclude = ("key",)
    actions = ["revoke"]

    @admin.action(description="Revoke the selected calendar addresses")
    def revoke(self, request, queryset):
        users = {feed.user for feed in queryset.filter(revoked_at__isnull=True)}
        for user in users:
            calendar_feed.revoke(user)
        self.message_user(request, f"Revoked {len(users)} calendar address(es).")


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(RecordAdmin):
    list_display = ("user", "week", "since", "sent_at")
    search_fields = ("user__username",)
    date_hierarchy = "week"
