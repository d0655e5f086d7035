"""Forms for executive touchpoints, plan reviews and trigger events (section 8)."""

from django import forms
from django.contrib.auth import get_user_model

from keyplan.cadence.models import PlanReview, Touchpoint, TriggerEvent
from keyplan.cadence.services import Commitment
from keyplan.core.forms import PlanForm, date_input
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


class CommitmentForm(forms.Form):
    """One follow-up commitment on a touchpoint's brief: what, who, by when, and what
    it serves. The service says what is missing (cadence.services.commit_follow_ups)."""

    title = forms.CharField(max_length=240, required=False, label="Commitment")
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    due_date = forms.DateField(required=False, widget=date_input(), label="Due")
    ties_to = forms.ChoiceField(required=False, label="Serves")

    def __init__(self, *args, people, objectives, plays, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {f"objective-{o.pk}": o for o in objectives}
        self.targets |= {f"play-{p.pk}": p for p in plays}
        self.fields["owner"].queryset = get_user_model().objects.filter(
            pk__in=[person.pk for person in people], is_active=True
        )
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or str(user)
        choices = [("", "Nothing yet")]
        if objectives:
            choices.append(("Objectives", [(f"objective-{o.pk}", o.title) for o in objectives]))
        if plays:
            choices.append(("Plays", [(f"play-{p.pk}", p.name) for p in plays]))
        self.fields["ties_to"].choices = choices

    def commitment(self) -> Commitment:
        data = self.cleaned_data
        target = self.targets.get(data.get("ties_to") or "")
        key = data.get("ties_to") or ""
        return Commitment(
            title=data.get("title") or "",
            owner=data.get("owner"),
            due_date=data.get("due_date"),
            objective=target if key.startswith("objective-") else None,
            play=target if key.startswith("play-") else None,
        )


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=0, max_num=30, absolute_max=30)


SNOOZE_CHOICES = [(7, "a week"), (14, "two weeks"), (30, "a month")]


class SnoozeForm(forms.Form):
    """Set an alert aside for a while, saying why (rhythm.snoozes.snooze_alert)."""

    rule = forms.CharField(widget=forms.HiddenInput)
    record_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=500, label="Why can it wait?")
    days = forms.TypedChoiceField(choices=SNOOZE_CHOICES, coerce=int, initial=7, label="Snooze for")


class CloseTriggerForm(forms.Form):
    """Clear a trigger's "plan update needed" task (rhythm.triggers.close_trigger)."""

    note = forms.CharField(required=False, max_length=2000, label="How was the plan updated?")
    version = forms.IntegerField(widget=forms.HiddenInput)


class FinishReviewForm(ReviewForm):
    """The review that closes an account in the weekly review: its kind and notes (the
    date is today's)."""

    class Meta(ReviewForm.Meta):
        fields = ["kind", "notes"]
