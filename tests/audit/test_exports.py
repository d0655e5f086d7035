"""Every way a plan leaves keyplan is on the trail: who took which plan out, as what
(the plan page's downloads, the API's whole plan, the calendar feed, `keyplan export`)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyplan.cadence import calendar_feed
from keyplan.core import clock
from tests.api.conftest import client_for
from tests.audit.conftest import HERE, events, only, signed_in_client


@pytest.mark.parametrize(("name", "format"), [("plan-xlsx", "xlsx"), ("plan-md", "md")])
def test_a_download_names_who_took_which_plan_as_what(account, viewer, name, format):
    response = signed_in_client(viewer).get(reverse(name, args=[account.pk]))

    assert response.status_code == 200
    event = only("export")
    assert (event.actor, event.address) == (viewer, HERE)
    assert (event.target_kind, event.target_id, event.target_label) == (
        "account",
        str(account.pk),
        "Acme Corp",
    )
    assert event.details == {"format": format, "via": "page"}


def test_a_download_refused_to_an_outsider_is_no_export(account, outsider):
    response = signed_in_client(outsider).get(reverse("plan-md", args=[account.pk]))

    assert response.status_code == 404
    assert events("export") == []
    assert only("refused").actor == outsider


def test_the_whole_plan_through_the_api_is_an_export(account, owner):
    api = client_for(owner)

    assert api.get(f"/accounts/{account.pk}/plan").status_code == 200

    event = only("export")
    assert (event.actor, event.target_id) == (owner, str(account.pk))
    assert event.details["format"] == "json" and event.details["via"] == "api"


def test_reading_the_calendar_feed_is_an_export_once_a_minute_that_polling_keeps_a_read(
    owner, account
):
    feed = calendar_feed.issue(owner)
    calendar = Client(REMOTE_ADDR=HERE)

    assert calendar.get(calendar_feed.path(feed)).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert calendar.get(calendar_feed.path(feed)).status_code == 200

    event = only("export")
    assert (event.actor, event.login, event.address) == (owner, "olga", HERE)
    assert event.details == {"format": "ics", "via": "calendar"}
    assert not [q for q in again.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    with clock.travel(clock.now() + timedelta(minutes=2)):
        assert calendar.get(calendar_feed.path(feed)).status_code == 200
    assert len(events("export")) == 2


def test_the_export_command_is_recorded(account, tmp_path):
    out = tmp_path / "acme.md"

    call_command("export", str(account.pk), "--format", "md", "--out", str(out), stdout=StringIO())

    event = only("export")
    assert (event.actor, event.login, event.target_label) == (None, "", "Acme Corp")
    assert event.details == {"format": "md", "via": "command", "file": str(out)}
