"""The calendar feed: a secret address per user with the touchpoints, action due dates
and renewals of their accounts, parsed back with the icalendar library."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from keyplan.accounts import services as account_services
from keyplan.cadence import calendar_feed
from keyplan.cadence import services as cadence_services
from keyplan.core import services
from keyplan.growth.models import Action


def address_on_the_page(client) -> str:
    page = client.get(reverse("my-calendar"))
    assert page.status_code == 200
    match = re.search(r'value="(http://testserver/calendar/[0-9a-f]+\.ics)"', page.text)
    assert match, "the page shows no calendar address"
    return match.group(1).removeprefix("http://testserver")


def events(response) -> dict[str, dict]:
    """The feed's events by UID: summary, start date, and the rest as parsed."""
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    found = {}
    for event in calendar.walk("VEVENT"):
        found[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "status": str(event.get("STATUS", "")),
            "url": str(event.get("URL", "")),
        }
    return found


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def plan_with_dates(account, owner, member, qbr, contract, play, today):
    services.create(
        Action,
        by=owner,
        account=account,
        title="Send the renewal proposal",
        owner=member,
        due_date=today + timedelta(days=5),
        play=play,
    )
    return account


def test_my_week_links_to_the_calendar_page(signed_in):
    assert reverse("my-calendar") in signed_in.get(reverse("my-week")).text


def test_the_feed_holds_the_touchpoints_due_dates_and_renewals_of_my_accounts(
    signed_in, plan_with_dates, qbr, contract, today
):
    signed_in.post(reverse("my-calendar"), {"action": "create"})
    url = address_on_the_page(signed_in)

    found = events(Client().get(url))  # no sign-in: the address is the key

    action = Action.objects.get(title="Send the renewal proposal")
    assert found[f"touchpoint-{qbr.pk}@keyplan"] == {
        "summary": "QBR with Acme Corp: Q4 business review",
        "start": today + timedelta(days=10),
        "end": today + timedelta(days=11),
        "status": "CONFIRMED",
        "url": f"http://testserver/accounts/{qbr.account_id}/touchpoints/{qbr.pk}/brief/",
    }
    assert found[f"action-{action.pk}@keyplan"]["summary"] == (
        "Due: Send the renewal proposal (Acme Corp)"
    )
    assert found[f"action-{action.pk}@keyplan"]["start"] == today + timedelta(days=5)
    renewal = found[f"contract-{contract.pk}-renewal@keyplan"]
    assert renewal["summary"] == "Renewal: Acme platform 2026 (Acme Corp, $120,000 ARR)"
    assert renewal["start"] == today + timedelta(days=60)
    assert len(found) == 3


def test_accounts_i_am_not_on_stay_out_of_my_feed(signed_in, plan_with_dates, outsider, today):
    elsewhere = account_services.create_account(by=outsider, name="Globex")
    cadence_services.plan_touchpoint(elsewhere, by=outsider, kind="ebr", date=today)
    services.create(
        Action, by=outsider, account=elsewhere, title="Globex call", owner=outsider, due_date=today
    )
    feed = calendar_feed.issue(plan_with_dates.owner)

    body = Client().get(calendar_feed.path(feed)).content.decode()

    assert "Globex" not in body
    assert "Acme Corp" in body


def test_a_cancelled_touchpoint_shows_as_cancelled_and_done_actions_leave(
    signed_in, plan_with_dates, qbr, owner
):
    services.update(qbr, by=owner, version=qbr.version, status="cancelled")
    action = Action.objects.get(title="Send the renewal proposal")
    services.update(
        action, by=owner, version=action.version, status="done", completed_on=action.due_date
    )
    feed = calendar_feed.issue(owner)

    found = events(Client().get(calendar_feed.path(feed)))

    assert found[f"touchpoint-{qbr.pk}@keyplan"]["status"] == "CANCELLED"
    assert f"action-{action.pk}@keyplan" not in found


def test_a_revoked_address_is_a_plain_404(signed_in, plan_with_dates):
    signed_in.post(reverse("my-calendar"), {"action": "create"})
    url = address_on_the_page(signed_in)

    response = signed_in.post(reverse("my-calendar"), {"action": "revoke"}, follow=True)

    assert "no longer works" in response.text
    assert "/calendar/" not in response.text.split("<main", 1)[1]
    gone = Client().get(url)
    assert gone.status_code == 404
    assert b"Acme" not in gone.content and b"olga" not in gone.content
    assert not gone["Content-Type"].startswith("text/calendar")


def test_regenerating_gives_a_new_address_and_stops_the_old_one(signed_in, plan_with_dates):
    signed_in.post(reverse("my-calendar"), {"action": "create"})
    old = address_on_the_page(signed_in)

    signed_in.post(reverse("my-calendar"), {"action": "regenerate"})
    new = address_on_the_page(signed_in)

    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_forged_and_unknown_addresses_are_404(signed_in, plan_with_dates, owner):
    feed = calendar_feed.issue(owner)
    real = calendar_feed.secret(feed)
    forged = real[: calendar_feed.KEY_LENGTH] + "0" * calendar_feed.SIGNATURE_LENGTH

    for secret in (forged, real[:-1], "nothing", real.upper()):
        assert Client().get(f"/calendar/{secret}.ics").status_code == 404, secret
    assert Client().get(calendar_feed.path(feed)).status_code == 200


def test_a_deactivated_users_address_stops_working(plan_with_dates, owner):
    feed = calendar_feed.issue(owner)
    owner.is_active = False
    owner.save()

    assert Client().get(calendar_feed.path(feed)).status_code == 404


def test_the_database_alone_does_not_hold_a_working_address(plan_with_dates, owner):
    feed = calendar_feed.issue(owner)

    assert feed.key in calendar_feed.secret(feed)
    assert Client().get(f"/calendar/{feed.key}.ics").status_code == 404


def test_the_feed_costs_the_same_queries_for_more_events(plan_with_dates, owner, member, today):
    feed = calendar_feed.issue(owner)
    url = calendar_feed.path(feed)
    reader = Client()
    reader.get(url)  # the first read stamps "last used"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reader.get(url).status_code == 200
        return len(captured)

    before = queries()
    for number in range(8):
        cadence_services.plan_touchpoint(
            plan_with_dates, by=owner, kind="sponsor", date=today + timedelta(days=number)
        )
        services.create(
            Action,
            by=owner,
            account=plan_with_dates,
            title=f"Step {number}",
            owner=member,
            due_date=today + timedelta(days=number),
        )
        account_services.add_contract(
            plan_with_dates,
            by=owner,
            name=f"Add-on {number}",
            arr=Decimal(1000),
            start_date=today - timedelta(days=10),
            end_date=today + timedelta(days=100 + number),
        )
    after = queries()

    assert len(events(reader.get(url))) == 3 + 3 * 8
    assert after == before
