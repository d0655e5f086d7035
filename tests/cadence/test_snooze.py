"""Snoozing an alert during a review: it stays quiet, with its reason, until the day
it was snoozed to; the same rule on another record, and every other rule, still fire."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from keyplan.accounts.models import Account
from keyplan.cadence.models import AlertSnooze
from keyplan.core import clock, services
from keyplan.core.errors import Forbidden, NotFound
from keyplan.growth.models import Action
from keyplan.insights import alerts
from keyplan.rhythm.snoozes import snooze_alert, wake_alert

from .conftest import ago


def overdue(account, owner, title, days=10) -> Action:
    return services.create(
        Action, by=owner, account=account, title=title, owner=owner, due_date=ago(days)
    )


def fired(rule="overdue_action") -> list[str]:
    return [a.record[0] for a in alerts.alerts(Account.objects.all()) if a.rule == rule]


def test_a_snoozed_alert_does_not_fire_until_its_day(account, owner):
    late = overdue(account, owner, "Send the proposal")
    overdue(account, owner, "Book the QBR")
    (alert,) = [
        a for a in alerts.alerts(account)
        if a.rule == "overdue_action" and a.record[0] == "Send the proposal"
    ]  # fmt: skip
    assert alert.record_id == late.pk

    snooze = snooze_alert(
        account, "overdue_action", late.pk, "Waiting for legal's redline", by=owner
    )

    assert snooze.until == clock.today() + timedelta(days=7)
    assert fired() == ["Book the QBR"]  # the same rule on another action still fires
    assert alerts.counts(Account.objects.all())["overdue_action"] == 1
    with clock.travel(clock.now() + timedelta(days=7)):
        assert fired() == ["Book the QBR"]  # quiet up to and including its day
    with clock.travel(clock.now() + timedelta(days=8)):
        assert fired() == ["Book the QBR", "Send the proposal"]


def test_a_plan_wide_alert_is_snoozed_by_its_account(account, owner, champion):
    assert [a.record_id for a in alerts.alerts(account) if a.rule == "single_threaded"] == [
        account.pk
    ]
    snooze_alert(
        account, "single_threaded", account.pk, "Second sponsor meeting next week", by=owner
    )
    assert fired("single_threaded") == []


def test_snoozing_needs_a_reason_and_changes_nothing_without_one(account, owner):
    late = overdue(account, owner, "Send the proposal")
    for reason in ("", "   \n"):
        with pytest.raises(ValidationError) as error:
            snooze_alert(account, "overdue_action", late.pk, reason, by=owner)
        assert error.value.message_dict == {
            "reason": ["Say why this alert can wait: a reason is required."]
        }
    assert not AlertSnooze.objects.exists()
    assert fired() == ["Send the proposal"]


def test_only_an_alert_that_fires_can_be_snoozed(account, owner):
    on_time = services.create(
        Action, by=owner, account=account, title="Later", owner=owner, due_date=clock.today()
    )
    with pytest.raises(ValidationError, match="not raised on Acme Corp any more"):
        snooze_alert(account, "overdue_action", on_time.pk, "Why", by=owner)
    with pytest.raises(ValidationError, match="is not an alert rule"):
        snooze_alert(account, "nonsense", on_time.pk, "Why", by=owner)
    assert not AlertSnooze.objects.exists()


def test_only_the_account_team_may_snooze(account, owner, viewer, outsider):
    late = overdue(account, owner, "Send the proposal")
    with pytest.raises(Forbidden):
        snooze_alert(account, "overdue_action", late.pk, "Later", by=viewer)
    with pytest.raises(NotFound):
        snooze_alert(account, "overdue_action", late.pk, "Later", by=outsider)
    assert not AlertSnooze.objects.exists()


def test_a_snooze_is_at_most_ninety_days_and_can_be_woken(account, owner):
    late = overdue(account, owner, "Send the proposal")
    with pytest.raises(ValidationError) as error:
        snooze_alert(account, "overdue_action", late.pk, "Next year", by=owner, days=91)
    assert "at most 90 days" in str(error.value)
    snooze = snooze_alert(account, "overdue_action", late.pk, "Next quarter", by=owner, days=90)
    wake_alert(snooze, by=owner, version=snooze.version)
    assert fired() == ["Send the proposal"]
    assert AlertSnooze.history.filter(history_type="-").count() == 1  # kept in history


def test_snoozing_is_not_a_change_to_the_plan(account, owner):
    late = overdue(account, owner, "Send the proposal")
    account.refresh_from_db()
    changed = account.last_changed
    snooze = snooze_alert(account, "overdue_action", late.pk, "Waiting for legal", by=owner)
    wake_alert(snooze, by=owner, version=snooze.version)
    account.refresh_from_db()
    assert account.last_changed == changed


def test_alerts_cost_the_same_queries_with_snoozes(account, owner, django_assert_max_num_queries):
    for number in range(5):
        late = overdue(account, owner, f"Action {number}")
        snooze_alert(account, "overdue_action", late.pk, "Later", by=owner)
    with django_assert_max_num_queries(14):
        assert fired() == []
    with django_assert_max_num_queries(2):
        assert alerts.counts(Account.objects.all())["overdue_action"] == 0


def test_the_plan_s_history_names_the_snoozed_alert(account, owner):
    from keyplan.plan import timeline

    late = overdue(account, owner, "Send the proposal")
    snooze = snooze_alert(account, "overdue_action", late.pk, "Waiting for legal", by=owner)
    (change, *_) = timeline.changes(account)
    assert (change.kind, change.model, change.user) == ("created", "snoozed alert", owner)
    assert change.record == f"“Overdue action” until {snooze.until}"
