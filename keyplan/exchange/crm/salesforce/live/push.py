"""The other half of a sync: write the plays of the linked accounts to Salesforce as
Opportunities.

A play keyplan created is upserted by the play id, an External ID field on Opportunity
(the connection's play id field, Keyplan_Play_Id__c by default); a play that came
from Salesforce, or was pushed before, is updated by its Opportunity id, so a pull and
a push agree on which Opportunity is whose. Only Name, StageName, CloseDate, Amount
and AccountId are written, and only those that differ from what Salesforce holds: a
push after a push changes nothing. The Opportunity stage comes from the connection's
stage map (keyplan's stage -> the org's StageName), which the first push fills from
the org's picklist. Records go by sObject Collections, at most 200 a request, with
allOrNone false: Salesforce's refusal of one play is reported on that play and the
others go through. A pushed play keeps its Opportunity id. Nothing is ever deleted in
Salesforce. Then the plays' stakeholders who are Salesforce contacts become the
Opportunities' contact roles (roles.py); before that, when the connection's switch
is on, the plays' stakeholders made in keyplan are created as Contacts (contacts.py).

Salesforce's pages followed (REST API Developer Guide):
- upsert: resources_composite_sobjects_collections_upsert.htm
  (PATCH /services/data/vXX.X/composite/sobjects/Opportunity/{external id field})
- update: resources_composite_sobjects_collections_update.htm
  (PATCH /services/data/vXX.X/composite/sobjects, each record with its id)
- the stage picklist: resources_sobject_describe.htm (StageName's picklistValues)
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from keyplan.accounts.models import Account
from keyplan.audit import kinds
from keyplan.audit import trail as audit
from keyplan.core.errors import ConflictError, Forbidden
from keyplan.exchange.crm.salesforce import terms
from keyplan.exchange.crm.salesforce.live import config as live_config
from keyplan.exchange.crm.salesforce.live.account_plans import PlansReport, push_account_plans
from keyplan.exchange.crm.salesforce.live.client import ApiError, Client
from keyplan.exchange.crm.salesforce.live.contacts import Made, create_contacts, new_stakeholders
from keyplan.exchange.crm.salesforce.live.guard import PushGuard
from keyplan.exchange.crm.salesforce.live.oauth import ConnectionFailed, request_token
from keyplan.exchange.crm.salesforce.live.pull import (
    chunks,
    linked_accounts,
    quoted,
    stops,
    user_name,
)
from keyplan.exchange.crm.salesforce.live.roles import push_roles
from keyplan.exchange.crm.salesforce.live.services import (
    dropped_links,
    keep_stage_map,
    opportunity_of,
)
from keyplan.growth.models import OPEN_STAGES, Play, Stage

PER_REQUEST = 200  # sObject Collections take at most 200 records a request
OUTCOMES = ("created", "updated", "unchanged", "failed")
SENT = ("Name", "StageName", "CloseDate", "Amount", "AccountId")


@dataclass
class Pushed:
    play: Play
    outcome: str = ""  # one of OUTCOMES
    fields: list[str] = field(default_factory=list)  # what was (or would be) written
    error: str = ""
    crm_id: str = ""
    contacts: list[str] = field(default_factory=list)  # contact roles added (or to add)
    role_errors: list[str] = field(default_factory=list)  # contact roles Salesforce refused


@dataclass
class PushReport:
    dry_run: bool
    plays: list[Pushed] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # accounts, and why
    errors: list[str] = field(default_factory=list)
    stage_map: dict[str, str] = field(default_factory=dict)
    # Fields changed in keyplan and in Salesforce since the last sync: not sent.
    conflicts: list[dict] = field(default_factory=list)
    # Plays deleted in keyplan whose Opportunity stays in Salesforce (said once), and
    # plays whose Opportunity was deleted in Salesforce (kept, not pushed).
    dropped: list[str] = field(default_factory=list)
    not_pushed: list[str] = field(default_factory=list)
    # Stakeholders created (or to create) as Contacts, when the connection's switch is
    # on; when it is off, how many were left out.
    contacts: list[Made] = field(default_factory=list)
    contacts_left_out: int = 0
    # The plans' SWOT and objectives, where the org has Account Plans.
    account_plans: PlansReport = field(default_factory=PlansReport)

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and not any(p.outcome == "failed" or p.role_errors for p in self.plays)
            and not any(m.error for m in self.contacts)
            and not self.account_plans.errors()
        )

    def contacts_created(self) -> int:
        return sum(m.outcome in ("created", "would create") for m in self.contacts)

    def contact_lines(self) -> list[str]:
        """The Contacts in plain words, a line each (without a full stop)."""
        lines = []
        for made in self.contacts:
            if made.outcome == "would create":
                lines.append(f"{made.where}: would be created as a Contact")
            elif made.outcome == "created":
                kept = f"; {made.error}" if made.error else ""
                lines.append(f"{made.where}: created as Contact {made.crm_id}{kept}")
            else:
                lines.append(f"{made.where}: not created as a Contact: {made.error}")
        if self.contacts_left_out:
            n = self.contacts_left_out
            lines.append(
                f"{n} stakeholder{'s' if n != 1 else ''} not in Salesforce "
                f"{'were' if n != 1 else 'was'} left out: creating Contacts is off (Integrations)"
            )
        return lines

    def pushed(self) -> dict[str, int]:
        return {word: sum(p.outcome == word for p in self.plays) for word in OUTCOMES}


def play_key(play: Play) -> str:
    """The play's id in Salesforce's play id field: stable for the play's life."""
    return f"keyplan-play-{play.pk}"


