"""Forms for the stakeholder map (section 3)."""

from django import forms

from keyplan.core.forms import PlanForm
from keyplan.relationships.models import Influence, Interaction, Stakeholder


class StakeholderForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = Stakeholder
        fields = [
            "name", "title", "role", "secondary_role", "power", "interest", "strength",
            "priority", "reports_to", "business_unit", "department", "relationship_owner",
            "status", "on_map_since", "next_interaction_date", "next_interaction_plan",
            "cares_about_professionally", "cares_about_personally", "competitor_relationships",
            "email", "phone", "linkedin", "notes",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_map_since"].required = False  # left blank: today, or as it was
        if self.instance.pk:  # nobody reports to themselves
            self.fields["reports_to"].queryset = self.fields["reports_to"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean_on_map_since(self):
        return self.cleaned_data.get("on_map_since") or self.instance.on_map_since


class InfluenceForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = Influence
        fields = ["source", "target", "strength", "note"]


class InteractionForm(PlanForm):
    links = ("stakeholders",)

    stakeholders = forms.ModelMultipleChoiceField(
        queryset=Stakeholder.objects.all(), required=False, label="Who took part"
    )

    class Meta(PlanForm.Meta):
        model = Interaction
        fields = ["date", "kind", "subject", "meaningful", "summary"]
