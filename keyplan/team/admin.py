from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from keyplan.core.admin import AdministratorsOnly, PlanAdmin
from keyplan.team.models import AccountMember, Organisation, Team, User

# keyplan's roles replace Django's permission groups.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AdministratorsOnly, DjangoUserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "title",
        "role",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active", "teams")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "title")}),
        ("Access", {"fields": ("role", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "role", "password1", "password2")}),)


@admin.register(Team)
class TeamAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("name", "leader")
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(Organisation)
class OrganisationAdmin(PlanAdmin):
    list_display = ("name", "currency", "plan_visibility")

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request) and not Organisation.objects.exists()


@admin.register(AccountMember)
class AccountMemberAdmin(PlanAdmin):
    list_display = ("account", "user", "role", "paired_stakeholder")
    list_filter = ("role",)
    search_fields = ("account__name", "user__username", "user__last_name")
    autocomplete_fields = ("account", "user", "paired_stakeholder")
