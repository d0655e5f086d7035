"""The demo portfolio: NovaTech's sample plan exactly, and a varied, living portfolio."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Min
from django.test import RequestFactory, override_settings

from keyplan.accounts.models import Account, RevenueYear
from keyplan.cadence.models import Touchpoint, TriggerEvent
from keyplan.core import access, clock
from keyplan.demo import portfolio
from keyplan.growth.models import (
    Action,
    BusinessUnit,
    Objective,
    Play,
    Product,
    ResourceRequest,
    Stage,
    WhitespaceCell,
)
from keyplan.relationships.models import Influence, Interaction, Stakeholder
from keyplan.risks.models import HealthSnapshot, Risk, RiskCategory, SwotItem
from keyplan.team.models import Organisation, PlanVisibility, User

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, built once for this module and rolled back after it."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        summary = portfolio.build(seed=2026)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def novatech(demo, db):
    out = StringIO()
    call_command("plan", "show", "NovaTech", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_novatech_is_the_sample_plan(novatech):
    assert novatech["account"]["name"] == "NovaTech"
    assert novatech["account"]["owner"] == "kam"
    assert novatech["profile"]["industry"] == "Software"
    assert "Mid-market SaaS" in novatech["profile"]["business_model"]
    assert novatech["profile"]["employees"] == 400
    assert novatech["profile"]["annual_revenue"] == 85_000_000
    people = {s["name"]: s for s in novatech["stakeholders"]}
    assert (people["Sarah Lin"]["title"], people["Sarah Lin"]["role"]) == ("VP Ops", "champion")
    assert (people["James Park"]["title"], people["James Park"]["role"]) == (
        "CFO",
        "economic_buyer",
    )
    priya = people["Priya Desai"]
    assert (priya["title"], priya["role"], priya["secondary_role"]) == (
        "IT Director",
        "technical_buyer",
        "evaluator",
    )


def test_novatech_whitespace_objective_and_next_action(novatech):
    engineering = next(
        u for u in novatech["whitespace"]["business_units"] if u["name"] == "Engineering"
    )
    assert engineering["headcount"] == 120
    cell = next(
        c
        for c in novatech["whitespace"]["cells"]
        if (c["business_unit"], c["product"]) == ("Engineering", "Analytics")
    )
    assert (cell["status"], cell["estimated_value"]) == ("open", 45000)
    assert "not using the analytics module" in cell["notes"]
    objectives = [o["title"] for o in novatech["objectives"]]
    assert "Close analytics module deal with Engineering by Q3 2026, adding $45K ARR" in objectives
    action = next(a for a in novatech["actions"] if a["title"].startswith("Sarah introduces"))
    assert action["title"] == "Sarah introduces us to Engineering lead by June 15"
    assert action["due_date"].endswith("-06-15")
    assert action["owner"] == "kam"  # the AE
    assert action["objective"] == objectives[0]


def test_novatech_has_every_section_filled(novatech):
    assert len(novatech["growth"]["plays"]) >= 5
    assert {p["stage"] for p in novatech["growth"]["plays"]} == set(Stage.values)
    assert novatech["heat_map"]["counts"]["red"] >= 1
    assert novatech["heat_map"]["counts"]["green"] >= 1
    assert novatech["risks"] and novatech["resources"] and novatech["cadence"]["touchpoints"]
    assert all(novatech["swot"].values())
    assert novatech["health"]["latest"]["licensed_seats"] == 150
    assert novatech["cadence"]["sponsors"] == [
        {"ours": "leader", "ours_name": "Lena Hartmann", "theirs": "James Park"}
    ]


def test_the_portfolio_spans_tiers_industries_and_the_catalog(demo, db):
    assert Account.objects.count() == 25
    assert set(Account.objects.values_list("tier", flat=True)) == {1, 2, 3}
    assert Account.objects.values("industry").distinct().count() >= 8
    assert Account.objects.prospects().exists()
    assert 6 <= Product.objects.count() <= 8


def test_every_account_has_a_full_plan(demo, db):
    products = Product.objects.count()

    def per_account(model):
        return dict(model.objects.values_list("account").annotate(n=Count("id")))

    people, units, cells, plays = (
        per_account(model) for model in (Stakeholder, BusinessUnit, WhitespaceCell, Play)
    )
    others = [per_account(model) for model in (SwotItem, Objective, Action, ResourceRequest)]
    for pk, name in Account.objects.values_list("pk", "name"):
        assert 6 <= people[pk] <= 40, name
        assert 3 <= units[pk] <= 10, name
        assert cells[pk] == units[pk] * products, name
        assert 3 <= plays[pk] <= 8, name
        assert all(counts.get(pk) for counts in others), name


def test_reporting_lines_and_influence_links(demo, db):
    for account in Account.objects.all():
        people = Stakeholder.objects.filter(account=account)
        assert people.filter(reports_to__isnull=False).exists(), account.name
        assert not people.exclude(reports_to__isnull=True).exclude(reports_to__account=account)
        assert Influence.objects.filter(source__account=account).exists(), account.name


def test_the_portfolio_shows_every_stage_risk_and_signal(demo, db):
    today = clock.today()
    assert set(Play.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Risk.objects.values_list("category", flat=True)) == set(RiskCategory.values)
    assert Touchpoint.objects.filter(date__lt=today).exists()
    assert Touchpoint.objects.filter(date__gt=today).exists()
    assert Action.objects.filter(status="open", due_date__lt=today).exists()  # overdue
    assert Action.objects.filter(objective__isnull=True, play__isnull=True).exists()
    assert TriggerEvent.objects.filter(status="new").exists()
    assert TriggerEvent.objects.filter(status="handled").exists()


def test_a_year_of_interactions_health_and_revenue(demo, db):
    today = clock.today()
    first = Interaction.objects.aggregate(first=Min("date"))["first"]
    assert first <= today - timedelta(days=300)
    for account in Account.objects.customers():
        months = HealthSnapshot.objects.filter(account=account).dates("date", "month")
        assert len(months) >= 10, account.name
        assert RevenueYear.objects.filter(account=account).count() >= 3, account.name


def test_history_spreads_over_past_months_with_changes(demo, db):
    changes = Stakeholder.history.filter(history_type="~")
    assert len(changes.dates("history_date", "month")) >= 10
    assert changes.values("id").distinct().count() >= 20
    assert WhitespaceCell.history.filter(history_type="~").exists()
    assert Play.history.filter(history_type="~").exists()


def test_the_demo_logins_and_their_access(demo, db):
    assert Organisation.current().plan_visibility == PlanVisibility.ACCOUNT_TEAM
    validate_password(portfolio.PASSWORD)  # the documented password meets the rules
    for username in portfolio.PERSONAS:
        # A sign-in passes the lockout check, which needs the request it came with.
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=portfolio.PASSWORD), username
    novatech = Account.objects.get(name="NovaTech")
    users = {u.username: u for u in User.objects.all()}
    assert Account.objects.visible_to(users["kam"]).filter(pk=novatech.pk).exists()
    assert access.can_edit_account(users["contributor"], novatech)
    assert access.can_view_account(users["viewer"], novatech)
    assert not access.can_edit_account(users["viewer"], novatech)
    assert not Account.objects.visible_to(users["outsider"]).exists()
    assert Account.objects.visible_to(users["leader"]).count() == 25
    assert BusinessUnit.objects.visible_to(users["outsider"]).count() == 0


def test_the_demo_dashboard_shows_every_figure_and_explains_it(demo, db, client):
    from keyplan.insights.portfolio import FIGURES

    client.force_login(User.objects.get(username="leader"))
    text = client.get("/").text
    shown = set(re.findall(r'data-figure="([a-z_]+)">([^<]+)<', text))
    # Every headline figure has a value: the demo has data for each one.
    assert {key for key, value in shown if value.strip() not in {"", "—"}} >= {
        "arr", "open_whitespace", "weighted_pipeline", "target_arr", "path_gap",
        "risk_exposure", "nrr", "grr", "share_of_wallet", "coverage", "single_threaded",
        "red_dots", "freshness", "cadence",
    }  # fmt: skip
    for heading in ("Multithreading", "Alerts"):
        assert heading in text
    for key in FIGURES:
        page = client.get(f"/insights/{key}/")
        assert page.status_code == 200, key
        assert "How it is computed" in page.text and 'class="facts"' in page.text, key
        # The accounts behind the figure, each linking to its plan.
        assert re.search(r'href="/accounts/\d+/"', page.text), key


def test_a_recent_handoff_shows_its_brief_to_the_new_owner(demo, db, client):
    from keyplan.accounts.models import Handoff

    record = Handoff.objects.get()
    assert (record.account.name, record.previous_owner.username, record.new_owner.username) == (
        "Pinnacle Credit Union", "jonas", "dev"
    )  # fmt: skip
    assert not Action.objects.filter(
        account=record.account, owner__username="jonas", status="open"
    ).exists()  # moved with the account
    client.force_login(record.new_owner)
    week = client.get("/my/").text
    assert "Pinnacle Credit Union</a> from Jonas Berg" in week
