from django.contrib import admin
from django.template.defaultfilters import pluralize

from keyplan.api import tokens
from keyplan.api.models import ApiToken
from keyplan.core.admin import RecordAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(RecordAdmin):
    """Tokens are made on each user's profile page; an administrator can revoke one
    (a leaked token, a departing colleague's script) but never see its secret."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at",
                    "revoked_at")  # fmt: skip
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    exclude = ("digest",)
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            tokens.revoke(token)
        self.message_user(request, f"Revoked {len(live)} token{pluralize(len(live))}.")
