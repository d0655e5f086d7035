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
- REST API (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/),
  each answer with the org's API use in Sforce-Limit-Info (headers_api_usage.htm):
  versions (dome_versions.htm), sObject describe (resources_sobject_describe.htm),
  query and its next batches by nextRecordsUrl (resources_query.htm, dome_query.htm;
  the batch size from the Sforce-Query-Options header, headers_queryoptions.htm),
  errors as a list of {"message", "errorCode"} (errorcodes.htm); the objects the org
  has (describeGlobal, resources_describeGlobal.htm); sObject Collections' create,
  update and upsert (collections.py).
"""

import json
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote_plus, urlsplit

import trustme

from keyplan.bench.salesforce import collections
from keyplan.bench.salesforce.org import INVALID_SESSION, NOT_FOUND, VERSIONS, Org
from keyplan.bench.salesforce.soql import run_query


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:  # quiet in the tests
        pass

    def _answer(self, status: int, body: object, *, counted: bool = False) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        if counted:  # headers_api_usage.htm: every REST answer says the org's API use
            org = self.server.org
            org.api_used += 1
            self.send_header("Sforce-Limit-Info", f"api-usage={org.api_used}/{org.api_allowed}")
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        org = self.server.org
        org.requests.append(f"POST {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        parts = [p for p in urlsplit(self.path).path.split("/") if p]
        if parts[3:] == ["composite", "sobjects"]:
            if not self._admitted(parts):
                return None
            try:
                body = json.loads(data or b"null")
            except ValueError:
                body = None
            status, answer = collections.write(org, None, None, body, create=True)
            return self._answer(status, answer, counted=True)
        form = {k: v[0] for k, v in parse_qs(data.decode()).items()}
        if urlsplit(self.path).path != "/services/oauth2/token":
            return self._answer(404, NOT_FOUND)
        status, body = org.token(form, self.server.base_url)
        return self._answer(status, body)

    def _admitted(self, parts: list[str]) -> bool:
        """Whether an API request gets through: a live session, no outage staged, a
        known version; otherwise it is answered here."""
        org = self.server.org
        if org.sessions_end_after is not None:
            org.sessions_end_after -= 1
            if org.sessions_end_after < 0:
                org.tokens.clear()
                org.sessions_end_after = None
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in org.tokens:
            self._answer(401, INVALID_SESSION)
            return False
        if org.failures_from and org.failures_from in unquote_plus(self.path):
            org.failures_from = ""
        if org.failures and org.failures_after <= 0 and not org.failures_from:
            self._answer(*org.failures.pop(0))
            return False
        org.failures_after -= 1
        if len(parts) < 3 or parts[:2] != ["services", "data"]:
            self._answer(404, NOT_FOUND)
            return False
        if parts[2].lstrip("v") not in {v for _, v in VERSIONS}:
            self._answer(404, NOT_FOUND)
            return False
        return True

    def do_PATCH(self) -> None:
        org = self.server.org
        org.requests.append(f"PATCH {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        parts = [p for p in urlsplit(self.path).path.split("/") if p]
        if not self._admitted(parts):
            return None
        rest = parts[3:]
        if rest[:2] != ["composite", "sobjects"] or len(rest) not in (2, 4):
            return self._answer(404, NOT_FOUND, counted=True)
        try:
            body = json.loads(data or b"null")
        except ValueError:
            body = None
        object_name, external = (rest[2], rest[3]) if len(rest) == 4 else (None, None)
        status, answer = collections.write(org, object_name, external, body)
        return self._answer(status, answer, counted=True)

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
        if not self._admitted(parts):
            return None
        rest = parts[3:]
        if rest == ["sobjects"]:  # describeGlobal
            return self._answer(200, org.describe_global(), counted=True)
        if len(rest) == 3 and rest[0] == "sobjects" and rest[2] == "describe":
            described = org.describe(rest[1])
            if described is None:
                return self._answer(404, NOT_FOUND, counted=True)
            return self._answer(200, described, counted=True)
        if rest and rest[0] in ("query", "queryAll"):
            batch = _batch_size(self.headers.get("Sforce-Query-Options", ""))
            status, body = run_query(org, parts[2], rest, parse_qs(url.query), batch)
            return self._answer(status, body, counted=True)
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
