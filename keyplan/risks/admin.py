from django.contrib import admin

from keyplan.core.admin import PlanAdmin
from keyplan.risks.models import HealthSnapshot, Risk, SwotItem


@admin.register(Risk)
class RiskAdmin(PlanAdmin):
    list_display = (
        "title",
        "account",
        "category",
        "probability",
        "impact",
        "arr_at_risk",
        "status",
    )
    list_filter = ("category", "probability", "impact", "status")
    search_fields = ("title", "account__name")
    autocomplete_fields = ("account", "owner")


@admin.register(SwotItem)
class SwotItemAdmin(PlanAdmin):
    list_display = ("text", "account", "kind")
    list_filter = ("kind",)
    search_fields = ("text", "account__name")
    autocomplete_fields = ("account",)


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(PlanAdmin):
    list_display = (
        "account",
        "date",
        "licensed_seats",
        "active_seats",
        "nps",
        "csat",
        "escalations",
    )
    search_fields = ("account__name",)
    autocomplete_fields = ("account",)
    date_hierarchy = "date"
