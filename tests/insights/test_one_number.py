"""One value per number: NovaTech ($180,000 ARR, open risks stating $405,000 at risk, so
they overlap) shows the same ARR at risk, risk exposure, weighted pipeline, open
whitespace and path to target on every surface that shows them."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.cadence.models import Touchpoint
from keyplan.demo import novatech
from keyplan.exchange.documents import sections
from keyplan.insights import numbers
from keyplan.insights.accounts import with_figures
from keyplan.insights.figures import shown
from keyplan.rhythm import digest, handoff_brief
from keyplan.risks.models import OPEN_RISK_STATUSES, Risk

KEYS = ("open_whitespace", "weighted_pipeline", "path_gap", "path_attainment")
KEYS += ("arr_at_risk", "risk_exposure")


def on_page(html: str, key: str) -> str:
    """The value an element marked data-figure="key" shows."""
    found = re.findall(rf'data-figure="{key}"[^>]*>([^<]+)<', html)
    assert found, f"{key} is not shown"
    assert len(set(found)) == 1, f"{key} shows {found}"
    return found[0].strip()


@pytest.fixture
def sample(novatech_users):
    return Account.objects.get(name=novatech.NAME)


def test_every_surface_shows_one_value_per_number(sample, novatech_users, client, capsys):
    figures = numbers.of_account(sample).by_key()
    expected = {key: figures[key].shown for key in KEYS}
    stated = sum(
        r.arr_at_risk for r in Risk.objects.filter(account=sample, status__in=OPEN_RISK_STATUSES)
    )
    # Given risks that overlap: they state more than the account's ARR
    arr = figures["path_gap"].inputs["current ARR"]
    assert stated > arr
    assert figures["arr_at_risk"].value == arr  # counted once, never more than the ARR
    assert figures["risk_exposure"].value <= arr

    client.force_login(novatech_users["kam"])
    surfaces = {
        "plan page": client.get(reverse("plan", args=[sample.pk])).text,
        "QBR brief": client.get(
            reverse(
                "touchpoint-brief",
                args=[sample.pk, Touchpoint.objects.filter(account=sample).first().pk],
            )
        ).text,
        "handoff brief": render_to_string(
            "rhythm/_handoff_brief.html",
            {"brief": handoff_brief.brief(sample, new_owner=novatech_users["contributor"])},
        ),
    }
    for surface, html in surfaces.items():
        for key in KEYS:
            assert on_page(html, key) == expected[key], (surface, key)

    client.force_login(novatech_users["leader"])
    board = client.get(reverse("portfolio") + f"?account={sample.pk}").text
    for key in ("open_whitespace", "weighted_pipeline", "path_gap", "path_attainment"):
        assert on_page(board, key) == expected[key], ("dashboard", key)
    for key in ("arr_at_risk", "risk_exposure"):
        assert on_page(board, key) == expected[key], ("dashboard", key)

    api = client.get(f"/api/v1/accounts/{sample.pk}/metrics").json()["numbers"]
    for key in KEYS:
        assert shown(api[key]["value"], api[key]["unit"]) == expected[key], ("API", key)
        assert api[key]["label"] == figures[key].label

    # The whole plan as JSON (the API's plan read, `keyplan export`) carries the same open
    # whitespace, as an amount
    document = client.get(f"/api/v1/accounts/{sample.pk}/plan").json()
    assert (
        shown(Decimal(str(document["whitespace"]["open_value"])), "money")
        == expected["open_whitespace"]
    ), "JSON plan"

    capsys.readouterr()
    call_command("export", novatech.NAME, "--format", "md", stdout=StringIO())
    markdown = capsys.readouterr().out
    for key in KEYS:
        assert f"| {figures[key].label} | {expected[key]} |" in markdown, ("Markdown", key)

    # The PDF prints the headline numbers of the loaded plan (exchange/pdf/numbers.html)
    printed = render_to_string(
        "exchange/pdf/numbers.html", {"account": sample, "numbers": sections.load(sample).numbers}
    )
    for key in KEYS:
        label = re.escape(figures[key].label)
        assert re.search(rf"<dt>{label}</dt><dd>{re.escape(expected[key])}", printed), ("PDF", key)

    found = digest.build(novatech_users["kam"])
    for account in found.renewals:
        if account.pk == sample.pk:
            assert shown(account.arr_at_risk, "money") == expected["arr_at_risk"], "digest"


def test_one_absurd_risk_cannot_push_the_exposure_past_the_accounts_arr(sample, novatech_users):
    portfolio = Account.objects.all()
    arr = numbers.numbers(portfolio).path_to_target.current_arr  # of accounts with a target
    typo = Risk.objects.filter(account=sample, status__in=OPEN_RISK_STATUSES).first()
    Risk.objects.filter(pk=typo.pk).update(arr_at_risk=Decimal("999999999999"))

    figures = numbers.numbers(portfolio)

    total_arr = sum((a.arr for a in with_figures(portfolio)), Decimal(0))
    assert figures.risk_exposure.value <= total_arr
    assert figures.arr_at_risk.value <= total_arr
    assert figures.risk_exposure.inputs["accounts whose risks state more than their ARR"] >= 1
    assert arr.value is None or arr.value <= total_arr
