"""No lost updates: reads carry an ETag, writes must name the version they were
based on, and a write based on an old version is refused with the record as it
is now, so the client can apply its change again knowingly."""

import pytest

from keyplan.relationships.models import Stakeholder
from tests.api.conftest import client_for


@pytest.fixture
def url(account, champion):
    return f"/accounts/{account.pk}/stakeholders/{champion.pk}"


def test_a_read_carries_the_version_as_etag(api, url):
    response = api.get(url)

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_a_write_with_the_current_etag_saves_and_returns_the_next_one(api, url):
    response = api.patch(url, {"title": "COO"}, headers={"If-Match": '"1"'})

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["title"] == "COO"
    assert api.get(url).json()["title"] == "COO"


def test_a_write_with_the_current_version_in_the_body_saves(api, url):
    response = api.patch(url, {"title": "COO", "version": 1})

    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_the_second_of_two_writes_from_the_same_read_gets_412_with_the_current_record(
    api, member, url
):
    colleague = client_for(member)
    etag = api.get(url)["ETag"]
    assert colleague.patch(url, {"title": "COO"}, headers={"If-Match": etag}).status_code == 200

    response = api.patch(url, {"notes": "Prefers email."}, headers={"If-Match": etag})

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response["ETag"] == '"2"'
    problem = response.json()
    assert problem["status"] == 412
    assert problem["current"]["title"] == "COO"
    assert problem["current"]["version"] == 2
    assert api.get(url).json()["notes"] == ""  # nothing of the stale write was saved


def test_retrying_with_the_new_etag_keeps_both_changes(api, member, url):
    client_for(member).patch(url, {"title": "COO"}, headers={"If-Match": '"1"'})
    refused = api.patch(url, {"notes": "Prefers email."}, headers={"If-Match": '"1"'})

    retried = api.patch(url, {"notes": "Prefers email."}, headers={"If-Match": refused["ETag"]})

    assert retried.status_code == 200
    assert (retried.json()["title"], retried.json()["notes"]) == ("COO", "Prefers email.")


def test_a_stale_version_in_the_body_gets_409_with_the_current_record(api, member, url):
    client_for(member).patch(url, {"title": "COO", "version": 1})

    response = api.patch(url, {"title": "CEO", "version": 1})

    assert response.status_code == 409
    assert response.json()["current"]["title"] == "COO"
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize("headers", [{}, {"If-Match": "*"}])
def test_a_write_that_names_no_version_gets_428(api, url, headers):
    response = api.patch(url, {"title": "CEO"}, headers=headers)

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert api.get(url).json()["title"] == "VP Ops"


def test_a_weak_etag_never_matches(api, url):
    assert api.patch(url, {"title": "CEO"}, headers={"If-Match": 'W/"1"'}).status_code == 412


def test_if_match_may_list_several_etags(api, url):
    response = api.patch(url, {"title": "CEO"}, headers={"If-Match": '"7", "1"'})

    assert response.status_code == 200


def test_if_match_and_a_disagreeing_body_version_are_refused(api, url):
    response = api.patch(url, {"title": "CEO", "version": 3}, headers={"If-Match": '"1"'})

    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_delete_needs_a_version_too(api, account, champion, url):
    assert api.delete(url).status_code == 428
    assert api.delete(url, headers={"If-Match": '"2"'}).status_code == 412
    assert api.delete(url + "?version=2").status_code == 409
    assert Stakeholder.objects.filter(pk=champion.pk).exists()

    assert api.delete(url, headers={"If-Match": '"1"'}).status_code == 204
    assert api.get(url).status_code == 404


def test_the_account_itself_has_an_etag_and_the_same_rules(api, account):
    url = f"/accounts/{account.pk}"
    assert api.get(url)["ETag"] == '"1"'

    assert api.patch(url, {"industry": "Aerospace"}).status_code == 428
    saved = api.patch(url, {"industry": "Aerospace"}, headers={"If-Match": '"1"'})
    stale = api.patch(url, {"industry": "Retail"}, headers={"If-Match": '"1"'})

    assert (saved.status_code, saved["ETag"]) == (200, '"2"')
    assert stale.status_code == 412
    assert stale.json()["current"]["industry"] == "Aerospace"


def test_links_are_written_with_the_record(api, account, champion):
    created = api.post(
        f"/accounts/{account.pk}/plays", {"name": "Land finance", "stakeholders": [champion.pk]}
    )
    assert created.status_code == 201
    play = created.json()
    assert play["stakeholders"] == [champion.pk]

    url = f"/accounts/{account.pk}/plays/{play['id']}"
    changed = api.patch(url, {"stakeholders": []}, headers={"If-Match": created["ETag"]})

    assert changed.status_code == 200
    assert changed.json()["stakeholders"] == []
    assert changed.json()["name"] == "Land finance"  # untouched fields keep their values
