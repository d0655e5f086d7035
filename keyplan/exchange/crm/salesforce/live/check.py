"""Test connection: what works and what is missing between keyplan and the org, in
plain words, one line a step: the settings, the token, the API version, the objects
and fields keyplan reads (fields.py), the play-id External ID field on Opportunity
and the Opportunity stages."""

from dataclasses import dataclass, field

from keyplan.exchange.crm.salesforce.fields import FIELDS
from keyplan.exchange.crm.salesforce.live.account_plans import has_account_plans
from keyplan.exchange.crm.salesforce.live.client import ApiError, Client
from keyplan.exchange.crm.salesforce.live.config import Config, current, stored
from keyplan.exchange.crm.salesforce.live.oauth import ConnectionFailed, request_token


@dataclass(frozen=True)
class Step:
    ok: bool
    message: str


@dataclass
class Report:
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    def works(self, message: str) -> None:
        self.steps.append(Step(True, message))

    def missing(self, message: str) -> None:
        self.steps.append(Step(False, message))


def check_connection(config: Config | None = None) -> Report:
    config = config or current()
    report = Report()
    missing = config.missing()
    if missing:
        for what in missing:
            report.missing(f"Not set: {what}.")
        return report
    try:
        token = request_token(config)
    except ConnectionFailed as error:
        report.missing(str(error))
        return report
    report.works(f"Signed in to {token.instance_url} by the {token.flow} flow.")
    try:
        with Client(token, config["api_version"]) as client:
            if _version(client, config, report):
                _objects(client, config, report)
                _account_plans(client, report)
            if client.api_usage:
                used, allowed = client.api_usage
                report.works(f"API use: {used:,} of the org's {allowed:,} requests a day.")
    except ConnectionFailed as error:
        report.missing(str(error))
    return report


def _version(client: Client, config: Config, report: Report) -> bool:
    wanted = config["api_version"]
    try:
        offered = [str(v.get("version")) for v in client.versions()]
    except ApiError as error:
        report.missing(f"The org did not list its API versions: {error}.")
        return False
    if wanted in offered:
        report.works(f"API version {wanted} is available.")
        return True
    latest = max(offered, key=_number, default="none")
    report.missing(
        f"The org does not offer API version {wanted} (its latest is {latest}): set "
        "KEYPLAN_SALESFORCE_API_VERSION or the API version on the Integrations page."
    )
    return False


def _number(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return 0.0


def _objects(client: Client, config: Config, report: Report) -> None:
    for object_name, wanted in FIELDS.items():
        try:
            described = client.describe(object_name)
        except ApiError as error:
            if error.status == 404:
                report.missing(
                    f"{object_name}: the integration user cannot read this object; give "
                    "them read access to it (a permission set)."
                )
            else:
                report.missing(f"{object_name}: Salesforce refused its describe ({error}).")
            continue
        fields = {f["name"]: f for f in described.get("fields", ())}
        absent = [name for name in wanted if name not in fields]
        if absent:
            report.missing(
                f"{object_name}: the integration user cannot read {len(absent)} of the "
                f"fields keyplan reads: {', '.join(absent)}. Give them read access to these "
                "fields (field-level security in a permission set)."
            )
        else:
            report.works(f"{object_name}: all {len(wanted)} fields keyplan reads are readable.")
        if object_name == "Contact":
            _contacts_switch(described, report)
        if object_name == "Opportunity":
            _play_id(fields, config["play_id_field"], report)
            _stages(fields.get("StageName"), report)


def _account_plans(client: Client, report: Report) -> None:
    """Whether the org has Sales Cloud's account plans (describeGlobal lists
    AccountPlan, resources_describeGlobal.htm): not an error when it has not."""
    try:
        available = has_account_plans(client)
    except ApiError as error:
        report.missing(f"The org did not list its objects: {error}.")
        return
    if available:
        report.works(
            "Account Plans are available: a push writes each plan's SWOT to AccountPlan and "
            "its objectives to AccountPlanObjective."
        )
    else:
        report.works(
            "Account Plans are not available in the org (turn on account plans in Sales "
            "Cloud to have the SWOT and objectives written there); nothing else needs them."
        )


def _contacts_switch(described: dict, report: Report) -> None:
    """Whether a push creates new stakeholders as Contacts, and can (describe's
    createable, resources_sobject_describe.htm)."""
    if not stored().create_contacts:
        report.works(
            "New stakeholders are not created as Contacts (switched off on the Integrations page)."
        )
    elif described.get("createable", True):
        report.works("New stakeholders of pushed plays are created as Contacts.")
    else:
        report.missing(
            "New stakeholders are to be created as Contacts, but the integration user may "
            "not create Contacts: give them create access to Contact (a permission set)."
        )


def _play_id(fields: dict[str, dict], name: str, report: Report) -> None:
    found = fields.get(name)
    create = (
        f"create it on Opportunity as a Text(255) field named {name.removesuffix('__c')}, "
        "with 'External ID' and 'Unique' ticked, and give the integration user edit access "
        "to it (or set KEYPLAN_SALESFORCE_PLAY_ID_FIELD to the field you use)"
    )
    if found is None:
        report.missing(
            f"The play id field {name} is not on Opportunity (or the integration user cannot "
            f"see it): {create}. keyplan finds its plays' opportunities by it."
        )
    elif not found.get("externalId"):
        report.missing(f"The play id field {name} on Opportunity is not an External ID: {create}.")
    elif not found.get("updateable", True):
        report.missing(
            f"The play id field {name} on Opportunity is read-only for the integration user: "
            "give them edit access to it."
        )
    else:
        report.works(f"The play id field {name} on Opportunity is an External ID.")


def _stages(stage_field: dict | None, report: Report) -> None:
    values = [
        str(value.get("value"))
        for value in (stage_field or {}).get("picklistValues", ())
        if value.get("active", True)
    ]
    if values:
        report.works(f"Opportunity stages: {', '.join(values)}.")
    else:
        report.missing("Opportunity.StageName has no active picklist values keyplan can read.")
