"""What was deleted in Salesforce since the last pull, for the linked accounts:
their Opportunities, Contacts and the Opportunities' contact roles, found through the
queryAll resource, which also gives the records in the Recycle Bin (IsDeleted true;
REST API Developer Guide, resources_queryall.htm).

Nothing is deleted in keyplan: a play whose Opportunity went is flagged "deleted in
Salesforce" (a push no longer writes it), a stakeholder whose Contact went likewise,
and a contact role that went is kept aside so a push does not add it again. A record
deleted in Salesforce and changed in keyplan since the last pull is said so in the
report: the keyplan side and its change are kept."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from keyplan.accounts.models import Account
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.exchange.crm.salesforce import terms
from keyplan.exchange.crm.salesforce.live.client import Client
from keyplan.exchange.crm.salesforce.live.pull import OVERLAP, chunks, quoted
from keyplan.exchange.crm.salesforce.live.services import flag_deleted, role_deleted
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder


@dataclass
class Deletions:
    plays: list[str] = field(default_factory=list)  # "Account, play" flagged
    stakeholders: list[str] = field(default_factory=list)  # "Account, name" flagged
    contact_roles: int = 0  # contact roles kept aside
    messages: list[str] = field(default_factory=list)  # each, in plain words
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "plays": len(self.plays),
            "stakeholders": len(self.stakeholders),
            "contact_roles": self.contact_roles,
        }


def _normal(crm_id: str) -> str:
    try:
        return terms.normal_id(crm_id)
    except ValueError:
        return crm_id


def _moment(text: object) -> datetime:
    value = str(text or "").replace("Z", "+00:00").replace("+0000", "+00:00")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return datetime.now(UTC)


def _deleted(
    client: Client, object_name: str, link: str, ids: list[str], since: datetime | None,
    extra: str = "",
) -> list[dict]:  # fmt: skip
    """The records of `object_name` whose `link` is one of `ids`, deleted since."""
    when = ""
    if since is not None:
        stamp = (since - OVERLAP).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        when = f" AND SystemModstamp > {stamp}"
    found: list[dict] = []
    for chunk in chunks(ids):
        soql = (
            f"SELECT Id, {link}, SystemModstamp{extra} FROM {object_name} "
            f"WHERE {link} IN ({quoted(chunk)}) AND IsDeleted = true{when}"
        )
        found += client.query(soql, deleted=True)
    return found


def find_deletions(
    client: Client, accounts: list[Account], since: datetime | None, *, by, dry_run: bool,
    until: datetime | None = None,
) -> Deletions:  # fmt: skip
    """`until`: when the sync began; a change after it is the sync's own pull."""
    report = Deletions()

    def changed_in_keyplan(record: Play | Stakeholder) -> bool:
        return (
            since is not None
            and since < record.updated_at
            and (until is None or record.updated_at < until)
        )

    if not accounts:
        return report
    by_crm_id = {_normal(a.crm_id): a for a in accounts}
    ids = sorted(by_crm_id)
    gone = {
        _normal(str(r["Id"])): r for r in _deleted(client, "Opportunity", "AccountId", ids, since)
    }
    plays = Play.objects.filter(account__in=accounts, crm_deleted_at__isnull=True).exclude(
        crm_id=""
    )
    for play in plays.select_related("account").order_by("account__name", "name"):
        record = gone.get(_normal(play.crm_id))
        if record is None:
            continue
        where = f"{play.account.name}, {play.name}"
        message = f"{where}: its Opportunity {play.crm_id} was deleted in Salesforce"
        if changed_in_keyplan(play):
            message += (
                "; the play was changed in keyplan since the last pull, and it is kept with "
                "its changes (not pushed, so Salesforce does not get it back)"
            )
        else:
            message += "; the play is kept in keyplan, flagged, and no longer pushed"
        if _flag(play, record, report, by=by, dry_run=dry_run):
            report.plays.append(where)
            report.messages.append(message)
    contacts = {
        _normal(str(r["Id"])): r for r in _deleted(client, "Contact", "AccountId", ids, since)
    }
    people = Stakeholder.objects.filter(account__in=accounts, crm_deleted_at__isnull=True).exclude(
        crm_id=""
    )
    for person in people.select_related("account").order_by("account__name", "name"):
        record = contacts.get(_normal(person.crm_id))
        if record is None:
            continue
        where = f"{person.account.name}, {person.name}"
        message = f"{where}: their Contact {person.crm_id} was deleted in Salesforce"
        if changed_in_keyplan(person):
            message += "; the stakeholder was changed in keyplan since the last pull and is kept"
        else:
            message += "; the stakeholder is kept in keyplan, flagged"
        if _flag(person, record, report, by=by, dry_run=dry_run):
            report.stakeholders.append(where)
            report.messages.append(message)
    deals = {
        _normal(p.crm_id): p.account
        for p in Play.objects.filter(account__in=accounts).exclude(crm_id="")
    }
    roles = _deleted(
        client, "OpportunityContactRole", "OpportunityId", sorted(deals), since, ", ContactId"
    )
    for role in roles:
        account = deals.get(_normal(str(role["OpportunityId"])))
        if account is None or not role.get("ContactId"):
            continue
        report.contact_roles += 1
        if not dry_run:
            role_deleted(
                _normal(str(role["Id"])),
                opportunity_id=_normal(str(role["OpportunityId"])),
                contact_id=_normal(str(role["ContactId"])),
                account_crm_id=account.crm_id,
                deleted_at=_moment(role.get("SystemModstamp")),
            )
    if report.contact_roles:
        report.messages.append(
            f"{report.contact_roles} contact role{'s' if report.contact_roles != 1 else ''} "
            "deleted in Salesforce: the plays keep their stakeholders, and a push does not "
            "add the roles again"
        )
    return report


def _flag(record: Play | Stakeholder, deleted: dict, report: Deletions, *, by, dry_run) -> bool:
    if dry_run:
        return True
    try:
        flag_deleted(record, _moment(deleted.get("SystemModstamp")), by=by)
    except (ConflictError, Forbidden, NotFound) as error:  # another team's plan
        report.errors.append(f"{record.account.name}, {record}: not flagged: {error}")
        return False
    return True
