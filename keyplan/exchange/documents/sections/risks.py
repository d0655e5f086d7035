"""The risk sections: the risk register, SWOT and health."""

from keyplan.core.formats import format_number, format_percent
from keyplan.exchange.documents.headline import Number
from keyplan.exchange.documents.outline import (
    Items,
    Section,
    TableBlock,
    date_,
    flat,
    label,
    level,
    money,
    number_fields,
)
from keyplan.risks.models import RiskCategory, RiskStatus


def risks(doc: dict, numbers: dict[str, Number]) -> Section:
    rows = [
        [
            r["title"],
            label(RiskCategory, r["category"]),
            level(r["probability"]),
            level(r["impact"]),
            money(r["arr_at_risk"]),
            r["owner_name"] or "",
            flat(r["mitigation"]),
            " ".join(filter(None, [flat(r["next_action"]), date_(r["next_action_date"])])),
            label(RiskStatus, r["status"]),
        ]
        for r in doc["risks"]
    ]
    return Section(
        "7. Risk register",
        [
            number_fields(numbers, "arr_at_risk", "risk_exposure"),
            TableBlock(
                "Risk | Category | Probability | Impact | "
                "ARR at risk | Owner | Mitigation | Next action | Status",
                rows,
            ),
        ],
        "risks",
    )


def swot(doc: dict) -> Section:
    return Section(
        "SWOT",
        [Items(kind.capitalize(), items) for kind, items in doc["swot"].items()],
        "swot",
    )


def health(doc: dict, numbers: dict[str, Number]) -> Section:
    rows = [
        [
            date_(h["date"]),
            " / ".join(format_number(h[k] or None) for k in ("active_seats", "licensed_seats")),
            "" if h["adoption"] is None else format_percent(h["adoption"] * 100, 0),
            "" if h["open_tickets"] is None else str(h["open_tickets"]),
            "" if h["escalations"] is None else str(h["escalations"]),
            "" if h["nps"] is None else str(h["nps"]),
            "" if h["csat"] is None else str(h["csat"]),
            flat(h["negative_signals"]),
        ]
        for h in doc["health"]["snapshots"]
    ]
    return Section(
        "Health",
        [
            number_fields(numbers, "health_score"),
            TableBlock(
                "Date | Active / licensed seats | Adoption | Open tickets | "
                "Escalations | NPS | CSAT | Negative signals",
                rows,
            ),
        ],
        "health",
    )