def default_stage_map(picklist: list[str]) -> dict[str, str]:
    """keyplan's stages onto the org's active Opportunity stages, in picklist order:
    each stage gets the first value an import reads as that stage (Prospecting is an
    idea, Closed Won won, ...); an open stage with none gets the first value, won and
    lost the first value that says so."""
    mapping: dict[str, str] = {}
    for value in picklist:
        stage = terms.STAGES.get(value.strip().lower())
        if stage is not None:
            mapping.setdefault(str(stage), value)
    for value in picklist:
        for stage, word in ((Stage.WON, "won"), (Stage.LOST, "lost")):
            if word in value.lower():
                mapping.setdefault(str(stage), value)
    if picklist:
        for stage in OPEN_STAGES:
            mapping.setdefault(str(stage), picklist[0])
    return {str(stage): mapping[str(stage)] for stage in Stage if str(stage) in mapping}


def choose_accounts(wanted: list[str] | None) -> tuple[list[Account], list[str], list[str]]:
    """The linked accounts to push, the accounts left out (and why), and the names
    that match no account."""
    linked = list(linked_accounts())
    if not wanted:
        unlinked = (
            Account.objects.filter(plays__isnull=False)
            .exclude(pk__in=[a.pk for a in linked])
            .distinct()
            .order_by("name")
        )
        return linked, [f"{a.name}: not linked to Salesforce" for a in unlinked], []
    chosen: list[Account] = []
    left_out: list[str] = []
    unknown: list[str] = []
    linked_ids = {a.pk for a in linked}
    for text in wanted:
        match = Q(name__iexact=text.strip()) | Q(crm_id=text.strip())
        if text.strip().isdigit():
            match |= Q(pk=int(text.strip()))
        account = Account.objects.filter(match).order_by("pk").first()
        if account is None:
            unknown.append(text)
        elif account.pk not in linked_ids:
            left_out.append(f"{account.name}: not linked to Salesforce")
        elif account not in chosen:
            chosen.append(account)
    return sorted(chosen, key=lambda a: a.name), left_out, unknown


@audit.run(kinds.SYNC_PUSH, lambda r: {"ok": r.ok, "pushed": r.pushed(), "errors": r.errors})
def push(*, by, dry_run: bool = False, accounts: list[str] | None = None) -> PushReport:
    config = live_config.current()
    connection = live_config.stored()
    report = PushReport(dry_run)
    report.errors += [f"Not set: {what}." for what in config.missing()]
    chosen, report.left_out, unknown = choose_accounts(accounts)
    report.errors += [f"No account is named or numbered “{name}”." for name in unknown]
    if report.errors:
        return report
    if not chosen:
        report.errors.append(
            "No account to push is linked to Salesforce: import the key accounts from a "
            "Data Export first (keyplan import salesforce, or Accounts, Import)."
        )
        return report
    try:
        token = request_token(config)
        with Client(token, config["api_version"], renew=lambda: request_token(config)) as client:
            picklist = _prepare(client, config["play_id_field"], report)
            if report.errors:
                return report
            report.stage_map = dict(connection.stage_map) or default_stage_map(picklist)
            if not dry_run and not connection.stage_map:
                keep_stage_map(report.stage_map)
            plays = list(
                Play.objects.filter(account__in=chosen)
                .select_related("account")
                .order_by("account__name", "name")
            )
            # An Opportunity deleted in Salesforce stays deleted: its play is not re-created.
            report.not_pushed = [
                f"{p.account.name}, {p.name}: its Opportunity {p.crm_id} was deleted in "
                "Salesforce; the play is kept in keyplan and not pushed"
                for p in plays
                if p.crm_deleted_at
            ]
            plays = [p for p in plays if not p.crm_deleted_at]
            report.dropped = [
                f"play “{record.name}” was deleted in keyplan; its Opportunity "
                f"{record.crm_id} stays in Salesforce"
                for record in dropped_links(accounts=chosen, dry_run=dry_run)
            ]
            _push_plays(client, plays, config["play_id_field"], report, by=by)
            newcomers = new_stakeholders(report.plays)
            if connection.create_contacts:
                report.contacts = create_contacts(client, newcomers, dry_run=dry_run, by=by)
            else:
                report.contacts_left_out = len(newcomers)
            push_roles(client, report.plays, dry_run=dry_run)
            report.account_plans = push_account_plans(client, chosen, dry_run=dry_run)
    except ApiError as error:
        report.errors.append(_stopped(error) if stops(error) else str(error))
    except ConnectionFailed as error:
        report.errors.append(f"{error} The plays pushed before it are kept.")
    return report


