"""The kinds of record a plan holds that people add and edit one by one: each with its
slug (in page and API addresses), the form that validates it, the plan-page section
that lists it and the sections that show numbers or pictures drawn from it. The plan
page's inline editing (keyplan.web.editing) and the API (keyplan.api.kinds) share it.
"""

from dataclasses import dataclass

from keyplan.accounts.forms import ContractForm, ContractLineForm, MemberForm, RevenueYearForm
from keyplan.cadence.forms import ReviewForm, TouchpointForm, TriggerForm
from keyplan.core.forms import PlanForm
from keyplan.growth.forms import (
    ActionForm,
    BusinessUnitForm,
    ObjectiveForm,
    PlayForm,
    ResourceForm,
)
from keyplan.relationships.forms import InfluenceForm, InteractionForm, StakeholderForm
from keyplan.risks.forms import RiskForm, SwotForm


@dataclass(frozen=True)
class Kind:
    """A kind of record edited on the plan page."""

    slug: str
    form: type[PlanForm]
    section: str  # the section listing these records
    refresh: tuple[str, ...] = ()  # other sections showing numbers or pictures from them
    on_account: bool = True  # new records belong to the account directly

    @property
    def model(self):
        return self.form._meta.model

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


KINDS = {
    kind.slug: kind
    for kind in [
        Kind("contracts", ContractForm, "history", ("summary",)),
        Kind("contract-lines", ContractLineForm, "history", on_account=False),
        Kind("revenue", RevenueYearForm, "history"),
        Kind("stakeholders", StakeholderForm, "stakeholders", ("heatmap", "whitespace")),
        Kind("influences", InfluenceForm, "stakeholders", on_account=False),
        Kind("interactions", InteractionForm, "interactions", ("stakeholders",)),
        Kind("units", BusinessUnitForm, "whitespace", ("stakeholders",)),
        Kind("plays", PlayForm, "growth", ("summary",)),
        Kind("risks", RiskForm, "risks"),
        Kind("touchpoints", TouchpointForm, "cadence"),
        Kind("reviews", ReviewForm, "cadence", ("summary",)),
        Kind("triggers", TriggerForm, "cadence"),
        Kind("resources", ResourceForm, "resources"),
        Kind("swot", SwotForm, "swot"),
        Kind("objectives", ObjectiveForm, "objectives", ("growth", "actions")),
        Kind("actions", ActionForm, "actions"),
        Kind("team", MemberForm, "overview", ("summary", "cadence")),
    ]
}
