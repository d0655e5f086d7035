"""Bad input gets the right 4xx as an RFC 9457 problem document, with messages at
the fields, and changes nothing."""

import json

import pytest

from keyplan.accounts import services as account_services
from keyplan.core import services
from keyplan.relationships.models import Stakeholder
from tests.api.conftest import client_for


@pytest.fixture
def stakeholders(account):
    return f"/accounts/{account.pk}/stakeholders"


@pytest.fixture
def other(owner):
    """A second account of the same owner."""
    return account_services.create_account(by=owner, name="Other Corp")


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert body["type"].startswith("https://")
    return body


def test_malformed_json_is_a_400(api, stakeholders):
    problem(api.post(stakeholders, raw='{"name": "Ana'), 400)
    assert not Stakeholder.objects.exists()


def test_an_unknown_field_is_named(api, stakeholders):
    body = problem(api.post(stakeholders, {"name": "Ana", "nickname": "A"}), 422)

    assert body["errors"] == {"nickname": ["Unknown field."]}


def test_a_wrong_type_is_named(api, stakeholders):
    body = problem(api.post(stakeholders, {"name": "Ana", "power": "lots"}), 422)

    assert list(body["errors"]) == ["power"]


def test_a_missing_required_field_is_named(api, stakeholders):
    body = problem(api.post(stakeholders, {"title": "CFO"}), 422)

    assert body["errors"] == {"name": ["This field is required."]}


def test_the_pages_form_rules_apply(api, stakeholders):
    body = problem(api.post(stakeholders, {"name": "Ana", "email": "not-an-email"}), 422)

    assert body["errors"] == {"email": ["Enter a valid email address."]}


def test_the_records_own_rules_apply(api, account, owner):
    url = f"/accounts/{account.pk}/actions"
    body = {"title": "Call", "owner": owner.pk, "due_date": "2026-07-01", "status": "done"}

    assert "completed_on" in problem(api.post(url, body), 422)["errors"]


def test_a_record_of_another_account_cannot_be_referenced(api, account, owner, other):
    theirs = services.create(Stakeholder, by=owner, account=other, name="Their Person")

    body = problem(api.post(f"/accounts/{account.pk}/stakeholders", {
        "name": "Ana", "reports_to": theirs.pk,
    }), 422)  # fmt: skip

    assert list(body["errors"]) == ["reports_to"]
    assert not Stakeholder.objects.filter(name="Ana").exists()


def test_a_record_of_another_account_is_not_found_under_this_one(api, account, owner, other):
    theirs = services.create(Stakeholder, by=owner, account=other, name="Their Person")

    problem(api.get(f"/accounts/{account.pk}/stakeholders/{theirs.pk}"), 404)
    problem(
        api.patch(
            f"/accounts/{account.pk}/stakeholders/{theirs.pk}",
            {"name": "X"},
            headers={"If-Match": '"1"'},
        ),
        404,
    )


def test_a_body_that_is_not_an_object_is_refused(api, stakeholders):
    problem(api.post(stakeholders, ["Ana"]), 422)
    problem(api.post(stakeholders, raw=""), 422)


def test_a_huge_body_is_a_413(api, stakeholders):
    huge = json.dumps({"name": "Ana", "notes": "x" * 3_000_000})

    problem(api.post(stakeholders, raw=huge), 413)
    assert not Stakeholder.objects.exists()


@pytest.mark.parametrize("query", ["page_size=100000", "page_size=0", "page=0", "page=abc"])
def test_bad_paging_is_refused(api, query):
    body = problem(api.get(f"/accounts?{query}"), 422)

    assert list(body["errors"]) == [query.split("=")[0]]


def test_an_unknown_filter_value_is_refused(api):
    assert "tier" in problem(api.get("/accounts?tier=9"), 422)["errors"]


def test_an_unknown_path_is_a_problem_not_a_page(api):
    problem(api.get("/nothing-here"), 404)


def test_a_changed_parent_is_refused(api, account, champion, other):
    url = f"/accounts/{account.pk}/stakeholders/{champion.pk}"

    body = problem(api.patch(url, {"account": other.pk}, headers={"If-Match": '"1"'}), 422)

    assert body["errors"] == {
        "account": [f"account cannot be changed: it is {account.pk}, not {other.pk}."]
    }


def test_a_viewer_is_refused_before_the_values_are_judged(viewer, account):
    body = {"name": "Ana", "email": "not-an-email"}

    problem(client_for(viewer).post(f"/accounts/{account.pk}/stakeholders", body), 403)


def test_an_outsider_learns_nothing_from_a_badly_shaped_body(outsider, account):
    client, body = client_for(outsider), {"nickname": 1}

    hidden = client.post(f"/accounts/{account.pk}/stakeholders", body)
    missing = client.post(f"/accounts/{account.pk + 1000}/stakeholders", body)

    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
