"""A sync with Salesforce: link the accounts asked for, pull what changed there, mark
what was deleted there, then push the plays. `keyplan sync salesforce` (cron) and
Sync now (the job queue) both call sync().

Linking an account keyplan does not have yet imports it from Salesforce, reading its
records as a pull does (pull.read_account). Each step commits account by account, as
the pull and the push do: what one account's failure leaves out, the next sync picks
up."""

from dataclasses import dataclass, field
from datetime import datetime

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.exchange.crm.report import CrmReport
from keyplan.exchange.crm.salesforce import terms
from keyplan.exchange.crm.salesforce.live import config as live_config
from keyplan.exchange.crm.salesforce.live.client import ApiError, Client
from keyplan.exchange.crm.salesforce.live.deletions import Deletions, find_deletions
from keyplan.exchange.crm.salesforce.live.oauth import ConnectionFailed, request_token
from keyplan.exchange.crm.salesforce.live.pull import (
    WORDS,
    PullReport,
    chunks,
    linked_accounts,
    pull,
    quoted,
    read_account,
)
from keyplan.exchange.crm.salesforce.live.push import PushReport, push
from keyplan.exchange.crm.salesforce.live.services import synced
from keyplan.exchange.problems import ImportRefused


@dataclass
class SyncReport:
    dry_run: bool
    started: datetime
    accounts: list[Account] = field(default_factory=list)  # the linked accounts synced
    linked: dict[str, CrmReport] = field(default_factory=dict)  # newly linked, by name
    pull: PullReport | None = None
    push: PushReport | None = None
    deletions: Deletions = field(default_factory=Deletions)
    errors: list[str] = field(default_factory=list)  # the sync's own

    def all_errors(self) -> list[str]:
        errors = list(self.errors)
        if self.pull is not None:
            errors += [f"Not pulled: {e}" for e in self.pull.errors]
            errors += [
                f"{p.account.name}: not pulled: {p.error}" for p in self.pull.accounts if p.error
            ]
        errors += self.deletions.errors
        if self.push is not None:
            errors += [f"Not pushed: {e}" for e in self.push.errors]
            for pushed in self.push.plays:
                where = f"{pushed.play.account.name}, {pushed.play.name}"
                if pushed.outcome == "failed":
                    errors.append(f"{where}: {pushed.error}")
                errors += [f"{where}: contact role not added: {e}" for e in pushed.role_errors]
            errors += [
                f"{m.where}: not created as a Contact: {m.error}"
                if m.outcome == "failed"
                else f"{m.where}: {m.error}"
                for m in self.push.contacts
                if m.error
            ]
            errors += self.push.account_plans.errors()
        return errors

    @property
    def ok(self) -> bool:
        return not self.all_errors()

    def conflicts(self) -> list[dict]:
        # Conflict detection (a change on both sides) lists them on the pull and push
        # reports; read them whether or not it is there.
        return [*getattr(self.pull, "conflicts", []), *getattr(self.push, "conflicts", [])]

    def pulled(self) -> dict[str, dict[str, int]]:
        totals = self.pull.pulled() if self.pull is not None else {}
        for report in self.linked.values():
            for object_name, tally in report.objects.items():
                counts = totals.setdefault(object_name, dict.fromkeys(WORDS, 0))
                for word in WORDS:
                    counts[word] += getattr(tally, word)
        return totals

    def pushed(self) -> dict[str, int]:
        counts = self.push.pushed() if self.push is not None else {}
        return {word: counts.get(word, 0) for word in ("created", "updated", "unchanged", "failed")}

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "started": self.started.isoformat(),
            "accounts": [a.name for a in self.accounts],
            "linked": sorted(self.linked),
            "pulled": self.pulled(),
            "pushed": self.pushed(),
            "deleted_in_salesforce": self.deletions.counts(),
            "deletions": list(self.deletions.messages),
            "dropped": list(self.push.dropped) if self.push else [],
            "not_pushed": list(self.push.not_pushed) if self.push else [],
            "contacts_created": self.push.contacts_created() if self.push else 0,
            "contacts_left_out": self.push.contacts_left_out if self.push else 0,
            "account_plans": self.push.account_plans.as_json() if self.push else {},
            "notes": self.notes(),
            "conflicts": self.conflicts(),
            "errors": self.all_errors(),
        }

    def notes(self) -> list[str]:
        notes: list[str] = []
        if self.pull is not None:
            notes += [f"{p.account.name}: {p.note}" for p in self.pull.accounts if p.note]
            notes += list(self.pull.dropped)
        if self.push is not None:
            notes += [f"{a}: left out (not linked to Salesforce)" for a in self.push.left_out]
        return notes

    def lines(self) -> list[str]:
        """The report in plain words, a line each."""
        would = "would " if self.dry_run else ""
        pulled = self.pulled()
        pushed = self.pushed()
        lines = [
            f"Salesforce sync{' (dry run)' if self.dry_run else ''}: "
            f"{len(self.accounts)} linked account{'s' if len(self.accounts) != 1 else ''}."
        ]
        for name in sorted(self.linked):
            lines.append(f"{name}: {would}link{'' if self.dry_run else 'ed'} from Salesforce.")
        lines.append(
            ("Would pull into keyplan: " if self.dry_run else "Pulled into keyplan: ")
            + (
                "; ".join(
                    f"{obj} " + ", ".join(f"{c[w]} {w}" for w in WORDS)
                    for obj, c in sorted(pulled.items())
                )
                or "nothing changed in Salesforce"
            )
            + "."
        )
        lines.append(
            ("Would push to Salesforce: " if self.dry_run else "Pushed to Salesforce: ")
            + ", ".join(f"{pushed[w]} {w}" for w in pushed)
            + "."
        )
        lines += [f"Deleted in Salesforce: {m}." for m in self.deletions.messages]
        if self.push is not None:
            lines += [f"Not pushed: {m}." for m in self.push.not_pushed]
            lines += [f"Link dropped: {m}." for m in self.push.dropped]
            lines.append(
                f"Contacts {'to create' if self.dry_run else 'created'} in Salesforce: "
                f"{self.push.contacts_created()}."
            )
            lines += [
                f"Contact: {line}."
                for line in self.push.contact_lines()
                if "not created as a Contact" not in line
            ]
            lines += [f"{line}." for line in self.push.account_plans.lines(dry_run=self.dry_run)]
        lines += [f"Note: {n}." for n in self.notes()]
        for conflict in self.conflicts():
            lines.append(f"Conflict: {conflict.get('message') or conflict}.")
        lines += [f"Error: {e}" for e in self.all_errors()]
        return lines


