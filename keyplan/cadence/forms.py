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


SNOOZE_CHOICES = [(7, "a week"), (14, "two weeks"), (30, "a month")]


class SnoozeForm(forms.Form):
    """Set an alert aside for a while, saying why (cadence.services.snooze_alert)."""

    rule = forms.CharField(widget=forms.HiddenInput)
    record_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=500, label="Why can it wait?")
    days = forms.TypedChoiceField(choices=SNOOZE_CHOICES, coerce=int, initial=7, label="Snooze for")


class CloseTriggerForm(forms.Form):
    """Clear a trigger's "plan update needed" task (cadence.services.close_trigger)."""

    note = forms.CharField(required=False, max_length=2000, label="How was the plan updated?")
    version = forms.IntegerField(widget=forms.HiddenInput)


class FinishReviewForm(ReviewForm):
    """The review that closes an account in the weekly review: its kind and notes (the
    date is today's)."""

    class Meta(ReviewForm.Meta):
        fields = ["kind", "notes"]
