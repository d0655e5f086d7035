"""The plan workbook's sheets and columns: one table that the export writes and the
import reads, so the two cannot drift apart.

A *form* sheet holds the account's own fields, one a row (label, value, help).
A *table* sheet holds one record a row under a header row; its `key` columns name
the record, so an import matches rows to stored records by name rather than by id.
Read-only sheets (the summary, the heat map, the whitespace grid) are written for
people and ignored by the import.
"""

from collections.abc import Callable
from dataclasses import dataclass

from keyplan.accounts.models import (
    BuyingCentralisation,
    ContractStatus,
    Ownership,
    Relationship,
    Source,
    Tier,
    VendorStance,
)
from keyplan.cadence.models import (
    ReviewKind,
    TouchpointKind,
    TouchpointStatus,
    TriggerKind,
    TriggerStatus,
)
from keyplan.core.choices import Level
from keyplan.exchange.documents.document import SWOT_KEYS
from keyplan.exchange.values import (
    Choice,
    Day,
    Integer,
    Kind,
    Money,
    Name,
    Names,
    Number,
    Text,
    YesNo,
)
from keyplan.growth.models import (
    ActionStatus,
    CellStatus,
    ObjectiveStatus,
    PlayKind,
    ResourceKind,
    ResourceStatus,
    Stage,
    UnitKind,
)
from keyplan.relationships.models import (
    BuyingRole,
    InteractionKind,
    Priority,
    StakeholderStatus,
    Strength,
)
from keyplan.risks.models import Impact, RiskCategory, RiskStatus, SwotKind
from keyplan.team.models import TeamRole

# What a name column points at: the sheet whose key names those records. Users and
# products may also be known to the database; the rest must be in the workbook.
USERS, STAKEHOLDERS, UNITS, PRODUCTS = "user", "stakeholder", "business unit", "product"
OBJECTIVES, PLAYS, CONTRACTS, CRITERIA = "objective", "play", "contract", "criterion"


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the model's field
    kind: Kind
    width: int = 16
    doc: str | None = None  # the document's key, when it differs from the field
    refers_to: str | None = None  # USERS, STAKEHOLDERS, ...
    readonly: bool = False
    help: str = ""

    @property
    def doc_key(self) -> str:
        return self.doc or self.field

    @property
    def required(self) -> bool:
        return self.kind.blank is NotImplemented


def ref(header, field_name, target, *, required=False, width=20, doc=None, help=""):
    return Column(
        header,
        field_name,
        Name(required=required),
        width,
        doc=doc,
        refers_to=target,
        help=help,
    )


def text(header, field_name, width=30, *, required=False, doc=None, help=""):
    return Column(
        header, field_name, Text(required=required, wrap=width >= 30), width, doc=doc, help=help
    )


@dataclass(frozen=True)
class TableSheet:
    sheet: str
    section: str  # the heading the dry run reports under
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rows: Callable[[dict], list[dict]]  # the document's records for this sheet
    unique: bool = True  # may two rows share a key?
    help: str = ""
    names: str | None = None  # the kind of record whose names the first key column holds

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    @property
    def writable(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.readonly)


@dataclass(frozen=True)
class FormSheet:
    sheet: str
    section: str
    fields: tuple[Column, ...]
    values: Callable[[dict], dict]  # field -> the document's value
    help: str = ""


LEVEL = Choice(Level, doc="name", default=Level.MEDIUM)


# ---- Forms: the account's own fields ---------------------------------------------

