"""Forms for whitespace, growth plays, objectives, actions and resources."""

from django import forms

from keyplan.core.forms import PlanForm
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    Objective,
    Play,
    ResourceRequest,
    WhitespaceCell,
)
from keyplan.relationships.models import Stakeholder


class BusinessUnitForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = BusinessUnit
        fields = ["name", "kind", "headcount", "position", "description"]


class CellForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = WhitespaceCell
        fields = ["status", "estimated_value", "fit", "champion", "notes"]


class ObjectiveForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = Objective
        fields = ["title", "metric", "baseline", "target", "unit", "due_date", "status", "owner"]


class PlayForm(PlanForm):
    links = ("stakeholders", "cells")

    stakeholders = forms.ModelMultipleChoiceField(
        queryset=Stakeholder.objects.all(), required=False, label="Key stakeholders"
    )
    cells = forms.ModelMultipleChoiceField(
        queryset=WhitespaceCell.objects.select_related("business_unit", "product"),
        required=False,
        label="Whitespace it converts",
    )

    class Meta(PlanForm.Meta):
        model = Play
        fields = [
            "name", "kind", "stage", "target_arr", "probability", "target_close_date", "owner",
            "customer_owner", "objective", "blocker", "dependencies", "description",
        ]  # fmt: skip


class ActionForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = Action
        fields = ["title", "owner", "due_date", "status", "completed_on", "objective", "play"]


class ResourceForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = ResourceRequest
        fields = [
            "kind", "title", "year", "quarter", "requested", "committed", "delivered", "status",
            "owner", "needed_by", "notes",
        ]  # fmt: skip
