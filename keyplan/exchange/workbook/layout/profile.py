"""The account's sheets (plan sections 1-2): its profile and history, our team on it,
contracts, contract lines and revenue by year, and the selection scores."""

from keyplan.accounts.models import (
    BuyingCentralisation,
    ContractStatus,
    Ownership,
    Relationship,
    Source,
    Tier,
    VendorStance,
)
from keyplan.exchange.values import Choice, Day, Integer, Money, Name, Number, Text, YesNo
from keyplan.exchange.workbook.layout.columns import (
    CONTRACTS,
    CRITERIA,
    PRODUCTS,
    STAKEHOLDERS,
    Column,
    FormSheet,
    TableSheet,
    person,
    ref,
    text,
)
from keyplan.team.models import TeamRole

ACCOUNT_ID = "keyplan_id"  # the hidden cell of the account's (signed) id

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
        ref(
            "Parent account",
            "parent",
            "account",
            help="Another account in keyplan: its name, or its id when accounts share the "
            "name (“Acme (id 12)”).",
        ),
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
        # Last, hidden and locked: which account this is, even once renamed here (the
        # import reads it through workbook/accounts.py; the template leaves it blank).
        Column(
            "keyplan id",
            ACCOUNT_ID,
            Text(),
            readonly=True,
            hidden=True,
            help="Which account this workbook is; do not change.",
        ),
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


def _team(d):
    return [
        {
            "user": m["user"],
            "user_name": m["user_name"],
            "role": m["role"],
            "paired_with": m.get("paired_with"),
        }
        for m in d["account"]["team"]
    ]


TEAM = TableSheet(
    "1 Team",
    "1. Account team",
    (
        *person("User", "user", required=True, width=20),
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


def _lines(d):
    return [
        {"contract": c["name"], **line} for c in d["history"]["contracts"] for line in c["lines"]
    ]


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
