"""Admin-site base classes: the admin site is for administrators, and every
change it makes goes through the services (validation, versions, history)."""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from keyplan.core import services
from keyplan.core.access import is_administrator
from keyplan.core.errors import Forbidden, NotFound
from keyplan.core.models import Tracked

if TYPE_CHECKING:
    pass


class LabelledAutocomplete(AutocompleteJsonView):
    """Autocomplete results labelled by the model admin's `autocomplete_text(obj)` when it
    has one (accounts may share a name: their pickers tell them apart)."""

    def serialize_result(self, obj: models.Model, to_field_name: str) -> dict[str, Any]:
        result = super().serialize_result(obj, to_field_name)  # type: ignore[misc]
        text = getattr(self.model_admin, "autocomplete_text", None)
        return {**result, "text": text(obj)} if text else result


def _autocomplete(request: HttpRequest) -> Any:
    return LabelledAutocomplete.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = _autocomplete  # type: ignore[method-assign]


class AdministratorsOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_administrator(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_administrator(request.user)


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the form was opened at; a save over a newer one is refused."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()  # a model form's clean() gives back its cleaned_data
        cleaned = self.cleaned_data
        opened_at = cleaned.get("based_on_version")
        if self.instance.pk and opened_at is not None and opened_at != self.instance.version:
            raise forms.ValidationError(
                f"Someone changed this record since you opened it (you had version "
                f"{opened_at}, it is now at version {self.instance.version}). "
                "Reload the page to see their change, then apply yours again."
            )
        return cleaned


class PlanAdmin(AdministratorsOnly, SimpleHistoryAdmin):
    """Admin for a plan record: saves and deletes go through core.services."""

    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @property
    def versioned(self) -> bool:
        return any(f.name == "version" for f in self.model._meta.concrete_fields)

    def get_form(
        self, request: HttpRequest, obj: Tracked | None = None, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if self.versioned:
            kwargs.setdefault("form", VersionedAdminForm)
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Tracked | None = None
    ) -> Sequence[str]:
        stamps = ("version", "created_at", "updated_at") if self.versioned else ("created_at",)
        return (*super().get_readonly_fields(request, obj), *stamps)

    def _model_values(self, form: forms.ModelForm, names: Iterable[str]) -> dict[str, Any]:
        fields = {f.name for f in self.model._meta.concrete_fields}
        return {name: form.cleaned_data[name] for name in names if name in fields}

    def update(self, record: Tracked, **kwargs: Any) -> Tracked:
        """The service that changes a record of this model."""
        return services.update(record, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Tracked, form: forms.ModelForm, change: bool
    ) -> None:
        try:
            if change:
                saved = self.update(
                    obj,
                    by=request.user,
                    version=form.cleaned_data.get("based_on_version")
                    or getattr(obj, "version", None),
                    **self._model_values(form, form.changed_data),
                )
            else:
                saved = services.create(
                    self.model, by=request.user, **self._model_values(form, form.cleaned_data)
                )
        except (Forbidden, NotFound) as exc:
            raise PermissionDenied(str(exc)) from exc
        for field in self.model._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Tracked) -> None:
        services.delete(obj, by=request.user, version=getattr(obj, "version", None))

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class RecordAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Admin for what keyplan writes itself (handoffs, deliveries, credentials): listed
    for administrators to read; it changes only through the product's own pages."""

    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class LinkInline(admin.TabularInline):
    """Links between records (play <-> stakeholder) shown read-only on their owner;
    they change through the plan's services, which keep the owner's version."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def get_readonly_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields if f.name != "id"]
