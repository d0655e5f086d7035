"""The numbers through the API: the same figures, formulas and records as the pages,
about the accounts the caller may see."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyplan.accounts import services as account_services
from keyplan.core import clock, services
from keyplan.growth import services as growth_services
from keyplan.growth.models import Action, BusinessUnit
from keyplan.team.models import Organisation, PlanVisibility
from tests.api.conftest import client_for


@pytest.fixture
def whitespace(account, owner, unit, product):
    """Acme: Engineering x Analytics open at $45K; a second unit's cell sold."""
    growth_services.set_cell(unit, product, by=owner, status="open", estimated_value=Decimal(45000))
    sales = services.create(BusinessUnit, by=owner, account=account, name="Sales")
    growth_services.set_cell(sales, product, by=owner, status="sold")
    return account


@pytest.fixture
def overdue(account, owner):
    return services.create(
        Action,
        by=owner,
        account=account,
        title="Send the renewal proposal",
        owner=owner,
        due_date=clock.today() - timedelta(days=3),
    )


def test_the_portfolio_totals_the_open_whitespace_of_the_callers_accounts(api, whitespace):
    response = api.get("/portfolio")

    assert response.status_code == 200
    open_whitespace = response.json()["figures"]["open_whitespace"]
    assert open_whitespace["value"] == 45000
    assert "open" in open_whitespace["formula"]
    by_product = {row["label"]: row["figure"]["value"] for row in response.json()[
        "whitespace_by_product"
    ]}  # fmt: skip
    assert by_product["Analytics"] == 45000


def test_an_explanation_lists_the_accounts_behind_a_figure(api, whitespace, owner):
    account_services.create_account(by=owner, name="Empty Inc", tier=2)

    response = api.get("/portfolio/figures/open_whitespace")

    assert response.status_code == 200
    body = response.json()
    assert body["figure"]["value"] == 45000
    rows = {row["account_name"]: row["contribution"] for row in body["accounts"]["results"]}
    assert rows["Acme Corp"] == 45000
    assert rows["Empty Inc"] == 0


def test_filters_narrow_the_portfolio(api, whitespace):
    tier_one = api.get("/portfolio?tier=1").json()
    assert tier_one["figures"]["open_whitespace"]["value"] == 45000
    tier_two = api.get("/portfolio?tier=2").json()
    assert tier_two["filters"] == {"tier": "2"}
    assert tier_two["figures"]["open_whitespace"]["value"] == 0


def test_an_outsider_sees_none_of_the_accounts_numbers(outsider, whitespace, overdue):
    client = client_for(outsider)

    assert client.get(f"/accounts/{whitespace.pk}/metrics").status_code == 404
    assert client.get("/portfolio").json()["figures"]["open_whitespace"]["value"] == 0
    assert client.get("/alerts").json()["count"] == 0
    assert client.get(f"/alerts?account_id={whitespace.pk}").status_code == 404


def test_a_kams_portfolio_is_their_own_book(outsider, leader, admin_user, whitespace):
    """With every plan open to all users, another KAM reads Acme's plan, but their
    portfolio counts only the accounts they own; a leader's counts all."""
    organisation = Organisation.current()
    services.update(
        organisation,
        by=admin_user,
        version=organisation.version,
        plan_visibility=PlanVisibility.ALL_USERS,
    )
    other_kam = client_for(outsider)

    assert other_kam.get(f"/accounts/{whitespace.pk}/metrics").status_code == 200
    assert other_kam.get("/portfolio").json()["figures"]["open_whitespace"]["value"] == 0
    assert client_for(leader).get("/portfolio").json()["figures"]["open_whitespace"][
        "value"
    ] == 45000  # fmt: skip


def test_the_account_metrics_show_health_completeness_and_the_forecast(api, whitespace):
    response = api.get(f"/accounts/{whitespace.pk}/metrics")

    assert response.status_code == 200
    body = response.json()
    assert body["health"]["score"]["formula"]
    assert {part["key"] for part in body["health"]["parts"]} >= {"health_coverage"}
    sections = {section["key"] for section in body["completeness"]["sections"]}
    assert len(sections) >= 9
    band = body["forecast"]
    assert band["p10"] <= band["p50"] <= band["p90"]
    assert band["runs"] == 2000


def test_an_overdue_action_is_an_alert_that_links_to_it(api, account, overdue):
    response = api.get("/alerts?rule=overdue_action")

    assert response.status_code == 200
    [alert] = response.json()["results"]
    assert alert["account_name"] == "Acme Corp"
    assert "Send the renewal proposal" in alert["why"] + alert["record"]["label"]
    assert alert["record"]["url"].endswith(f"/accounts/{account.pk}/#action-{overdue.pk}")
    metrics = api.get(f"/accounts/{account.pk}/metrics").json()
    assert "overdue_action" in {a["rule"] for a in metrics["alerts"]}


def test_an_action_done_clears_its_alert(api, account, owner, overdue):
    services.update(
        overdue, by=owner, version=overdue.version, status="done", completed_on=clock.today()
    )

    assert api.get("/alerts?rule=overdue_action").json()["count"] == 0


def test_an_unknown_figure_or_rule_is_refused(api):
    assert api.get("/portfolio/figures/happiness").status_code == 422
    response = api.get("/alerts?rule=moon_phase")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def queries(client, url) -> int:
    client.get(url)  # the token's first use of the minute also notes "last used"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/portfolio", "/alerts", "/portfolio/figures/arr"])
def test_portfolio_reads_cost_no_more_queries_for_more_accounts(api, owner, url):
    account_services.create_account(by=owner, name="One")
    few = queries(api, url)
    for number in range(6):
        account_services.create_account(by=owner, name=f"Account {number}", tier=2)

    assert queries(api, url) == few