PROFILE = FormSheet(
    "1 Profile",
    "1. Profile",
    (
        Column("Account name", "name", Name(required=True), 30),
        Column("Tier", "tier", Choice(Tier, doc="int", default=Tier.TWO)),
        Column(
            "Customer or prospect",
            "relationship",
            Choice(Relationship, default=Relationship.CUSTOMER),
        ),
        Column("Source", "source", Choice(Source, default=Source.EXCEL)),
        Column("CRM id", "crm_id", Text()),
        ref("Parent account", "parent", "account", help="Another account in keyplan."),
        Column("Industry", "industry", Text()),
        Column("Annual revenue", "annual_revenue", Money(), help="The customer's own revenue."),
        Column("Employees", "employees", Integer(low=0)),
        Column("Headquarters", "headquarters", Text()),
        Column("Key offices", "key_offices", Text(wrap=True)),
        Column("Subsidiaries", "subsidiaries", Text(wrap=True)),
        Column("Ownership", "ownership", Choice(Ownership)),
        Column("Website", "website", Text()),
        Column("Business model and revenue drivers", "business_model", Text(wrap=True)),
        Column("Org structure", "org_structure", Text(wrap=True)),
        Column("Buying", "buying_centralisation", Choice(BuyingCentralisation)),
        Column("Current stack and vendors", "current_stack", Text(wrap=True)),
        Column("Incumbent vendors", "vendor_stance", Choice(VendorStance)),
        Column("Budget cycle", "budget_cycle", Text(wrap=True)),
        Column("Procurement rules", "procurement_rules", Text(wrap=True)),
        Column(
            "Wallet estimate",
            "wallet_estimate",
            Money(),
            help="Their yearly spend in our category.",
        ),
        Column("Business priorities (12-36 months)", "business_priorities", Text(wrap=True)),
        Column("Earnings commentary", "earnings_commentary", Text(wrap=True)),
        Column("Leadership changes", "leadership_changes", Text(wrap=True)),
        Column("M&A or restructuring", "restructuring", Text(wrap=True)),
        Column("Industry pressures", "industry_pressures", Text(wrap=True)),
        Column("Business outcomes they are after", "desired_outcomes", Text(wrap=True)),
        Column("Off the record", "off_the_record", Text(wrap=True)),
        Column("Tie to a board-level priority", "board_priority_link", Text(wrap=True)),
    ),
    lambda d: {
        **{k: d["account"][k] for k in ("name", "tier", "relationship", "source", "crm_id")},
        "parent": d["account"]["parent"],
        **{k: v for k, v in d["profile"].items() if k != "strategic_context"},
        **d["profile"]["strategic_context"],
    },
    help="One field a row. The account name says which plan the workbook updates.",
)

HISTORY = FormSheet(
    "2 History",
    "2. History",
    (
        Column("How the relationship began", "relationship_origin", Text(wrap=True)),
        Column("Year of first sale", "first_sale_year", Integer(low=1900, high=2200)),
        Column("Original use case", "original_use_case", Text(wrap=True)),
    ),
    lambda d: {
        k: d["history"][k] for k in ("relationship_origin", "first_sale_year", "original_use_case")
    },
)

GROWTH = FormSheet(
    "6 Growth",
    "6. Growth plan",
    (
        Column("Growth thesis", "growth_thesis", Text(wrap=True)),
        Column("Target ARR", "target_arr", Money()),
        Column("Target date", "target_date", Day()),
    ),
    lambda d: {
        "growth_thesis": d["growth"]["thesis"],
        "target_arr": d["growth"]["target_arr"],
        "target_date": d["growth"]["target_date"],
    },
)

CADENCE = FormSheet(
    "8 Cadence",
    "8. QBR cadence",
    (
        Column("Value realised", "value_realised", Money()),
        Column("Value still unrealised", "value_unrealised", Money()),
    ),
    lambda d: {k: d["cadence"][k] for k in ("value_realised", "value_unrealised")},
)

FORMS = (PROFILE, HISTORY, GROWTH, CADENCE)


# ---- Tables: one record a row ------------------------------------------------------


def _team(d):
    return [
        {"user": m["user"], "role": m["role"], "paired_with": m.get("paired_with")}
        for m in d["account"]["team"]
    ]


def _influences(d):
    return [{"source": s["name"], **link} for s in d["stakeholders"] for link in s["influences"]]


def _lines(d):
    return [
        {"contract": c["name"], **line} for c in d["history"]["contracts"] for line in c["lines"]
    ]


