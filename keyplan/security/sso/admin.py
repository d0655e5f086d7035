"""Single sign-on in the admin site, for keyplan's administrators (a role, not Django
permissions): the linking switch, and the identities (deleting one unbinds it: the
next sign-in with it is a first sign-in again)."""

from django.contrib import admin
from django.http import HttpRequest

from keyplan.core.access import is_administrator
from keyplan.security.sso.models import SsoIdentity, SsoSettings


class ForAdministrators(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # identities come from sign-ins; the settings row exists once


@admin.register(SsoSettings)
class SsoSettingsAdmin(ForAdministrators):
    list_display = ["__str__", "link_by_email"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        SsoSettings.current()  # the one row, there to be edited
        return super().changelist_view(request, extra_context)


@admin.register(SsoIdentity)
class SsoIdentityAdmin(ForAdministrators):
    list_display = ["user", "issuer", "subject", "email", "last_sign_in"]
    search_fields = ["user__username", "email", "subject"]
    readonly_fields = ["user", "issuer", "subject", "email", "created_at", "last_sign_in"]
