"""The test org's sObject Collections writes: update by record id and upsert by an
external id field, as Salesforce's REST API Developer Guide gives them.

- Upsert: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
  PATCH /services/data/vXX.X/composite/sobjects/SobjectName/ExternalIdFieldName with
  {"allOrNone": bool, "records": [{"attributes": {"type": ...}, ...}]}: at most 200
  records, each of the type in the address and with its attributes map; no record ids.
  A request that is not well formed is a 400; otherwise 200 with an UpsertResult per
  record, in the order sent: {"id", "success", "errors", "created"}.
- Update: resources_composite_sobjects_collections_update.htm, PATCH
  /services/data/vXX.X/composite/sobjects with each record's "id"; a SaveResult each,
  {"id", "success", "errors"}.
- Create: resources_composite_sobjects_collections_create.htm, POST
  /services/data/vXX.X/composite/sobjects; records without ids; a SaveResult each.
- Per record, errors are {"statusCode", "message", "fields"} (the pages' example
  bodies); with allOrNone false the other records are saved, with allOrNone true none
  is, and the rest answer ALL_OR_NONE_OPERATION_ROLLED_BACK.
- What Opportunity refuses: a required field left empty (Name, StageName, CloseDate:
  REQUIRED_FIELD_MISSING, "Required fields are missing: [CloseDate]"), a stage not in
  the restricted picklist (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST), an account id
  that is no account (INVALID_CROSS_REFERENCE_KEY) (Object Reference, Opportunity;
  API Core Concepts, StatusCode).
- What Contact refuses: no LastName (REQUIRED_FIELD_MISSING, "Required fields are
  missing: [LastName]"; Object Reference, Contact: LastName is required), an account
  id that is no account, and, where the org has a duplicate rule that blocks
  (Org.contact_duplicate_rule), a Contact with the email of one it holds:
  DUPLICATES_DETECTED, the rule's message, in the record's errors (SOAP API
  Developer Guide, sforce_api_objects_duplicateerror.htm: a DuplicateError is an
  Error of the SaveResult). Salesforce fills a Contact's Name from its FirstName
  and LastName.
- Account plans (where the org has them): an AccountPlan needs its Name, an
  AccountPlanObjective its Name and AccountPlanId (Object Reference,
  sforce_api_objects_accountplan.htm, sforce_api_objects_accountplanobjective.htm).
"""

import copy
import secrets
import string
import time

from keyplan.bench.salesforce import catalog
from keyplan.bench.salesforce.org import INTEGRATION_USER, Org

LIMIT = 200
REQUIRED = {
    "Opportunity": ("Name", "StageName", "CloseDate"),
    "OpportunityContactRole": ("OpportunityId", "ContactId"),
    "Contact": ("LastName",),
    "AccountPlan": ("Name",),
    "AccountPlanObjective": ("Name", "AccountPlanId"),
}
# The reference fields checked to name a record of the object.
REFERENCES = {
    "Opportunity": {"AccountId": "Account"},
    "OpportunityContactRole": {"OpportunityId": "Opportunity", "ContactId": "Contact"},
    "Contact": {"AccountId": "Account"},
    "AccountPlan": {"AccountId": "Account"},
    "AccountPlanObjective": {"AccountPlanId": "AccountPlan"},
}
_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def _error(code: str, message: str, fields: list[str] | None = None) -> dict:
    return {"statusCode": code, "message": message, "fields": fields or []}


def _bad_request(code: str, message: str) -> tuple[int, list[dict]]:
    return 400, [{"message": message, "errorCode": code}]


def new_id(prefix: str) -> str:
    """An 18-character record id: the key prefix, 12 characters, the case check."""
    base = prefix + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))
    return base + "".join(
        _ID_CHARS[sum(1 << i for i, c in enumerate(base[at : at + 5]) if "A" <= c <= "Z")]
        for at in (0, 5, 10)
    )