def _play_people(d):
    return [{"play": p["name"], **s} for p in d["growth"]["plays"] for s in p["stakeholders"]]


def _play_cells(d):
    return [{"play": p["name"], **c} for p in d["growth"]["plays"] for c in p["cells"]]


def _swot(d):
    kinds = {plural: kind for kind, plural in SWOT_KEYS.items()}
    return [{"kind": kinds[k], "text": t} for k, texts in d["swot"].items() for t in texts]


TEAM = TableSheet(
    "1 Team",
    "1. Account team",
    (
        ref("User", "user", USERS, required=True),
        Column("Role", "role", Choice(TeamRole, default=TeamRole.MEMBER), 18),
        ref(
            "Paired with",
            "paired_stakeholder",
            STAKEHOLDERS,
            doc="paired_with",
            help="For an executive sponsor: the customer's executive they are paired with.",
        ),
    ),
    key=("user",),
    rows=_team,
    help="Our side: one owner (the KAM), members and executive sponsors, by login.",
)

CONTRACTS_TABLE = TableSheet(
    "2 Contracts",
    "2. Contracts",
    (
        Column("Name", "name", Name(required=True), 28),
        Column("Status", "status", Choice(ContractStatus, default=ContractStatus.ACTIVE)),
        Column("ARR", "arr", Money(default=0), 14),
        Column("Start date", "start_date", Day(required=True), 12),
        Column("End date", "end_date", Day(), 12),
        Column("Auto-renews", "auto_renew", YesNo(), 12),
        Column("Notice days", "notice_days", Integer(low=0), 12),
        text("Renewal terms", "renewal_terms"),
        text("Termination clauses", "termination_clauses"),
        Column("CRM id", "crm_id", Text()),
    ),
    key=("name",),
    rows=lambda d: d["history"]["contracts"],
    names=CONTRACTS,
)

LINES = TableSheet(
    "2 Contract lines",
    "2. Contract lines",
    (
        ref("Contract", "contract", CONTRACTS, required=True, width=28),
        ref("Product", "product", PRODUCTS, required=True),
        Column("Quantity or seats", "quantity", Integer(low=0), 16),
        Column("ARR", "arr", Money(default=0), 14),
    ),
    key=("contract", "product"),
    rows=_lines,
)

REVENUE = TableSheet(
    "2 Revenue",
    "2. Revenue by year",
    (
        Column("Year", "year", Integer(low=1900, high=2200, required=True), 8),
        Column("Revenue", "revenue", Number(default=NotImplemented), 14),
        text("Note", "note"),
    ),
    key=("year",),
    rows=lambda d: d["history"]["revenue"],
)

UNITS_TABLE = TableSheet(
    "5 Business units",
    "5. Business units",
    (
        Column("Name", "name", Name(required=True), 24),
        Column("Kind", "kind", Choice(UnitKind, default=UnitKind.BUSINESS_UNIT)),
        Column("Headcount", "headcount", Integer(low=0), 12),
        text("Description", "description"),
    ),
    key=("name",),
    rows=lambda d: d["whitespace"]["business_units"],
    help="The rows of the whitespace grid: business units, geographies or use cases.",
    names=UNITS,
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
        ref("Relationship owner", "relationship_owner", USERS, help="Who on our side."),
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
        ref("Logged by", "logged_by", USERS, width=14),
        Column("Stakeholders", "stakeholders", Names(), 24, refers_to=STAKEHOLDERS),
        Column("CRM id", "crm_id", Text()),
    ),
    key=("date", "subject"),
    rows=lambda d: d["interactions"],
    unique=False,
)

CELLS = TableSheet(
    "5 Whitespace cells",
    "5. Whitespace",
    (
        ref("Business unit", "business_unit", UNITS, required=True),
        ref("Product", "product", PRODUCTS, required=True),
        Column("Status", "status", Choice(CellStatus, default=CellStatus.OPEN), 20),
        Column("Estimated value", "estimated_value", Money(), 14),
        Column("Fit", "fit", Choice(Level, doc="name"), 10),
        ref("Champion", "champion", STAKEHOLDERS),
        text("Notes", "notes"),
    ),
    key=("business_unit", "product"),
    rows=lambda d: d["whitespace"]["cells"],
    help="One row per business unit and product; the 5 Whitespace sheet draws them as a grid.",
)

