"""A push's second step: the stakeholders of each pushed play who are Salesforce
contacts (they carry their Contact id) become the Opportunity's contact roles, with
the play's role for them (Economic Buyer, ...) when it names one. A contact role
Salesforce already has is left as it is, and none is ever deleted.

Salesforce's pages followed (REST API Developer Guide): the query resource
(resources_query.htm) for the roles the Opportunities have, and sObject Collections'
create (resources_composite_sobjects_collections_create.htm: POST
/services/data/vXX.X/composite/sobjects, up to 200 records, a SaveResult each).
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from keyplan.exchange.crm.salesforce import terms
from keyplan.exchange.crm.salesforce.live.client import ApiError, Client
from keyplan.exchange.crm.salesforce.live.pull import chunks, quoted
from keyplan.exchange.crm.salesforce.live.services import deleted_roles
from keyplan.growth.models import Play, PlayStakeholder


class Pushed(Protocol):
    """A play as the push left it (push.Pushed)."""

    play: Play
    outcome: str
    crm_id: str
    contacts: list[str]
    role_errors: list[str]


PER_REQUEST = 200


def _normal(crm_id: str) -> str:
    try:
        return terms.normal_id(crm_id)
    except ValueError:
        return crm_id


def push_roles(client: Client, pushed: Sequence[Pushed], *, dry_run: bool) -> None:
    """Add the missing contact roles of the plays written (or unchanged) in Salesforce,
    noting on each play the contacts added and Salesforce's refusals."""
    by_opportunity = {_normal(p.crm_id): p for p in pushed if p.crm_id and p.outcome != "failed"}
    if not by_opportunity:
        return
    links = (
        PlayStakeholder.objects.filter(play__in=[p.play for p in by_opportunity.values()])
        .exclude(stakeholder__crm_id="")
        .select_related("stakeholder")
        .order_by("stakeholder__name")
    )
    wanted: dict[str, list[PlayStakeholder]] = defaultdict(list)
    plays = {p.play.pk: key for key, p in by_opportunity.items()}
    for link in links:
        wanted[plays[link.play_id]].append(link)
    if not wanted:
        return
    have: set[tuple[str, str]] = set()
    for chunk in chunks(sorted(wanted)):
        soql = (
            "SELECT Id, OpportunityId, ContactId FROM OpportunityContactRole "
            f"WHERE OpportunityId IN ({quoted(chunk)})"
        )
        for role in client.query(soql):
            have.add((_normal(str(role["OpportunityId"])), _normal(str(role["ContactId"] or ""))))
    # A contact role deleted in Salesforce is not added again.
    have |= deleted_roles(sorted(wanted))
    missing = [
        (by_opportunity[key], link, key)
        for key, play_links in wanted.items()
        for link in play_links
        if (key, _normal(link.stakeholder.crm_id)) not in have
    ]
    if dry_run:
        for play, link, _ in missing:
            play.contacts.append(link.stakeholder.name)
        return
    path = f"/services/data/v{client.version}/composite/sobjects"
    for at in range(0, len(missing), PER_REQUEST):
        batch = missing[at : at + PER_REQUEST]
        records = [
            {
                "attributes": {"type": "OpportunityContactRole"},
                "OpportunityId": key,
                "ContactId": link.stakeholder.crm_id,
                **({"Role": link.role_hint} if link.role_hint else {}),
            }
            for _, link, key in batch
        ]
        try:
            results = client.post(path, {"allOrNone": False, "records": records})
        except ApiError as error:
            if error.code == "REQUEST_LIMIT_EXCEEDED" or error.status >= 500:
                raise
            for play, link, _ in batch:
                play.role_errors.append(f"{link.stakeholder.name}: {error}")
            continue
        for (play, link, _), result in zip(batch, results, strict=False):
            if result.get("success"):
                play.contacts.append(link.stakeholder.name)
            else:
                said = "; ".join(
                    f"{e.get('statusCode') or e.get('errorCode') or ''}: {e.get('message') or ''}"
                    for e in result.get("errors") or ()
                )
                play.role_errors.append(f"{link.stakeholder.name}: {said or 'refused'}")
