"""A write through the API that sets off a sanity check saves the value and says so in
a `warnings` list beside the record; a write that does not, or that leaves the value
alone, returns no warning. The write response can be sent back as it is."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from keyplan.accounts import services as account_services
from keyplan.core import clock
from keyplan.growth.models import Play
from keyplan.risks.models import Risk
from tests.api.conftest import client_for


@pytest.fixture
def paying(account, owner):
    account_services.add_contract(
        account, by=owner, name="Platform", arr=Decimal(100000), start_date=date(2025, 1, 1)
    )
    return account


def test_a_risk_above_the_accounts_arr_is_created_with_a_warning(api, paying):
    response = api.post(
        f"/accounts/{paying.pk}/risks",
        {"title": "Budget freeze", "category": "budget_freeze", "arr_at_risk": 999999999999},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["arr_at_risk"] == 999999999999
    assert body["warnings"] == [
        {
            "kind": "risk",
            "id": body["id"],
            "record": "Budget freeze",
            "field": "arr_at_risk",
            "message": "$999,999,999,999 at risk is more than the account's ARR ($100,000).",
        }
    ]
    assert "arr_at_risk" in Risk.objects.get(pk=body["id"]).value_checks


def test_a_plausible_risk_is_created_without_warnings(api, paying):
    response = api.post(
        f"/accounts/{paying.pk}/risks",
        {"title": "Budget freeze", "category": "budget_freeze", "arr_at_risk": 40000},
    )

    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == []


def test_a_patch_re_dating_a_play_into_the_past_warns_and_one_leaving_it_does_not(api, paying):
    created = api.post(f"/accounts/{paying.pk}/plays", {"name": "Land finance"}).json()
    url = f"/accounts/{paying.pk}/plays/{created['id']}"
    past = (clock.today() - timedelta(days=10)).isoformat()

    redated = api.patch(url, {"target_close_date": past, "version": created["version"]})
    assert redated.status_code == 200, redated.content
    assert [w["field"] for w in redated.json()["warnings"]] == ["target_close_date"]

    renamed = api.patch(url, {"name": "Land finance EU", "version": redated.json()["version"]})
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["warnings"] == []
    # Still flagged: neither changing something else nor reading it clears the check.
    assert "target_close_date" in Play.objects.get(pk=created["id"]).value_checks


def test_a_write_response_sent_back_unchanged_is_accepted(api, paying):
    created = api.post(
        f"/accounts/{paying.pk}/plays", {"name": "Global rollout", "target_arr": 5000000}
    )
    body = created.json()
    assert [w["field"] for w in body["warnings"]] == ["target_arr"]

    response = api.patch(f"/accounts/{paying.pk}/plays/{body['id']}", body)

    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == []  # nothing changed, nothing fired again


def test_an_account_target_below_its_arr_warns(api, paying):
    version = api.get(f"/accounts/{paying.pk}").json()["version"]

    response = api.patch(f"/accounts/{paying.pk}", {"target_arr": 50000, "version": version})

    assert response.status_code == 200, response.content
    assert response.json()["target_arr"] == 50000
    assert [(w["kind"], w["field"]) for w in response.json()["warnings"]] == [
        ("account", "target_arr")
    ]


def test_an_account_target_above_its_arr_does_not_warn(api, paying):
    version = api.get(f"/accounts/{paying.pk}").json()["version"]

    response = api.patch(f"/accounts/{paying.pk}", {"target_arr": 250000, "version": version})

    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == []


def test_a_read_shows_the_values_to_check_and_a_patch_cannot_set_them(api, paying):
    created = api.post(
        f"/accounts/{paying.pk}/risks",
        {"title": "Budget freeze", "category": "budget_freeze", "arr_at_risk": 500000},
    ).json()
    url = f"/accounts/{paying.pk}/risks/{created['id']}"

    read = api.get(url)
    body = read.json()
    assert body["value_checks"] == {
        "arr_at_risk": "$500,000 at risk is more than the account's ARR ($100,000)."
    }

    sent_back = api.patch(url, body, headers={"If-Match": read["ETag"]})
    assert sent_back.status_code == 200, sent_back.content

    body = sent_back.json()
    cleared = api.patch(url, {**body, "value_checks": {}})
    assert cleared.status_code == 422
    assert "value_checks" in cleared.json()["errors"]
    assert "arr_at_risk" in Risk.objects.get(pk=created["id"]).value_checks


def test_a_record_without_checks_reads_an_empty_set(api, paying):
    created = api.post(f"/accounts/{paying.pk}/plays", {"name": "Land finance"}).json()

    assert api.get(f"/accounts/{paying.pk}/plays/{created['id']}").json()["value_checks"] == {}
    assert api.get(f"/accounts/{paying.pk}").json()["value_checks"] == {}


def test_a_check_is_cleared_through_the_api_when_the_value_stands(api, paying):
    created = api.post(
        f"/accounts/{paying.pk}/risks",
        {"title": "Budget freeze", "category": "budget_freeze", "arr_at_risk": 500000},
    ).json()
    url = f"/accounts/{paying.pk}/risks/{created['id']}"
    read = api.get(url)

    stale = api.delete(f"{url}/checks/arr_at_risk", headers={"If-Match": '"0"'})
    assert stale.status_code == 412
    cleared = api.delete(f"{url}/checks/arr_at_risk", headers={"If-Match": read["ETag"]})

    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["value_checks"] == {}
    assert cleared.json()["arr_at_risk"] == 500000  # the value stands
    assert Risk.objects.get(pk=created["id"]).value_checks == {}
    again = api.delete(f"{url}/checks/arr_at_risk", headers={"If-Match": cleared["ETag"]})
    assert again.status_code == 422
    assert "no open check" in again.json()["errors"]["arr_at_risk"][0]


def test_an_accounts_own_check_is_cleared_through_the_api(api, paying, outsider):
    version = api.get(f"/accounts/{paying.pk}").json()["version"]
    written = api.patch(f"/accounts/{paying.pk}", {"target_arr": 50000, "version": version})
    url = f"/accounts/{paying.pk}/checks/target_arr"

    assert (
        client_for(outsider).delete(url, headers={"If-Match": written["ETag"]}).status_code == 404
    )
    cleared = api.delete(url, headers={"If-Match": written["ETag"]})

    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["value_checks"] == {}
    assert cleared.json()["target_arr"] == 50000
