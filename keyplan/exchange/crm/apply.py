"""Bring the chosen key accounts' plans in line with a CRM export (see records.py).

Records are matched by their CRM id, so importing the same export again changes
nothing; an account without one is adopted by its name only when it is the one of
that name the user may edit (names may repeat, and one the user may not see is as
good as absent). Only the fields the
CRM owns are written, and only where the CRM holds a value: power, relationship
strength, notes, the whitespace grid and every other keyplan-only field are never
touched, and nothing keyplan holds is removed. It is written through the import
writer (exchange/writer.py), leniently: a value the services refuse is left out
with a warning and the rest of its record imports; a dry run's report is exactly
what applying does.
"""

from collections import defaultdict

from keyplan.accounts.models import Account, Relationship
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.core import access, sanity
from keyplan.exchange.crm.deals import DealSteps
from keyplan.exchange.crm.health import HealthSteps
from keyplan.exchange.crm.people import PeopleSteps
from keyplan.exchange.crm.records import WON, Export
from keyplan.exchange.crm.records import Account as CrmAccount
from keyplan.exchange.crm.report import AccountReport, CrmReport
from keyplan.exchange.crm.steps import PROFILE, Guard
from keyplan.exchange.writer import same_value
from keyplan.growth.models import Product
from keyplan.team.models import User

MANAGER_FIELDS = ("relationship",)


def audited(report: CrmReport, *, by) -> CrmReport:
    """Put an applied import of a CRM export on the audit trail (a pull, which applies
    one per account, records its run instead)."""
    totals = report.as_json()
    names = [a.name for a in report.accounts]
    counts = {word: totals[word] for word in ("created", "updated", "unchanged")}
    record(kinds.IMPORT, actor=by, source=report.label, file=report.source, **counts,
           accounts=names[:50], more_accounts=max(0, len(names) - 50))  # fmt: skip
    return report


def apply_export(
    export: Export, *, by, dry_run: bool = False, guard: Guard | None = None
) -> CrmReport:
    """Import `export` as `by` (a live pull's `guard` keeps what changed in keyplan).
    Raises ImportRefused, having written nothing."""
    report = CrmReport(export.label, export.name, export.files)
    writer = CrmImport(export, by, report, guard=guard)
    with sanity.collecting() as heard:
        writer.run(dry_run=dry_run)
    report.warnings = [*export.warnings, *writer.warnings]
    report.checks = heard
    report.applied = not dry_run
    return report


