"""The growth sheets (plan sections 5-6 and 9): business units and the whitespace,
the growth plan and its plays, objectives, actions and resources."""

from keyplan.core.choices import Level
from keyplan.exchange.values import Choice, Day, Integer, Money, Name, Number, Text
from keyplan.exchange.workbook.layout.columns import (
    OBJECTIVES,
    PLAYS,
    PRODUCTS,
    STAKEHOLDERS,
    UNITS,
    Column,
    FormSheet,
    TableSheet,
    person,
    ref,
    text,
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
        *person("Owner", "owner"),
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
        *person("Owner", "owner"),
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


def _play_people(d):
    return [{"play": p["name"], **s} for p in d["growth"]["plays"] for s in p["stakeholders"]]


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


def _play_cells(d):
    return [{"play": p["name"], **c} for p in d["growth"]["plays"] for c in p["cells"]]


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

ACTIONS = TableSheet(
    "Actions",
    "Action plan",
    (
        Column("Title", "title", Name(required=True), 34),
        *person("Owner", "owner", required=True),
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
        *person("Owner", "owner"),
        Column("Needed by", "needed_by", Day(), 12),
        text("Notes", "notes"),
    ),
    key=("kind", "title", "year", "quarter"),
    rows=lambda d: d["resources"],
    unique=False,
    help="Hours for SE, CS and executive time; money for marketing; a roadmap "
    "dependency has no amount.",
)
