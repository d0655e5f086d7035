"""The test org's state and answers: its External Client App, the integration user
and what they may see, the records, and the token endpoint's and describe's answers
(the pages each follows are listed in server.py)."""

import base64
import json
import secrets
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from keyplan.bench.salesforce import catalog

VERSIONS = [("Winter '24", "59.0"), ("Spring '24", "60.0"), ("Summer '24", "61.0"),
            ("Winter '25", "62.0"), ("Spring '25", "63.0")]  # fmt: skip
NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
# errorcodes.htm: the org's daily total of API requests is used up (403).
LIMIT_EXCEEDED = [
    {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
]
UNAVAILABLE = [{"message": "Service Unavailable", "errorCode": "SERVER_UNAVAILABLE"}]
INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
INTEGRATION_USER = "005TESTUSER0000AAA"  # the user a token signs in as (its "id")


@dataclass
class Org:
    """What the org holds: its External Client App's credentials, the integration user,
    what that user may see (`hidden` fields by object), and the records."""

    client_id: str = "3MVG9keyplanTestOrgConsumerKey"
    client_secret: str = "keyplan-test-org-consumer-secret"
    username: str = "integration@keyplan-test.example"
    public_key: rsa.RSAPublicKey | None = None  # the certificate uploaded for JWT bearer
    my_domain: bool = True  # False: answers as login.salesforce.com
    play_id_field: str | None = "Keyplan_Play_Id__c"
    play_id_external: bool = True
    # A duplicate rule on Contact that blocks a new Contact with a held email.
    contact_duplicate_rule: bool = False
    # Sales Cloud's account plans turned on: AccountPlan and AccountPlanObjective exist.
    account_plans: bool = False
    hidden: dict[str, set[str]] = field(default_factory=dict)
    records: dict[str, list[dict]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    # The sessions end (as when they time out) once this many more API requests came.
    sessions_end_after: int | None = None
    # Answers the org gives instead, to its next API requests (an outage, the limit),
    # after `failures_after` more requests have been answered normally.
    failures: list[tuple[int, list[dict]]] = field(default_factory=list)
    failures_after: int = 0
    failures_from: str = ""  # ...or from the first request whose address holds this
    cursors: dict[str, tuple[list[dict], int]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)  # "METHOD path", as received
    # API requests counted against the org's 24-hour allowance (Sforce-Limit-Info).
    api_used: int = 0
    api_allowed: int = 15000

    # ---- OAuth

    def token(self, form: dict[str, str], base_url: str) -> tuple[int, dict]:
        grant = form.get("grant_type", "")
        if grant == "client_credentials":
            if not self.my_domain:
                return 400, _oauth("invalid_grant", "request not supported on this domain")
            if form.get("client_id") != self.client_id:
                return 400, _oauth("invalid_client_id", "client identifier invalid")
            if form.get("client_secret") != self.client_secret:
                return 400, _oauth("invalid_client", "invalid client credentials")
        elif grant == JWT_GRANT:
            refused = self._refuse_assertion(form.get("assertion", ""))
            if refused:
                return 400, _oauth("invalid_grant", refused)
        elif not grant:
            return 400, _oauth("invalid_request", "grant type is missing")
        else:
            return 400, _oauth("unsupported_grant_type", "grant type not supported")
        access = f"00DTESTORG!{secrets.token_urlsafe(24)}"
        self.tokens.add(access)
        return 200, {
            "access_token": access,
            "instance_url": base_url,
            "id": f"{base_url}/id/00DTESTORG000000AAA/{INTEGRATION_USER}",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
            "signature": base64.b64encode(secrets.token_bytes(32)).decode(),
        }

    def _refuse_assertion(self, assertion: str) -> str:
        try:
            header, claims, signature = assertion.split(".")
            payload = json.loads(_unb64(claims))
            signed = f"{header}.{claims}".encode("ascii")
            if self.public_key is None:
                return "invalid assertion"
            self.public_key.verify(_unb64(signature), signed, padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, InvalidSignature):
            return "invalid assertion"
        if payload.get("iss") != self.client_id:
            return "invalid client identifier"  # as Salesforce words it in the grant
        if payload.get("aud") not in (
            "https://login.salesforce.com",
            "https://test.salesforce.com",
        ):
            return "audience is invalid"
        if payload.get("sub") != self.username:
            return "user hasn't approved this consumer"
        if int(payload.get("exp", 0)) < time.time():
            return "expired authorization code"
        return ""

    def change(
        self, object_name: str, record_id: str, *, by: str | None = None, **values: object
    ) -> None:
        """Edit a record as a user in Salesforce would (the User `by`, when given):
        SystemModstamp and LastModifiedDate move on."""
        record = next(r for r in self.records[object_name] if r["Id"] == record_id)
        record.update(values)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime())
        record["SystemModstamp"] = record["LastModifiedDate"] = stamp
        if by is not None:
            record["LastModifiedById"] = by

    def delete(self, object_name: str, record_id: str) -> None:
        """Delete a record as a user in Salesforce would: it goes to the Recycle Bin,
        where queryAll still finds it with IsDeleted true and its SystemModstamp moved
        on (REST API Developer Guide, resources_queryall.htm), and what belongs to it
        goes with it: an account's contacts and opportunities, an opportunity's or a
        contact's contact roles, an opportunity's line items (Salesforce Help,
        "Considerations for Deleting Accounts" and "Delete Opportunities")."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime())
        record = next(r for r in self.records[object_name] if r["Id"] == record_id)
        record.update(IsDeleted=True, SystemModstamp=stamp)
        children = {
            "Account": [("Contact", "AccountId"), ("Opportunity", "AccountId")],
            "Opportunity": [
                ("OpportunityContactRole", "OpportunityId"),
                ("OpportunityLineItem", "OpportunityId"),
            ],
            "Contact": [("OpportunityContactRole", "ContactId")],
            # master-detail (Object Reference, AccountPlanObjective.AccountPlanId)
            "AccountPlan": [("AccountPlanObjective", "AccountPlanId")],
        }
        for child, link in children.get(object_name, []):
            for row in self.records.get(child, []):
                if row.get(link) == record_id and not row.get("IsDeleted"):
                    self.delete(child, row["Id"])

    # ---- REST

    def has(self, object_name: str) -> bool:
        """Whether the org has this object at all."""
        if object_name in catalog.ACCOUNT_PLANS:
            return self.account_plans
        return object_name in catalog.OBJECTS

    def describe_global(self) -> dict:
        """The objects the org has (resources_describeGlobal.htm: GET
        /services/data/vXX.X/sobjects/ gives {"encoding", "maxBatchSize", "sobjects"},
        each sobject with its name, label, keyPrefix, createable, queryable, ...)."""
        return {
            "encoding": "UTF-8",
            "maxBatchSize": 200,
            "sobjects": [
                {
                    "name": name, "label": name, "keyPrefix": prefix, "custom": False,
                    "createable": True, "updateable": True, "queryable": True,
                    "urls": {"describe": f"/services/data/v62.0/sobjects/{name}/describe"},
                }
                for name, (prefix, _) in catalog.OBJECTS.items()
                if self.has(name)
            ],
        }  # fmt: skip

    def describe(self, object_name: str) -> dict | None:
        if not self.has(object_name):
            return None
        hidden = self.hidden.get(object_name, set())
        fields = [
            _field(name, kind)
            for name, kind in catalog.fields_of(object_name)
            if name not in hidden
        ]
        if object_name == "Opportunity" and self.play_id_field:
            play = _field(self.play_id_field, "string", custom=True)
            play["externalId"] = play["unique"] = self.play_id_external
            fields.append(play)
        for described in fields:
            if object_name == "Opportunity" and described["name"] == "StageName":
                described["picklistValues"] = [
                    {
                        "active": True,
                        "defaultValue": False,
                        "label": s,
                        "validFor": None,
                        "value": s,
                    }
                    for s in catalog.STAGES
                ]
        prefix = catalog.OBJECTS[object_name][0]
        return {
            "name": object_name, "label": object_name, "keyPrefix": prefix, "custom": False,
            "queryable": True, "retrieveable": True, "createable": True, "updateable": True,
            "fields": fields,
            "urls": {"describe": f"/services/data/v62.0/sobjects/{object_name}/describe"},
        }  # fmt: skip


def _field(name: str, kind: str, *, custom: bool = False) -> dict:
    return {
        "name": name, "label": name, "type": kind, "custom": custom, "externalId": False,
        "unique": False, "nillable": name != "Id", "updateable": name != "Id",
        "length": 255 if kind in ("string", "textarea", "url", "email", "phone") else 0,
        "picklistValues": [],
    }  # fmt: skip


def _oauth(error: str, description: str) -> dict:
    return {"error": error, "error_description": description}


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
