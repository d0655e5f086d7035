"""The plan workbook's sheets and columns: one layout that the export writes and the
import reads, so the two cannot drift apart.

Each sheet is defined in the module of its part of the plan (columns.py says what
sheets are made of); this package is their one public face: every sheet by name,
the lists of them, and the order they come in. Read-only sheets (the summary, the
heat map, the whitespace grid) are written for people and ignored by the import.
"""

from keyplan.exchange.values import Money, Name, Text
from keyplan.exchange.workbook.layout.cadence import CADENCE, REVIEWS, TOUCHPOINTS, TRIGGERS
from keyplan.exchange.workbook.layout.columns import (
    CONTRACTS,
    CRITERIA,
    OBJECTIVES,
    PLAYS,
    PRODUCTS,
    STAKEHOLDERS,
    UNITS,
    USERS,
    Column,
    FormSheet,
    TableSheet,
)
from keyplan.exchange.workbook.layout.growth import (
    ACTIONS,
    CELLS,
    GROWTH,
    OBJECTIVES_TABLE,
    PLAY_CELLS,
    PLAY_PEOPLE,
    PLAYS_TABLE,
    RESOURCES,
    UNITS_TABLE,
)
from keyplan.exchange.workbook.layout.people import INFLUENCE, INTERACTIONS, STAKEHOLDERS_TABLE
from keyplan.exchange.workbook.layout.profile import (
    ACCOUNT_ID,
    CONTRACTS_TABLE,
    HISTORY,
    LINES,
    PROFILE,
    REVENUE,
    SELECTION,
    TEAM,
)
from keyplan.exchange.workbook.layout.risks import HEALTH, RISKS, SWOT

FORMS = (PROFILE, HISTORY, GROWTH, CADENCE)

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

__all__ = [
    "ACCOUNT_ID",
    "ACTIONS",
    "CADENCE",
    "CELLS",
    "CONTRACTS",
    "CONTRACTS_TABLE",
    "CRITERIA",
    "FORMS",
    "GRID_SHEET",
    "GROWTH",
    "HEALTH",
    "HEAT_MAP_SHEET",
    "HISTORY",
    "INFLUENCE",
    "INSTRUCTIONS_SHEET",
    "INTERACTIONS",
    "LINES",
    "LISTS_SHEET",
    "OBJECTIVES",
    "OBJECTIVES_TABLE",
    "PLAYS",
    "PLAYS_TABLE",
    "PLAY_CELLS",
    "PLAY_PEOPLE",
    "PRODUCTS",
    "PRODUCTS_SECTION",
    "PRODUCTS_SHEET",
    "PRODUCT_COLUMNS",
    "PROFILE",
    "READ_ONLY_SHEETS",
    "RESOURCES",
    "REVENUE",
    "REVIEWS",
    "RISKS",
    "SECTION_ORDER",
    "SELECTION",
    "SHEET_ORDER",
    "STAKEHOLDERS",
    "STAKEHOLDERS_TABLE",
    "SUMMARY_SHEET",
    "SWOT",
    "TABLES",
    "TEAM",
    "TOUCHPOINTS",
    "TRIGGERS",
    "UNITS",
    "UNITS_TABLE",
    "USERS",
    "Column",
    "FormSheet",
    "TableSheet",
]
