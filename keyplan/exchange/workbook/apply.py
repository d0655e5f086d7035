"""Bring one account's plan in line with the rows of an imported workbook.

Rows are matched to stored records by their key columns (see layout): a matched
record is updated where its values differ, an unmatched row is created, and a
stored record no row matched is removed, except what keyplan added or changed after
the workbook was made (since.py: kept, or the import refused). It is written
through the import writer (exchange/writer.py), strictly: a bad cell anywhere
refuses the whole workbook, naming the cell, and a dry run reports exactly what
applying would do.
"""

from collections import defaultdict

from keyplan.accounts import services as account_services
from keyplan.accounts.models import (
    Account,
    Contract,
    ContractLine,
    RevenueYear,
    SelectionCriterion,
    SelectionScore,
)
from keyplan.audit import kinds, trail
from keyplan.cadence.models import PlanReview, Touchpoint, TriggerEvent
from keyplan.core import sanity
from keyplan.exchange.problems import Problem
from keyplan.exchange.values import Choice, Names
from keyplan.exchange.workbook import accounts, layout, stamps
from keyplan.exchange.workbook.read import Incoming, SheetRecord
from keyplan.exchange.workbook.report import WorkbookReport
from keyplan.exchange.workbook.since import Since
from keyplan.exchange.writer import Writer, same_value
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    Objective,
    Play,
    Product,
    ResourceRequest,
    WhitespaceCell,
)
from keyplan.relationships.models import Influence, Interaction, Stakeholder
from keyplan.risks.models import HealthSnapshot, Risk, SwotItem
from keyplan.team.models import AccountMember, TeamRole, User


def apply_workbook(incoming: Incoming, *, by, dry_run: bool = False) -> WorkbookReport:
    """Import `incoming` as `by`. Raises ImportRefused, having written nothing."""
    report = WorkbookReport(incoming.file, untouched=incoming.missing)
    report.made = incoming.stamps.moment
    with sanity.collecting() as heard:
        WorkbookImport(incoming, by, report).run(dry_run=dry_run)
    report.checks = heard
    report.applied = not dry_run
    return report


def _desc(values) -> str:
    return " / ".join(str(v) for v in values if v not in (None, ""))


def _row_name(table, values: dict) -> str:
    """A row as the report names it: its key, enumerations by their labels."""
    parts = []
    for name in table.key:
        value, kind = values.get(name), table.column(name).kind
        parts.append(kind.label_of(value) if isinstance(kind, Choice) else value)
    return _desc(parts)


