"""The test org's HTTPS server: Salesforce's OAuth token endpoint (both server-to-server
flows) and the REST API resources the connection uses, with the bodies and errors
Salesforce's documentation gives.

- token endpoint, client credentials flow:
  https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
  Not served on the shared login hosts (https://help.salesforce.com/s/articleView?id=000886201):
  an org started with `my_domain=False` answers as login.salesforce.com does.
- token endpoint, JWT bearer flow (RFC 7523):
  https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
- token errors, {"error": ..., "error_description": ...}:
  https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
- REST API (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/):
  versions (dome_versions.htm), sObject describe (resources_sobject_describe.htm),
  query and its next batches by nextRecordsUrl (resources_query.htm, dome_query.htm;
  the batch size from the Sforce-Query-Options header, headers_queryoptions.htm),
  errors as a list of {"message", "errorCode"} (errorcodes.htm).
"""

import base64
import json
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import trustme
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from keyplan.exchange.crm.salesforce.testorg import catalog
from keyplan.exchange.crm.salesforce.testorg.soql import run_query

VERSIONS = [("Winter '24", "59.0"), ("Spring '24", "60.0"), ("Summer '24", "61.0"),
            ("Winter '25", "62.0"), ("Spring '25", "63.0")]  # fmt: skip
NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


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
    hidden: dict[str, set[str]] = field(default_factory=dict)
    records: dict[str, list[dict]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    cursors: dict[str, tuple[list[dict], int]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)  # "METHOD path", as received

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
            "id": f"{base_url}/id/00DTESTORG000000AAA/005TESTUSER0000AAA",
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

    # ---- REST

    def describe(self, object_name: str) -> dict | None:
        if object_name not in catalog.OBJECTS:
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


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:  # quiet in the tests
        pass

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        org = self.server.org
        org.requests.append(f"POST {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path != "/services/oauth2/token":
            return self._answer(404, NOT_FOUND)
        status, body = org.token(form, self.server.base_url)
        return self._answer(status, body)

    def do_GET(self) -> None:
        org = self.server.org
        org.requests.append(f"GET {self.path}")
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        if parts == ["services", "data"]:  # no session needed (dome_versions.htm)
            return self._answer(200, [
                {"label": label, "url": f"/services/data/v{v}", "version": v}
                for label, v in VERSIONS
            ])  # fmt: skip
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in org.tokens:
            return self._answer(401, INVALID_SESSION)
        if len(parts) < 3 or parts[:2] != ["services", "data"]:
            return self._answer(404, NOT_FOUND)
        if parts[2].lstrip("v") not in {v for _, v in VERSIONS}:
            return self._answer(404, NOT_FOUND)
        rest = parts[3:]
        if len(rest) == 3 and rest[0] == "sobjects" and rest[2] == "describe":
            described = org.describe(rest[1])
            return self._answer(200, described) if described else self._answer(404, NOT_FOUND)
        if rest and rest[0] in ("query", "queryAll"):
            batch = _batch_size(self.headers.get("Sforce-Query-Options", ""))
            status, body = run_query(org, parts[2], rest, parse_qs(url.query), batch)
            return self._answer(status, body)
        return self._answer(404, NOT_FOUND)


def _batch_size(options: str) -> int:
    for option in options.split(","):
        name, _, value = option.strip().partition("=")
        if name.strip() == "batchSize" and value.strip().isdigit():
            return max(200, min(2000, int(value)))  # Salesforce's bounds
    return 2000


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    org: Org
    base_url: str


@dataclass
class Running:
    org: Org
    url: str  # the login URL, and the instance URL the token names
    ca_file: Path  # the certificate authority a client must trust (SSL_CERT_FILE)
    _server: _Server

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start(org: Org, folder: Path, *, host: str = "127.0.0.1") -> Running:
    """Serve `org` over TLS on a free loopback port, in a thread, with a certificate
    from a test authority written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA()
    certificate = authority.issue_cert(host, "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    ca_file = folder / "test-org-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    server = _Server((host, 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.org = org
    server.base_url = f"https://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Running(org, server.base_url, ca_file, server)
