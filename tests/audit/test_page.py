"""The audit page (/settings/audit/): administrators see the trail, newest first, and
filter it by kind, user, address, dates and text, a page at a time; everybody else
gets "not found". Its cost does not grow with the events on a page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyplan.audit import kinds
from keyplan.audit.models import AuditEvent
from keyplan.audit.views import PER_PAGE
from keyplan.core import clock
from tests.audit.conftest import signed_in_client

URL = "/settings/audit/"


def add(kind: str, login: str = "olga", address: str = "203.0.113.7", days_ago: int = 0, **details):
    return AuditEvent.objects.create(
        kind=kind,
        login=login,
        address=address,
        when=clock.now() - timedelta(days=days_ago),
        details=details,
    )


def shown(response) -> list[AuditEvent]:
    return list(response.context["page"])


@pytest.fixture
def page(admin_user):
    """An administrator's browser, on a trail that starts empty (making the personas
    and signing in are events too)."""
    client = signed_in_client(admin_user)
    AuditEvent.objects.all().delete()
    return client


def test_an_administrator_sees_the_trail_newest_first_and_it_is_linked(page, owner):
    old = add(kinds.EXPORT, days_ago=3, format="pdf", via="page")
    new = add(kinds.SIGNIN_FAILED, login="mallory", address="198.51.100.20")

    response = page.get(URL)

    assert response.status_code == 200
    events = shown(response)
    assert events.index(new) < events.index(old)
    assert "Sign-in failed" in response.text and "mallory" in response.text
    assert "format: pdf" in response.text
    assert f'href="{URL}"' in page.get("/settings/integrations/").text


@pytest.mark.parametrize("who", ["leader", "owner", "viewer"])
def test_anybody_else_gets_not_found(request, who):
    user = request.getfixturevalue(who)

    assert signed_in_client(user).get(URL).status_code == 404
    assert f'href="{URL}"' not in signed_in_client(user).get("/").text


def test_filters_by_kind_user_address_dates_and_text(page):
    created = add(kinds.TOKEN_CREATED, login="olga")
    used = add(kinds.TOKEN_USED, login="max", address="198.51.100.20")
    old = add(kinds.EXPORT, login="olga", days_ago=10, format="xlsx")
    today = clock.today()

    def found(**query) -> set[AuditEvent]:
        return set(shown(page.get(URL, query)))

    assert found(kind=kinds.TOKEN_USED) == {used}
    assert found(login="olga") == {created, old}
    assert found(address="198.51.100.20") == {used}
    assert found(since=(today - timedelta(days=1)).isoformat()) == {created, used}
    assert found(until=(today - timedelta(days=5)).isoformat()) == {old}
    assert found(text="xlsx") == {old}
    assert found(login="olga", kind=kinds.EXPORT) == {old}


def test_a_bad_date_is_said_at_the_filter(page):
    response = page.get(URL, {"since": "yesterday"})

    assert response.status_code == 400
    assert "From: Enter a valid date." in response.text


def test_pages_of_fifty_cost_the_same_queries_as_a_few(page):
    for _ in range(3):
        add(kinds.REFUSED, status=404, method="GET", path="/accounts/1/")
    page.get(URL)
    with CaptureQueriesContext(connection) as few:
        page.get(URL)
    for _ in range(PER_PAGE * 2):
        add(kinds.REFUSED, status=404, method="GET", path="/accounts/1/")

    with CaptureQueriesContext(connection) as many:
        first = page.get(URL)
    second = page.get(URL, {"page": 2, "kind": kinds.REFUSED})

    assert len(many) == len(few)
    assert len(shown(first)) == PER_PAGE
    assert "Page 1 of 3" in first.text
    assert 'page=2">Next' in first.text
    assert len(shown(second)) == PER_PAGE
    assert "kind=refused&amp;page=3" in second.text


def test_every_kind_has_its_words_and_a_place_in_the_filter(page):
    constants = {v for k, v in vars(kinds).items() if k.isupper() and isinstance(v, str)}
    options = page.get(URL).text

    assert constants == set(kinds.LABELS)
    for kind, words in kinds.LABELS.items():
        assert f'<option value="{kind}">{words}</option>' in options


def test_the_filter_finds_single_sign_on_mfa_and_sync_events_by_their_kind(page):
    reset = add(kinds.MFA_RESET, login="ada")
    removed = add(kinds.MFA_REMOVED)
    resolved = add(kinds.SYNC_RESOLVED, field="Title", kept="salesforce")
    add(kinds.SYNC_PULL, ok=True)
    refused = add(kinds.SIGNIN_FAILED, login="", via="oidc", reason="linking is off")

    def found(**query) -> set[AuditEvent]:
        return set(shown(page.get(URL, query)))

    assert found(kind=kinds.MFA_RESET) == {reset}
    assert found(kind=kinds.MFA_REMOVED) == {removed}
    assert found(kind=kinds.SYNC_RESOLVED) == {resolved}
    assert found(kind=kinds.SIGNIN_FAILED, text="oidc") == {refused}
    response = page.get(URL, {"kind": kinds.MFA_RESET})
    assert "Two-step sign-in reset" in response.text
