"""API tokens on the trail: made, revoked, and used, the use at most once a minute per
token and riding on the "last used" write, so reads within the minute write nothing."""

import re
from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyplan.api import tokens
from keyplan.api.models import ApiToken
from keyplan.core import clock
from tests.api.conftest import ApiClient
from tests.audit.conftest import HERE, PASSWORD, events, only, signed_in_client


def writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE")
    ]


def test_making_a_token_on_the_profile_page_is_recorded(owner):
    page = signed_in_client(owner)

    made = page.post("/profile/", {"name": "BI export"})

    secret = re.search(r'<code class="secret">(kp_[\w-]+)</code>', made.text).group(1)
    event = only("token.created")
    token = ApiToken.objects.get()
    assert (event.actor, event.address, event.target_id) == (owner, HERE, str(token.pk))
    assert event.details["owner"] == "olga"
    assert "BI export" in event.target_label
    assert secret not in str(event.details) + event.target_label  # never the secret


def test_a_token_made_by_the_command_names_its_owner(owner):
    call_command("token", "create", "olga", "--name", "nightly")

    event = only("token.created")
    assert (event.actor, event.details["owner"]) == (None, "olga")


def test_revoking_on_the_profile_page_is_recorded(owner):
    token, _ = tokens.create(owner, name="script")

    signed_in_client(owner).post(f"/profile/tokens/{token.pk}/revoke/")

    event = only("token.revoked")
    assert (event.actor, event.address, event.target_id) == (owner, HERE, str(token.pk))


def test_revoking_every_token_with_a_new_password_records_each(owner):
    first, _ = tokens.create(owner, name="BI export")
    second, _ = tokens.create(owner, name="CRM sync")

    signed_in_client(owner).post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "violet-harbour-ledger-27",
            "new_password2": "violet-harbour-ledger-27",
            "revoke_tokens": "on",
        },
    )

    revoked = events("token.revoked")
    assert {e.target_id for e in revoked} == {str(first.pk), str(second.pk)}
    assert {e.actor for e in revoked} == {owner}


def test_a_token_is_recorded_used_once_a_minute_and_later_reads_write_nothing(owner, account):
    token, secret = tokens.create(owner, name="script")
    api = ApiClient(secret)
    url = f"/accounts/{account.pk}"

    with CaptureQueriesContext(connection) as first:
        assert api.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert api.get(url).status_code == 200

    used = only("token.used")
    assert (used.actor, used.target_id, used.address) == (owner, str(token.pk), "127.0.0.1")
    # The first read: "last used" and the event; the second, within the minute: neither.
    assert len(writes(first)) == 2
    assert writes(second) == []
    assert len(second) == len(first) - 2
    with clock.travel(clock.now() + timedelta(minutes=2)):
        assert api.get(url).status_code == 200
    assert len(events("token.used")) == 2


def test_a_refused_token_is_not_recorded_used(owner, account):
    token, secret = tokens.create(owner, name="script")
    tokens.revoke(token)

    assert ApiClient(secret).get(f"/accounts/{account.pk}").status_code == 401

    assert events("token.used") == []