OBJECTIVES_TABLE = TableSheet(
    "Objectives",
    "SMART objectives",
    (
        Column("Title", "title", Name(required=True), 32),
        Column("Metric", "metric", Text(required=True), 20),
        Column("Baseline", "baseline", Number(negative=True), 12),
        Column("Target", "target", Number(negative=True), 12),
        Column("Unit", "unit", Text(), 10),
        Column("Due date", "due_date", Day(required=True), 12),
        Column("Status", "status", Choice(ObjectiveStatus, default=ObjectiveStatus.ON_TRACK)),
        ref("Owner", "owner", USERS, width=14),
    ),
    key=("title",),
    rows=lambda d: d["objectives"],
    names=OBJECTIVES,
)

PLAYS_TABLE = TableSheet(
    "6 Plays",
    "6. Growth plays",
    (
        Column("Name", "name", Name(required=True), 30),
        Column("Kind", "kind", Choice(PlayKind, default=PlayKind.EXPANSION), 12),
        Column("Stage", "stage", Choice(Stage, default=Stage.IDEA), 18),
        Column(
            "Probability %",
            "probability",
            Integer(low=0, high=100),
            12,
            help="Blank uses the stage's default.",
        ),
        Column("Target ARR", "target_arr", Money(default=0), 14),
        ref("Owner", "owner", USERS, width=14),
        ref("Customer owner", "customer_owner", STAKEHOLDERS),
        Column("Target close date", "target_close_date", Day(), 14),
        text("Description", "description"),
        text("Dependencies", "dependencies"),
        text("Current blocker", "blocker"),
        ref("Objective", "objective", OBJECTIVES, width=28),
        Column("CRM opportunity", "crm_id", Text()),
    ),
    key=("name",),
    rows=lambda d: d["growth"]["plays"],
    names=PLAYS,
)

PLAY_PEOPLE = TableSheet(
    "6 Play stakeholders",
    "6. Play stakeholders",
    (
        ref("Play", "play", PLAYS, required=True, width=30),
        ref("Stakeholder", "stakeholder", STAKEHOLDERS, required=True, doc="name"),
        Column("Role in the play", "role_hint", Text(), 24),
    ),
    key=("play", "stakeholder"),
    rows=_play_people,
)

PLAY_CELLS = TableSheet(
    "6 Play cells",
    "6. Whitespace the plays convert",
    (
        ref("Play", "play", PLAYS, required=True, width=30),
        ref("Business unit", "business_unit", UNITS, required=True),
        ref("Product", "product", PRODUCTS, required=True),
    ),
    key=("play", "business_unit", "product"),
    rows=_play_cells,
)

RISKS = TableSheet(
    "7 Risks",
    "7. Risks",
    (
        Column("Title", "title", Name(required=True), 30),
        Column("Category", "category", Choice(RiskCategory, required=True), 22),
        text("Description", "description"),
        Column("Probability", "probability", LEVEL, 11),
        Column("Impact", "impact", Choice(Impact, doc="name", default=Impact.MEDIUM), 10),
        Column("ARR at risk", "arr_at_risk", Money(default=0), 14),
        text("Mitigation", "mitigation"),
        ref("Owner", "owner", USERS, width=14),
        Column("Next action", "next_action", Text(), 28),
        Column("Next action date", "next_action_date", Day(), 14),
        Column("Status", "status", Choice(RiskStatus, default=RiskStatus.OPEN), 12),
    ),
    key=("title",),
    rows=lambda d: d["risks"],
    unique=False,
)