def _prepare(client: Client, play_id_field: str, report: PushReport) -> list[str]:
    """The org's active Opportunity stages; an error on the report when the play id
    field is not there to upsert by."""
    described = client.describe("Opportunity")
    fields = {f.get("name"): f for f in described.get("fields", ())}
    play_field = fields.get(play_id_field)
    if play_field is None:
        report.errors.append(
            f"Opportunity has no field {play_id_field} (the play id) that the integration "
            "user can see: create it as a Text(255) External ID field and give the user "
            "edit access to it. Nothing was pushed."
        )
    elif not play_field.get("externalId"):
        report.errors.append(
            f"The Opportunity field {play_id_field} is not an External ID field: tick "
            "External ID (and Unique) on it. Nothing was pushed."
        )
    stage = fields.get("StageName") or {}
    return [str(v["value"]) for v in stage.get("picklistValues") or () if v.get("active", True)]


def _stopped(error: ApiError) -> str:
    kept = "The plays pushed before it are kept; the next push goes on from there."
    if error.code == "REQUEST_LIMIT_EXCEEDED":
        return (
            "Salesforce's limit of API requests for the org is used up (REQUEST_LIMIT_EXCEEDED"
            f": {error.message}); the push stopped. {kept}"
        )
    return (
        f"Salesforce kept answering with a server error (HTTP {error.status}, {error}); "
        f"the push stopped. {kept}"
    )


def _push_plays(
    client: Client, plays: list[Play], play_id_field: str, report: PushReport, *, by
) -> None:
    held = _opportunities(client, [p.crm_id for p in plays if p.crm_id])
    guard = PushGuard(plays, report.stage_map)
    updates: list[tuple[Pushed, dict]] = []
    upserts: list[tuple[Pushed, dict]] = []
    for play in plays:
        pushed = Pushed(play, crm_id=play.crm_id)
        report.plays.append(pushed)
        values = _values(play, report.stage_map, pushed)
        if pushed.error:
            continue
        if play.crm_id:
            opportunity = held.get(_normal(play.crm_id))
            if opportunity is None:
                _fail(
                    pushed,
                    f"Salesforce no longer gives its Opportunity {play.crm_id} (deleted there, "
                    "or the integration user may not see it): not pushed",
                )
                continue
            changed = {k: v for k, v in values.items() if not _same(k, v, opportunity, play)}
            changed = guard.sift(play, changed, opportunity)
            pushed.fields = sorted(changed, key=SENT.index)
            if not changed:
                pushed.outcome = "unchanged"
                continue
            updates.append((pushed, {"id": play.crm_id, **changed}))
        else:
            pushed.fields = [f for f in SENT if f in values]
            upserts.append((pushed, {play_id_field: play_key(play), **values}))
    if report.dry_run:
        for pushed, _ in updates:
            pushed.outcome = "updated"
        for pushed, _ in upserts:
            pushed.outcome = "created"
        report.conflicts = guard.preview(_editors(client, guard))
        return
    base = f"/services/data/v{client.version}/composite/sobjects"
    try:
        _send(client, base, updates, by=by)
        _send(client, f"{base}/Opportunity/{play_id_field}", upserts, by=by)
    finally:  # what was written is seen, even when the push stopped part way
        sent = [(p.play, p.fields) for p in report.plays if p.outcome in ("created", "updated")]
        guard.keep(_editors(client, guard), sent)
        report.conflicts = guard.conflicts


