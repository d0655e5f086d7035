from django.contrib import admin

from keyplan.core.admin import LinkInline, PlanAdmin
from keyplan.relationships.models import Influence, Interaction, InteractionStakeholder, Stakeholder


class InfluenceInline(LinkInline):
    model = Influence
    fk_name = "source"


@admin.register(Stakeholder)
class StakeholderAdmin(PlanAdmin):
    list_display = (
        "name",
        "account",
        "title",
        "role",
        "power",
        "interest",
        "strength",
        "priority",
        "status",
    )
    list_filter = ("role", "power", "strength", "priority", "status")
    search_fields = ("name", "title", "email", "account__name")
    autocomplete_fields = ("account", "reports_to", "business_unit", "relationship_owner")
    inlines = [InfluenceInline]


@admin.register(Influence)
class InfluenceAdmin(PlanAdmin):
    list_display = ("source", "target", "strength")
    search_fields = ("source__name", "target__name", "source__account__name")
    autocomplete_fields = ("source", "target")


class ParticipantInline(LinkInline):
    model = InteractionStakeholder


@admin.register(Interaction)
class InteractionAdmin(PlanAdmin):
    list_display = ("date", "subject", "account", "kind", "meaningful", "logged_by")
    list_filter = ("kind", "meaningful")
    search_fields = ("subject", "account__name")
    autocomplete_fields = ("account", "logged_by")
    date_hierarchy = "date"
    inlines = [ParticipantInline]
