"""Forms for executive touchpoints, plan reviews and trigger events (section 8)."""

from django import forms
from django.contrib.auth import get_user_model

from keyplan.cadence.models import PlanReview, Touchpoint, TriggerEvent
from keyplan.core.forms import PlanForm
from keyplan.relationships.models import Stakeholder


class TouchpointForm(PlanForm):
    links = ("hosts", "attendees")

    hosts = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.all(), required=False, label="Our attendees"
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=Stakeholder.objects.all(), required=False, label="Their attendees"
    )

    class Meta(PlanForm.Meta):
        model = Touchpoint
        fields = [
            "kind", "date", "status", "title", "agenda", "proof_points", "asks", "commitments",
            "notes",
        ]  # fmt: skip


class ReviewForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = PlanReview
        fields = ["kind", "date", "notes"]


class TriggerForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = TriggerEvent
        fields = ["kind", "date", "description", "status", "handled_on", "handled_note"]
