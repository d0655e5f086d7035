"""Sanity checks on the plan page: a suspect value is saved, the page's message says
so, and the record shows "check this value" with the reason until the value is
changed to one that passes or the flag is cleared."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.core import clock, services
from keyplan.growth.models import Play
from keyplan.risks.models import Risk

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def paying(account, owner):
    account_services.add_contract(
        account, by=owner, name="Platform", arr=Decimal(100000), start_date=date(2025, 1, 1)
    )
    return Account.objects.get(pk=account.pk)


@pytest.fixture
def editor(client, member):
    client.force_login(member)
    return client


def risk_data(**changes):
    data = {
        "title": "Budget freeze",
        "category": "budget_freeze",
        "probability": 2,
        "impact": 2,
        "arr_at_risk": "40000",
        "status": "open",
    }
    return {**data, **changes}


def test_a_suspect_value_is_saved_and_the_message_and_the_record_say_so(editor, paying):
    response = editor.post(
        reverse("plan-record", args=[paying.pk, "risks"]),
        risk_data(arr_at_risk="999999999999"),
        **HX,
    )

    assert response.status_code == 200, response.text
    saved = Risk.objects.get(title="Budget freeze")
    assert saved.arr_at_risk == Decimal("999999999999")
    html = response.text
    assert '<div id="notice" hx-swap-oob="innerHTML">Saved. Check this value: risk' in html
    assert "ARR at risk: $999,999,999,999 at risk is more than the account&#x27;s ARR" in html
    assert 'data-check="arr_at_risk">check this value: $999,999,999,999 at risk' in html
    assert reverse("plan-check-clear", args=[paying.pk, "risks", saved.pk, "arr_at_risk"]) in html


def test_a_plausible_value_is_saved_without_a_message_or_flag(editor, paying):
    response = editor.post(reverse("plan-record", args=[paying.pk, "risks"]), risk_data(), **HX)

    assert response.status_code == 200, response.text
    assert 'id="notice"' not in response.text
    assert "check this value" not in response.text


def test_the_plan_page_shows_the_flag_beside_the_account_target(client, owner, paying):
    account_services.update_account(
        paying, by=owner, version=paying.version, target_arr=Decimal(60000)
    )
    client.force_login(owner)

    html = client.get(reverse("plan", args=[paying.pk])).text

    assert (
        'data-check="target_arr">check this value: The target ARR ($60,000) is below the '
        "current ARR ($100,000)."
    ) in html
    assert reverse("plan-account-check-clear", args=[paying.pk, "target_arr"]) in html


def test_clearing_the_flag_keeps_the_value_and_removes_the_flag(editor, owner, paying):
    flagged = services.create(
        Risk, by=owner, account=paying, title="Rival", category="competitor",
        arr_at_risk=Decimal(500000),
    )  # fmt: skip
    url = reverse("plan-check-clear", args=[paying.pk, "risks", flagged.pk, "arr_at_risk"])

    response = editor.post(url, {"version": flagged.version}, **HX)

    assert response.status_code == 200, response.text
    assert "check this value" not in response.text
    stored = Risk.objects.get(pk=flagged.pk)
    assert (stored.value_checks, stored.arr_at_risk) == ({}, Decimal(500000))


def test_clearing_from_a_stale_page_is_refused(editor, owner, paying):
    flagged = services.create(
        Risk, by=owner, account=paying, title="Rival", category="competitor",
        arr_at_risk=Decimal(500000),
    )  # fmt: skip
    services.update(flagged, by=owner, version=flagged.version, mitigation="Exec call")
    url = reverse("plan-check-clear", args=[paying.pk, "risks", flagged.pk, "arr_at_risk"])

    response = editor.post(url, {"version": flagged.version}, **HX)

    assert response.status_code == 409
    assert "arr_at_risk" in Risk.objects.get(pk=flagged.pk).value_checks


def test_a_viewer_cannot_clear_a_flag(client, viewer, owner, paying):
    flagged = services.create(
        Risk, by=owner, account=paying, title="Rival", category="competitor",
        arr_at_risk=Decimal(500000),
    )  # fmt: skip
    client.force_login(viewer)
    url = reverse("plan-check-clear", args=[paying.pk, "risks", flagged.pk, "arr_at_risk"])

    response = client.post(url, {"version": flagged.version}, **HX)

    assert response.status_code in (403, 404)
    assert "arr_at_risk" in Risk.objects.get(pk=flagged.pk).value_checks


def test_re_dating_a_flagged_play_to_a_future_date_clears_its_flag(editor, owner, paying):
    play = services.create(
        Play, by=owner, account=paying, name="Land finance",
        target_close_date=clock.today() - timedelta(days=5),
    )  # fmt: skip
    assert "target_close_date" in play.value_checks
    later = clock.today() + timedelta(days=30)

    response = editor.post(
        reverse("plan-record", args=[paying.pk, "plays", play.pk]),
        {
            "name": "Land finance", "kind": "expansion", "stage": "idea", "target_arr": "0",
            "target_close_date": later.isoformat(), "version": play.version,
        },
        **HX,
    )  # fmt: skip

    assert response.status_code == 200, response.text
    assert 'id="notice"' not in response.text
    assert "check this value" not in response.text
    assert Play.objects.get(pk=play.pk).value_checks == {}
