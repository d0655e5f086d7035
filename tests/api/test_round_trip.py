"""A record read from the API can be written back as it was read: every kind, its
whole body PATCHed with its ETag, answers 200 and changes nothing. Read-only fields
(id, timestamps, the account, what a record is made of) sent back are ignored when
they match and refused when they differ."""

import pytest

from tests.api.conftest import client_for
from tests.api.samples import KIND_PATHS, bodies
from tests.api.test_matrix import grid  # noqa: F401 - the fixture

READ_ONLY = ("id", "created_at", "updated_at", "account")


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), response["ETag"]


@pytest.fixture
def made(account, owner, grid):  # noqa: F811 - the fixture imported above
    def make(kind_path):
        base = f"/accounts/{account.pk}/{kind_path}"
        created = client_for(owner).post(base, bodies(kind_path, account, owner, *grid)["existing"])
        assert created.status_code == 201, created.content
        return f"{base}/{created.json()['id']}"

    return make


@pytest.mark.parametrize("kind_path", KIND_PATHS)
def test_every_kind_read_can_be_written_back_unchanged(api, made, kind_path):
    url = made(kind_path)
    body, etag = read(api, url)

    response = api.patch(url, body, headers={"If-Match": etag})

    assert response.status_code == 200, response.content
    after, _ = read(api, url)
    changed = {k for k in body if k not in ("version", "updated_at") and after[k] != body[k]}
    assert not changed


@pytest.mark.parametrize("field", READ_ONLY)
def test_a_read_only_field_that_differs_is_refused_naming_it(api, made, field):
    url = made("stakeholders")
    body, etag = read(api, url)
    body[field] = {"id": body["id"] + 1, "account": body["account"] + 1}.get(
        field, "2020-01-01T00:00:00Z"
    )
    body["title"] = "Chief of staff"

    response = api.patch(url, body, headers={"If-Match": etag})

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert "cannot be changed" in response.json()["errors"][field][0]
    assert read(api, url)[0]["title"] == ""  # nothing of it was saved
