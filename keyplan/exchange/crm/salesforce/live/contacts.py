"""A push's step before the contact roles: the stakeholders of the pushed plays who
have no Salesforce id (made in keyplan) become Contacts of their account, when the
connection's switch says so (off by default). Each new Contact's id is kept on its
stakeholder (through the services, so the history records it), and the contact
roles step (roles.py) then adds them to the plays' Opportunities like any other
contact. With the switch off nothing is created, and the report counts the
stakeholders left out.

Salesforce's pages followed (REST API Developer Guide): sObject Collections' create
(resources_composite_sobjects_collections_create.htm: POST
/services/data/vXX.X/composite/sobjects, up to 200 records, allOrNone false, a
SaveResult each, in the order sent). A refusal is an error in the record's list, as
a required field missing (REQUIRED_FIELD_MISSING: a Contact needs its LastName,
Object Reference, Contact) or a duplicate rule blocking the save (DUPLICATES_DETECTED;
SOAP API Developer Guide, DuplicateError): it is reported on that stakeholder and the
others are created.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from keyplan.core.errors import ConflictError, Forbidden
from keyplan.exchange.crm.salesforce.live.client import ApiError, Client
from keyplan.exchange.crm.salesforce.live.pull import stops
from keyplan.exchange.crm.salesforce.live.services import contact_of
from keyplan.growth.models import Play, PlayStakeholder
from keyplan.relationships.models import Stakeholder

PER_REQUEST = 200
# The Contact fields' lengths (Object Reference, Contact): longer text is cut.
LENGTHS = {"FirstName": 40, "LastName": 80, "Title": 128, "Department": 80, "Phone": 40}


@dataclass
class Made:
    """One stakeholder a push created (or would create) as a Contact."""

    stakeholder: Stakeholder
    outcome: str = ""  # created, failed (a dry run: "would create")
    crm_id: str = ""
    error: str = ""

    @property
    def where(self) -> str:
        return f"{self.stakeholder.account.name}, {self.stakeholder.name}"


class Pushed(Protocol):
    play: Play
    outcome: str


def contact_fields(stakeholder: Stakeholder) -> dict[str, str]:
    """The Contact keyplan creates for the stakeholder: the name's last word as
    LastName and the rest as FirstName, and what else keyplan holds of them."""
    words = stakeholder.name.split()
    values = {
        "FirstName": " ".join(words[:-1]),
        "LastName": words[-1] if words else "",
        "Title": stakeholder.title,
        "Email": stakeholder.email,
        "Phone": stakeholder.phone,
        "Department": stakeholder.department,
    }
    values = {k: v[: LENGTHS[k]] if k in LENGTHS else v for k, v in values.items()}
    # LastName is always sent: Salesforce says so when it is empty.
    return {k: v for k, v in values.items() if v or k == "LastName"}


def new_stakeholders(pushed: Sequence[Pushed]) -> list[Stakeholder]:
    """The stakeholders of the plays written (or unchanged) in Salesforce who have no
    Contact: made in keyplan, on a linked account, not flagged deleted there."""
    plays = [p.play for p in pushed if p.outcome != "failed"]
    links = (
        PlayStakeholder.objects.filter(play__in=plays, stakeholder__crm_id="")
        .exclude(stakeholder__account__crm_id="")
        .filter(stakeholder__crm_deleted_at__isnull=True)
        .select_related("stakeholder__account")
        .order_by("stakeholder__account__name", "stakeholder__name", "stakeholder__pk")
    )
    found: dict[int, Stakeholder] = {}
    for link in links:
        found.setdefault(link.stakeholder.pk, link.stakeholder)
    return list(found.values())


def create_contacts(
    client: Client, stakeholders: list[Stakeholder], *, dry_run: bool, by
) -> list[Made]:
    """Create these stakeholders as Contacts (nothing on a dry run), keeping each
    new Contact's id on its stakeholder; a refusal is noted on its stakeholder."""
    made = [Made(s) for s in stakeholders]
    if dry_run:
        for one in made:
            one.outcome = "would create"
        return made
    path = f"/services/data/v{client.version}/composite/sobjects"
    for at in range(0, len(made), PER_REQUEST):
        batch = made[at : at + PER_REQUEST]
        records = [
            {
                "attributes": {"type": "Contact"},
                **contact_fields(one.stakeholder),
                "AccountId": one.stakeholder.account.crm_id,
            }
            for one in batch
        ]
        try:
            results = client.post(path, {"allOrNone": False, "records": records})
        except ApiError as error:
            for one in batch:
                one.outcome, one.error = "failed", f"Salesforce refused the request: {error}"
            if stops(error):
                raise
            continue
        for one, result in zip(batch, results, strict=False):
            _take(one, result, by=by)
    return made


def _take(one: Made, result: dict, *, by) -> None:
    if not result.get("success"):
        said = "; ".join(
            f"{e.get('statusCode') or e.get('errorCode') or ''}: {e.get('message') or ''}"
            for e in result.get("errors") or ()
        )
        one.outcome, one.error = "failed", f"Salesforce refused it: {said or 'no reason given'}"
        return
    one.outcome, one.crm_id = "created", str(result.get("id") or "")
    try:
        contact_of(one.stakeholder, one.crm_id, by=by)
    except (ConflictError, Forbidden) as error:
        one.error = (
            f"created as Contact {one.crm_id}, but its id was not kept ({error}); the next "
            "push would create it again, so tie them by hand or delete the Contact"
        )
