"""keyplan's REST client for one Salesforce org: the instance URL and access token
from oauth.py, and the resources the connection uses.

Salesforce's pages followed (REST API Developer Guide,
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/):
- versions: dome_versions.htm (GET /services/data/)
- sObject describe: resources_sobject_describe.htm
- query: resources_query.htm, with more results by nextRecordsUrl (dome_query.htm);
  queryAll (resources_queryall.htm), the same with deleted records too
- sObject Collections, create (resources_composite_sobjects_collections_create.htm),
  update (resources_composite_sobjects_collections_update.htm)
  and upsert by an external id (resources_composite_sobjects_collections_upsert.htm):
  up to 200 records a request, a result for each in the order sent
- errors: errorcodes.htm (a list of {"message", "errorCode", "fields"}); an expired
  or revoked session answers 401 with INVALID_SESSION_ID, after which keyplan asks
  for a new token once and repeats the request; a server error (5xx) is tried again
  after a pause, twice, before it is given up.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from keyplan.exchange.crm.salesforce.live.oauth import Token, http_client, send


class ApiError(Exception):
    """Salesforce answered a request with an error: its HTTP status, errorCode and
    message."""

    def __init__(self, status: int, code: str, message: str):
        self.status, self.code, self.message = status, code, message
        super().__init__(f"{code}: {message}" if code else message)


# Seconds to wait before trying a request Salesforce answered with a server error again.
PAUSES = (2.0, 8.0)


class Client:
    pauses: tuple[float, ...] = PAUSES

    def __init__(self, token: Token, api_version: str, *, renew: Callable[[], Token] | None = None):
        self.version = api_version
        self.renew = renew  # a new token, when the session has expired
        # The org's API use over the last 24 hours, as its last answer gave it
        # (Sforce-Limit-Info: api-usage=USED/ALLOWED, headers_api_usage.htm).
        self.api_usage: tuple[int, int] | None = None
        self.http = http_client(base_url=token.instance_url, headers={"Accept": "application/json"})
        self._use(token)

    def _use(self, token: Token) -> None:
        self.token = token
        self.http.headers["Authorization"] = f"Bearer {token.access_token}"

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def get(self, path: str, *, headers: dict[str, str] | None = None, **params: str) -> Any:
        return self._request("GET", path, params=params or None, headers=headers)

    def patch(self, path: str, body: object) -> Any:
        """Send `body` as JSON by PATCH (sObject Collections' update and upsert)."""
        return self._request("PATCH", path, json=body)

    def post(self, path: str, body: object) -> Any:
        """Send `body` as JSON by POST (sObject Collections' create)."""
        return self._request("POST", path, json=body)

    def _request(self, method: str, path: str, **options: Any) -> Any:
        response = send(self.http, method, path, what="the Salesforce API", **options)
        if response.status_code == 401 and self.renew is not None:
            self._use(self.renew())
            response = send(self.http, method, path, what="the Salesforce API", **options)
        for pause in self.pauses:
            if response.status_code < 500:
                break
            time.sleep(pause)
            response = send(self.http, method, path, what="the Salesforce API", **options)
        self._note_usage(response.headers.get("Sforce-Limit-Info", ""))
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or body is None:
            first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
            raise ApiError(
                response.status_code,
                str(first.get("errorCode") or first.get("statusCode") or ""),
                str(first.get("message") or f"HTTP {response.status_code} for {path}"),
            )
        return body

    def _note_usage(self, header: str) -> None:
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            used, _, allowed = value.partition("/")
            if name == "api-usage" and used.isdigit() and allowed.isdigit():
                self.api_usage = (int(used), int(allowed))

    def versions(self) -> list[dict]:
        return list(self.get("/services/data/"))

    def describe(self, object_name: str) -> dict:
        path = f"/services/data/v{self.version}/sobjects/{quote(object_name)}/describe/"
        return dict(self.get(path))

    def query(
        self, soql: str, *, batch_size: int | None = None, deleted: bool = False
    ) -> Iterator[dict]:
        """Every record the query selects, batch after batch (nextRecordsUrl); Salesforce
        takes a batch size of 200 to 2,000 as a hint (Sforce-Query-Options). `deleted`
        asks the queryAll resource, which also gives deleted records (IsDeleted true)."""
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"} if batch_size else None
        resource = "queryAll" if deleted else "query"
        page = self.get(f"/services/data/v{self.version}/{resource}/", headers=headers, q=soql)
        while True:
            yield from page.get("records", ())
            following = page.get("nextRecordsUrl")
            if page.get("done", True) or not following:
                return
            page = self.get(following, headers=headers)