TOUCHPOINTS = TableSheet(
    "8 Touchpoints",
    "8. Executive touchpoints",
    (
        Column("Date", "date", Day(required=True), 12),
        Column("Kind", "kind", Choice(TouchpointKind, default=TouchpointKind.QBR), 16),
        Column("Status", "status", Choice(TouchpointStatus, default=TouchpointStatus.PLANNED)),
        Column("Title", "title", Text(), 24),
        text("Agenda", "agenda"),
        text("Proof points", "proof_points"),
        text("Asks", "asks"),
        text("Follow-up commitments", "commitments"),
        text("Notes", "notes"),
        Column("Our attendees", "hosts", Names(), 16, refers_to=USERS),
        Column("Their attendees", "attendees", Names(), 24, refers_to=STAKEHOLDERS),
    ),
    key=("date", "kind"),
    rows=lambda d: d["cadence"]["touchpoints"],
    unique=False,
)

REVIEWS = TableSheet(
    "8 Plan reviews",
    "8. Plan reviews",
    (
        Column("Date", "date", Day(required=True), 12),
        Column("Kind", "kind", Choice(ReviewKind, required=True), 30),
        ref("Reviewer", "reviewer", USERS, width=14),
        text("Notes", "notes"),
    ),
    key=("date", "kind"),
    rows=lambda d: d["cadence"]["reviews"],
    unique=False,
)

TRIGGERS = TableSheet(
    "8 Trigger events",
    "8. Trigger events",
    (
        Column("Date", "date", Day(required=True), 12),
        Column("Kind", "kind", Choice(TriggerKind, required=True), 18),
        Column("Description", "description", Text(required=True, wrap=True), 36),
        Column("Status", "status", Choice(TriggerStatus, default=TriggerStatus.NEW), 20),
        Column("Handled on", "handled_on", Day(), 12),
        ref("Handled by", "handled_by", USERS, width=14),
        text("How it was handled", "handled_note"),
    ),
    key=("date", "kind"),
    rows=lambda d: d["cadence"]["triggers"],
    unique=False,
)

RESOURCES = TableSheet(
    "9 Resources",
    "9. Resources",
    (
        Column("Kind", "kind", Choice(ResourceKind, required=True), 26),
        Column("Title", "title", Name(required=True), 28),
        Column("Year", "year", Integer(low=2000, high=2200, required=True), 8),
        Column("Quarter", "quarter", Integer(low=1, high=4), 9),
        Column("Requested", "requested", Number(), 11),
        Column("Committed", "committed", Number(), 11),
        Column("Delivered", "delivered", Number(), 11),
        Column("Status", "status", Choice(ResourceStatus, default=ResourceStatus.REQUESTED)),
        ref("Owner", "owner", USERS, width=14),
        Column("Needed by", "needed_by", Day(), 12),
        text("Notes", "notes"),
    ),
    key=("kind", "title", "year", "quarter"),
    rows=lambda d: d["resources"],
    unique=False,
    help="Hours for SE, CS and executive time; money for marketing; a roadmap "
    "dependency has no amount.",
)

SWOT = TableSheet(
    "SWOT",
    "SWOT",
    (
        Column("Kind", "kind", Choice(SwotKind, required=True), 14),
        Column("Text", "text", Text(required=True, wrap=True), 70),
    ),
    key=("kind", "text"),
    rows=_swot,
    unique=False,
)

ACTIONS = TableSheet(
    "Actions",
    "Action plan",
    (
        Column("Title", "title", Name(required=True), 34),
        ref("Owner", "owner", USERS, required=True, width=14),
        Column("Due date", "due_date", Day(required=True), 12),
        Column("Status", "status", Choice(ActionStatus, default=ActionStatus.OPEN), 12),
        Column("Completed on", "completed_on", Day(), 12),
        ref("Objective", "objective", OBJECTIVES, width=28),
        ref("Play", "play", PLAYS, width=28),
        text("Notes", "notes"),
    ),
    key=("title",),
    rows=lambda d: d["actions"],
    unique=False,
    help="Every action should serve an objective or a play.",
)

