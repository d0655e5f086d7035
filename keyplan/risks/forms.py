"""Forms for the risk register and the SWOT."""

from keyplan.core.forms import PlanForm
from keyplan.risks.models import Risk, SwotItem


class RiskForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = Risk
        fields = [
            "title", "category", "probability", "impact", "arr_at_risk", "status", "owner",
            "mitigation", "next_action", "next_action_date", "description",
        ]  # fmt: skip


class SwotForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = SwotItem
        fields = ["kind", "text", "position"]


class RerateForm(RiskForm):
    """A risk re-rated in a review: how likely, how bad, and where it stands."""

    class Meta(RiskForm.Meta):
        fields = ["probability", "impact", "status"]
