"""Snoozing several alerts at once (from the alert list): one reason, one transaction,
only on plans the user may change; what they may not see is not found."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.cadence.models import AlertSnooze
from keyplan.core import clock, services
from keyplan.core.errors import Forbidden, NotFound
from keyplan.growth.models import Action
from keyplan.insights import alerts
from keyplan.rhythm.snoozes import Picked, snooze_alerts

from .conftest import ago


def overdue(account, by, title) -> Action:
    return services.create(Action, by=by, account=account, title=title, owner=by, due_date=ago(10))


def picked(alert) -> Picked:
    return Picked(alert.account_id, alert.rule, alert.record_id)


@pytest.fixture
def other(outsider):
    """An account of another KAM, with an overdue action."""
    other = account_services.create_account(by=outsider, name="Borealis")
    overdue(other, outsider, "Their action")
    return other


def test_several_alerts_are_snoozed_at_once_with_one_reason(account, owner):
    overdue(account, owner, "Send the proposal")
    overdue(account, owner, "Book the QBR")
    chosen = [a for a in alerts.alerts(account) if a.rule in ("overdue_action", "single_threaded")]
    assert len(chosen) == 3

    snoozes = snooze_alerts(map(picked, chosen), " Quarter close ", by=owner, days=14)

    assert {(s.rule, s.record_id) for s in snoozes} == {(a.rule, a.record_id) for a in chosen}
    assert {s.reason for s in snoozes} == {"Quarter close"}
    assert {s.until for s in snoozes} == {clock.today() + timedelta(days=14)}
    left = {a.rule for a in alerts.alerts(account)}
    assert "overdue_action" not in left and "single_threaded" not in left


def test_an_account_the_user_may_not_change_refuses_them_all(account, owner, other, leader):
    mine = overdue(account, owner, "Send the proposal")
    theirs = [a for a in alerts.alerts(other) if a.rule == "overdue_action"]
    wanted = [Picked(account.pk, "overdue_action", mine.pk), *map(picked, theirs)]
    with pytest.raises(NotFound):  # the owner does not see Borealis: nothing named
        snooze_alerts(wanted, "Later", by=owner)
    assert not AlertSnooze.objects.exists()


def test_a_viewer_is_refused_by_name(account, owner, viewer):
    late = overdue(account, owner, "Send the proposal")
    with pytest.raises(Forbidden, match="Acme Corp"):
        snooze_alerts([Picked(account.pk, "overdue_action", late.pk)], "Later", by=viewer)
    assert not AlertSnooze.objects.exists()


def test_one_alert_that_no_longer_fires_snoozes_none(account, owner):
    late = overdue(account, owner, "Send the proposal")
    on_time = services.create(
        Action, by=owner, account=account, title="Later", owner=owner, due_date=clock.today()
    )
    wanted = [Picked(account.pk, "overdue_action", pk) for pk in (late.pk, on_time.pk)]
    with pytest.raises(ValidationError, match="not raised any more"):
        snooze_alerts(wanted, "Later", by=owner)
    with pytest.raises(ValidationError, match="reason is required"):
        snooze_alerts(wanted[:1], "  ", by=owner)
    with pytest.raises(ValidationError, match="at most 90 days"):
        snooze_alerts(wanted[:1], "Next year", by=owner, days=120)
    with pytest.raises(ValidationError, match="at least one alert"):
        snooze_alerts([], "Later", by=owner)
    assert not AlertSnooze.objects.exists()
    assert Account.objects.count() == 1


def test_a_leader_snoozes_across_accounts(account, owner, other, leader):
    overdue(account, owner, "Send the proposal")
    chosen = [a for a in alerts.alerts(Account.objects.all()) if a.rule == "overdue_action"]
    assert {a.account_id for a in chosen} == {account.pk, other.pk}
    snooze_alerts(map(picked, chosen), "Board week", by=leader)
    assert alerts.counts(Account.objects.all())["overdue_action"] == 0


def test_a_picked_alert_is_read_from_the_checkbox_value():
    assert Picked.parse("12:overdue_action:7") == Picked(12, "overdue_action", 7)
    with pytest.raises(ValidationError):
        Picked.parse("12:overdue_action")