class CrmImport(PeopleSteps, DealSteps, HealthSteps):
    """One import: each step matches the export's records to keyplan's, writes what
    differs and words it in the report (see the module's docstring)."""

    # ---- the steps

    def steps(self) -> None:
        self._owners()
        self._catalog()
        self._accounts()
        self._parents()
        # An export without contacts, deals or activities leaves that part of the plans.
        if self.export.contacts is not None:
            self._stakeholders(self.export.contacts)
        if self.export.deals is not None:
            self._deals(self.export.deals)
            self._revenue(self.export.deals)
            self._play_people(self.export.deals)
        if self.export.activities is not None:
            self._activities(self.export.activities)
        if self.export.cases is not None:
            self._health(self.export.cases)
        self._unmatched_owners()
        for missing in self.export.missing:
            self.report.notes.append(
                f"no {missing} in the export: that part of the plans is left as it is"
            )

    # ---- owners and the catalog

    def _owners(self) -> None:
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

    def _unmatched_owners(self) -> None:
        """Name the CRM users who own what was imported but match no keyplan user: the
        accounts, plays and relationships they own keep keyplan's owner."""
        export = self.export
        owning = {a.owner_id for a in export.accounts}
        owning |= {c.owner_id for c in export.contacts or () if c.account_id in self.accounts}
        owning |= {d.owner_id for d in export.deals or () if d.account_id in self.accounts}
        unmatched = sorted(
            f"{owner.name} ({owner.email or owner.login})" if owner.name else owner.email
            for crm_id, owner in export.owners.items()
            if crm_id in owning and self.owners.get(crm_id) is None
        )
        if unmatched:
            self.report.notes.append(
                f"no keyplan user matches these {self.label} users by email or login, so what "
                f"they own keeps its keyplan owner: {', '.join(unmatched)}"
            )

    def _catalog(self) -> None:
        if not self.export.products:
            return
        stored = list(Product.objects.all())
        by_crm = self._index(stored)
        by_name = {p.name: p for p in stored}
        position = max((p.position for p in stored), default=0)
        tally = self._tally("product")
        may_change = access.has_role(self.by, Product.managed_by or ())
        differing = 0
        for product in self.export.products:
            record = by_crm.get((product.crm_id,))
            values = dict(product.values)
            if record is None and product.name in by_name:
                record = by_name[product.name]
                if self._normal(record.crm_id) not in (None, product.crm_id):
                    self.refuse([product.place.problem(
                        f"the catalog already has a product named “{product.name}”, tied to "
                        f"another {self.label} product ({record.crm_id}).", "name",
                    )])  # fmt: skip
                values["crm_id"] = product.crm_id
            if record is None:
                position += 1
                record = self.create(
                    Product,
                    product.place,
                    {"position": position, "crm_id": product.crm_id, **values},
                    prefix=f"cannot add “{product.name}” to the catalog: ",
                )
                self.report.catalog.created.append(product.name)
                tally.created += 1
            elif not may_change:
                differs = any(not same_value(record, k, v) for k, v in values.items())
                differing += differs
                tally.unchanged += 1
            else:
                record, words = self._change(record, product.place, values)
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
        # Every account's CRM id: one that another team manages is refused (naming
        # nothing). Names, parents and subsidiaries: only what the user may see, so an
        # account they may not see answers exactly as one that does not exist.
        by_crm = self._index(Account.objects.all())
        self.stored_accounts = self._index(access.visible(Account.objects.all(), self.by))
        unlinked: dict[str, list[Account]] = defaultdict(list)
        for candidate in access.editable(Account.objects.all(), self.by):
            if self._normal(candidate.crm_id) is None:
                unlinked[candidate.name.lower()].append(candidate)
        won = {d.account_id for d in export.deals or () if d.status == WON}
        self.account_status: dict[str, str] = {}
        for account in export.accounts:
            record = by_crm.get((account.crm_id,))
            adopted = False
            values = dict(account.values)
            name = values.pop("name")
            # Not linked yet: the one account of that name the user may edit and no
            # CRM record claims becomes this one's, instead of a second of that name.
            same = unlinked.get(name.lower(), []) if record is None else []
            if len(same) == 1:
                record, adopted = same.pop(), True
                values["crm_id"] = account.crm_id
            relationship = account.relationship or (
                Relationship.CUSTOMER if account.crm_id in won else ""
            )
            if relationship:
                values.setdefault("relationship", relationship)
            outside = self._subsidiaries(account, self.stored_accounts)
            if outside:
                values["subsidiaries"] = outside
            if record is None:
                values.setdefault("relationship", Relationship.PROSPECT)
                owner = self._owner(account.owner_id) if access.can_give_accounts(self.by) else None
                record = self.create(
                    Account,
                    account.place,
                    {
                        "name": name,
                        "source": export.vendor,
                        "crm_id": account.crm_id,
                        "owner": owner or self.by,
                        **values,
                    },
                )
                self.reports[record.pk] = AccountReport(record.name, account.crm_id, new=True)
                self.account_status[account.crm_id] = "created"
            else:
                if not access.can_edit_account(self.by, record):
                    # Whether the user may see it or not, the message names nothing.
                    self.refuse([account.place.problem(
                        "this CRM record is managed by another team."
                    )])  # fmt: skip
                if not access.can_manage_account(self.by, record):
                    for field_name in MANAGER_FIELDS:
                        values.pop(field_name, None)
                values["name"] = name
                self.reports[record.pk] = AccountReport(
                    record.name, account.crm_id, adopted=adopted
                )
                record, words = self._change(record, account.place, values)
                self._changed(record, PROFILE, record.name, words)
                self.reports[record.pk].name = record.name
                changed = bool(words) or adopted
                self.account_status[account.crm_id] = "updated" if changed else "unchanged"
            self.accounts[account.crm_id] = record
            self.report.accounts.append(self.reports[record.pk])

    def _subsidiaries(self, account: CrmAccount, stored: dict) -> str:
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
                record, words = self._change(record, account.place, values)
                self.accounts[account.crm_id] = record
                self._changed(record, PROFILE, record.name, words)
                if words and self.account_status[account.crm_id] == "unchanged":
                    self.account_status[account.crm_id] = "updated"
        tally = self._tally("account") if self.export.objects else None
        for status in self.account_status.values():
            if tally is not None:
                setattr(tally, status, getattr(tally, status) + 1)
