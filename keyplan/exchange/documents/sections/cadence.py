"""The QBR cadence and executive sponsorship section."""

from keyplan.cadence.models import (
    ReviewKind,
    TouchpointKind,
    TouchpointStatus,
    TriggerKind,
    TriggerStatus,
)
from keyplan.exchange.documents.outline import (
    Fields,
    Section,
    TableBlock,
    date_,
    flat,
    label,
    money,
    names,
)


def cadence(doc: dict) -> Section:
    cadence = doc["cadence"]
    touchpoints = [
        [
            date_(t["date"]),
            label(TouchpointKind, t["kind"]),
            flat(t["title"]),
            label(TouchpointStatus, t["status"]),
            names(t["host_names"]),
            names(t["attendees"]),
            flat(t["agenda"]),
            flat(t["asks"]),
            flat(t["commitments"]),
        ]
        for t in cadence["touchpoints"]
    ]
    reviews = [
        [date_(r["date"]), label(ReviewKind, r["kind"]), r["reviewer_name"] or "", flat(r["notes"])]
        for r in cadence["reviews"]
    ]
    triggers = [
        [
            date_(t["date"]),
            label(TriggerKind, t["kind"]),
            flat(t["description"]),
            label(TriggerStatus, t["status"]),
            " ".join(
                filter(
                    None, [t["handled_by_name"], date_(t["handled_on"]), flat(t["handled_note"])]
                )
            ),
        ]
        for t in cadence["triggers"]
    ]
    return Section(
        "8. QBR cadence and executive sponsorship",
        [
            Fields(
                [
                    ("Value realised", money(cadence["value_realised"])),
                    ("Value still unrealised", money(cadence["value_unrealised"])),
                    (
                        "Sponsor pairs",
                        "; ".join(
                            f"{s['ours_name']} with {s['theirs'] or 'nobody yet'}"
                            for s in cadence["sponsors"]
                        ),
                    ),
                ]
            ),
            TableBlock(
                "Date | Kind | Title | Status | Ours | Theirs | Agenda | Asks | Commitments",
                touchpoints,
                "Executive touchpoints",
            ),
            TableBlock("Date | Kind | Reviewer | Notes", reviews, "Plan reviews"),
            TableBlock("Date | Kind | What happened | Status | Handled", triggers, "Triggers"),
        ],
        "cadence",
    )
