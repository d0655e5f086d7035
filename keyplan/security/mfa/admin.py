"""Two-step sign-in in the admin site, for keyplan's administrators: who has it set
up, and a reset (delete) for someone who lost both their phone and recovery codes.
django-otp's own device admins are replaced: they would show a user's secret."""

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from keyplan.core.access import is_administrator
from keyplan.security.mfa import services
from keyplan.security.mfa.models import AuthenticatorApp

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(admin.ModelAdmin):
    list_display = ("user", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    fields = ("user", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields
    actions = ["delete_selected"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: AuthenticatorApp) -> None:
        services.remove(obj.user, by=request.user)  # type: ignore[arg-type]  # and its codes

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for device in queryset.select_related("user"):
            services.remove(device.user, by=request.user)  # type: ignore[arg-type]
