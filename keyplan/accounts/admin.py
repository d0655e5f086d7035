from django.contrib import admin

from keyplan.accounts.models import (
    CONTEXT_FIELDS,
    PROFILE_FIELDS,
    Account,
    Contract,
    ContractLine,
    Handoff,
    RevenueYear,
    SelectionCriterion,
    SelectionScore,
    told_apart,
)
from keyplan.accounts.services import update_account
from keyplan.core.admin import PlanAdmin, RecordAdmin


@admin.register(Account)
class AccountAdmin(PlanAdmin):
    # Names may repeat: the list and the pickers show where and whose each account is.
    list_display = (
        "name", "headquarters", "tier", "relationship", "owner", "crm_id", "target_arr",
        "updated_at",
    )  # fmt: skip
    list_filter = ("tier", "relationship", "source", "ownership", "owner")
    search_fields = ("name", "industry", "crm_id", "headquarters")
    autocomplete_fields = ("owner", "parent")
    fieldsets = (
        (None, {"fields": ("name", "tier", "relationship", "owner", "source", "crm_id")}),
        ("1. Profile", {"fields": ("parent", *PROFILE_FIELDS)}),
        ("1. Strategic context", {"fields": CONTEXT_FIELDS}),
        ("2. History", {"fields": ("relationship_origin", "first_sale_year", "original_use_case")}),
        ("6. Growth thesis", {"fields": ("growth_thesis", "target_arr", "target_date")}),
        ("8. Value", {"fields": ("value_realised", "value_unrealised")}),
        ("Record", {"fields": ("based_on_version", "version", "created_at", "updated_at")}),
    )

    def update(self, record, **kwargs):
        return update_account(record, **kwargs)  # a new owner is a handoff

    @staticmethod
    def autocomplete_text(account: Account) -> str:
        return told_apart(account)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related("owner"), duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and field is not None:
            field.label_from_instance = told_apart
        return field


@admin.register(Contract)
class ContractAdmin(PlanAdmin):
    list_display = ("name", "account", "status", "arr", "start_date", "end_date", "auto_renew")
    list_filter = ("status", "auto_renew")
    search_fields = ("name", "account__name", "crm_id")
    autocomplete_fields = ("account",)
    date_hierarchy = "end_date"


@admin.register(ContractLine)
class ContractLineAdmin(PlanAdmin):
    list_display = ("contract", "product", "quantity", "arr")
    list_filter = ("product",)
    search_fields = ("contract__name", "contract__account__name", "product__name")
    autocomplete_fields = ("contract", "product")


@admin.register(RevenueYear)
class RevenueYearAdmin(PlanAdmin):
    list_display = ("account", "year", "revenue")
    list_filter = ("year",)
    search_fields = ("account__name",)
    autocomplete_fields = ("account",)


@admin.register(SelectionCriterion)
class SelectionCriterionAdmin(PlanAdmin):
    list_display = ("name", "key", "weight", "position")


@admin.register(SelectionScore)
class SelectionScoreAdmin(PlanAdmin):
    list_display = ("account", "criterion", "score")
    list_filter = ("criterion", "score")
    search_fields = ("account__name",)
    autocomplete_fields = ("account",)


@admin.register(Handoff)
class HandoffAdmin(RecordAdmin):
    """Handoffs are made on the account's handoff page (or by changing its owner)."""

    list_display = ("account", "previous_owner", "new_owner", "handed_over_by", "created_at")
    search_fields = ("account__name", "previous_owner__username", "new_owner__username")
    date_hierarchy = "created_at"
