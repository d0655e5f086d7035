"""The cadence sheets (plan section 8): value realised, executive touchpoints, plan
reviews and trigger events."""

from keyplan.cadence.models import (
    ReviewKind,
    TouchpointKind,
    TouchpointStatus,
    TriggerKind,
    TriggerStatus,
)
from keyplan.exchange.values import Choice, Day, Money, Names, Text
from keyplan.exchange.workbook.layout.columns import (
    STAKEHOLDERS,
    USERS,
    Column,
    FormSheet,
    TableSheet,
    person,
    text,
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
        Column(
            "Our attendees (names)",
            "host_names",
            Names(),
            24,
            readonly=True,
            help="Their full names, for reading; the import reads the logins beside them.",
        ),
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
        *person("Reviewer", "reviewer"),
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
        *person("Handled by", "handled_by"),
        text("How it was handled", "handled_note"),
    ),
    key=("date", "kind"),
    rows=lambda d: d["cadence"]["triggers"],
    unique=False,
)
