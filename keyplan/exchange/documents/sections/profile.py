"""The account's own sections: the summary, the profile and strategic context,
history and contracts, and the selection scorecard."""

from keyplan.accounts.models import (
    CONTEXT_FIELDS,
    PROFILE_FIELDS,
    Account,
    ContractStatus,
    Relationship,
)
from keyplan.core.formats import counted, format_number
from keyplan.core.money import MoneyField
from keyplan.exchange.documents.headline import Number
from keyplan.exchange.documents.outline import (
    Fields,
    Section,
    TableBlock,
    amount,
    date_,
    flat,
    label,
    money,
    number_fields,
    numbers_table,
    yes,
)
from keyplan.plan.loader import Plan
from keyplan.team.models import TeamRole


def summary(doc: dict, numbers: list[Number]) -> Section:
    account = doc["account"]
    team = [
        f"{m['user_name']} ({label(TeamRole, m['role']).lower()})"
        + (f", paired with {m['paired_with']}" if m.get("paired_with") else "")
        for m in account["team"]
    ]
    return Section(
        "Summary",
        [
            Fields(
                [
                    ("Tier", f"Tier {account['tier']}"),
                    ("Relationship", label(Relationship, account["relationship"])),
                    ("Owner", account["owner_name"] or "-"),
                    ("Account team", ", ".join(team)),
                    ("Parent account", account["parent"]),
                    ("Growth thesis", flat(doc["growth"]["thesis"])),
                ]
            ),
            numbers_table(numbers),
        ],
        "summary",
    )


def _value(name: str, value) -> str:
    model_field = Account._meta.get_field(name)
    if isinstance(model_field, MoneyField):
        return money(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value or ""))
    if isinstance(value, int):
        return format_number(value)
    return flat(value) if isinstance(value, str) else ("" if value is None else str(value))


def _field_label(name: str) -> str:
    return str(Account._meta.get_field(name).verbose_name).capitalize()


def profile(doc: dict) -> Section:
    profile, context = doc["profile"], doc["profile"]["strategic_context"]
    return Section(
        "1. Profile and strategic context",
        [
            Fields([(_field_label(f), _value(f, profile[f])) for f in PROFILE_FIELDS]),
            Fields([(_field_label(f), _value(f, context[f])) for f in CONTEXT_FIELDS]),
        ],
        "profile",
    )


def history(doc: dict, numbers: dict[str, Number]) -> Section:
    history = doc["history"]
    contracts = [
        [
            c["name"],
            label(ContractStatus, c["status"]),
            money(c["arr"]),
            date_(c["start_date"]),
            date_(c["end_date"]) or "open-ended",
            yes(c["auto_renew"]),
            counted(c["notice_days"], "day") if c["notice_days"] is not None else "",
            "; ".join(
                f"{line['product']} ({amount(line['quantity'])}, {money(line['arr'])})"
                for line in c["lines"]
            ),
            flat(c["renewal_terms"]),
        ]
        for c in history["contracts"]
    ]
    revenue = [[str(r["year"]), money(r["revenue"]), flat(r["note"])] for r in history["revenue"]]
    return Section(
        "2. History and contract structure",
        [
            Fields(
                [
                    ("How the relationship began", flat(history["relationship_origin"])),
                    ("First sale", str(history["first_sale_year"] or "")),
                    ("Original use case", flat(history["original_use_case"])),
                ]
            ),
            number_fields(numbers, "arr", "renewal"),
            TableBlock(
                "Contract | Status | ARR | Start | "
                "End | Auto-renew | Notice | Products | Renewal terms",
                contracts,
                "Contracts",
            ),
            TableBlock("Year | Revenue | Note", revenue, "Revenue by year"),
        ],
        "history",
    )


def selection(plan: Plan, doc: dict) -> Section:
    names_by_key = {c.key: c.name for c in plan.criteria.values()}
    rows = [
        [names_by_key.get(s["criterion"], s["criterion"]), f"{s['score']} / 5", flat(s["note"])]
        for s in doc["selection"]
    ]
    return Section(
        "Selection scorecard",
        [TableBlock("Criterion | Score | Note", rows)],
        "selection",
    )
