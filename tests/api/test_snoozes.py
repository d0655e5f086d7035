"""Snoozing alerts over the API: an integration sets a firing alert aside with a
reason, as the weekly review does, sees it among the account's snoozes, and wakes it;
what cannot be snoozed is refused with the reason and changes nothing."""

from datetime import timedelta

from keyplan.accounts import services as account_services
from keyplan.cadence.models import AlertSnooze
from keyplan.core import clock
from tests.api.conftest import client_for


def single_threaded(api, account) -> list[dict]:
    alerts = api.get(f"/alerts?account_id={account.pk}").json()["results"]
    return [a for a in alerts if a["rule"] == "single_threaded"]


def test_a_snoozed_alert_leaves_the_list_until_it_is_woken(api, account, owner):
    (alert,) = single_threaded(api, account)
    base = f"/accounts/{account.pk}/snoozes"

    made = api.post(
        base, {"rule": alert["rule"], "record_id": alert["record_id"],
               "reason": "Two new contacts join next week", "days": 14},
    )  # fmt: skip

    assert made.status_code == 201, made.content
    snooze = made.json()
    assert made["ETag"] == '"1"' and made["Location"].endswith(f"{base}/{snooze['id']}")
    assert (snooze["reason"], snooze["snoozed_by"]) == ("Two new contacts join next week", "olga")
    assert snooze["until"] == (clock.today() + timedelta(days=14)).isoformat()
    assert single_threaded(api, account) == []
    assert [s["id"] for s in api.get(base).json()["results"]] == [snooze["id"]]

    item = f"{base}/{snooze['id']}"
    assert api.delete(item).status_code == 428  # no version: not woken blindly
    assert api.delete(item, headers={"If-Match": '"7"'}).status_code == 412
    assert api.delete(item, headers={"If-Match": '"1"'}).status_code == 204
    assert len(single_threaded(api, account)) == 1
    assert api.get(base).json()["count"] == 0


def test_what_cannot_be_snoozed_is_refused_and_nothing_changes(api, account, viewer):
    base = f"/accounts/{account.pk}/snoozes"
    good = {"rule": "single_threaded", "record_id": account.pk, "reason": "Adding people"}

    blank = api.post(base, {**good, "reason": "   "})
    assert blank.status_code == 422
    assert blank.json()["errors"]["reason"] == [
        "Say why this alert can wait: a reason is required."
    ]
    quiet = api.post(base, {**good, "rule": "champion_left"})
    assert quiet.status_code == 422
    assert "alert is not raised on Acme Corp any more" in quiet.json()["detail"]
    too_long = api.post(base, {**good, "days": 91})
    assert too_long.status_code == 422 and "days" in str(too_long.json())
    unknown = api.post(base, {**good, "until": "2030-01-01"})
    assert unknown.status_code == 422
    assert client_for(viewer).post(base, good).status_code == 403
    assert not AlertSnooze.objects.exists()


def test_another_account_s_snooze_is_not_found_here(api, account, owner):
    other = account_services.create_account(by=owner, name="Globex", tier=2)
    made = api.post(
        f"/accounts/{account.pk}/snoozes",
        {"rule": "single_threaded", "record_id": account.pk, "reason": "Adding people"},
    )
    response = api.delete(
        f"/accounts/{other.pk}/snoozes/{made.json()['id']}", headers={"If-Match": '"1"'}
    )
    assert response.status_code == 404
    assert AlertSnooze.objects.count() == 1
