"""What the workbook's sheets are made of: columns, with the kind of value each holds
and the record a name column points at, and the two kinds of sheet.

A *form* sheet holds the account's own fields, one a row (label, value, help).
A *table* sheet holds one record a row under a header row; its `key` columns name
the record, so an import matches rows to stored records by name rather than by id.
"""

from collections.abc import Callable
from dataclasses import dataclass

from keyplan.core.choices import Level
from keyplan.exchange.values import Choice, Kind, Name, Text

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
    hidden: bool = False  # a form row kept out of sight (and locked): the account's id

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


def person(header, field_name, *, required=False, width=14, help=""):
    """A user's column, which holds their login (what the import reads back), and beside
    it their full name, written for people to read and never read back."""
    return (
        ref(header, field_name, USERS, required=required, width=width, help=help),
        Column(
            f"{header} (name)",
            f"{field_name}_name",
            Text(),
            18,
            readonly=True,
            help="Their full name, for reading; the import reads the login beside it.",
        ),
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
