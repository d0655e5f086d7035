"""The first half of a sync: bring the linked accounts' plans in line with what
changed in Salesforce since the last pull.

A linked account is one imported from Salesforce (it has its Account id). For each,
keyplan asks which of its Account, Contact, Opportunity, Task, Event and Case records
changed since the last pull (SOQL on SystemModstamp); when any did, it reads the
account's records through the query resource (following nextRecordsUrl), with its
deals' contact roles, line items and products and the users who own them, and applies
them exactly as an import of a Data Export would: the same reader, mapping, warnings
and writer, so the same fields are written and keyplan's own never are. Each account
is applied, and committed, on its own: one that fails is reported and the others go
on, and the next pull starts again from the last one that reached them all.
"""

import csv
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db.models import QuerySet

from keyplan.accounts.models import Account, Source
from keyplan.audit import kinds
from keyplan.audit import trail as audit
from keyplan.core import clock
from keyplan.exchange.crm.apply import apply_export
from keyplan.exchange.crm.report import CrmReport
from keyplan.exchange.crm.salesforce.fields import FIELDS
from keyplan.exchange.crm.salesforce.live import config as live_config
from keyplan.exchange.crm.salesforce.live.client import ApiError, Client
from keyplan.exchange.crm.salesforce.live.guard import Guard
from keyplan.exchange.crm.salesforce.live.oauth import ConnectionFailed, request_token
from keyplan.exchange.crm.salesforce.live.services import dropped_opportunities, pulled
from keyplan.exchange.crm.salesforce.reader import SalesforceReader
from keyplan.exchange.crm.salesforce.terms import normal_id
from keyplan.exchange.problems import ImportRefused

PULLED = ("Account", "Contact", "Opportunity", "Task", "Event", "Case")
# Where each object names its account. Salesforce fills an activity's AccountId from
# what it is about (an account, or a deal's) or, failing that, its contact's account.
ACCOUNT_FIELD = {name: "Id" if name == "Account" else "AccountId" for name in PULLED}
# Salesforce's and keyplan's clocks differ a little; reading a few minutes twice is
# harmless, as records are matched by id and an unchanged value is not written.
OVERLAP = timedelta(minutes=10)
IDS_PER_QUERY = 200  # keeps each SOQL statement far below its 100,000 characters
BATCH = 2000
# The records users edit in keyplan and in Salesforce alike (seen.py).
EDITED_BOTH_SIDES = ("Account", "Contact", "Opportunity")
WORDS = ("created", "updated", "unchanged")


@dataclass
class Pulled:
    account: Account
    report: CrmReport | None = None  # None: nothing changed in Salesforce
    error: str = ""  # a failure: the next pull tries the account again
    note: str = ""  # left as it is, for a reason a second try does not change
    conflicts: list[dict] = field(default_factory=list)  # changed on both sides (guard.py)


class _NotThere(Exception):
    """Salesforce no longer gives the account's record."""


@dataclass
class PullReport:
    since: datetime | None
    dry_run: bool
    accounts: list[Pulled] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Opportunities whose play was deleted in keyplan: left out, and said when changed.
    dropped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(p.error for p in self.accounts)

    @property
    def conflicts(self) -> list[dict]:
        """The fields changed in keyplan and in Salesforce: neither side was written."""
        return [c for pull in self.accounts for c in pull.conflicts]

    def pulled(self) -> dict[str, dict[str, int]]:
        """Per Salesforce object, the records created, updated and unchanged in keyplan
        across the accounts."""
        totals: dict[str, dict[str, int]] = {}
        for pull in self.accounts:
            for object_name, tally in pull.report.objects.items() if pull.report else ():
                counts = totals.setdefault(object_name, dict.fromkeys(WORDS, 0))
                for word in WORDS:
                    counts[word] += getattr(tally, word)
        return totals


def linked_accounts() -> QuerySet[Account]:
    """The accounts tied to their Salesforce record (by an import, or a pull)."""
    return Account.objects.filter(source=Source.SALESFORCE).exclude(crm_id="").order_by("name")


