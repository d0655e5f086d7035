"""The OpenAPI schema and the interactive docs, served without any outside host."""

import re

import pytest
from django.test import Client

from tests.api.conftest import BASE


@pytest.fixture
def schema(db):
    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3_with_both_ways_to_sign_in(schema):
    assert schema["openapi"].startswith("3.")
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}


def test_every_error_response_is_documented_as_a_problem(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"401", "422"} <= statuses, (method, path)
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    assert list(answer["content"]) == ["application/problem+json"]


def test_writes_document_the_version_rules(schema):
    update = schema["paths"][f"{BASE}/accounts/{{account_id}}/stakeholders/{{record_id}}"]["patch"]

    assert {"409", "412", "428"} <= set(update["responses"])


def test_the_docs_page_uses_only_local_assets(db):
    client = Client()
    page = client.get(f"{BASE}/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page loads its script and styles"
    assert not re.search(r"https?://", html)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call an outside validator
