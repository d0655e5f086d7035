"""Forms for the account itself (sections 1, 2, 6 and 8 fields), its contracts,
revenue and team; and the handoff to a new owner."""

from django import forms
from django.contrib.auth import get_user_model

from keyplan.accounts.handoff import MOVABLE
from keyplan.accounts.models import (
    CONTEXT_FIELDS,
    PROFILE_FIELDS,
    Account,
    Contract,
    ContractLine,
    RevenueYear,
)
from keyplan.core.forms import PlanForm
from keyplan.team.models import AccountMember


def account_form(name: str, fields) -> type[PlanForm]:
    """A form for one group of the account's own fields."""
    meta = type("Meta", (PlanForm.Meta,), {"model": Account, "fields": list(fields)})
    return type(f"Account{name.title()}Form", (PlanForm,), {"Meta": meta})


# The account's own fields, edited in groups where they appear on the plan page.
ACCOUNT_GROUPS = {
    "overview": account_form("overview", ["name", "tier", "relationship", "owner"]),
    "profile": account_form("profile", PROFILE_FIELDS),
    "context": account_form("context", CONTEXT_FIELDS),
    "origin": account_form(
        "origin", ["relationship_origin", "first_sale_year", "original_use_case"]
    ),
    "thesis": account_form("thesis", ["growth_thesis", "target_arr", "target_date"]),
    "value": account_form("value", ["value_realised", "value_unrealised"]),
}


class ContractForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = Contract
        fields = [
            "name", "status", "arr", "start_date", "end_date", "auto_renew", "notice_days",
            "renewal_terms", "termination_clauses",
        ]  # fmt: skip


class ContractLineForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = ContractLine
        fields = ["contract", "product", "quantity", "arr"]


class RevenueYearForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = RevenueYear
        fields = ["year", "revenue", "note"]


class MemberForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = AccountMember
        fields = ["user", "role", "paired_stakeholder", "note"]


class HandoffForm(forms.Form):
    """Hand an account to a new owner (accounts.handoff.hand_over checks the choice)."""

    new_owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    move = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Move to the new owner",
    )
    keep_previous = forms.BooleanField(
        required=False, initial=True, label="Keep the previous owner on the team as a member"
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note for the new owner",
        max_length=4000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidates, moving: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].widget.choices = [("", "Choose the new owner")] + [
            (user.pk, f"{user.get_full_name() or user.username} ({user.get_role_display()})")
            for user in candidates
        ]
        self.fields["move"].choices = [
            (kind, f"{label} ({moving.get(kind, 0)})") for kind, (*_, label) in MOVABLE.items()
        ]
