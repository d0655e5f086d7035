"""The plan records the API serves under /accounts/{id}/<path>, with their forms.

The forms are the plan page's own (plan.kinds.KINDS and the grid's CellForm), so
a value the page refuses the API refuses too, with the same message.
"""

from dataclasses import dataclass
from functools import cached_property

from keyplan.api import forms as api_forms
from keyplan.api import schemas
from keyplan.api.pagination import PageQuery
from keyplan.core.forms import PlanForm
from keyplan.growth.forms import CellForm
from keyplan.plan.kinds import KINDS


@dataclass(frozen=True)
class ApiKind:
    path: str  # the URL segment, plural
    name: str  # singular, for operation ids and schema names
    form: type[PlanForm]
    create_form: type[PlanForm] | None = None  # when creating takes more fields than editing

    @property
    def model(self):
        return self.form._meta.model

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def links(self) -> tuple[str, ...]:
        return self.form.links

    @property
    def fields(self) -> list[str]:
        """Everything a client may set: the creation form's fields and links."""
        form = self.create_form or self.form
        return [*form._meta.fields, *form.links]

    @cached_property
    def create_schema(self):
        form = self.create_form or self.form
        return schemas.input_schema(form, f"{self.name}Create", partial=False)

    @cached_property
    def read_only(self) -> dict:
        """What a read returns that a change does not write (schemas.read_only_fields)."""
        writable = [*self.form._meta.fields, *self.form.links]
        return schemas.read_only_fields(self.model, self.fields, writable, links=self.links)

    @cached_property
    def update_schema(self):
        return schemas.input_schema(
            self.form, f"{self.name}Update", partial=True, read_only=self.read_only
        )

    @cached_property
    def out_schema(self):
        return schemas.output_schema(self.model, self.fields, self.name, links=self.links)

    @cached_property
    def written_schema(self):
        return schemas.written_schema(self.out_schema, f"{self.name}Written")

    @cached_property
    def list_query(self):
        return schemas.list_query(self.model, self.fields, f"{self.name}ListQuery", PageQuery)

    @cached_property
    def page_schema(self):
        return schemas.page_schema(self.out_schema, f"{self.name}Page")

    def serialize(self, record) -> dict:
        return schemas.serialize(record, self.fields, links=self.links)


API_KINDS = [
    ApiKind("stakeholders", "Stakeholder", KINDS["stakeholders"].form),
    ApiKind("interactions", "Interaction", KINDS["interactions"].form),
    ApiKind("business-units", "BusinessUnit", KINDS["units"].form),
    ApiKind(
        "whitespace-cells",
        "WhitespaceCell",
        CellForm,
        create_form=api_forms.CellCreateForm,
    ),
    ApiKind("objectives", "Objective", KINDS["objectives"].form),
    ApiKind("plays", "Play", KINDS["plays"].form),
    ApiKind("actions", "Action", KINDS["actions"].form),
    ApiKind("risks", "Risk", KINDS["risks"].form),
    ApiKind("swot-items", "SwotItem", KINDS["swot"].form),
    ApiKind("touchpoints", "Touchpoint", KINDS["touchpoints"].form),
    ApiKind("reviews", "PlanReview", KINDS["reviews"].form),
    ApiKind("triggers", "TriggerEvent", KINDS["triggers"].form),
    ApiKind("resources", "ResourceRequest", KINDS["resources"].form),
    ApiKind("contracts", "Contract", KINDS["contracts"].form),
    ApiKind("revenue-years", "RevenueYear", KINDS["revenue"].form),
    ApiKind("health-snapshots", "HealthSnapshot", api_forms.HealthSnapshotForm),
]