def _editors(client: Client, guard: PushGuard) -> dict[str, str]:
    """The names of who changed the conflicting Opportunities in Salesforce."""
    editors = sorted({clash[4] for clash in guard.clashes if clash[4]})
    try:
        return user_names(client, editors) if editors else {}
    except ApiError:  # the conflicts are kept all the same, without the names
        return {}


def _values(play: Play, stage_map: dict[str, str], pushed: Pushed) -> dict:
    """The Opportunity fields keyplan writes for the play (CloseDate only when the play
    has a date: Salesforce asks for one and keyplan has none to give)."""
    stage = stage_map.get(play.stage)
    if not stage:
        _fail(
            pushed,
            f"no Opportunity stage is mapped to the stage “{play.get_stage_display()}” "
            "(set the stage map on the Integrations page): not pushed",
        )
        return {}
    values: dict[str, object] = {
        "Name": play.name,
        "StageName": stage,
        "Amount": float(play.target_arr),
        "AccountId": play.account.crm_id,
    }
    if play.target_close_date:
        values["CloseDate"] = play.target_close_date.isoformat()
    return values


def _same(name: str, value: object, opportunity: dict, play: Play) -> bool:
    held = opportunity.get(name)
    if name == "StageName":  # a stage the pull reads as the play's own stays as it is
        return held == value or terms.STAGES.get(str(held or "").strip().lower()) == play.stage
    if name == "Amount":
        try:
            return held is not None and Decimal(str(held)) == Decimal(str(value))
        except InvalidOperation:
            return False
    if name == "AccountId":
        return _normal(str(held or "")) == _normal(str(value))
    if name == "CloseDate":
        return str(held or "")[:10] == value
    return held == value


def _normal(crm_id: str) -> str:
    try:
        return terms.normal_id(crm_id)
    except ValueError:
        return crm_id


def _opportunities(client: Client, ids: list[str]) -> dict[str, dict]:
    """What Salesforce holds of these Opportunities, by their 18-character id."""
    held: dict[str, dict] = {}
    for chunk in chunks(sorted(set(ids))):
        soql = (
            f"SELECT Id, {', '.join(SENT)}, LastModifiedById FROM Opportunity "
            f"WHERE Id IN ({quoted(chunk)})"
        )
        for record in client.query(soql):
            held[_normal(str(record["Id"]))] = record
    return held


def user_names(client: Client, ids: list[str]) -> dict[str, str]:
    """The names of these Salesforce users, by id as given."""
    names: dict[str, str] = {}
    for chunk in chunks(ids):
        soql = f"SELECT Id, FirstName, LastName, Username FROM User WHERE Id IN ({quoted(chunk)})"
        names |= {str(user["Id"]): user_name(user) for user in client.query(soql)}
    return names


def _batches(items: list) -> Iterable[list]:
    for at in range(0, len(items), PER_REQUEST):
        yield items[at : at + PER_REQUEST]


def _send(client: Client, path: str, items: list[tuple[Pushed, dict]], *, by) -> None:
    for batch in _batches(items):
        records = [{"attributes": {"type": "Opportunity"}, **record} for _, record in batch]
        try:
            results = client.patch(path, {"allOrNone": False, "records": records})
        except ApiError as error:
            if stops(error):
                for pushed, _ in batch:
                    _fail(pushed, "not pushed: the push stopped before it")
                raise
            for pushed, _ in batch:
                _fail(pushed, f"Salesforce refused the request: {error}")
            continue
        for (pushed, _), result in zip(batch, results, strict=False):
            _take(pushed, result, by=by)


def _take(pushed: Pushed, result: dict, *, by) -> None:
    """Salesforce's answer for one play (an UpsertResult or a SaveResult)."""
    if not result.get("success"):
        said = "; ".join(
            f"{e.get('statusCode') or e.get('errorCode') or ''}: {e.get('message') or ''}"
            for e in result.get("errors") or ()
        )
        _fail(pushed, f"Salesforce refused it: {said or 'no reason given'}")
        return
    pushed.outcome = "created" if result.get("created") else "updated"
    crm_id = _normal(str(result.get("id") or pushed.play.crm_id))
    pushed.crm_id = crm_id
    if _normal(pushed.play.crm_id) != crm_id:
        try:
            opportunity_of(pushed.play, crm_id, by=by)
        except (ConflictError, Forbidden) as error:
            pushed.error = (
                f"written to Salesforce, but its Opportunity id was not kept ({error}); the "
                "next push finds it by the play id"
            )


def _fail(pushed: Pushed, message: str) -> None:
    pushed.outcome, pushed.error = "failed", message