@audit.run(
    kinds.SYNC_PULL,
    lambda r: {"ok": r.ok, "accounts": len(r.accounts), "pulled": r.pulled(), "errors": r.errors},
)
def pull(*, by, dry_run: bool = False, only: list[Account] | None = None) -> PullReport:
    """Pull the linked accounts (or `only` these of them: then the pull is not recorded
    as one that reached them all)."""
    config = live_config.current()
    connection = live_config.stored()
    since = connection.last_pull_at
    report = PullReport(since, dry_run)
    started = clock.now()
    everyone = list(linked_accounts())
    accounts = everyone if only is None else [a for a in everyone if a in only]
    missing = config.missing()
    if missing:
        report.errors += [f"Not set: {what}." for what in missing]
        return report
    if not accounts:
        report.errors.append(
            "No account is linked to Salesforce yet: import the key accounts from a Data "
            "Export first (keyplan import salesforce, or Accounts, Import)."
        )
        return report
    usage: tuple[int, int] | None = None
    try:
        token = request_token(config)
        with Client(token, config["api_version"], renew=lambda: request_token(config)) as client:
            try:
                _pull_accounts(client, accounts, since, report, by=by, dry_run=dry_run)
            finally:
                usage = client.api_usage
    except ApiError as error:
        report.errors.append(_stopped(error) if stops(error) else str(error))
    except ConnectionFailed as error:
        report.errors.append(f"{error} The accounts pulled before it are kept.")
    if not dry_run:
        reached_all = report.ok and len(accounts) == len(everyone)
        pulled(started if reached_all else None, usage)
    return report


def _pull_accounts(
    client: Client, accounts: list[Account], since: datetime | None, report: PullReport,
    *, by, dry_run: bool,
) -> None:  # fmt: skip
    """Each account with a change in Salesforce, applied and committed on its own."""
    changed = _changed(client, [a.crm_id for a in accounts], since)
    for account in accounts:
        pulled_account = Pulled(account)
        report.accounts.append(pulled_account)
        if account.crm_id not in changed:
            continue
        try:
            pulled_account.report = read_account(
                client,
                account.crm_id,
                by=by,
                dry_run=dry_run,
                dropped=report.dropped,
                conflicts=pulled_account.conflicts,
            )
        except _NotThere:
            pulled_account.note = (
                f"Salesforce no longer gives its account {account.crm_id} (deleted there, or "
                "the integration user may not see it): the plan is left as it is"
            )
        except ImportRefused as refusal:
            # The rows are the pull's own files: name the object, not the file.
            pulled_account.error = "; ".join(
                f"{p.object or 'Salesforce'}: {p.message}" for p in refusal.problems
            )
        except ApiError as error:
            if stops(error):
                raise
            pulled_account.error = f"Salesforce refused a query: {error}"


def stops(error: ApiError) -> bool:
    """Whether the error holds for every account, so the pull stops rather than trying
    each: the org's API limit, or Salesforce failing after the retries."""
    return error.code == "REQUEST_LIMIT_EXCEEDED" or error.status >= 500


def _stopped(error: ApiError) -> str:
    kept = "The accounts pulled before it are kept; the next pull goes on from there."
    if error.code == "REQUEST_LIMIT_EXCEEDED":
        return (
            "Salesforce's limit of API requests for the org is used up (REQUEST_LIMIT_EXCEEDED"
            f": {error.message}); the pull stopped. {kept} The limit is counted over 24 hours "
            "(Setup, Company Information, API Requests)."
        )
    return (
        f"Salesforce kept answering with a server error (HTTP {error.status}, "
        f"{error}); the pull stopped. {kept}"
    )


def chunks(ids: list[str]) -> Iterable[list[str]]:
    for at in range(0, len(ids), IDS_PER_QUERY):
        yield ids[at : at + IDS_PER_QUERY]


def quoted(ids: Iterable[str]) -> str:
    # Salesforce ids are letters and digits only (terms.normal_id), so quoting is safe.
    return ", ".join(f"'{crm_id}'" for crm_id in ids if crm_id.isalnum())


def _changed(client: Client, ids: list[str], since: datetime | None) -> set[str]:
    """The accounts with a record changed since `since` (all of them on a first pull)."""
    if since is None:
        return set(ids)
    stamp = (since - OVERLAP).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed: set[str] = set()
    for object_name in PULLED:
        link = ACCOUNT_FIELD[object_name]
        for chunk in chunks(ids):
            soql = (
                f"SELECT {link} FROM {object_name} WHERE {link} IN ({quoted(chunk)}) "
                f"AND SystemModstamp > {stamp}"
            )
            changed |= {str(r[link]) for r in client.query(soql, batch_size=BATCH)}
    return changed


