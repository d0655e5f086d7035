from django.contrib import admin

from keyplan.core.admin import LinkInline, PlanAdmin
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    Objective,
    Play,
    PlayCell,
    PlayStakeholder,
    Product,
    ResourceRequest,
    WhitespaceCell,
)


@admin.register(Product)
class ProductAdmin(PlanAdmin):
    list_display = ("name", "family", "list_price", "active", "position")
    list_filter = ("family", "active")
    search_fields = ("name", "family")


@admin.register(BusinessUnit)
class BusinessUnitAdmin(PlanAdmin):
    list_display = ("name", "account", "kind", "headcount")
    list_filter = ("kind",)
    search_fields = ("name", "account__name")
    autocomplete_fields = ("account",)


@admin.register(WhitespaceCell)
class WhitespaceCellAdmin(PlanAdmin):
    list_display = ("account", "business_unit", "product", "status", "estimated_value", "fit")
    list_filter = ("status", "product", "fit")
    search_fields = ("account__name", "business_unit__name", "product__name")
    autocomplete_fields = ("account", "business_unit", "product", "champion")


@admin.register(Objective)
class ObjectiveAdmin(PlanAdmin):
    list_display = ("title", "account", "metric", "target", "due_date", "status")
    list_filter = ("status",)
    search_fields = ("title", "account__name")
    autocomplete_fields = ("account", "owner")


class PlayStakeholderInline(LinkInline):
    model = PlayStakeholder


class PlayCellInline(LinkInline):
    model = PlayCell


@admin.register(Play)
class PlayAdmin(PlanAdmin):
    list_display = ("name", "account", "kind", "stage", "target_arr", "target_close_date", "owner")
    list_filter = ("kind", "stage")
    search_fields = ("name", "account__name", "crm_id")
    autocomplete_fields = ("account", "owner", "customer_owner", "objective")
    inlines = [PlayStakeholderInline, PlayCellInline]


@admin.register(Action)
class ActionAdmin(PlanAdmin):
    list_display = ("title", "account", "owner", "due_date", "status", "objective", "play")
    list_filter = ("status", "owner")
    search_fields = ("title", "account__name")
    autocomplete_fields = ("account", "owner", "objective", "play")
    date_hierarchy = "due_date"


@admin.register(ResourceRequest)
class ResourceRequestAdmin(PlanAdmin):
    list_display = (
        "title",
        "account",
        "kind",
        "year",
        "quarter",
        "requested",
        "committed",
        "status",
    )
    list_filter = ("kind", "status", "year")
    search_fields = ("title", "account__name")
    autocomplete_fields = ("account", "owner")
