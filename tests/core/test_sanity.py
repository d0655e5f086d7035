"""Sanity checks (core.sanity): a suspect value is saved, flagged on its record with the
reason and told to whoever wrote it; the check fires only when the value changes, and
the flag goes when the value is changed to one that passes or when someone clears it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.core import clock, sanity, services
from keyplan.core.errors import ConflictError
from keyplan.growth.models import Action, ActionStatus, Objective, Play, Stage
from keyplan.risks.models import Risk


@pytest.fixture
def paying(account, owner):
    """Acme pays $100,000 a year on a live contract."""
    account_services.add_contract(
        account, by=owner, name="Platform", arr=Decimal(100000), start_date=date(2025, 1, 1)
    )
    return Account.objects.get(pk=account.pk)


def risk(account, by, arr_at_risk, **values):
    return services.create(
        Risk, by=by, account=account, title="Champion leaving", category="champion_departure",
        arr_at_risk=Decimal(arr_at_risk), **values,
    )  # fmt: skip


def _owned(model, owner) -> dict:
    return {"owner": owner} if model is Action else {}


def days(n: int) -> date:
    return clock.today() + timedelta(days=n)


# ARR at risk above the account's ARR


def test_arr_at_risk_above_the_accounts_arr_is_saved_flagged_and_told(paying, owner):
    with sanity.collecting() as heard:
        saved = risk(paying, owner, 999_999)

    stored = Risk.objects.get(pk=saved.pk)
    assert stored.arr_at_risk == Decimal(999_999)  # never refused
    assert stored.value_checks == {
        "arr_at_risk": "$999,999 at risk is more than the account's ARR ($100,000)."
    }
    assert [(s.kind, s.record, s.field, s.pk) for s in heard] == [
        ("risk", "Champion leaving", "arr_at_risk", saved.pk)
    ]
    assert str(heard[0]).startswith("Check this value: risk “Champion leaving”, ARR at risk:")


def test_arr_at_risk_within_the_accounts_arr_is_not_flagged(paying, owner):
    with sanity.collecting() as heard:
        saved = risk(paying, owner, 100_000)

    assert heard == []
    assert Risk.objects.get(pk=saved.pk).value_checks == {}


# Target ARR below current ARR


def test_a_target_below_the_current_arr_is_flagged(paying, owner):
    with sanity.collecting() as heard:
        updated = account_services.update_account(
            paying, by=owner, version=paying.version, target_arr=Decimal(80000)
        )

    assert updated.target_arr == Decimal(80000)
    assert Account.objects.get(pk=paying.pk).value_checks == {
        "target_arr": "The target ARR ($80,000) is below the current ARR ($100,000)."
    }
    assert [s.field for s in heard] == ["target_arr"]


def test_a_target_above_the_current_arr_is_not_flagged(paying, owner):
    with sanity.collecting() as heard:
        account_services.update_account(
            paying, by=owner, version=paying.version, target_arr=Decimal(150000)
        )

    assert heard == []
    assert Account.objects.get(pk=paying.pk).value_checks == {}


def test_an_edit_that_leaves_the_target_alone_does_not_fire_again(paying, owner):
    flagged = account_services.update_account(
        paying, by=owner, version=paying.version, target_arr=Decimal(80000)
    )
    services.clear_check(flagged, "target_arr", by=owner, version=flagged.version)
    cleared = Account.objects.get(pk=paying.pk)

    with sanity.collecting() as heard:
        account_services.update_account(
            cleared, by=owner, version=cleared.version, industry="Retail",
            target_arr=Decimal(80000),  # sent again as it is: no change
        )  # fmt: skip

    assert heard == []
    assert Account.objects.get(pk=paying.pk).value_checks == {}


# Dates in the past


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Action, "due_date", {"title": "Send the proposal"}),
        (Objective, "due_date", {"title": "Grow seats", "metric": "seats"}),
        (Play, "target_close_date", {"name": "Analytics cross-sell"}),
    ],
)
def test_a_new_open_record_dated_in_the_past_is_flagged(account, owner, model, field, values):
    with sanity.collecting() as heard:
        record = services.create(
            model, by=owner, account=account, **_owned(model, owner), **{field: days(-3)}, **values
        )

    assert model.objects.get(pk=record.pk).value_checks[field].endswith("has already passed.")
    assert [(s.field, s.pk) for s in heard] == [(field, record.pk)]


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Action, "due_date", {"title": "Send the proposal"}),
        (Objective, "due_date", {"title": "Grow seats", "metric": "seats"}),
        (Play, "target_close_date", {"name": "Analytics cross-sell"}),
    ],
)
def test_a_new_record_dated_today_or_later_is_not_flagged(account, owner, model, field, values):
    with sanity.collecting() as heard:
        record = services.create(
            model, by=owner, account=account, **_owned(model, owner), **{field: days(0)}, **values
        )

    assert heard == []
    assert model.objects.get(pk=record.pk).value_checks == {}


def test_closed_records_logged_with_past_dates_are_not_flagged(account, owner):
    with sanity.collecting() as heard:
        services.create(
            Action, by=owner, account=account, owner=owner, title="Kick-off", due_date=days(-30),
            status=ActionStatus.DONE, completed_on=days(-31),
        )  # fmt: skip
        services.create(
            Play, by=owner, account=account, name="Renewal 2025", stage=Stage.WON,
            target_close_date=days(-90),
        )  # fmt: skip

    assert heard == []


def test_re_dating_into_the_past_fires_and_other_edits_do_not(account, owner):
    action = services.create(
        Action,
        by=owner,
        account=account,
        owner=owner,
        title="Send the proposal",
        due_date=days(7),
    )
    with sanity.collecting() as heard:
        action = services.update(action, by=owner, version=action.version, due_date=days(-1))
    assert [s.field for s in heard] == ["due_date"]

    # Time passes: the stored due date is in the past, but an edit of the title does
    # not judge it again (the overdue alert covers an action that runs late).
    services.clear_check(action, "due_date", by=owner, version=action.version)
    action = Action.objects.get(pk=action.pk)
    with sanity.collecting() as heard:
        action = services.update(action, by=owner, version=action.version, title="Send it")
    assert heard == []
    assert action.value_checks == {}


# Deal size more than 10x the account's ARR


def test_a_deal_more_than_ten_times_the_accounts_arr_is_flagged(paying, owner):
    with sanity.collecting() as heard:
        play = services.create(
            Play, by=owner, account=paying, name="Global rollout", target_arr=Decimal(1_000_001)
        )

    assert Play.objects.get(pk=play.pk).value_checks == {
        "target_arr": "A deal of $1,000,001 is more than 10 times the account's ARR ($100,000)."
    }
    assert [s.field for s in heard] == ["target_arr"]


def test_a_deal_of_ten_times_the_arr_or_on_an_account_without_arr_is_not_flagged(
    paying, account, owner
):
    other = account_services.create_account(by=owner, name="Prospect Inc")
    with sanity.collecting() as heard:
        services.create(Play, by=owner, account=paying, name="Big", target_arr=Decimal(1_000_000))
        services.create(
            Play, by=owner, account=other, name="First deal", target_arr=Decimal(5_000_000)
        )

    assert heard == []


# The flag goes


def test_the_flag_goes_when_the_value_is_changed_to_one_that_passes(paying, owner):
    flagged = risk(paying, owner, 500_000)
    assert "arr_at_risk" in flagged.value_checks

    with sanity.collecting() as heard:
        fixed = services.update(
            flagged, by=owner, version=flagged.version, arr_at_risk=Decimal(50_000)
        )

    assert heard == []
    assert Risk.objects.get(pk=fixed.pk).value_checks == {}


def test_a_change_to_another_suspect_value_keeps_the_flag_with_the_new_reason(paying, owner):
    flagged = risk(paying, owner, 500_000)

    changed = services.update(
        flagged, by=owner, version=flagged.version, arr_at_risk=Decimal(600_000)
    )

    assert changed.value_checks["arr_at_risk"].startswith("$600,000 at risk")


def test_clearing_the_flag_keeps_the_value_and_moves_the_version(paying, owner):
    flagged = risk(paying, owner, 500_000)

    cleared = services.clear_check(flagged, "arr_at_risk", by=owner, version=flagged.version)

    stored = Risk.objects.get(pk=flagged.pk)
    assert (stored.value_checks, stored.arr_at_risk) == ({}, Decimal(500_000))
    assert cleared.version == flagged.version + 1
    assert stored.history.first().history_user == owner


def test_clearing_from_a_stale_version_is_refused(paying, owner):
    flagged = risk(paying, owner, 500_000)
    services.update(flagged, by=owner, version=flagged.version, title="Champion left")

    with pytest.raises(ConflictError):
        services.clear_check(flagged, "arr_at_risk", by=owner, version=flagged.version)
    assert "arr_at_risk" in Risk.objects.get(pk=flagged.pk).value_checks


def test_clearing_a_value_without_a_check_is_refused(paying, owner):
    fine = risk(paying, owner, 10)
    with pytest.raises(ValidationError):
        services.clear_check(fine, "arr_at_risk", by=owner, version=fine.version)


def test_create_many_flags_and_tells_each_suspect_row(paying, owner):
    rows = [
        {"account": paying, "title": "A", "category": "other", "arr_at_risk": Decimal(1)},
        {"account": paying, "title": "B", "category": "other", "arr_at_risk": Decimal(10**6)},
    ]
    with sanity.collecting() as heard:
        made = services.create_many(Risk, rows, by=owner)

    assert [(s.record, s.pk) for s in heard] == [("B", made[1].pk)]
    assert Risk.objects.get(title="B").value_checks.keys() == {"arr_at_risk"}
    assert Risk.objects.get(title="A").value_checks == {}
