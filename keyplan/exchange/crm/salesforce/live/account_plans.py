"""A push's last step, where the org has Sales Cloud's account plans: each linked
account's plan is written to one AccountPlan (its SWOT, each quadrant's items a line
of its text) and its objectives to AccountPlanObjective records under it.

keyplan keeps the Salesforce id of each record it wrote (exchange.PushedRecord) and
updates the same record next time; a new one is created. Only what differs from what
Salesforce holds is written, so a second push changes nothing. Nothing is deleted in
Salesforce: an objective deleted in keyplan leaves its AccountPlanObjective, and the
report says so once. An org without AccountPlan (describeGlobal does not list it) is
left alone.

Salesforce's pages followed:
- the objects of the org: REST API Developer Guide, resources_describeGlobal.htm
  (GET /services/data/vXX.X/sobjects/, "sobjects" with each one's "name");
- the fields written: Object Reference, sforce_api_objects_accountplan.htm (Name,
  AccountId, RelationshipStrengths, RelationshipWeaknesses,
  RelationshipOpportunities, RelationshipThreats: textarea) and
  sforce_api_objects_accountplanobjective.htm (Name, AccountPlanId, the master-detail
  to its plan, Description, EndDate);
- reading them back: resources_query.htm; writing: sObject Collections' create
  (resources_composite_sobjects_collections_create.htm, POST) and update
  (resources_composite_sobjects_collections_update.htm, PATCH with each "id"), at
  most 200 records a request, allOrNone false: a refusal is reported on its record.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from keyplan.accounts.models import Account
from keyplan.exchange.crm.salesforce import terms
from keyplan.exchange.crm.salesforce.live.client import ApiError, Client
from keyplan.exchange.crm.salesforce.live.pull import chunks, quoted, stops
from keyplan.exchange.crm.salesforce.live.services import (
    forget_pushed,
    keep_pushed,
    pushed_records,
)
from keyplan.growth.models import Objective
from keyplan.risks.models import SwotItem, SwotKind

PER_REQUEST = 200
PLAN, OBJECTIVE = "AccountPlan", "AccountPlanObjective"
QUADRANTS = {
    SwotKind.STRENGTH: "RelationshipStrengths",
    SwotKind.WEAKNESS: "RelationshipWeaknesses",
    SwotKind.OPPORTUNITY: "RelationshipOpportunities",
    SwotKind.THREAT: "RelationshipThreats",
}
PLAN_FIELDS = ("Name", "AccountId", *QUADRANTS.values())
OBJECTIVE_FIELDS = ("Name", "AccountPlanId", "Description", "EndDate")
OUTCOMES = ("created", "updated", "unchanged", "failed")


@dataclass
class Written:
    """One AccountPlan or AccountPlanObjective as the push left it."""

    object_name: str
    where: str  # the account, and the objective's title
    outcome: str = ""
    crm_id: str = ""
    fields: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class PlansReport:
    available: bool | None = None  # None: not asked (the push stopped before)
    records: list[Written] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self, object_name: str) -> dict[str, int]:
        mine = [r for r in self.records if r.object_name == object_name]
        return {word: sum(r.outcome == word for r in mine) for word in OUTCOMES}

    def errors(self) -> list[str]:
        return [
            f"{r.where}: {r.object_name} not written: {r.error}" for r in self.records if r.error
        ]

    def as_json(self) -> dict:
        return {
            "available": self.available,
            "plans": self.counts(PLAN),
            "objectives": self.counts(OBJECTIVE),
            "records": [
                {
                    "object": r.object_name,
                    "where": r.where,
                    "outcome": r.outcome,
                    "crm_id": r.crm_id,
                    "fields": r.fields,
                    "error": r.error,
                }
                for r in self.records
            ],
            "notes": self.notes,
        }

    def lines(self, *, dry_run: bool) -> list[str]:
        if self.available is None:
            return []
        if not self.available:
            return ["Account Plans are not available in the org: the SWOT and objectives "
                    "were not written"]  # fmt: skip
        verb = "would write" if dry_run else "wrote"
        lines = [
            f"Account Plans: {verb} "
            + ", ".join(f"{n} {w}" for w, n in self.counts(PLAN).items())
            + "; objectives: "
            + ", ".join(f"{n} {w}" for w, n in self.counts(OBJECTIVE).items())
        ]
        for r in self.records:
            if r.outcome in ("created", "updated"):
                done = f"would be {r.outcome}" if dry_run else r.outcome
                lines.append(f"{r.where}: {r.object_name} {done}: {', '.join(r.fields)}")
        return lines + self.notes


def has_account_plans(client: Client) -> bool:
    listed = client.get(f"/services/data/v{client.version}/sobjects/")
    return any(s.get("name") == PLAN for s in (listed or {}).get("sobjects") or ())


def swot_text(items: list[SwotItem]) -> dict[str, str]:
    """Each quadrant's items, a line each, in the plan's order."""
    text: dict[str, list[str]] = {name: [] for name in QUADRANTS.values()}
    for item in items:
        text[QUADRANTS[SwotKind(item.kind)]].append(item.text.strip())
    return {name: "\n".join(lines) for name, lines in text.items()}


def objective_text(objective: Objective) -> str:
    """What an objective says beyond its title, for its Description."""
    unit = f" {objective.unit}" if objective.unit else ""
    parts = [f"Metric: {objective.metric}"]
    if objective.baseline is not None:
        parts.append(f"from {objective.baseline.normalize():f}{unit}")
    if objective.target is not None:
        parts.append(f"to {objective.target.normalize():f}{unit}")
    return (
        " ".join(parts)
        + f" by {objective.due_date.isoformat()}. "
        + (f"Status: {objective.get_status_display()}.")
    )


def push_account_plans(client: Client, accounts: list[Account], *, dry_run: bool) -> PlansReport:
    report = PlansReport(available=has_account_plans(client))
    if not report.available or not accounts:
        return report
    ids = [a.crm_id for a in accounts]
    kept_plans = pushed_records(PLAN, ids)
    kept_objectives = pushed_records(OBJECTIVE, ids)
    held = _held(client, PLAN, PLAN_FIELDS, [r.crm_id for r in kept_plans.values()])
    held |= _held(client, OBJECTIVE, OBJECTIVE_FIELDS, [r.crm_id for r in kept_objectives.values()])
    swot: dict[int, list[SwotItem]] = {a.pk: [] for a in accounts}
    for item in SwotItem.objects.filter(account__in=accounts).order_by("kind", "position", "pk"):
        swot[item.account_id].append(item)
    objectives = list(Objective.objects.filter(account__in=accounts).order_by("due_date", "pk"))
    # The plans first: a new objective needs its plan's id.
    plan_ids: dict[int, str] = {}
    plan_writes: list[tuple[Written, dict, Account]] = []
    for account in accounts:
        values = {"Name": f"{account.name} account plan"[:80], "AccountId": account.crm_id}
        values |= swot_text(swot[account.pk])
        written = _compare(report, PLAN, account.name, kept_plans.get(account.pk), held, values)
        if written.crm_id and written.outcome != "failed":
            plan_ids[account.pk] = written.crm_id
        if written.outcome in ("created", "updated"):
            plan_writes.append((written, values, account))
    if not dry_run:
        _write(client, plan_writes, PLAN)
        for written, _, account in plan_writes:
            if written.crm_id and not written.error:
                plan_ids[account.pk] = written.crm_id
                keep_pushed(PLAN, account.pk, written.crm_id, account_crm_id=account.crm_id,
                            name=account.name)  # fmt: skip
    by_pk = {a.pk: a for a in accounts}
    objective_writes: list[tuple[Written, dict, Objective]] = []
    for objective in objectives:
        account = by_pk[objective.account_id]
        where = f"{account.name}, objective “{objective.title}”"
        plan_id = plan_ids.get(account.pk, "")
        if not plan_id and not dry_run:
            continue  # its plan was refused (reported there)
        values = {
            "Name": objective.title[:80],
            "AccountPlanId": plan_id,
            "Description": objective_text(objective),
            "EndDate": objective.due_date.isoformat(),
        }
        kept = kept_objectives.get(objective.pk)
        written = _compare(report, OBJECTIVE, where, kept, held, values)
        if written.outcome in ("created", "updated"):
            objective_writes.append((written, values, objective))
    if not dry_run:
        _write(client, objective_writes, OBJECTIVE)
        for written, _, objective in objective_writes:
            if written.crm_id and not written.error:
                keep_pushed(OBJECTIVE, objective.pk, written.crm_id,
                            account_crm_id=by_pk[objective.account_id].crm_id,
                            name=objective.title)  # fmt: skip
    present = {o.pk for o in objectives}
    gone = [row for pk, row in kept_objectives.items() if pk not in present]
    report.notes += [
        f"objective “{row.name}” was deleted in keyplan; its AccountPlanObjective "
        f"{row.crm_id} stays in Salesforce"
        for row in gone
    ]
    if gone and not dry_run:
        forget_pushed(gone)  # said once
    return report


def _normal(crm_id: str) -> str:
    try:
        return terms.normal_id(crm_id)
    except ValueError:
        return crm_id


def _held(client: Client, object_name: str, names: tuple[str, ...], ids: list[str]) -> dict:
    held: dict[str, dict] = {}
    for chunk in chunks(sorted(set(ids))):
        soql = f"SELECT Id, {', '.join(names)} FROM {object_name} WHERE Id IN ({quoted(chunk)})"
        for record in client.query(soql):
            held[_normal(str(record["Id"]))] = record
    return held


def _same(name: str, value: object, record: dict) -> bool:
    there = record.get(name)
    if name.endswith("Id"):
        return _normal(str(there or "")) == _normal(str(value or ""))
    if name.endswith("Date"):
        return str(there or "")[:10] == value
    return (there or "") == (value or "")


def _compare(report: PlansReport, object_name: str, where: str, kept, held: dict, values: dict):
    written = Written(object_name, where)
    report.records.append(written)
    if kept is None:
        written.outcome, written.fields = "created", [k for k, v in values.items() if v]
        return written
    written.crm_id = kept.crm_id
    record = held.get(_normal(kept.crm_id))
    if record is None:
        written.outcome = "failed"
        written.error = (
            f"Salesforce no longer gives its {object_name} {kept.crm_id} (deleted there, or "
            "the integration user may not see it): not written"
        )
        return written
    written.fields = [k for k, v in values.items() if not _same(k, v, record)]
    written.outcome = "updated" if written.fields else "unchanged"
    return written


def _write(
    client: Client, writes: Sequence[tuple[Written, dict, object]], object_name: str
) -> None:
    base = f"/services/data/v{client.version}/composite/sobjects"
    creates = [(w, v) for w, v, _ in writes if not w.crm_id]
    updates = [
        (w, {"id": w.crm_id, **{k: v[k] for k in w.fields}}) for w, v, _ in writes if w.crm_id
    ]
    for items, send in ((creates, client.post), (updates, client.patch)):
        for at in range(0, len(items), PER_REQUEST):
            batch = items[at : at + PER_REQUEST]
            records = [{"attributes": {"type": object_name}, **values} for _, values in batch]
            try:
                results = send(base, {"allOrNone": False, "records": records})
            except ApiError as error:
                for written, _ in batch:
                    written.outcome, written.error = (
                        "failed",
                        f"Salesforce refused the request: {error}",
                    )
                if stops(error):
                    raise
                continue
            for (written, _), result in zip(batch, results, strict=False):
                if result.get("success"):
                    written.crm_id = written.crm_id or str(result.get("id") or "")
                    continue
                said = "; ".join(
                    f"{e.get('statusCode') or e.get('errorCode') or ''}: {e.get('message') or ''}"
                    for e in result.get("errors") or ()
                )
                written.outcome = "failed"
                written.error = f"Salesforce refused it: {said or 'no reason given'}"
