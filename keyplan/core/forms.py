"""The base of every plan form: choices scoped to the account, and the version the
form was opened at, so the services can refuse a save over someone else's change."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import models

from keyplan.core.models import Tracked


def _form_field(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")  # what people paste: example.com
    return model_field.formfield(**kwargs)


class PlanForm(forms.ModelForm):
    """A form for one record of an account's plan.

    `links` names many-to-many fields (through tracked link models) the form edits;
    the editor saves them with services.set_links after the record itself.
    """

    links: tuple[str, ...] = ()

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:  # the forms' own Meta subclasses this one
        formfield_callback = _form_field

    def __init__(self, *args: Any, account: models.Model, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account = account
        if self.instance.pk and "version" in self.fields:
            self.fields["version"].initial = getattr(self.instance, "version", None)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                assert field.queryset is not None  # a model field's choices: its model's rows
                field.queryset = self._scoped(field.queryset)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 2)
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
        for name in self.links:
            self.fields[name].initial = (
                list(getattr(self.instance, name).values_list("pk", flat=True))
                if self.instance.pk
                else []
            )

    def _scoped(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Choices from this account's plan only (and active users for people on our side)."""
        model = queryset.model
        if model is get_user_model():
            return queryset.filter(is_active=True).order_by("first_name", "last_name")
        if issubclass(model, Tracked) and model.account_path:
            return queryset.filter(**{model.account_path: self.account})
        return queryset

    def _post_clean(self) -> None:
        # The services validate the whole record under a lock; the form only turns
        # input into values and reports field errors (see web.editing).
        pass

    def values(self) -> dict[str, Any]:
        """The record's field values from the cleaned form (links and version excluded)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and name not in self.links
        }

    def link_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.links}


def date_input(**attrs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")