class WorkbookImport(Writer):
    """One workbook's import: each sheet's rows matched to the plan's records and
    written in the order their references need (see the module's docstring)."""

    def __init__(self, incoming: Incoming, by, report: WorkbookReport):
        super().__init__(by)
        self.incoming, self.report = incoming, report
        self.tables = incoming.tables
        self.account: Account | None = None
        self.removals: list[tuple[layout.TableSheet, object, str]] = []
        # Records by the names rows use for them, filled as each sheet is written.
        self.named: dict[str, dict] = defaultdict(dict)
        self.since = Since(incoming.stamps, report)

    # ---- how a workbook writes

    def version_of(self, record) -> int | None:
        """The version as stored: the rows of several sheets may change one record (a
        play, then its stakeholders, then its cells)."""
        if not hasattr(record, "version"):
            return None
        return type(record).objects.filter(pk=record.pk).values_list("version", flat=True).first()

    def save_new(self, model, values):
        record = super().save_new(model, values)
        self.since.created.add(stamps.key_of(record))
        return record

    def save_changes(self, record, values):
        if isinstance(record, Account):  # the Team sheet says who stays on the team
            version = self.version_of(record)
            return account_services.update_account(
                record, by=self.by, version=version, keep_previous=False, **values
            )
        return super().save_changes(record, values)

    # ---- the steps

    def steps(self) -> None:
        self._load_names()
        self.since.judge(self.account)  # before anything is written
        self._check_references()
        self._account()
        self._products()
        T = layout
        self._simple(T.UNITS_TABLE, BusinessUnit, lambda r: (r.name,), positions=True)
        self._stakeholders()
        self._team()
        self._influence()
        self._simple(T.INTERACTIONS, Interaction, lambda r: (r.date, r.subject))
        self._simple(T.CONTRACTS_TABLE, Contract, lambda r: (r.name,))
        self._lines()
        self._simple(T.REVENUE, RevenueYear, lambda r: (r.year,))
        self._cells()
        self._simple(T.OBJECTIVES_TABLE, Objective, lambda r: (r.title,))
        self._simple(T.PLAYS_TABLE, Play, lambda r: (r.name,))
        self._play_links()
        self._simple(T.RISKS, Risk, lambda r: (r.title,))
        self._simple(T.TOUCHPOINTS, Touchpoint, lambda r: (r.date, r.kind))
        self._simple(T.REVIEWS, PlanReview, lambda r: (r.date, r.kind))
        self._simple(T.TRIGGERS, TriggerEvent, lambda r: (r.date, r.kind))
        self._simple(T.RESOURCES, ResourceRequest, lambda r: (r.kind, r.title, r.year, r.quarter))
        self._simple(T.SWOT, SwotItem, lambda r: (r.kind, r.text), positions=True)
        self._simple(T.ACTIONS, Action, lambda r: (r.title,))
        self._simple(T.HEALTH, HealthSnapshot, lambda r: (r.date,))
        self._simple(
            T.SELECTION,
            SelectionScore,
            lambda r: (self.criteria_by_id[r.criterion_id].key,),
        )
        if self.since.clashes:
            self.refuse(self.since.clashes)
        self._remove()
        trail.record(kinds.IMPORT, actor=self.by, target=self.account, source="workbook",
                     file=self.report.file, changes=self.report.changes)  # fmt: skip

    # ---- names and references

    def _load_names(self) -> None:
        self.users = {u.username: u for u in User.objects.all()}
        self.products = {p.name: p for p in Product.objects.all()}
        self.criteria = {c.key: c for c in SelectionCriterion.objects.all()}
        self.criteria_by_id = {c.pk: c for c in self.criteria.values()}
        # Only the accounts the importing user may see are looked at: one they may not
        # see answers as one that does not exist (see workbook/accounts.py).
        self.accounts = Account.objects.visible_to(self.by)
        self.account = self._find_account()
        self.parent: Account | None = None

    def _find_account(self) -> Account | None:
        """The account the workbook's hidden id names, else the one account of its name
        (None: a new one). Several of that name refuse the workbook at the name cell."""
        row = self.incoming.account
        pk = accounts.id_of(row.values.get(layout.ACCOUNT_ID))
        if pk is not None and (found := self.accounts.filter(pk=pk).first()) is not None:
            return found
        name = row.values.get("name")
        matches = accounts.same_named(self.accounts, name) if name else []
        if len(matches) > 1:
            self.refuse([row.problem(accounts.ambiguous_name(name, matches), "name")])
        return matches[0] if matches else None

    def _known(self, target: str) -> set:
        """The names a reference to `target` may use: the workbook's own sheet when it
        has one, else what is stored."""
        if target == layout.USERS:
            return set(self.users)
        if target == layout.CRITERIA:
            return set(self.criteria)
        if target == layout.PRODUCTS:
            listed = {r.values.get("name") for r in self.incoming.products or ()}
            return set(self.products) | listed
        table = next(t for t in layout.TABLES if t.names == target)
        if table.sheet in self.tables:
            return {r.values.get(table.key[0]) for r in self.tables[table.sheet]}
        if self.account is None:
            return set()
        model = {
            layout.STAKEHOLDERS: Stakeholder,
            layout.UNITS: BusinessUnit,
            layout.OBJECTIVES: Objective,
            layout.PLAYS: Play,
            layout.CONTRACTS: Contract,
        }[target]
        attribute = "title" if model is Objective else "name"
        return set(model.objects.filter(account=self.account).values_list(attribute, flat=True))

    def _check_references(self) -> None:
        problems, known = [], {}
        rows = [(layout.PROFILE.fields, [self.incoming.account])]
        rows += [
            (t.writable, self.tables[t.sheet]) for t in layout.TABLES if t.sheet in self.tables
        ]
        for columns, table_rows in rows:
            for column in columns:
                if column.refers_to in (None, "account"):  # the parent: _check_parent
                    continue
                if column.refers_to not in known:
                    known[column.refers_to] = self._known(column.refers_to)
                names = known[column.refers_to]
                for row in table_rows:
                    value = row.values.get(column.field)
                    for name in value if isinstance(column.kind, Names) else (value,):
                        if name in (None, "") or name in names:
                            continue
                        problems.append(
                            row.problem(self._nowhere(column.refers_to, name), column.field)
                        )
        problems += self._check_parent()
        problems += self._check_cells_and_owner()
        if problems:
            self.refuse(problems)

    def _check_parent(self) -> list[Problem]:
        """The Parent account cell, by id or by a name no other account the user may
        see has."""
        row = self.incoming.account
        text = row.values.get("parent")
        if not text:
            return []
        try:
            self.parent = accounts.find_parent(self.accounts, text)
        except ValueError as exc:
            return [row.problem(str(exc), "parent")]
        return []

    def _nowhere(self, target: str, name: str) -> str:
        if target == layout.USERS:
            return f"no keyplan user has the login “{name}”."
        if target == layout.PRODUCTS:
            return f"“{name}” is not in the product catalog nor on the “Products” sheet."
        if target == layout.CRITERIA:
            return f"“{name}” is not a selection criterion."
        table = next(t for t in layout.TABLES if t.names == target)
        return f"no {target} is named “{name}” on the “{table.sheet}” sheet."

    def _check_cells_and_owner(self) -> list[Problem]:
        problems = []
        if layout.PLAY_CELLS.sheet in self.tables:
            if layout.CELLS.sheet in self.tables:
                cells = {
                    (r.values.get("business_unit"), r.values.get("product"))
                    for r in self.tables[layout.CELLS.sheet]
                }
            else:
                cells = {
                    (c.business_unit.name, c.product.name)
                    for c in WhitespaceCell.objects.filter(account=self.account).select_related(
                        "business_unit", "product"
                    )
                }
            for row in self.tables[layout.PLAY_CELLS.sheet]:
                key = (row.values.get("business_unit"), row.values.get("product"))
                if key not in cells:
                    problems.append(
                        row.problem(
                            f"no whitespace cell {key[0]} x {key[1]} on the "
                            f"“{layout.CELLS.sheet}” sheet.",
                            "product",
                        )
                    )
        owners = [
            r for r in self.tables.get(layout.TEAM.sheet, ()) if r.values.get("role") == "owner"
        ]
        for extra in owners[1:]:
            problems.append(extra.problem("a plan has one owner; make the others members.", "role"))
        return problems

    def _resolve(self, column: layout.Column, value):
        if value is None or column.refers_to is None:
            return value
        if column.refers_to == layout.USERS:
            return self.users[value]
        if column.refers_to == layout.PRODUCTS:
            return self.products[value]
        if column.refers_to == layout.CRITERIA:
            return self.criteria[value]
        if column.refers_to == "account":
            return self.parent
        return self.named[column.refers_to][value]

    # ---- values and changes

    def _note_changed(self, section: str, name: str, fields: list[str], row: SheetRecord) -> None:
        """Note the `fields` of `name` that changed, as `row`'s header names them."""
        labels = {f: header for f, (_, _, header) in row.cells.items()}
        changes = [labels.get(f, f.replace("_", " ")) for f in fields]
        self.report.sections[section].note_changed(name, changes)

    def _values(self, table, row: SheetRecord, skip=()) -> dict:
        values = {}
        for column in table.writable:
            if column.field in row.values and column.field not in skip:
                if isinstance(column.kind, Names):
                    continue
                values[column.field] = self._resolve(column, row.values[column.field])
        return values

    # ---- sections

    def _account(self) -> None:
        row = self.incoming.account
        values = {}
        for column in (c for form in layout.FORMS for c in form.fields):
            if column.field in row.values and not column.readonly:
                values[column.field] = self._resolve(column, row.values[column.field])
        team = self.tables.get(layout.TEAM.sheet)
        if team is not None:
            owner = next((r for r in team if r.values.get("role") == TeamRole.OWNER), None)
            values["owner"] = self.users[owner.values["user"]] if owner else None
        self.report.account = values["name"]
        if self.account is None:
            if team is None:
                values["owner"] = self.by
            values.setdefault("source", "excel")
            self.account = self.create(Account, row, values)
            self.report.new_account = True
            return
        if self.since.is_newer(self.account):
            columns = {c.field: c for form in layout.FORMS for c in form.fields}
            self.since.leave(self.account, row, values, self.account.name, columns)
            return
        self.account, changed = self.update(self.account, row, values)
        sections = {c.field: form.section for form in layout.FORMS for c in form.fields}
        for name in changed:
            section = sections.get(name, layout.TEAM.section)
            self._note_changed(section, self.account.name, [name], row)

    def _products(self) -> None:
        """Catalog products the workbook lists and the catalog lacks (administrators only)."""
        position = max((p.position for p in self.products.values()), default=0)
        for row in self.incoming.products or ():
            name = row.values.get("name")
            if name in self.products:
                continue
            position += 1
            values = {k: v for k, v in row.values.items() if k in ("name", "family", "list_price")}
            product = self.create(
                Product,
                row,
                {**values, "position": position},
                prefix=f"cannot add “{name}” to the catalog: ",
            )
            self.products[name] = product
            self.report.sections[layout.PRODUCTS_SECTION].created.append(name)

    def _pair(self, table, records, key_of):
        """(row, record or None) for each row, and the records no row matched."""
        pool = defaultdict(list)
        for record in records:
            pool[key_of(record)].append(record)
        pairs = []
        for row in self.tables[table.sheet]:
            key = tuple(row.values.get(k) for k in table.key)
            matches = pool.get(key)
            pairs.append((row, matches.pop(0) if matches else None))
        leftovers = [(key, r) for key, records in pool.items() for r in records]
        return pairs, leftovers

    def _simple(self, table, model, key_of, *, positions=False, skip=(), extra=None, parent=None):
        """Create, update and remove the records of one table sheet; returns
        (row, record) pairs, or None when the workbook has no such sheet. `extra` is
        the stored records when they are not simply the account's; `parent`, the
        values every new record gets (the account, unless said otherwise)."""
        if table.sheet not in self.tables:
            if table.names:
                attribute = table.key[0]
                for record in model.objects.filter(account=self.account):
                    self.named[table.names][getattr(record, attribute)] = record
            return None
        records = list(model.objects.filter(account=self.account)) if extra is None else extra
        pairs, leftovers = self._pair(table, records, key_of)
        # Removed since: only in the plan the workbook was made from (not one it re-creates).
        made_here = self.since.stamps and stamps.key_of(self.account) in self.since.stamps.versions
        removed = self.since.removed(model, key_of) if made_here else {}
        done, counts = [], defaultdict(int)
        for row, record in pairs:
            values = self._values(table, row, skip)
            name = _row_name(table, row.values)
            key = tuple(row.values.get(k) for k in table.key)
            if record is None and key in removed:
                self.since.keep_removed(table.section, name, removed[key])
                continue
            if record is None:
                if positions:
                    group = values.get("kind") if model is SwotItem else None
                    counts[group] += 1
                    values["position"] = counts[group]
                fixed = {"account": self.account} if parent is None else parent
                record = self.create(model, row, {**fixed, **values})
                self.report.sections[table.section].created.append(name)
            elif self.since.is_newer(record):
                columns = {c.field: c for c in table.columns}
                self.since.leave(record, row, values, name, columns)
            else:
                record, changed = self.update(record, row, values)
                self._note_changed(table.section, name, changed, row)
            done.append((row, record))
            if table.names:
                self.named[table.names][row.values[table.key[0]]] = record
        for key, record in leftovers:
            name = _row_name(table, dict(zip(table.key, key, strict=True)))
            if self.since.is_newer(record):
                self.since.keep(table.section, name, record)
            else:
                self.removals.append((table, record, name))
        if model is Interaction:
            self._links(table, done, "stakeholders", layout.STAKEHOLDERS, "stakeholder_id")
        if model is Touchpoint:
            self._links(table, done, "hosts", layout.USERS, "user_id")
            self._links(table, done, "attendees", layout.STAKEHOLDERS, "stakeholder_id")
        return done

    def _links(self, table, pairs, relation: str, target: str, attribute: str) -> None:
        """Set a many-to-many (interaction participants, touchpoint attendees) from a
        cell of names."""
        for row, record in pairs:
            if relation not in row.values:
                continue
            column = table.column(relation)
            wanted = [self._resolve(column, name) for name in row.values[relation]]
            through = record._meta.get_field(relation).remote_field.through
            source = record._meta.get_field(relation).m2m_field_name()
            current = set(
                through.objects.filter(**{source: record}).values_list(attribute, flat=True)
            )
            if current == {w.pk for w in wanted}:
                continue
            if self.since.is_newer(record):
                now = getattr(record, relation).all()
                name = _row_name(table, row.values)
                self.since.leave_links(record, relation, wanted, now, row, name, relation)
                continue
            self.set_links(record, relation, wanted, row)
            name = _row_name(table, row.values)
            if name not in self.report.sections[table.section].created:
                self._note_changed(table.section, name, [relation], row)

    def _stakeholders(self) -> None:
        table = layout.STAKEHOLDERS_TABLE
        # The reporting line is set once everyone exists (a manager may come later).
        done = self._simple(table, Stakeholder, lambda r: (r.name,), skip=("reports_to",))
        if not done:
            return
        moving = []
        for row, record in done:
            if "reports_to" not in row.values:
                continue
            manager = self._resolve(table.column("reports_to"), row.values["reports_to"])
            if self.since.is_newer(record):
                name = row.values["name"]
                columns = {"reports_to": table.column("reports_to")}
                self.since.leave(record, row, {"reports_to": manager}, name, columns)
            elif not same_value(record, "reports_to", manager):
                moving.append((row, record, manager))
        # Clear first, so a reshuffle never passes through a circle.
        for row, record, _manager in moving:
            if record.reports_to_id is not None:
                self.update(record, row, {"reports_to": None})
        for row, record, manager in moving:
            fresh = Stakeholder.objects.get(pk=record.pk)
            self.named[layout.STAKEHOLDERS][fresh.name], _ = self.update(
                fresh, row, {"reports_to": manager}
            )
            if row.values["name"] not in self.report.sections[table.section].created:
                self._note_changed(table.section, row.values["name"], ["reports_to"], row)

    def _team(self) -> None:
        table = layout.TEAM
        if table.sheet not in self.tables:
            return
        rows = [r for r in self.tables[table.sheet] if r.values.get("role") != TeamRole.OWNER]
        members = list(AccountMember.objects.filter(account=self.account).select_related("user"))
        tables, self.tables = self.tables, {**self.tables, table.sheet: rows}
        try:
            self._simple(table, AccountMember, lambda m: (m.user.username,), extra=members)
        finally:
            self.tables = tables

    def _influence(self) -> None:
        table = layout.INFLUENCE
        if table.sheet not in self.tables:
            return
        links = list(
            Influence.objects.filter(source__account=self.account).select_related(
                "source", "target"
            )
        )
        self._simple(
            table, Influence, lambda i: (i.source.name, i.target.name), extra=links, parent={}
        )

    def _lines(self) -> None:
        table = layout.LINES
        if table.sheet not in self.tables:
            return
        lines = list(
            ContractLine.objects.filter(contract__account=self.account).select_related(
                "contract", "product"
            )
        )
        self._simple(
            table,
            ContractLine,
            lambda x: (x.contract.name, x.product.name),
            extra=lines,
            parent={},
        )

    def _cells(self) -> None:
        table = layout.CELLS
        cells = list(
            WhitespaceCell.objects.filter(account=self.account).select_related(
                "business_unit", "product"
            )
        )
        if table.sheet not in self.tables:
            self.cells = {(c.business_unit.name, c.product.name): c for c in cells}
            return
        done = self._simple(
            table, WhitespaceCell, lambda c: (c.business_unit.name, c.product.name), extra=cells
        )
        self.cells = {(c.business_unit.name, c.product.name): c for _, c in done}

    def _play_links(self) -> None:
        plays = self.named[layout.PLAYS]
        for table, relation, key_of in (
            (layout.PLAY_PEOPLE, "stakeholders", lambda r: (r.values["stakeholder"],)),
            (
                layout.PLAY_CELLS,
                "cells",
                lambda r: (r.values["business_unit"], r.values["product"]),
            ),
        ):
            if table.sheet not in self.tables:
                continue
            wanted = defaultdict(dict)
            for row in self.tables[table.sheet]:
                wanted[row.values["play"]][key_of(row)] = row
            for play in plays.values():
                self._set_play_links(table, relation, play, wanted.get(play.name, {}))

    def _set_play_links(self, table, relation, play, wanted: dict) -> None:
        section = self.report.sections[table.section]
        if relation == "stakeholders":
            current = {
                (link.stakeholder.name,): link.role_hint
                for link in play.stakeholder_links.select_related("stakeholder")
            }
            targets = {k: self.named[layout.STAKEHOLDERS][k[0]] for k in wanted}
            hints = {k: r.values.get("role_hint", current.get(k, "")) for k, r in wanted.items()}
            extra = {targets[k].pk: {"role_hint": hints[k]} for k in wanted}
            changed = [k for k in wanted if k in current and current[k] != hints[k]]
        else:
            current = {
                (link.cell.business_unit.name, link.cell.product.name): None
                for link in play.cell_links.select_related("cell__business_unit", "cell__product")
            }
            targets = {k: self.cells[k] for k in wanted}
            extra, changed = None, []
        added = [k for k in wanted if k not in current]
        removed = [k for k in current if k not in wanted]
        if not (added or removed or changed):
            return
        row = next(iter(wanted.values()), SheetRecord(self.incoming.file, table.sheet, None))
        if self.since.is_newer(play):
            now = getattr(play, relation).all()
            field = table.key[1]
            self.since.leave_links(play, relation, targets.values(), now, row, play.name, field)
            return
        self.set_links(play, relation, list(targets.values()), row, extra=extra)
        section.created += [_desc((play.name, *k)) for k in added]
        section.removed += [_desc((play.name, *k)) for k in removed]
        for k in changed:
            self._note_changed(table.section, _desc((play.name, *k)), ["role_hint"], wanted[k])

    def _remove(self) -> None:
        # Children before parents, so nothing is removed twice through a cascade.
        for table, record, name in reversed(self.removals):
            section = self.report.sections[table.section]
            if not type(record).objects.filter(pk=record.pk).exists():
                section.removed.append(name)  # gone with its parent
                continue
            because = self.since.newer_dependent(record)
            if because is not None:
                self.since.keep(table.section, name, record, because)
                continue
            place = SheetRecord(self.incoming.file, table.sheet, None)
            self.delete(record, place, prefix=f"cannot remove {name}: ")
            section.removed.append(name)
