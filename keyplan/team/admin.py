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


def _cadence_fields(tier: int) -> tuple[str, ...]:
    return (
        f"review_days_tier{tier}",
        f"monthly_days_tier{tier}",
        f"quarterly_days_tier{tier}",
        f"annual_days_tier{tier}",
    )


@admin.register(Organisation)
class OrganisationAdmin(PlanAdmin):
    list_display = ("name", "currency", "locale", "plan_visibility")
    fieldsets = (
        (None, {"fields": ("name", "currency", "locale", "plan_visibility")}),
        (
            "Alerts",
            {
                "fields": (
                    "stale_plan_days",
                    "coverage_days",
                    "cold_buyer_days",
                    "renewal_window_days",
                    "low_adoption_percent",
                )
            },
        ),
        *(
            (
                f"Review cadence, tier {tier} (days between reviews; 0: none expected)",
                {
                    "fields": (_cadence_fields(tier),),
                    "description": "A review of one kind counts for the lighter kinds too."
                    if tier == 1
                    else "",
                },
            )
            for tier in (1, 2, 3)
        ),
        ("Sign-in", {"fields": ("require_mfa",)}),
        ("Cost to serve", {"fields": ("se_hour_rate", "cs_hour_rate", "exec_hour_rate")}),
        ("Account selection", {"fields": ("tier1_min_score", "tier2_min_score")}),
    )

    def get_fieldsets(self, request, obj=None):
        """The groups above, then any other setting (none is left off the form)."""
        listed = {
            name
            for _, options in self.fieldsets
            for row in options["fields"]
            for name in (row if isinstance(row, tuple) else (row,))
        }
        hidden = {"id", "version", "created_at", "updated_at"}
        rest = [
            f.name
            for f in Organisation._meta.concrete_fields
            if f.name not in listed | hidden and f.editable
        ]
        stamps = ("version", "created_at", "updated_at")
        return (*self.fieldsets, *((("Other settings", {"fields": rest}),) if rest else ()),
                ("Record", {"fields": stamps, "classes": ("collapse",)}))  # fmt: skip

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request) and not Organisation.objects.exists()


@admin.register(AccountMember)
class AccountMemberAdmin(PlanAdmin):
    list_display = ("account", "user", "role", "paired_stakeholder")
    list_filter = ("role",)
    search_fields = ("account__name", "user__username", "user__last_name")
    autocomplete_fields = ("account", "user", "paired_stakeholder")
