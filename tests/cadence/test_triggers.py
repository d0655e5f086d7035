"""Trigger events: logging one raises a "plan update needed" task for the account's
owner (shown in My week and the weekly review), cleared with a note or once the plan
has been updated; a trigger cannot be dated in the future."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from keyplan.cadence import services as cadence_services
from keyplan.cadence.models import TriggerEvent, TriggerStatus
from keyplan.core import clock, services
from keyplan.insights import alerts
from keyplan.relationships.models import Stakeholder
from keyplan.rhythm import triggers

from .conftest import ago


@pytest.fixture
def trigger(account, owner):
    return cadence_services.log_trigger(
        account, "executive_change", "New CFO from Oracle", by=owner, date=ago(2)
    )


def tasks(client, user) -> str:
    client.force_login(user)
    text = client.get(reverse("my-week")).text
    return text[text.index('id="my-plan-updates"') : text.index('id="my-plan-updates"') + 1500]


def test_a_trigger_raises_a_task_for_the_owner(client, trigger, owner, member, outsider):
    assert "New CFO from Oracle" in tasks(client, owner)
    assert f"/review/{trigger.account_id}/#review-trigger-{trigger.pk}" in tasks(client, owner)
    assert "New CFO from Oracle" not in tasks(client, outsider)
    client.force_login(owner)
    review = client.get(reverse("review-account", args=[trigger.account_id])).text
    assert "Plan updates needed" in review and "New CFO from Oracle" in review


def test_a_note_clears_the_task(client, trigger, owner):
    cleared = triggers.close_trigger(
        trigger, "Met the new CFO; added her to the map", by=owner, version=trigger.version
    )
    assert (cleared.status, cleared.handled_by, cleared.handled_on) == (
        TriggerStatus.HANDLED, owner, clock.today()
    )  # fmt: skip
    assert cleared.handled_note == "Met the new CFO; added her to the map"
    assert "New CFO from Oracle" not in tasks(client, owner)
    assert [a for a in alerts.alerts(trigger.account) if a.rule == "new_trigger"] == []


def test_updating_the_plan_clears_the_task_and_says_how(trigger, owner, account):
    services.create(Stakeholder, by=owner, account=account, name="Dana Cruz", title="CFO")
    cleared = triggers.close_trigger(trigger, "", by=owner, version=trigger.version)
    assert cleared.status == TriggerStatus.HANDLED
    assert cleared.handled_note == "Plan updated: created stakeholder Dana Cruz."


def test_without_a_note_or_an_update_the_task_stays(trigger, owner, account):
    cadence_services.record_review(account, "weekly", by=owner)  # a review is not an update
    with pytest.raises(ValidationError) as error:
        triggers.close_trigger(trigger, "  ", by=owner, version=trigger.version)
    assert error.value.message_dict["handled_note"] == [
        "The plan has not changed since this executive change was logged: update the plan, "
        "or say in a note why it needs no update."
    ]
    with pytest.raises(ValidationError):
        cadence_services.handle_trigger(trigger, "", by=owner, version=trigger.version)
    trigger.refresh_from_db()
    assert (trigger.status, trigger.version) == (TriggerStatus.NEW, 1)


def test_a_trigger_cannot_be_dated_in_the_future(account, owner):
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        cadence_services.log_trigger(account, "m_and_a", "Acquired", by=owner, date=tomorrow)
    assert error.value.message_dict["date"][0].startswith(
        "A trigger event is something that has happened"
    )
    assert not TriggerEvent.objects.exists()
    cadence_services.log_trigger(account, "m_and_a", "Acquired", by=owner, date=clock.today())


def test_a_viewer_cannot_clear_a_task(trigger, viewer):
    from keyplan.core.errors import Forbidden

    with pytest.raises(Forbidden):
        triggers.close_trigger(trigger, "Done", by=viewer, version=trigger.version)
    trigger.refresh_from_db()
    assert trigger.status == TriggerStatus.NEW


def test_marking_handled_on_the_plan_page_or_api_needs_a_note_too(client, trigger, owner):
    from tests.api.conftest import client_for

    client.force_login(owner)
    form = {"kind": trigger.kind, "date": trigger.date.isoformat(),
            "description": trigger.description, "status": "handled",
            "handled_on": clock.today().isoformat(), "handled_note": " ",
            "version": trigger.version}  # fmt: skip
    url = reverse("plan-record", args=[trigger.account_id, "triggers", trigger.pk])
    page = client.post(url, form, HTTP_HX_REQUEST="true")
    assert page.status_code == 422
    assert "Say how the plan was updated for this trigger" in page.text

    api = client_for(owner).patch(
        f"/accounts/{trigger.account_id}/triggers/{trigger.pk}",
        {"status": "handled", "handled_on": clock.today().isoformat(), "version": 1},
    )
    assert api.status_code == 422
    assert api.json()["errors"]["handled_note"] == [
        "Say how the plan was updated for this trigger, or why it needs no update."
    ]
    trigger.refresh_from_db()
    assert (trigger.status, trigger.version) == (TriggerStatus.NEW, 1)

    page = client.post(url, {**form, "handled_note": "Met the new CFO"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    trigger.refresh_from_db()
    assert (trigger.status, trigger.handled_note) == (TriggerStatus.HANDLED, "Met the new CFO")