def write(org: Org, object_name: str | None, external: str | None, body: object, *, create=False):
    """Answer PATCH .../composite/sobjects[/{object}/{external id field}], or POST
    .../composite/sobjects (`create`)."""
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return _bad_request("JSON_PARSER_ERROR", "The request body must hold records.")
    records = body["records"]
    if len(records) > LIMIT:
        return _bad_request(
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than 200 records into this call",
        )
    if external is not None:
        if object_name is None or not org.has(object_name):
            return _bad_request("NOT_FOUND", "The requested resource does not exist")
        described = org.describe(object_name) or {}
        fields = {f["name"]: f for f in described.get("fields", ())}
        if external not in fields or not fields[external].get("externalId"):
            return 404, [
                {
                    "errorCode": "NOT_FOUND",
                    "message": "Provided external ID field does not exist or is not "
                    f"accessible: {external}",
                }
            ]
    before = copy.deepcopy(org.records)
    results: list[dict] = []
    for record in records:
        if not isinstance(record, dict) or not (record.get("attributes") or {}).get("type"):
            return _bad_request(
                "INVALID_FIELD", "Each record must have an attributes map with its type."
            )
        kind = record["attributes"]["type"]
        if external is not None and kind != object_name:
            return _bad_request("INVALID_TYPE", f"The records must be of type {object_name}.")
        if external is not None and ("Id" in record or "id" in record):
            return _bad_request("INVALID_FIELD", "Don't set the Id field; use the external id.")
        known = {name for name, _ in catalog.fields_of(kind)} if org.has(kind) else set()
        if kind == "Opportunity" and org.play_id_field:
            known.add(org.play_id_field)
        unknown = [n for n in record if n not in ("attributes", "id") and n not in known]
        if not org.has(kind) or unknown:
            return _bad_request(
                "INVALID_FIELD",
                f"No such column '{unknown[0] if unknown else kind}' on sobject of type {kind}",
            )
        if create and ("Id" in record or "id" in record):
            return _bad_request("INVALID_FIELD", "Can't create records with an id.")
        results.append(_save(org, kind, external, record, create=create))
    if body.get("allOrNone") and not all(r["success"] for r in results):
        org.records = before
        results = [
            r
            if not r["success"]
            else {
                "id": None,
                "success": False,
                "errors": [
                    _error(
                        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                        "Record rolled back because not all records were valid and the "
                        "request was using AllOrNone header",
                    )
                ],
                **({"created": False} if external is not None else {}),
            }
            for r in results
        ]
    return 200, results


def _save(org: Org, kind: str, external: str | None, record: dict, *, create: bool) -> dict:
    values = {k: v for k, v in record.items() if k not in ("attributes", "id")}
    rows = org.records.setdefault(kind, [])
    row: dict | None
    if create:
        row, created = None, True
    elif external is None:  # update by id
        row = next((r for r in rows if r["Id"] == record.get("id")), None)
        if row is None or row.get("IsDeleted"):
            return _failed(False, [_error("ENTITY_IS_DELETED", "entity is deleted", [])])
        created = False
    else:
        key = values.get(external)
        if not key:
            missing = f"Required fields are missing: [{external}]"
            return _failed(True, [_error("REQUIRED_FIELD_MISSING", missing, [external])])
        row = next((r for r in rows if r.get(external) == key and not r.get("IsDeleted")), None)
        created = row is None
    merged = {**(row or {}), **values}
    errors = _refusals(org, kind, merged, values)
    if errors:
        return _failed(external is not None, errors)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime())
    if row is None:
        row = {name: None for name, _ in catalog.fields_of(kind)}
        row.update(Id=new_id(catalog.OBJECTS[kind][0]), IsDeleted=False, CreatedDate=stamp)
        rows.append(row)
    row.update(values)
    if kind == "Opportunity":
        row["IsWon"] = row.get("StageName") == "Closed Won"
        row["IsClosed"] = str(row.get("StageName") or "").startswith("Closed")
    if kind == "Contact":
        row["Name"] = f"{row.get('FirstName') or ''} {row.get('LastName') or ''}".strip()
    row["LastModifiedDate"] = row["SystemModstamp"] = stamp
    row["LastModifiedById"] = INTEGRATION_USER  # who signed in: keyplan's push
    result: dict = {"id": row["Id"], "success": True, "errors": []}
    if external is not None:
        result["created"] = created
    return result


def _refusals(org: Org, kind: str, merged: dict, written: dict) -> list[dict]:
    """What refuses the record as it would be (`merged`): a required field empty, or a
    value written now (`written`; a record keeps a stage since retired) not allowed."""
    missing = [name for name in REQUIRED.get(kind, ()) if merged.get(name) in (None, "")]
    if missing:
        return [
            _error(
                "REQUIRED_FIELD_MISSING",
                f"Required fields are missing: [{', '.join(missing)}]",
                missing,
            )
        ]
    if kind == "Opportunity":
        stage = merged.get("StageName")
        if "StageName" in written and stage not in catalog.STAGES:
            return [
                _error(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"Stage: bad value for restricted picklist field: {stage}",
                    ["StageName"],
                )
            ]
    if kind == "Contact" and org.contact_duplicate_rule and merged.get("Email"):
        email = str(merged["Email"]).lower()
        if any(
            str(r.get("Email") or "").lower() == email and r["Id"] != merged.get("Id")
            for r in org.records.get("Contact", ())
            if not r.get("IsDeleted")
        ):
            return [
                _error(
                    "DUPLICATES_DETECTED",
                    "You're creating a duplicate record. We recommend you use an existing "
                    "record instead.",
                )
            ]
    for name, target in REFERENCES.get(kind, {}).items():
        ids = {r["Id"] for r in org.records.get(target, ()) if not r.get("IsDeleted")}
        if written.get(name) and written[name] not in ids:
            return [
                _error(
                    "INVALID_CROSS_REFERENCE_KEY",
                    f"{target} ID: id value of incorrect type: {written[name]}",
                    [name],
                )
            ]
    return []


def _failed(upsert: bool, errors: list[dict]) -> dict:
    result: dict = {"id": None, "success": False, "errors": errors}
    if upsert:
        result["created"] = False
    return result
