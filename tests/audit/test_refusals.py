"""Refusals on the trail: a signed-in user answered 404 for a plan they may not see, or
403, on the pages and the API; the answer itself says no more than before. A wrong
address and an anonymous visitor are not refusals; nor is a page that is shown."""

from django.test import Client
from django.urls import reverse

from tests.api.conftest import client_for
from tests.audit.conftest import HERE, events, only, signed_in_client


def test_an_outsider_opening_a_plan_is_refused_and_recorded(account, outsider, owner):
    page = signed_in_client(outsider)

    refused = page.get(reverse("plan", args=[account.pk]))
    missing = signed_in_client(owner).get(reverse("plan", args=[account.pk + 1000]))

    assert refused.status_code == missing.status_code == 404
    assert "Acme" not in refused.text
    [event] = [e for e in events("refused") if e.actor == outsider]
    assert (event.address, event.details["status"]) == (HERE, 404)
    assert event.details["path"] == f"/accounts/{account.pk}/"
    assert event.details["method"] == "GET"


def test_the_api_refusing_an_outsider_is_recorded(account, outsider):
    api = client_for(outsider)

    assert api.get(f"/accounts/{account.pk}").status_code == 404

    event = only("refused")
    assert (event.actor, event.details["path"]) == (outsider, f"/api/v1/accounts/{account.pk}")


def test_a_forbidden_change_is_recorded(account, viewer):
    page = signed_in_client(viewer)

    response = page.post(reverse("selection-weights"), {})

    assert response.status_code == 403
    assert only("refused").details["status"] == 403


def test_a_shown_page_a_wrong_address_and_a_visitor_are_not_refusals(account, owner):
    page = signed_in_client(owner)

    assert page.get(reverse("plan", args=[account.pk])).status_code == 200
    assert page.get("/no-such-page/").status_code == 404
    assert Client().get("/calendar/not-a-secret.ics").status_code == 404

    assert events("refused") == []
