"""The building blocks of the full exports: headed sections of fields, tables, lists and
pictures, and the helpers that turn stored values into text as people read them
(labels rather than codes, "$45,000", "15 Jun 2026").

`sections` builds the whole plan out of these; the Markdown plan renders them as text
(tables as pipe tables, each picture as its text equivalent) and the full PDF as HTML
(each picture as the SVG the plan page shows).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Choices
from django.utils.safestring import SafeString

from keyplan.core.formats import format_measure, format_money, format_number
from keyplan.exchange.documents.headline import Number, day
from keyplan.relationships import heatmap
from keyplan.relationships.models import BuyingRole

NONE_YET = "Nothing recorded yet."


@dataclass
class Fields:
    """Label and value pairs; empty values are left out."""

    pairs: list[tuple[str, str]]
    kind: str = "fields"

    def __post_init__(self):
        self.pairs = [(label, value) for label, value in self.pairs if value not in ("", None)]


@dataclass
class TableBlock:
    columns: list[str]  # or one string, "Name | Title | Role"
    rows: list[list[str]]
    title: str = ""
    empty: str = NONE_YET
    kind: str = "table"

    def __post_init__(self):
        if isinstance(self.columns, str):
            self.columns = [column.strip() for column in self.columns.split("|")]


@dataclass
class Items:
    title: str
    items: list[str]
    kind: str = "items"


@dataclass
class Picture:
    """An SVG of the plan page; `alt` is the same content as a table, for text formats."""

    svg: SafeString
    title: str
    alt: TableBlock | None = None
    kind: str = "picture"
    image: object = None  # what a format makes of the SVG (the PDF: a scaled data: URL)


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)
    anchor: str = ""


# Values as people read them
def label(choices: type[Choices], code) -> str:
    """The label of a stored choice ("pe_backed" -> "PE-backed"); the code if unknown."""
    if code in (None, ""):
        return ""
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def level(name: str | None) -> str:
    return name.capitalize() if name else ""


def money(value) -> str:
    return "" if value is None else format_money(Decimal(value))


def amount(value) -> str:
    """1234.50 -> "1,234.5" (de-DE "1.234,5"); empty when there is none."""
    return "" if value is None else format_number(value, 2)


def measure(value, unit: str) -> str:
    """A quantity in its unit: "30 h", "$5,000", "12.5"; empty when there is none."""
    return "" if value is None else format_measure(value, unit)


def date_(value) -> str:
    return day(value) if value else ""


def flat(text: str | None) -> str:
    """Text on one line (table cells)."""
    return " ".join((text or "").split())


def yes(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def names(people) -> str:
    return ", ".join(p for p in people if p)


def shown(number: Number) -> str:
    return f"{number.shown} ({number.note})" if number.note else number.shown


def number_fields(numbers: dict[str, Number], *keys: str) -> Fields:
    """Headline numbers with their rule: "$333,000 — sum of the estimated value of ..."."""
    return Fields([(numbers[k].label, f"{shown(numbers[k])} — {numbers[k].formula}") for k in keys])


def numbers_table(numbers: list[Number]) -> TableBlock:
    return TableBlock(
        "Number | Value | How it is computed",
        [[n.label, shown(n), n.formula] for n in numbers],
    )


def role_of(person: dict) -> str:
    roles = [label(BuyingRole, person["role"]), label(BuyingRole, person["secondary_role"]).lower()]
    return " and ".join(r for r in roles if r)


def objective_target(o: dict) -> str:
    unit = f" {o['unit']}" if o["unit"] else ""
    return f"{amount(o['baseline']) or '?'} → {amount(o['target']) or '?'}{unit}"


MARKS = {heatmap.GREEN: "●", heatmap.YELLOW: "◆", heatmap.RED: "■"}  # the pictures' shapes
