"""The stored figures in the admin site: listed for administrators to read. They change
only through the services' writes and `keyplan figures`."""

from django.contrib import admin

from keyplan.core.admin import RecordAdmin
from keyplan.insights.stored.models import AccountFigures, AlertFigure, WhitespaceFigure


@admin.register(AccountFigures)
class AccountFiguresAdmin(RecordAdmin):
    list_display = ("account", "as_of", "plan_version", "health_score")
    search_fields = ("account__name",)


@admin.register(WhitespaceFigure)
class WhitespaceFigureAdmin(RecordAdmin):
    list_display = ("account", "product", "value", "cells")
    search_fields = ("account__name", "product__name")


@admin.register(AlertFigure)
class AlertFigureAdmin(RecordAdmin):
    list_display = ("account", "rule", "count")
    search_fields = ("account__name",)
    list_filter = ("rule",)