HEALTH = TableSheet(
    "Health",
    "Health signals",
    (
        Column("Date", "date", Day(required=True), 12),
        Column("Licensed seats", "licensed_seats", Integer(low=0), 10),
        Column("Active seats", "active_seats", Integer(low=0), 10),
        Column("Open tickets", "open_tickets", Integer(low=0), 10),
        Column("Escalations", "escalations", Integer(low=0), 10),
        Column("NPS", "nps", Integer(low=-100, high=100), 8),
        Column("CSAT %", "csat", Integer(low=0, high=100), 8),
        Column("Effort score (1-7)", "effort_score", Number(high=7), 10),
        text("Negative signals", "negative_signals"),
        text("Notes", "notes"),
    ),
    key=("date",),
    rows=lambda d: d["health"]["snapshots"],
)

SELECTION = TableSheet(
    "Selection",
    "Account selection scores",
    (
        ref("Criterion", "criterion", CRITERIA, required=True),
        Column("Score (1-5)", "score", Integer(low=1, high=5, required=True), 10),
        Column("Note", "note", Text(), 40),
    ),
    key=("criterion",),
    rows=lambda d: d["selection"],
    help="Scored by leaders and administrators.",
)

# Every table sheet; SHEET_ORDER places them in the workbook, and the import (apply.py)
# writes them in the order their references need (units, then stakeholders, then the rest).
TABLES = (
    TEAM,
    CONTRACTS_TABLE,
    LINES,
    REVENUE,
    UNITS_TABLE,
    STAKEHOLDERS_TABLE,
    INFLUENCE,
    INTERACTIONS,
    CELLS,
    OBJECTIVES_TABLE,
    PLAYS_TABLE,
    PLAY_PEOPLE,
    PLAY_CELLS,
    RISKS,
    TOUCHPOINTS,
    REVIEWS,
    TRIGGERS,
    RESOURCES,
    SWOT,
    ACTIONS,
    HEALTH,
    SELECTION,
)

PRODUCTS_SHEET, PRODUCTS_SECTION = "Products", "Products (catalog)"
PRODUCT_COLUMNS = (
    Column("Name", "name", Name(required=True), 26),
    Column("Family", "family", Text(), 18),
    Column("List price", "list_price", Money(), 14),
)

SUMMARY_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET = "Summary", "Instructions", "Lists"
HEAT_MAP_SHEET, GRID_SHEET = "4 Heat map", "5 Whitespace"
READ_ONLY_SHEETS = (SUMMARY_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, HEAT_MAP_SHEET, GRID_SHEET)

# Sheet order in the workbook: DESIGN.md section 2, then the cross-cutting tools.
SHEET_ORDER = (
    SUMMARY_SHEET,
    INSTRUCTIONS_SHEET,
    PROFILE.sheet,
    TEAM.sheet,
    HISTORY.sheet,
    CONTRACTS_TABLE.sheet,
    LINES.sheet,
    REVENUE.sheet,
    STAKEHOLDERS_TABLE.sheet,
    INFLUENCE.sheet,
    INTERACTIONS.sheet,
    HEAT_MAP_SHEET,
    UNITS_TABLE.sheet,
    GRID_SHEET,
    CELLS.sheet,
    GROWTH.sheet,
    PLAYS_TABLE.sheet,
    PLAY_PEOPLE.sheet,
    PLAY_CELLS.sheet,
    RISKS.sheet,
    CADENCE.sheet,
    TOUCHPOINTS.sheet,
    REVIEWS.sheet,
    TRIGGERS.sheet,
    RESOURCES.sheet,
    SWOT.sheet,
    OBJECTIVES_TABLE.sheet,
    ACTIONS.sheet,
    HEALTH.sheet,
    SELECTION.sheet,
    PRODUCTS_SHEET,
    LISTS_SHEET,
)

# Sections are reported in the plan's order (DESIGN.md section 2), the catalog first.
SECTION_ORDER = [PRODUCTS_SECTION] + [
    sheet.section for name in SHEET_ORDER for sheet in (*FORMS, *TABLES) if sheet.sheet == name
]
