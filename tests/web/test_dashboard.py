"""The portfolio dashboard: the figures of the accounts in scope, each explained."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from keyplan.accounts import services as account_services
from keyplan.core import services
from keyplan.growth import services as growth_services
from keyplan.growth.models import BusinessUnit, Play
from keyplan.insights.portfolio import FIGURES
from keyplan.risks.models import Risk


def plan(owner, name, *, tier, arr, open_value, product, play=None):
    account = account_services.create_account(by=owner, name=name, tier=tier, owner=owner)
    account_services.add_contract(
        account, by=owner, name="MSA", arr=Decimal(arr), start_date=date(2025, 1, 1)
    )
    unit = services.create(BusinessUnit, by=owner, account=account, name="Ops")
    growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=open_value)
    if play:
        services.create(Play, by=owner, account=account, name="Upsell", **play)
    return account


@pytest.fixture
def book(owner, outsider, leader, product, private_plans):
    """Two KAMs' accounts: Acme (owner's, tier 1) and Borealis (outsider's, tier 2)."""
    acme = plan(
        owner, "Acme", tier=1, arr=100_000, open_value=40_000, product=product,
        play={"stage": "opportunity", "target_arr": Decimal(20_000)},
    )  # fmt: skip
    borealis = plan(outsider, "Borealis", tier=2, arr=50_000, open_value=10_000, product=product)
    services.create(
        Risk, by=outsider, account=borealis, title="Budget freeze", category="budget_freeze",
        probability=3, impact=3, arr_at_risk=Decimal(10_000),
    )  # fmt: skip
    return acme, borealis


def figure(text, key):
    match = re.search(rf'data-figure="{key}">([^<]+)<', text)
    return match.group(1) if match else None


def test_a_leader_sees_the_whole_portfolio(client, book, leader):
    client.force_login(leader)
    text = client.get(reverse("portfolio")).text
    assert figure(text, "open_whitespace") == "$50,000"
    assert figure(text, "arr") == "$150,000"
    # One open play: 20,000 at an active opportunity's 50%.
    assert figure(text, "weighted_pipeline") == "$10,000"
    assert 'data-rule="single_threaded">2<' in text


def test_the_multithreading_chart_counts_accounts_in_words(client, book, owner, leader):
    def depth(person):
        client.force_login(person)
        chart = client.get(reverse("portfolio")).text.split("multithread depth")[1]
        return dict(
            re.findall(r'<g class="bar" data-label="([^"]+)".*?<title>[^:]+: ([^<]+)<', chart)
        )

    # Neither account has a warm or champion stakeholder.
    assert depth(owner)["0-1"] == "1 account"
    assert depth(leader)["0-1"] == "2 accounts"


def test_a_kam_sees_their_own_book(client, book, owner):
    client.force_login(owner)
    text = client.get(reverse("portfolio")).text
    assert figure(text, "open_whitespace") == "$40,000"
    assert figure(text, "arr") == "$100,000"


def test_filters_narrow_every_figure(client, book, leader):
    client.force_login(leader)
    text = client.get(reverse("portfolio"), {"tier": 2}).text
    assert figure(text, "open_whitespace") == "$10,000"
    assert figure(text, "arr") == "$50,000"


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_every_figure_explains_itself(client, book, leader, key):
    client.force_login(leader)
    response = client.get(reverse("insight", args=[key]), {"tier": 1})
    assert response.status_code == 200
    text = response.text
    assert "How it is computed" in text
    assert re.search(r'class="formula">\s*\S', text)


def test_an_explanation_lists_the_accounts_behind_a_figure(client, book, leader):
    client.force_login(leader)
    text = client.get(reverse("insight", args=["open_whitespace"])).text
    assert text.index(">Acme<") < text.index(">Borealis<")  # the larger part first
    assert "$40,000" in text and "$10,000" in text


def test_the_alert_list_names_the_record_to_fix(client, book, leader):
    client.force_login(leader)
    text = client.get(reverse("alerts"), {"rule": "unmitigated_risk"}).text
    assert "Borealis" in text and "Budget freeze" in text and "Acme" not in text


def test_an_unknown_figure_is_not_found(client, leader, db):
    client.force_login(leader)
    assert client.get(reverse("insight", args=["nonsense"])).status_code == 404


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, owner, leader, product, private_plans, django_assert_max_num_queries
):
    client.force_login(leader)
    client.get(reverse("portfolio"))
    counts = []
    for size in (2, 8):
        for n in range(size):
            plan(owner, f"Account {size}-{n}", tier=2, arr=1, open_value=1, product=product)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("portfolio")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
