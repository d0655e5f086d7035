"""The risk sheets (plan section 7 and the health of the account): risks, SWOT and
health signals."""

from keyplan.exchange.documents.document import SWOT_KEYS
from keyplan.exchange.values import Choice, Day, Integer, Money, Name, Number, Text
from keyplan.exchange.workbook.layout.columns import LEVEL, Column, TableSheet, person, text
from keyplan.risks.models import Impact, RiskCategory, RiskStatus, SwotKind

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
        *person("Owner", "owner"),
        Column("Next action", "next_action", Text(), 28),
        Column("Next action date", "next_action_date", Day(), 14),
        Column("Status", "status", Choice(RiskStatus, default=RiskStatus.OPEN), 12),
    ),
    key=("title",),
    rows=lambda d: d["risks"],
    unique=False,
)


def _swot(d):
    kinds = {plural: kind for kind, plural in SWOT_KEYS.items()}
    return [{"kind": kinds[k], "text": t} for k, texts in d["swot"].items() for t in texts]


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
