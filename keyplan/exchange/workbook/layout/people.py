"""The people sheets (plan section 3): stakeholders, who influences whom, and the
interaction log."""

from keyplan.exchange.values import Choice, Day, Name, Names, Text, YesNo
from keyplan.exchange.workbook.layout.columns import (
    LEVEL,
    STAKEHOLDERS,
    UNITS,
    Column,
    TableSheet,
    person,
    ref,
    text,
)
from keyplan.relationships.models import (
    BuyingRole,
    InteractionKind,
    Priority,
    StakeholderStatus,
    Strength,
)

STAKEHOLDERS_TABLE = TableSheet(
    "3 Stakeholders",
    "3. Stakeholders",
    (
        Column("Name", "name", Name(required=True), 22),
        Column("Title", "title", Text(), 24),
        ref("Business unit", "business_unit", UNITS),
        Column("Department", "department", Text()),
        ref("Reports to", "reports_to", STAKEHOLDERS),
        Column("Role", "role", Choice(BuyingRole, default=BuyingRole.INFLUENCER), 18),
        Column("Secondary role", "secondary_role", Choice(BuyingRole), 18),
        Column("Power", "power", LEVEL, 10),
        Column("Interest", "interest", LEVEL, 10),
        Column(
            "Relationship strength",
            "strength",
            Choice(Strength, doc="int", default=Strength.NEUTRAL),
            12,
        ),
        Column("Priority", "priority", Choice(Priority, doc="name", default=Priority.SECONDARY)),
        *person("Relationship owner", "relationship_owner", width=20, help="Who on our side."),
        Column(
            "Last meaningful interaction",
            "last_interaction",
            Day(),
            14,
            readonly=True,
            help="From the interaction log; not read back.",
        ),
        Column("Next interaction", "next_interaction_date", Day(), 14),
        Column("Next interaction plan", "next_interaction_plan", Text(), 24),
        text("Cares about professionally", "cares_about_professionally"),
        text("Cares about personally", "cares_about_personally"),
        text("Competitors' relationships", "competitor_relationships"),
        Column("Email", "email", Text(), 26),
        Column("Phone", "phone", Text()),
        Column("LinkedIn", "linkedin", Text(), 26),
        Column("Status", "status", Choice(StakeholderStatus, default=StakeholderStatus.ACTIVE)),
        text("Notes", "notes"),
        Column("CRM id", "crm_id", Text()),
    ),
    key=("name",),
    rows=lambda d: d["stakeholders"],
    names=STAKEHOLDERS,
)


def _influences(d):
    return [{"source": s["name"], **link} for s in d["stakeholders"] for link in s["influences"]]


INFLUENCE = TableSheet(
    "3 Influence",
    "3. Who influences whom",
    (
        ref("Stakeholder", "source", STAKEHOLDERS, required=True),
        ref("Influences", "target", STAKEHOLDERS, required=True),
        Column("Strength", "strength", LEVEL, 10),
        Column("Note", "note", Text(), 30),
    ),
    key=("source", "target"),
    rows=_influences,
)

INTERACTIONS = TableSheet(
    "3 Interactions",
    "3. Interactions",
    (
        Column("Date", "date", Day(required=True), 12),
        Column("Kind", "kind", Choice(InteractionKind, default=InteractionKind.MEETING), 10),
        Column("Subject", "subject", Name(required=True), 30),
        text("Summary", "summary"),
        Column("Meaningful", "meaningful", YesNo(), 11),
        *person("Logged by", "logged_by"),
        Column("Stakeholders", "stakeholders", Names(), 24, refers_to=STAKEHOLDERS),
        Column("CRM id", "crm_id", Text()),
    ),
    key=("date", "subject"),
    rows=lambda d: d["interactions"],
    unique=False,
)