def read_account(
    client: Client, crm_id: str, *, by, dry_run: bool, dropped: list[str] | None = None,
    conflicts: list[dict] | None = None,
) -> CrmReport:  # fmt: skip
    """Read the Salesforce account's records, as its own small Data Export, and import
    it (which links the account when keyplan does not have it yet), leaving what changed
    only in keyplan and noting in `conflicts` what changed on both sides. The
    Opportunities of plays deleted in keyplan are left out, so the pull does not bring
    them back; one changed in Salesforce since is said in `dropped`."""
    with tempfile.TemporaryDirectory(prefix="keyplan-salesforce-") as folder:
        read: dict[str, list[dict]] = {}
        for object_name in PULLED:
            link = ACCOUNT_FIELD[object_name]
            # Who last changed each record there, for a conflict to name.
            extra = ("LastModifiedById",) if object_name in EDITED_BOTH_SIDES else ()
            read[object_name] = _select(client, object_name, link, [crm_id], extra)
        if not read["Account"]:
            raise _NotThere
        gone = dropped_opportunities([str(r["Id"]) for r in read["Opportunity"]])
        for record in read["Opportunity"]:
            deleted = gone.get(str(record["Id"]))
            if deleted is None or dropped is None:
                continue
            # Salesforce's stamps are to the second: the same second counts as after.
            if _stamp(record) >= deleted.deleted_at.replace(microsecond=0):
                dropped.append(
                    f"Opportunity {record['Id']} (“{record.get('Name')}”) changed in Salesforce "
                    f"after its play “{deleted.name}” was deleted in keyplan: it stays in "
                    "Salesforce, and the play is not brought back"
                )
        read["Opportunity"] = [r for r in read["Opportunity"] if str(r["Id"]) not in gone]
        # The deals' contact roles and products, and the users who own what was read, so
        # plays get their stakeholders, contracts their product lines and records their
        # owners as an import of the full export gives them.
        deals = [str(r["Id"]) for r in read["Opportunity"]]
        if deals:
            for child in ("OpportunityContactRole", "OpportunityLineItem"):
                read[child] = _select(client, child, "OpportunityId", deals)
            products = sorted(
                {str(r["Product2Id"]) for r in read["OpportunityLineItem"] if r.get("Product2Id")}
            )
            if products:
                read["Product2"] = _select(client, "Product2", "Id", products)
        owners = {str(r["OwnerId"]) for rs in read.values() for r in rs if r.get("OwnerId")}
        editors = {
            str(r["LastModifiedById"])
            for name in EDITED_BOTH_SIDES
            for r in read[name]
            if r.get("LastModifiedById")
        }
        users = _select(client, "User", "Id", sorted(owners | editors)) if owners | editors else []
        if owners:
            read["User"] = [u for u in users if str(u["Id"]) in owners]
        for object_name, records in read.items():
            _write(Path(folder) / f"{object_name}.csv", FIELDS[object_name], records)
        export = SalesforceReader.read_export(folder, accounts=crm_id, name="Salesforce")
    names = {_id(str(u["Id"])): user_name(u) for u in users}
    authors = {
        _id(str(r["Id"])): names.get(_id(str(r.get("LastModifiedById") or "")), "")
        for name in EDITED_BOTH_SIDES
        for r in read[name]
    }
    guard = Guard(authors)
    report = apply_export(export, by=by, dry_run=dry_run, guard=guard)
    if conflicts is not None:
        conflicts += guard.conflicts
    return report


def _stamp(record: dict) -> datetime:
    """A record's SystemModstamp (2024-01-22T14:49:34.000+0000), or the distant past."""
    text = str(record.get("SystemModstamp") or "").replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text.replace("+0000", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _id(crm_id: str) -> str:
    try:
        return normal_id(crm_id)
    except ValueError:
        return crm_id


def user_name(user: dict) -> str:
    """A Salesforce User record's name, as a conflict names who changed it there."""
    name = f"{user.get('FirstName') or ''} {user.get('LastName') or ''}".strip()
    return name or str(user.get("Username") or "")


def _select(
    client: Client, object_name: str, link: str, ids: list[str], extra: tuple[str, ...] = ()
) -> list[dict]:
    """The fields keyplan reads (and `extra` ones) of the records whose `link` is one
    of `ids`."""
    records: list[dict] = []
    for chunk in chunks(ids):
        soql = (
            f"SELECT {', '.join(FIELDS[object_name] + extra)} FROM {object_name} "
            f"WHERE {link} IN ({quoted(chunk)}) ORDER BY Id"
        )
        records += client.query(soql, batch_size=BATCH)
    return records


def _write(path: Path, fields: tuple[str, ...], records: Iterable[dict]) -> None:
    """The records as the Data Export writes them, for the export's reader."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(fields)
        for record in records:
            writer.writerow([_text(record.get(name)) for name in fields])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
