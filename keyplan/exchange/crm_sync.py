"""Bring the chosen key accounts' plans in line with a CRM export (crm_records).

Records are matched by their CRM id (a keyplan record without one is adopted by
its name), so importing the same export again changes nothing. Only the fields the
CRM owns are written, and only where the CRM holds a value: power, relationship
strength, notes, the whitespace grid and every other keyplan-only field are never
touched, and nothing keyplan holds is removed. Every write goes through the
services (access, validation, versions, history), all in one transaction: a
problem anywhere undoes everything, and a dry run does the work and rolls it back,
so its report is exactly what applying does.
"""

import functools
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from keyplan.accounts import services as account_services
from keyplan.accounts.models import (
    Account,
    Contract,
    ContractLine,
    ContractStatus,
    Relationship,
    RevenueYear,
)
from keyplan.core import access, clock, services
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.exchange import crm_records as crm
from keyplan.exchange.crm_csv import Place
from keyplan.exchange.crm_report import AccountReport, CrmReport
from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.growth.models import Play, PlayStakeholder, Product, Stage
from keyplan.relationships.models import Interaction, InteractionStakeholder, Stakeholder
from keyplan.team.models import User

SERVICE_ERRORS = (ValidationError, NotFound, Forbidden, ConflictError)
PROFILE, CONTRACTS, LINES = "1. Profile", "2. Contracts", "2. Contract lines"
REVENUE, PEOPLE, TOUCHES = "2. Revenue by year", "3. Stakeholders", "3. Interactions"
PLAYS, PLAY_PEOPLE = "6. Growth plays", "6. Play stakeholders"
# The buying role a contact role suggests for a new stakeholder, strongest first.
ROLE_ORDER = (
    "economic_buyer",
    "executive_sponsor",
    "technical_buyer",
    "champion",
    "evaluator",
    "influencer",
    "user",
)
MANAGER_FIELDS = ("relationship",)


class Refused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def apply(export: crm.Export, *, by, dry_run: bool = False) -> CrmReport:
    """Import `export` as `by`. Raises ImportRefused, having written nothing."""
    report = CrmReport(export.label, export.name, export.files)
    try:
        with transaction.atomic():
            Sync(export, by, report).run()
            report.applied = not dry_run
            if dry_run:
                transaction.set_rollback(True)
    except Refused as exc:
        raise ImportRefused(exc.problems[:50]) from None
    return report


def _shown(record, name: str, value) -> str:
    """A value as the report shows it: choices by label, records by name."""
    if value in (None, ""):
        return ""
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return f"{value:,.2f}".removesuffix(".00")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _current(record, name: str):
    model_field = record._meta.get_field(name)
    if model_field.is_relation:
        return getattr(record, name)
    return getattr(record, model_field.attname)


def _same(record, name: str, value) -> bool:
    model_field = record._meta.get_field(name)
    current = getattr(record, model_field.attname)
    if model_field.is_relation:
        return current == (value.pk if isinstance(value, models.Model) else value)
    if isinstance(model_field, models.DecimalField) and current is not None and value is not None:
        return Decimal(current) == Decimal(value)
    return current == value


@functools.cache
def _field_order(model) -> dict[str, int]:
    return {f.name: i for i, f in enumerate(model._meta.fields)}


def _free_name(candidates: list[str], taken: set[str], limit: int) -> str:
    names = [c[:limit] for c in candidates]
    for name in names:
        if name not in taken:
            return name
    number = 2
    while f"{names[-1][: limit - 6]} ({number})" in taken:
        number += 1
    return f"{names[-1][: limit - 6]} ({number})"


