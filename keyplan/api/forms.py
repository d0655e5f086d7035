"""Forms the plan page has no use for but the API needs.

A whitespace cell is created by clicking its place in the grid, so the page's
form never asks for its business unit and product; a client must name them.
Health snapshots come from imports on the page, so they have no page form yet.
"""

from keyplan.core.forms import PlanForm
from keyplan.growth.forms import CellForm
from keyplan.risks.models import HealthSnapshot


class CellCreateForm(CellForm):
    class Meta(CellForm.Meta):
        fields = ["business_unit", "product", *CellForm.Meta.fields]


class HealthSnapshotForm(PlanForm):
    class Meta(PlanForm.Meta):
        model = HealthSnapshot
        fields = [
            "date", "licensed_seats", "active_seats", "open_tickets", "escalations", "nps",
            "csat", "effort_score", "negative_signals", "notes",
        ]  # fmt: skip
