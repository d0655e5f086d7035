"""What both vendors' readers share: the export's files by object, ids checked once
per file, the choice of key accounts, custom columns mapped onto keyplan fields
(`--map Account.Tier__c=tier`), and a deal's name, flags, status and kind once a
vendor module names the columns that hold them."""

import difflib
import functools
from collections.abc import Iterable
from dataclasses import replace

from django.db.models import Model

from keyplan.accounts.models import Account
from keyplan.exchange.crm.files import CsvTable, Place, Problems, kind_for, list_files
from keyplan.exchange.crm.records import (
    LOST,
    OPEN,
    WON,
    AccountChoice,
    Deal,
    Export,
    account_choices,
    choose,
)
from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.exchange.values import Kind, YesNo
from keyplan.growth.models import Play, PlayKind, Stage
from keyplan.relationships.models import Stakeholder

# The keyplan fields a custom column may fill, by the kind of record. Never the
# fields keyplan alone keeps (power, relationship strength, notes, cells).
MAPPABLE: dict[type[Model], tuple[str, ...]] = {
    Account: (
        "tier", "relationship", "ownership", "industry", "website", "employees",
        "annual_revenue", "headquarters", "key_offices", "subsidiaries", "business_model",
        "wallet_estimate", "first_sale_year", "relationship_origin", "original_use_case",
        "budget_cycle", "procurement_rules",
    ),
    Stakeholder: ("title", "department", "email", "phone", "linkedin", "status"),
    Play: ("kind", "description", "dependencies", "probability", "target_arr"),
}  # fmt: skip

YES = YesNo()


def parse_mapping(
    texts: Iterable[str], objects: dict[str, type[Model]]
) -> list[tuple[str, str, str]]:
    """(object, column, field) from "Object.Column=field" texts; `objects` names the
    objects that take custom columns and the model each fills. Raises ValueError."""
    mapping = []
    for text in texts:
        left, equals, target = text.partition("=")
        object_name, dot, column = left.partition(".")
        if not (equals and dot and column.strip() and target.strip()):
            raise ValueError(f"“{text}” is not OBJECT.COLUMN=FIELD (like Account.Tier__c=tier).")
        by_lower = {name.lower(): name for name in objects}
        if object_name.strip().lower() not in by_lower:
            raise ValueError(
                f"“{object_name}” is not an object whose columns can be mapped; "
                f"use one of: {', '.join(objects)}."
            )
        name = by_lower[object_name.strip().lower()]
        allowed = MAPPABLE[objects[name]]
        if target.strip() not in allowed:
            raise ValueError(
                f"a {name} column cannot fill “{target.strip()}”; it can fill: "
                f"{', '.join(allowed)}."
            )
        mapping.append((name, column.strip(), target.strip()))
    return mapping


def _tolerant(normal_id, text: str) -> str | None:
    """`text` as a CRM id in its normal form, or None when it is not one."""
    try:
        return normal_id(text)
    except ValueError:
        return None


def kind_of(opportunity_type: str) -> str | None:
    """A play's kind from the deal's type ("Existing Customer - Upgrade", "New Business")."""
    text = opportunity_type.strip().lower()
    if not text:
        return None
    if "renew" in text or "replacement" in text or "downgrade" in text:
        return PlayKind.RENEWAL
    if text.startswith("new"):
        return PlayKind.CROSS_SELL
    return PlayKind.EXPANSION


def stage_by_probability(probability: int | None) -> str:
    """The stage of a deal whose stage name says nothing keyplan knows."""
    if probability is None:
        return Stage.CONVERSATION
    if probability >= 75:
        return Stage.CLOSING
    if probability >= 40:
        return Stage.OPPORTUNITY
    return Stage.CONVERSATION if probability >= 10 else Stage.IDEA


def deal_status(stage: str, won: bool, closed: bool) -> tuple[str, str]:
    """A deal's status (open, won or lost) and its stage: a won deal is at the won
    stage and a closed one at the lost stage, whatever its stage name said."""
    if won or stage == Stage.WON:
        return WON, Stage.WON
    if closed or stage == Stage.LOST:
        return LOST, Stage.LOST
    return OPEN, stage


def fill_from(read: dict, place: Place, name: str, source: str) -> None:
    """Drop `source` from `read`, and let it fill `name` (with its cell) where the
    export gave `name` no value: a mobile for a phone, a domain for a website."""
    value = read.pop(source, None)
    if value and name not in read:
        read[name] = value
        place.cells[name] = place.cells[source]