class Sync:
    """One import: each step matches the export's records to keyplan's, writes what
    differs and words it in the report (see the module's docstring)."""

    def __init__(self, export: crm.Export, by, report: CrmReport):
        self.export, self.by, self.report = export, by, report
        self.label = export.label
        for name in export.objects:
            tally = report.tally(name)
            tally.read = export.read[name]
            tally.skipped.update(export.skipped.get(name, {}))
        self.accounts: dict[str, Account] = {}  # crm id -> account
        self.reports: dict[int, AccountReport] = {}  # account pk -> its report
        self.people: dict[str, Stakeholder] = {}  # contact id -> stakeholder
        self.plays: dict[str, Play] = {}  # deal id -> play
        self.products: dict[str, Product] = {}

    def _tally(self, kind: str):
        return self.report.tally(self.export.names[kind])

    def _normal(self, crm_id: str) -> str | None:
        return self.export.normal(crm_id) if crm_id else None

    def _index(self, records, key=lambda r: ()) -> dict:
        found = {}
        for record in records:
            normal = self._normal(record.crm_id)
            if normal:
                found[(*key(record), normal)] = record
        return found

    # ---- the run

    def run(self) -> None:
        self._owners()
        self._catalog()
        self._accounts()
        self._parents()
        if self.export.contacts is not None:
            self._stakeholders()
        if self.export.deals is not None:
            self._deals()
            self._revenue()
            self._play_people()
        if self.export.activities is not None:
            self._activities()
        for missing in self.export.missing:
            self.report.notes.append(
                f"no {missing} in the export: that part of the plans is left as it is"
            )

    # ---- writing

    def _fail(self, place: Place, exc: Exception, prefix: str = ""):
        if not isinstance(exc, SERVICE_ERRORS):
            raise exc
        problems = []
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    if name in place.cells:
                        problems.append(place.problem(prefix + message, name))
                    else:
                        label = name.replace("_", " ") if name != "__all__" else ""
                        text = f"{label}: {message}" if label else message
                        problems.append(place.problem(prefix + text))
        elif isinstance(exc, ValidationError):
            problems = [place.problem(prefix + m) for m in exc.messages]
        else:
            problems = [place.problem(prefix + str(exc))]
        raise Refused(problems) from exc

    def _create(self, model, place: Place, **values):
        try:
            return services.create(model, by=self.by, **values)
        except SERVICE_ERRORS as exc:
            self._fail(place, exc)

    def _create_many(self, model, rows: list[dict], places: list[Place]) -> list:
        if not rows:
            return []
        try:
            return services.create_many(model, rows, by=self.by)
        except services.InvalidRow as exc:
            self._fail(places[exc.index], exc)
        except SERVICE_ERRORS as exc:
            self._fail(places[0], exc)

    def _update(self, record, place: Place, values: dict) -> tuple[object, list[str]]:
        """Write the `values` that differ; returns the record and the changes as the
        report words them."""
        order = _field_order(type(record))
        changed = {
            k: values[k]
            for k in sorted(values, key=lambda k: order.get(k, 0))
            if not _same(record, k, values[k])
        }
        if not changed:
            return record, []
        words = []
        for name, value in changed.items():
            label = str(record._meta.get_field(name).verbose_name)
            before, after = (
                _shown(record, name, _current(record, name)),
                _shown(record, name, value),
            )
            words.append(f"{label} “{before}” → “{after}”" if before else f"{label} “{after}”")
        version = getattr(record, "version", None)
        try:
            record = services.update(record, by=self.by, version=version, **changed)
        except SERVICE_ERRORS as exc:
            self._fail(place, exc)
        return record, words

    def _section(self, account: Account, title: str):
        return self.reports[account.pk].sections[title]

    def _changed(self, account: Account, title: str, name: str, words: list[str]) -> None:
        if words and not (title == PROFILE and self.reports[account.pk].new):
            entry = self._section(account, title).changed.setdefault(name, [])
            entry += [w for w in words if w not in entry]

    # ---- owners and the catalog

    def _owners(self) -> None:
        self.owners: dict[str, User | None] = {}
        if not self.export.owners:
            return
        tally = self._tally("user") if "user" in self.export.names else None
        users = list(User.objects.filter(is_active=True))
        by_email = {u.email.lower(): u for u in users if u.email}
        by_login = {u.username.lower(): u for u in users}
        by_name = {u.get_full_name().lower(): u for u in users if u.get_full_name()}
        for crm_id, owner in self.export.owners.items():
            self.owners[crm_id] = next(
                (
                    found
                    for table, key in (
                        (by_email, owner.email),
                        (by_login, owner.login),
                        (by_login, owner.email),
                        (by_name, owner.name),
                    )
                    if key and (found := table.get(key.lower())) is not None
                ),
                None,
            )
            if tally is None:
                continue
            if self.owners[crm_id] is None:
                tally.skipped["with no keyplan user of that email or login"] += 1
            else:
                tally.matched += 1

    def _owner(self, crm_id: str) -> User | None:
        return self.owners.get(crm_id) if crm_id else None

    def _catalog(self) -> None:
        if not self.export.products:
            return
        stored = list(Product.objects.all())
        by_crm = self._index(stored)
        by_name = {p.name: p for p in stored}
        position = max((p.position for p in stored), default=0)
        tally = self._tally("product")
        may_change = self.by.is_superuser or self.by.role in Product.managed_by
        differing = 0
        for product in self.export.products:
            record = by_crm.get((product.crm_id,))
            values = dict(product.values)
            if record is None and product.name in by_name:
                record = by_name[product.name]
                if self._normal(record.crm_id) not in (None, product.crm_id):
                    raise Refused([product.place.problem(
                        f"the catalog already has a product named “{product.name}”, tied to "
                        f"another {self.label} product ({record.crm_id}).", "name",
                    )])  # fmt: skip
                values["crm_id"] = product.crm_id
            if record is None:
                position += 1
                try:
                    record = services.create(
                        Product, by=self.by, position=position, crm_id=product.crm_id, **values
                    )
                except SERVICE_ERRORS as exc:
                    self._fail(product.place, exc, f"cannot add “{product.name}” to the catalog: ")
                self.report.catalog.created.append(product.name)
                tally.created += 1
            elif not may_change:
                differs = any(not _same(record, k, v) for k, v in values.items())
                differing += differs
                tally.unchanged += 1
            else:
                record, words = self._update(record, product.place, values)
                if words:
                    self.report.catalog.changed[record.name] = words
                tally.updated += bool(words)
                tally.unchanged += not words
            self.products[product.crm_id] = record
        if differing:
            self.report.notes.append(
                f"{differing} catalog products differ from {self.label}; only an administrator "
                "can update the catalog"
            )

    # ---- accounts

    def _accounts(self) -> None:
        export = self.export
        stored = list(Account.objects.all())
        by_crm = self._index(stored)
        self.stored_accounts = by_crm
        by_name = {a.name.lower(): a for a in stored}
        won = {d.account_id for d in export.deals or () if d.status == crm.WON}
        self.account_status: dict[str, str] = {}
        taken = set(by_name)
        for account in export.accounts:
            record = by_crm.get((account.crm_id,))
            adopted = False
            values = dict(account.values)
            name = values.pop("name")
            if record is None:
                same = by_name.get(name.lower())
                if same is not None and self._normal(same.crm_id) is None:
                    record, adopted = same, True
                    values["crm_id"] = account.crm_id
            relationship = account.relationship or (
                Relationship.CUSTOMER if account.crm_id in won else ""
            )
            if relationship:
                values.setdefault("relationship", relationship)
            outside = self._subsidiaries(account, by_crm)
            if outside:
                values["subsidiaries"] = outside
            if record is None:
                name = _free_name([name, f"{name} ({account.crm_id})"], taken, 200)
                taken.add(name.lower())
                values.setdefault("relationship", Relationship.PROSPECT)
                owner = self._owner(account.owner_id) if self.by.sees_all_accounts else None
                try:
                    record = account_services.create_account(
                        by=self.by,
                        name=name,
                        source=export.vendor,
                        crm_id=account.crm_id,
                        owner=owner or self.by,
                        **values,
                    )
                except SERVICE_ERRORS as exc:
                    self._fail(account.place, exc)
                self.reports[record.pk] = AccountReport(record.name, account.crm_id, new=True)
                self.account_status[account.crm_id] = "created"
            else:
                if not access.can_edit_account(self.by, record):
                    raise Refused([account.place.problem(
                        f"keyplan's account “{record.name}” is not one you may change.", "name"
                    )])  # fmt: skip
                if not access.can_manage_account(self.by, record):
                    for field_name in MANAGER_FIELDS:
                        values.pop(field_name, None)
                if name.lower() == record.name.lower() or name.lower() not in taken:
                    values["name"] = name
                self.reports[record.pk] = AccountReport(
                    record.name, account.crm_id, adopted=adopted
                )
                record, words = self._update(record, account.place, values)
                self._changed(record, PROFILE, record.name, words)
                self.reports[record.pk].name = record.name
                changed = bool(words) or adopted
                self.account_status[account.crm_id] = "updated" if changed else "unchanged"
            self.accounts[account.crm_id] = record
            self.report.accounts.append(self.reports[record.pk])

    def _subsidiaries(self, account: crm.Account, stored: dict) -> str:
        """The account's subsidiaries in the CRM that are not keyplan accounts."""
        chosen = {a.crm_id for a in self.export.accounts}
        return "\n".join(
            sorted(
                name
                for crm_id, name in self.export.children.get(account.crm_id, ())
                if crm_id not in chosen and (crm_id,) not in stored
            )
        )

    def _parents(self) -> None:
        for account in self.export.accounts:
            record = self.accounts[account.crm_id]
            values = {}
            if account.parent_id:
                parent = self.accounts.get(account.parent_id) or self.stored_accounts.get(
                    (account.parent_id,)
                )
                if parent is not None and parent.pk != record.pk:
                    values["parent"] = parent
            if values:
                record, words = self._update(record, account.place, values)
                self.accounts[account.crm_id] = record
                self._changed(record, PROFILE, record.name, words)
                if words and self.account_status[account.crm_id] == "unchanged":
                    self.account_status[account.crm_id] = "updated"
        tally = self._tally("account") if self.export.objects else None
        for status in self.account_status.values():
            if tally is not None:
                setattr(tally, status, getattr(tally, status) + 1)

    # ---- stakeholders

    def _suggested_roles(self) -> dict[str, str]:
        best: dict[str, str] = {}
        for role in self.export.roles:
            suggested = role.buying_role
            if suggested not in ROLE_ORDER:
                continue
            current = best.get(role.contact_id)
            if current is None or ROLE_ORDER.index(suggested) < ROLE_ORDER.index(current):
                best[role.contact_id] = suggested
        return best

    def _stakeholders(self) -> None:
        contacts = self.export.contacts
        tally = self._tally("contact")
        pks = [a.pk for a in self.accounts.values()]
        stored = list(Stakeholder.objects.filter(account_id__in=pks))
        by_crm = self._index(stored, key=lambda s: (s.account_id,))
        by_name = {(s.account_id, s.name): s for s in stored}
        matched: dict[str, tuple] = {}
        claimed = {r.pk for r in by_crm.values()}
        for contact in contacts:
            account = self.accounts[contact.account_id]
            record = by_crm.get((account.pk, contact.crm_id))
            adopted = False
            if record is None:
                same = by_name.get((account.pk, contact.name))
                if same is not None and not same.crm_id and same.pk not in claimed:
                    record, adopted = same, True
                    claimed.add(same.pk)
            matched[contact.crm_id] = (contact, account, record, adopted)
        in_use = {r.pk for _, _, r, _ in matched.values() if r is not None}
        self._no_longer(stored, in_use, PEOPLE)
        taken = defaultdict(set)
        for s in stored:
            if s.pk not in in_use:
                taken[s.account_id].add(s.name)
        names = {}
        ordered = sorted(matched.values(), key=lambda m: m[2] is None)  # matched ones first
        for contact, account, record, _ in ordered:
            candidates = [contact.name]
            if contact.email:
                candidates.append(f"{contact.name} ({contact.email})")
            candidates.append(f"{contact.name} ({contact.crm_id})")
            candidates = [c[:120] for c in candidates]
            if record is not None and record.name in candidates:
                name = record.name if record.name not in taken[account.pk] else None
            else:
                name = None
            name = name or _free_name(candidates, taken[account.pk], 120)
            taken[account.pk].add(name)
            names[contact.crm_id] = name
        roles = self._suggested_roles()
        self.status: dict[str, str] = {}
        # Changes to known stakeholders first (their names may free names for new ones).
        for contact, account, record, adopted in matched.values():
            if record is None:
                continue
            values = {**contact.values, "name": names[contact.crm_id]}
            if adopted:
                values["crm_id"] = contact.crm_id
            old_name = record.name
            record, words = self._update(record, contact.place, values)
            self.people[contact.crm_id] = record
            self._changed(account, PEOPLE, old_name, words)
            self.status[contact.crm_id] = "updated" if words else "unchanged"
        # New stakeholders, each with their manager when the CRM names one here.
        pending = [m for m in matched.values() if m[2] is None]
        row_of = {m[0].crm_id: i for i, m in enumerate(pending)}
        rows = []
        for contact, account, _, _ in pending:
            values = {**contact.values, "name": names[contact.crm_id], "crm_id": contact.crm_id}
            manager = contact.reports_to_id
            if manager in row_of and pending[row_of[manager]][1] is account:
                values["reports_to"] = services.Row(row_of[manager])
            elif manager in self.people and self.people[manager].account_id == account.pk:
                values["reports_to"] = self.people[manager]
            if contact.crm_id in roles:
                values["role"] = roles[contact.crm_id]
            rows.append({"account": account, **values})
        created = self._create_many(Stakeholder, rows, [m[0].place for m in pending])
        for (contact, account, _, _), record in zip(pending, created, strict=True):
            self.people[contact.crm_id] = record
            self._section(account, PEOPLE).created.append(record.name)
            self.status[contact.crm_id] = "created"
        self._reporting_lines(stored)
        for status in self.status.values():
            setattr(tally, status, getattr(tally, status) + 1)

    def _reporting_lines(self, stored: list[Stakeholder]) -> None:
        managers: dict[int, int | None] = {s.pk: s.reports_to_id for s in stored}
        managers |= {s.pk: s.reports_to_id for s in self.people.values()}
        elsewhere = 0
        for contact in self.export.contacts:
            if not contact.reports_to_id:
                continue
            record = self.people[contact.crm_id]
            manager = self.people.get(contact.reports_to_id)
            if manager is None or manager.account_id != record.account_id:
                elsewhere += 1
                continue
            if record.reports_to_id == manager.pk:
                continue
            step, seen = manager.pk, set()
            while step is not None and step not in seen and step != record.pk:
                seen.add(step)
                step = managers.get(step)
            if step == record.pk:
                self.report.notes.append(
                    f"{record.name} reports to {manager.name} in {self.label}, but that "
                    "reporting line would go in a circle; it is not imported"
                )
                continue
            account = self.accounts[contact.account_id]
            record, words = self._update(record, contact.place, {"reports_to": manager})
            managers[record.pk] = manager.pk
            self.people[contact.crm_id] = record
            if self.status.get(contact.crm_id) != "created":
                self._changed(account, PEOPLE, record.name, words)
                self.status[contact.crm_id] = "updated"
        if elsewhere:
            self.report.notes.append(
                f"{elsewhere} contacts report to someone at another account or not imported; "
                "those reporting lines are left out"
            )

    # ---- deals: plays, contracts, revenue

    def _deals(self) -> None:
        pks = [a.pk for a in self.accounts.values()]
        stored_plays = list(Play.objects.filter(account_id__in=pks))
        plays = self._index(stored_plays, key=lambda p: (p.account_id,))
        contracts = self._index(
            Contract.objects.filter(account_id__in=pks), key=lambda c: (c.account_id,)
        )
        play_names = defaultdict(set)
        for play in stored_plays:
            play_names[play.account_id].add(play.name)
        tally = self._tally("deal")
        listed = set()
        for deal in self.export.deals:
            account = self.accounts[deal.account_id]
            listed.add((account.pk, deal.crm_id))
            play = plays.get((account.pk, deal.crm_id))
            statuses = []
            if deal.status == crm.OPEN or play is not None:
                statuses.append(self._play(deal, account, play, play_names[account.pk]))
            if deal.status == crm.WON:
                contract = contracts.get((account.pk, deal.crm_id))
                statuses.append(self._contract(deal, account, contract))
            if not statuses:
                tally.skipped["closed lost, never a play"] += 1
                continue
            status = (
                "created"
                if "created" in statuses
                else "updated"
                if "updated" in statuses
                else "unchanged"
            )
            setattr(tally, status, getattr(tally, status) + 1)
        self._no_longer(stored_plays, {plays[k].pk for k in listed if k in plays}, PLAYS)

    def _no_longer(self, stored, in_use: set, title: str) -> None:
        """Note the records an earlier import brought that the export no longer holds
        (deleted in the CRM, or moved to another account); they are kept."""
        for record in stored:
            if record.pk not in in_use and self._normal(record.crm_id):
                self.reports[record.account_id].sections[title].removed.append(record.name)

    def _play(self, deal: crm.Deal, account: Account, play: Play | None, names: set) -> str:
        values = dict(deal.values)
        if deal.status == crm.WON:
            values.update(stage=Stage.WON, probability=values.get("probability", 100))
        elif deal.status == crm.LOST:
            values.update(stage=Stage.LOST, probability=values.get("probability", 0))
        owner = self._owner(deal.owner_id)
        if owner is not None:
            values["owner"] = owner
        candidates = [deal.name, f"{deal.name} ({deal.crm_id})"]
        if play is not None:
            names.discard(play.name)
        name = (
            play.name
            if play is not None and play.name in candidates and play.name not in names
            else _free_name(candidates, names, 200)
        )
        names.add(name)
        values["name"] = name
        if play is None:
            values.setdefault("target_arr", Decimal(0))
            play = self._create(Play, deal.place, account=account, crm_id=deal.crm_id, **values)
            self._section(account, PLAYS).created.append(play.name)
            self.plays[deal.crm_id] = play
            return "created"
        old_name = play.name
        play, words = self._update(play, deal.place, values)
        self.plays[deal.crm_id] = play
        self._changed(account, PLAYS, old_name, words)
        return "updated" if words else "unchanged"

    def _contract(self, deal: crm.Deal, account: Account, contract: Contract | None) -> str:
        values = {"name": deal.name, "arr": deal.amount or Decimal(0)}
        if deal.close_date is not None:
            values["start_date"] = deal.close_date
        lines = self._lines_of(deal)
        if not deal.amount and lines:
            values["arr"] = sum((arr for _, arr, _ in lines.values()), Decimal(0))
        status = "unchanged"
        if contract is None:
            start = deal.close_date
            # A year's term unless keyplan is told otherwise (the end date is keyplan's).
            end = date(start.year + 1, start.month, 1) + timedelta(days=start.day - 2)
            values |= {
                "crm_id": deal.crm_id,
                "end_date": end,
                "status": ContractStatus.ACTIVE if end >= clock.today() else ContractStatus.EXPIRED,
            }
            contract = self._create(Contract, deal.place, account=account, **values)
            self._section(account, CONTRACTS).created.append(contract.name)
            status = "created"
        else:
            old_name = contract.name
            contract, words = self._update(contract, deal.place, values)
            self._changed(account, CONTRACTS, old_name, words)
            status = "updated" if words else status
        if lines:
            status = self._contract_lines(account, contract, lines, status)
        return status

    def _lines_of(self, deal: crm.Deal) -> dict[str, tuple[int, Decimal, Place]]:
        if not hasattr(self, "_lines_by_deal"):
            self._lines_by_deal = defaultdict(list)
            for line in self.export.lines:
                self._lines_by_deal[line.deal_id].append(line)
        summed: dict[str, tuple[int, Decimal, Place]] = {}
        for line in self._lines_by_deal.get(deal.crm_id, ()):
            quantity, arr, place = summed.get(line.product_id, (0, Decimal(0), line.place))
            summed[line.product_id] = (quantity + line.quantity, arr + line.arr, place)
        return summed

    def _contract_lines(self, account, contract, lines: dict, status: str) -> str:
        tally = self._tally("line")
        stored = {line.product_id: line for line in ContractLine.objects.filter(contract=contract)}
        for product_id, (quantity, arr, place) in lines.items():
            product = self.products[product_id]
            line = stored.get(product.pk)
            name = f"{contract.name} / {product.name}"
            if line is None:
                self._create(
                    ContractLine, place, contract=contract, product=product, quantity=quantity,
                    arr=arr,
                )  # fmt: skip
                self._section(account, LINES).created.append(name)
                tally.created += 1
                status = "updated" if status == "unchanged" else status
            else:
                line, words = self._update(line, place, {"quantity": quantity, "arr": arr})
                self._changed(account, LINES, name, words)
                tally.updated += bool(words)
                tally.unchanged += not words
        return status

    def _revenue(self) -> None:
        won = defaultdict(lambda: defaultdict(list))
        for deal in self.export.deals:
            if deal.status == crm.WON and deal.close_date is not None:
                won[deal.account_id][deal.close_date.year].append(deal)
        for crm_id, years in won.items():
            account = self.accounts[crm_id]
            stored = {r.year: r for r in RevenueYear.objects.filter(account=account)}
            for year, deals in sorted(years.items()):
                revenue = sum((d.amount or Decimal(0) for d in deals), Decimal(0))
                noun = self.export.names["deal"].lower()
                if len(deals) != 1:
                    noun = noun.removesuffix("y") + "ies" if noun.endswith("y") else noun + "s"
                values = {"revenue": revenue, "note": f"{self.label}: {len(deals)} won {noun}"}
                record = stored.get(year)
                if record is None:
                    self._create(RevenueYear, deals[0].place, account=account, year=year, **values)
                    self._section(account, REVENUE).created.append(str(year))
                else:
                    _, words = self._update(record, deals[0].place, values)
                    self._changed(account, REVENUE, str(year), words)

    def _play_people(self) -> None:
        wanted: dict[str, dict[str, tuple[str, Place]]] = defaultdict(dict)
        tally = self._tally("role") if self.export.roles else None
        for role in self.export.roles:
            if role.deal_id in self.plays and role.contact_id in self.people:
                wanted[role.deal_id][role.contact_id] = (role.role, role.place)
            elif tally is not None:
                tally.skipped["of opportunities or contacts not imported"] += 1
        for deal in self.export.deals:
            for contact_id in deal.contact_ids:
                if deal.crm_id in self.plays and contact_id in self.people:
                    wanted[deal.crm_id].setdefault(contact_id, ("", deal.place))
        if not wanted:
            return
        plays = [self.plays[d] for d in wanted]
        links = defaultdict(dict)
        for link in PlayStakeholder.objects.filter(play__in=plays):
            links[link.play_id][link.stakeholder_id] = link.role_hint
        for deal_id, people in wanted.items():
            play = self.plays[deal_id]
            account = self.accounts[self._deal(deal_id).account_id]
            current = links[play.pk]
            extra, added, hinted = {}, [], []
            for contact_id, (hint, _place) in people.items():
                person = self.people[contact_id]
                label = f"{play.name} / {person.name}"
                if person.pk not in current:
                    added.append(label)
                elif hint and current[person.pk] != hint:
                    before = current[person.pk]
                    words = f"role hint “{before}” → “{hint}”" if before else f"role hint “{hint}”"
                    hinted.append((label, words))
                if hint:
                    extra[person.pk] = {"role_hint": hint}
            if tally is not None:
                tally.created += len(added)
                tally.updated += len(hinted)
                tally.unchanged += len(people) - len(added) - len(hinted)
            if not (added or hinted):
                continue
            targets = list(Stakeholder.objects.filter(pk__in=set(current))) + [
                self.people[c] for c in people if self.people[c].pk not in current
            ]
            place = next(iter(people.values()))[1]
            try:
                self.plays[deal_id] = services.set_links(
                    play, "stakeholders", targets, by=self.by, version=play.version, extra=extra
                )
            except SERVICE_ERRORS as exc:
                self._fail(place, exc)
            section = self._section(account, PLAY_PEOPLE)
            section.created += added
            for label, words in hinted:
                self._changed(account, PLAY_PEOPLE, label, [words])

    def _deal(self, crm_id: str) -> crm.Deal:
        if not hasattr(self, "_deals_by_id"):
            self._deals_by_id = {d.crm_id: d for d in self.export.deals}
        return self._deals_by_id[crm_id]

    # ---- interactions

    def _activities(self) -> None:
        pks = [a.pk for a in self.accounts.values()]
        stored = self._index(
            Interaction.objects.filter(account_id__in=pks), key=lambda i: (i.account_id,)
        )
        participants = defaultdict(set)
        for link in InteractionStakeholder.objects.filter(interaction__account_id__in=pks):
            participants[link.interaction_id].add(link.stakeholder_id)
        new_rows, new_places, new_people = [], [], []
        for activity in self.export.activities:
            tally = self.report.tally(activity.place.object)
            account = self.accounts[activity.account_id]
            record = stored.get((account.pk, activity.crm_id))
            people = [self.people[c] for c in activity.contact_ids if c in self.people]
            title = f"{activity.values['date']} {activity.values['subject']}"
            if record is None:
                new_rows.append({
                    "account": account, "crm_id": activity.crm_id,
                    "logged_by": self._owner(activity.owner_id), **activity.values,
                })  # fmt: skip
                new_places.append(activity.place)
                new_people.append(people)
                self._section(account, TOUCHES).created.append(title)
                tally.created += 1
                continue
            record, words = self._update(record, activity.place, dict(activity.values))
            self._changed(account, TOUCHES, title, words)
            current = participants[record.pk]
            missing = [p for p in people if p.pk not in current]
            if missing:
                targets = list(Stakeholder.objects.filter(pk__in=current)) + missing
                try:
                    record = services.set_links(
                        record, "stakeholders", targets, by=self.by, version=record.version
                    )
                except SERVICE_ERRORS as exc:
                    self._fail(activity.place, exc)
                words.append(f"with {', '.join(p.name for p in missing)}")
                self._changed(account, TOUCHES, title, words[-1:])
            if words:
                tally.updated += 1
            else:
                tally.unchanged += 1
        created = self._create_many(Interaction, new_rows, new_places)
        links, link_places = [], []
        for record, people, place in zip(created, new_people, new_places, strict=True):
            links += [{"interaction": record, "stakeholder": person} for person in people]
            link_places += [place] * len(people)
        self._create_many(InteractionStakeholder, links, link_places)
