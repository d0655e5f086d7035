"""An API client per persona, authenticated with a personal token as a script would be."""

import json

import pytest
from django.test import Client

from keyplan.api import tokens

BASE = "/api/v1"


class ApiClient:
    """Sends JSON with a Bearer token (or none, for the anonymous caller)."""

    def __init__(self, secret: str | None = None):
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {secret}"} if secret else {}

    def request(self, method: str, path: str, body=None, *, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return getattr(self.client, method.lower())(
            BASE + path, data=data, headers={**self.auth, **(headers or {})}, **kwargs
        )

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def client_for(user) -> ApiClient:
    if user is None:
        return ApiClient()
    _, secret = tokens.create(user, name="tests")
    return ApiClient(secret)


@pytest.fixture
def api(owner):
    """The account owner's client."""
    return client_for(owner)
