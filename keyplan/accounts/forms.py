"""Forms for the account itself (sections 1, 2, 6 and 8 fields), its contracts,
revenue and team."""

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