def _text(value: str) -> str:
    """A SOQL string literal: quotes and backslashes escaped (SOQL and SOSL Reference,
    Quoted String Escape Sequences)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _salesforce_id(text: str) -> str | None:
    try:
        normal = terms.normal_id(text)
    except ValueError:
        return None
    return normal if normal.startswith("001") else None


def _find(client: Client, wanted: list[str], everything: bool, errors: list[str]) -> list[dict]:
    """The Salesforce accounts asked for (each {"Id", "Name"}), in the order given;
    an error for each name or id that matches none, or a name that several hold."""
    if everything:
        return list(client.query("SELECT Id, Name FROM Account ORDER BY Name"))
    ids = {t: i for t in wanted if (i := _salesforce_id(t.strip()))}
    names = [t.strip() for t in wanted if t not in ids and t.strip()]
    by_id: dict[str, dict] = {}
    for chunk in chunks(sorted(set(ids.values()))):
        for record in client.query(f"SELECT Id, Name FROM Account WHERE Id IN ({quoted(chunk)})"):
            by_id[terms.normal_id(str(record["Id"]))] = record
    by_name: dict[str, list[dict]] = {}
    for at in range(0, len(names), 100):
        listed = ", ".join(_text(n) for n in names[at : at + 100])
        for record in client.query(f"SELECT Id, Name FROM Account WHERE Name IN ({listed})"):
            by_name.setdefault(str(record["Name"]).lower(), []).append(record)
    found: list[dict] = []
    for text in wanted:
        if text in ids:
            held = by_id.get(ids[text])
            matches = [held] if held else []
        else:
            matches = by_name.get(text.strip().lower(), [])
        if not matches:
            errors.append(f"Salesforce has no account named or numbered “{text}”.")
        elif len(matches) > 1:
            listed = ", ".join(str(m["Id"]) for m in matches)
            errors.append(
                f"Several Salesforce accounts are named “{text}” ({listed}): give the id."
            )
        elif all(
            terms.normal_id(str(f["Id"])) != terms.normal_id(str(matches[0]["Id"])) for f in found
        ):
            found.append(matches[0])
    return found


def sync(
    *, by, accounts: list[str] | None = None, everything: bool = False, dry_run: bool = False
) -> SyncReport:
    """Sync the linked accounts with Salesforce; `accounts` (Salesforce Account ids or
    names) or `everything` first link those keyplan does not have, and then only
    `accounts` are synced."""
    report = SyncReport(dry_run=dry_run, started=clock.now())
    config = live_config.current()
    missing = config.missing()
    if missing:
        report.errors += [f"Not set: {what}." for what in missing]
        return report
    since = live_config.stored().last_pull_at
    chosen: list[Account] | None = None
    try:
        token = request_token(config)
        with Client(token, config["api_version"], renew=lambda: request_token(config)) as client:
            if accounts or everything:
                chosen = _link(client, accounts or [], everything, report, by=by)
                if chosen is None:
                    return report
            linked = list(linked_accounts())
            report.accounts = linked if chosen is None else [a for a in linked if a in chosen]
            if not report.accounts and not report.linked:
                report.errors.append(
                    "No account is linked to Salesforce yet: name them with --accounts (or "
                    "--all), or import them from a Data Export."
                )
                return report
            if report.accounts:
                report.pull = pull(by=by, dry_run=dry_run, only=chosen)
                report.deletions = find_deletions(
                    client, report.accounts, since, by=by, dry_run=dry_run, until=report.started
                )
    except ApiError as error:
        report.errors.append(f"Salesforce refused a request: {error}")
        return report
    except ConnectionFailed as error:
        report.errors.append(str(error))
        return report
    if report.accounts:
        report.push = push(by=by, dry_run=dry_run, accounts=[a.crm_id for a in report.accounts])
    if not dry_run:
        synced([a.pk for a in report.accounts if _reached(a, report)], clock.now())
    return report


def _link(
    client: Client, wanted: list[str], everything: bool, report: SyncReport, *, by
) -> list[Account] | None:
    """Link the Salesforce accounts asked for that keyplan does not have (importing
    each, committed on its own); the keyplan accounts they are. None when a name or
    id matches no account, or several: nothing is synced then."""
    found = _find(client, wanted, everything, report.errors)
    if report.errors:
        return None
    linked = {terms.normal_id(a.crm_id): a for a in linked_accounts() if _salesforce_id(a.crm_id)}
    for record in found:
        crm_id = terms.normal_id(str(record["Id"]))
        if crm_id in linked:
            continue
        try:
            report.linked[str(record["Name"])] = read_account(
                client, crm_id, by=by, dry_run=report.dry_run
            )
        except ImportRefused as refusal:
            report.errors.append(
                f"{record['Name']}: not linked: "
                + "; ".join(f"{p.object or 'Salesforce'}: {p.message}" for p in refusal.problems)
            )
    ids = {terms.normal_id(str(r["Id"])) for r in found}
    return [a for a in linked_accounts() if _salesforce_id(a.crm_id) in ids]


def _reached(account: Account, report: SyncReport) -> bool:
    """Whether the sync reached the account without an error."""
    if report.pull is None or report.pull.errors:
        return False
    if any(p.account == account and p.error for p in report.pull.accounts):
        return False
    if report.push is None or report.push.errors:
        return False
    return not any(
        p.play.account_id == account.pk and (p.outcome == "failed" or p.role_errors)
        for p in report.push.plays
    )