class VendorReader:
    """Reads the files of one export into an `Export`; subclasses name the objects."""

    label = ""
    vendor = ""
    mapped_objects: dict[str, type[Model]] = {}
    empty_ids: frozenset[str] = frozenset()  # how the vendor writes "no record"

    def __init__(
        self, paths, *, accounts: str | None, everything: bool, mapping=(), max_bytes=None,
        name=None, named: Iterable[str] = (),
    ):  # fmt: skip
        self.name, files = list_files(paths, max_bytes=max_bytes)
        self.name = name or self.name
        self.files = files
        self.accounts_text, self.everything = accounts, everything
        self.named = list(named)  # names taken whole, commas and all (--account)
        try:
            self.mapping = parse_mapping(mapping, self.mapped_objects)
        except ValueError as exc:
            raise ImportRefused([Problem(self.name, f"--map {exc}")]) from None
        self.problems = Problems()
        self.skipped_rows: set[tuple[str, int]] = set()  # (file, row), counted once
        # Not a bound method: the export outlives the reader and its files' rows.
        normal = functools.partial(_tolerant, type(self).normal_id)
        self.export = Export(self.vendor, self.label, self.name, [f.name for f in files], normal)

    @classmethod
    def read_export(
        cls, paths, *, accounts=None, everything=False, mapping=(), max_bytes=None, name=None,
        named=(),
    ) -> Export:  # fmt: skip
        """Read the vendor's export; raises ImportRefused naming every problem."""
        return cls(
            paths,
            accounts=accounts,
            everything=everything,
            mapping=mapping,
            max_bytes=max_bytes,
            name=name,
            named=named,
        ).read()

    def read(self) -> Export:  # pragma: no cover - every vendor reads its own files
        raise NotImplementedError

    @classmethod
    def account_choices(cls, paths, *, max_bytes=None, name=None) -> list[AccountChoice]:
        """The export's accounts to choose from; raises ImportRefused on a structural
        problem."""
        reader = cls(paths, accounts=None, everything=True, max_bytes=max_bytes, name=name)
        return account_choices(reader.read())

    # ---- ids

    @staticmethod
    def normal_id(text: str) -> str:
        raise NotImplementedError

    def ids(self, table: CsvTable, header: str, *, unique: bool = False) -> dict[int, str]:
        """Each row's id in `header` (rows without one left out). A bad id is a warning:
        a row without its own id (`unique`) is skipped, a reference is left out; a
        repeated own id skips the later row."""
        found: dict[int, str] = {}
        seen: dict[str, int] = {}
        column = table.first(header)
        if column is None:
            return found
        for number, values in table.rows:
            raw = table.value(values, column)
            if not raw or raw in self.empty_ids:
                continue
            try:
                crm_id = self.normal_id(raw)
            except ValueError as exc:
                if unique:
                    self.skip_row(table, number, f"{column} {exc}", column)
                else:
                    self.warn(
                        table.problem(number, f"{column} {exc}; the link is left out.", column),
                        raw,
                    )
                continue
            if unique and crm_id in seen:
                self.skip_row(
                    table, number, f"repeats the {column} of row {seen[crm_id]} ({raw})", column
                )
                continue
            seen.setdefault(crm_id, number)
            found[number] = crm_id
        return found

    # ---- problems that do not stop the import

    def warn(self, problem: Problem, value: str | None = None) -> None:
        self.problems.warn(replace(problem, value=value) if value is not None else problem)

    def skip_row(self, table: CsvTable, number: int, message: str, header: str | None) -> None:
        """Skip a row that cannot be imported without the value `message` names (its
        id, its name), warning at its cell and counting it as skipped."""
        self.warn(table.problem(number, f"{message}; the row is skipped.", header))
        self.export.skip(table.object, "with a problem (see the warnings)")
        self.skipped_rows.add((table.file, number))

    def live_rows(self, table: CsvTable):
        """The rows of `table` not skipped already (a bad id is found, and the row
        counted as skipped, before the rows are read)."""
        for number, values in table.rows:
            if (table.file, number) not in self.skipped_rows:
                yield number, values

    def without_id(self, table: CsvTable, number: int, values, ids: dict[int, str], header: str):
        """Whether row `number` has no usable id of its own (ids() warned of a bad or
        repeated one); a blank one is skipped here, with a warning."""
        if number in ids:
            return False
        if not table.value(values, header):
            self.skip_row(table, number, f"{header} is required", header)
        return True

    def nowhere(
        self, table: CsvTable, number: int, header: str | None, crm_id: str, target: str,
        *, skipped: bool = False,
    ) -> None:  # fmt: skip
        """A reference to a row that is not in the export: the link is left out, or
        the row skipped when it means nothing without it."""
        message = f"no {target} has the id {crm_id}"
        if skipped:
            self.skip_row(table, number, message, header)
        else:
            self.warn(table.problem(number, f"{message}; the link is left out.", header))

    # ---- the chosen accounts

    def chosen(self, table: CsvTable, names: dict[str, str]) -> set[str]:
        """The ids of the key accounts to import, out of `names` (id -> name)."""
        if self.everything:
            return set(names)
        picked, unknown = choose(self.accounts_text, names, self._normal_or_none, exact=self.named)
        for text in unknown:
            close = difflib.get_close_matches(text, list(names.values()), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            self.problems.add(
                Problem(table.file, f"no account is named “{text}”.{hint}", object=table.object)
            )
        if not picked and not unknown:
            self.problems.add(
                Problem(table.file, "name the accounts to import.", object=table.object)
            )
        return set(picked)

    def chosen_accounts(
        self, table: CsvTable, names: dict[str, str], live: dict[str, int], parents: dict[int, str],
        plural: str,
    ) -> set[str]:  # fmt: skip
        """chosen(), counting the accounts (`plural`) left out as skipped, and noting
        each account's subsidiaries in the export (`live`: id -> row of the accounts
        read, `parents`: row -> parent id)."""
        chosen = self.chosen(table, names)
        self.export.skip(table.object, f"not among the chosen {plural}", len(names) - len(chosen))
        for crm_id, number in live.items():
            parent = parents.get(number)
            if parent and parent in names:
                self.export.children.setdefault(parent, []).append((crm_id, names[crm_id]))
        return chosen

    def _normal_or_none(self, text: str) -> str | None:
        return _tolerant(self.normal_id, text)

    # ---- custom columns

    def mapped(self, table: CsvTable, object_name: str) -> list[tuple[str, str, Kind]]:
        """(header, field, kind) of the custom columns mapped for `object_name`."""
        columns = []
        for name, column, target in self.mapping:
            if name != object_name:
                continue
            if not table.has(column):
                self.problems.add(
                    Problem(
                        table.file,
                        f"--map names the column “{column}”, which this file does not have.",
                        object=table.object,
                        row=1,
                    )
                )
                continue
            columns.append((column, target, kind_for(self.mapped_objects[name], target)))
        return columns

    # ---- deals

    def deal_name_and_flags(
        self, table: CsvTable, values, place: Place, *, name: str, stage: str, won: str,
        closed: str, flags: str,
    ) -> tuple[str, bool, bool] | None:  # fmt: skip
        """A deal's name and whether it is won and closed, from the columns so named
        (`place` points at its name and stage cells); None, the row skipped with a
        warning, when it has no name or a flag is not a yes or no (`flags` names the
        flags' columns)."""
        text = table.value(values, name)
        place.cells["name"] = table.cell(name)
        place.cells["stage"] = table.cell(stage)
        if not text:
            self.skip_row(table, place.row or 0, f"{name} is required", name)
            return None
        try:
            return text, YES.parse(table.value(values, won)), YES.parse(table.value(values, closed))
        except ValueError as exc:
            self.skip_row(table, place.row or 0, f"{flags} {exc}", stage)
            return None

    def deal_kind(self, table: CsvTable, values, read: dict, place: Place, type_column: str):
        """A deal's kind from `type_column` (unless mapped) into `read`, and its ARR and
        start date placed at its amount's and close date's cells."""
        kind = kind_of(table.value(values, type_column))
        if kind and "kind" not in read:
            read["kind"] = kind
            place.cells["kind"] = table.cell(type_column)
        for alias, source in (("arr", "target_arr"), ("start_date", "target_close_date")):
            if source in place.cells:
                place.cells[alias] = place.cells[source]

    def add_deal(
        self, deals: list[Deal], deal: Deal, place: Place, without_close_date: str
    ) -> bool:
        """Add `deal` to `deals`, unless it is won without a close date (a contract
        needs its start): that one is skipped with a warning."""
        if deal.status == WON and deal.close_date is None:
            message = f"{without_close_date} The row is skipped."
            self.warn(place.problem(message, "target_close_date"))
            self.export.skip(place.object, "with a problem (see the warnings)")
            return False
        deals.append(deal)
        return True
