"""Early warnings: each rule fires on a plan that breaks it, names the specifics and
points at the record to fix; it keeps quiet just inside its threshold or once fixed."""

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.cadence import services as cadence_services
from keyplan.core import clock, services
from keyplan.growth.models import Action, Objective, Play
from keyplan.insights import alerts
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Stakeholder
from keyplan.risks import services as risk_services
from keyplan.risks.models import Risk
from keyplan.team.models import Organisation


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def ago(days: int):
    """A date counted from the real today (also inside clock.travel)."""
    return timezone.localdate() - timedelta(days=days)


def ahead(days: int):
    return timezone.localdate() + timedelta(days=days)


def fired(rule: str, accounts=None) -> list[alerts.Alert]:
    found = alerts.alerts(Account.objects.all() if accounts is None else accounts)
    return [alert for alert in found if alert.rule == rule]


def person(account, owner, name, **values) -> Stakeholder:
    return services.create(Stakeholder, by=owner, account=account, name=name, **values)


# Single-threaded account
def test_an_account_with_one_warm_stakeholder_is_single_threaded(account, champion):
    (alert,) = fired("single_threaded")
    assert (alert.account_name, alert.severity) == ("Acme Corp", "high")
    assert "Only Sarah Lin is warm or champion" in alert.why
    assert alert.record == ("Stakeholder map", "#section-stakeholders")


def test_a_second_warm_stakeholder_makes_a_second_thread(account, champion, owner):
    person(account, owner, "James Park", strength=3)
    assert fired("single_threaded") == []


def test_a_warm_stakeholder_who_left_is_no_thread(account, champion, owner):
    person(account, owner, "James Park", strength=3, status="left")
    assert len(fired("single_threaded")) == 1


# Champion left
def test_a_champion_who_left_is_flagged(account, champion, owner):
    services.update(champion, by=owner, version=champion.version, status="left")
    (alert,) = fired("champion_left")
    assert alert.why.startswith("Sarah Lin (VP Ops, champion) has left the company")
    assert alert.record == ("Sarah Lin", f"#stakeholder-{champion.pk}")


def test_a_stakeholder_at_champion_strength_counts_as_a_champion(account, owner):
    person(account, owner, "James Park", role="user", strength=4, status="left")
    assert [a.record[0] for a in fired("champion_left")] == ["James Park"]


def test_a_new_active_champion_answers_the_departure(account, champion, owner):
    services.update(champion, by=owner, version=champion.version, status="left")
    person(account, owner, "Nia Cole", role="user", secondary_role="champion")
    assert fired("champion_left") == []


def test_a_non_champion_who_left_is_not_a_champion_departure(account, owner):
    person(account, owner, "James Park", role="user", strength=2, status="left")
    assert fired("champion_left") == []


# Economic buyer cold
@pytest.fixture
def buyer(account, owner):
    with clock.travel(moment(200)):
        return person(account, owner, "James Park", role="economic_buyer", power=3, strength=3)


def meet(account, owner, who, days_ago, meaningful=True):
    relationship_services.log_interaction(
        account,
        by=owner,
        stakeholders=[who],
        date=ago(days_ago),
        subject="Call",
        meaningful=meaningful,
    )


def test_an_economic_buyer_not_met_for_longer_than_the_limit_is_cold(account, owner, buyer):
    meet(account, owner, buyer, 74)
    meet(account, owner, buyer, 10, meaningful=False)  # an unanswered email does not count
    (alert,) = fired("buyer_cold")
    assert alert.why == "James Park (economic buyer) last met 74 days ago; the limit is 60"
    assert alert.record == ("James Park", f"#stakeholder-{buyer.pk}")


def test_an_economic_buyer_met_at_the_limit_is_not_cold(account, owner, buyer):
    meet(account, owner, buyer, 60)
    assert fired("buyer_cold") == []


def test_the_limit_is_the_organisation_s(account, owner, buyer, admin_user):
    meet(account, owner, buyer, 74)
    organisation = Organisation.current()
    services.update(organisation, by=admin_user, version=organisation.version, cold_buyer_days=80)
    assert fired("buyer_cold") == []


def test_a_buyer_never_met_counts_from_being_added(account, owner):
    person(account, owner, "New Buyer", role="influencer", secondary_role="economic_buyer")
    assert fired("buyer_cold") == []  # just added
    with clock.travel(moment(61)):
        person(account, owner, "Old Buyer", role="economic_buyer")
    (alert,) = fired("buyer_cold")
    assert alert.why == (
        "Old Buyer (economic buyer) has not been met in the 61 days on the map; the limit is 60"
    )


def test_a_buyer_imported_today_counts_from_the_crm_s_created_date(account, owner):
    person(account, owner, "Long Known", role="economic_buyer", on_map_since=ago(300))
    (alert,) = fired("buyer_cold")
    assert alert.why == (
        "Long Known (economic buyer) has not been met in the 300 days on the map; the limit is 60"
    )


# Red dots
def test_a_blocker_with_power_is_a_red_dot(account, owner):
    blocker = person(account, owner, "Mark Chen", role="blocker", power=2)
    (alert,) = fired("red_dot")
    assert alert.why == "Mark Chen (blocker) is red on the heat map: a blocker with medium power"
    assert (alert.record, alert.severity) == (("Mark Chen", f"#stakeholder-{blocker.pk}"), "medium")


def test_high_power_and_cold_is_a_red_dot(account, owner):
    person(account, owner, "Ana Ruiz", role="economic_buyer", power=3, strength=1)
    (alert,) = fired("red_dot")
    assert alert.why.endswith("high power and a cold relationship")


def test_green_yellow_and_departed_dots_are_not_red(account, owner, champion):
    person(account, owner, "Low Blocker", role="blocker", power=1)
    person(account, owner, "Neutral Boss", power=3, strength=2)
    person(account, owner, "Gone Blocker", role="blocker", power=3, status="left")
    assert fired("red_dot") == []


# Renewal without an executive touchpoint
@pytest.fixture
def contract(account, owner):
    return account_services.add_contract(
        account,
        by=owner,
        name="Platform 2026",
        arr=Decimal(120000),
        start_date=ago(320),
        end_date=ahead(45),
    )


def test_a_renewal_in_the_window_without_an_executive_touchpoint_is_flagged(account, contract):
    (alert,) = fired("renewal_unprepared")
    assert "“Platform 2026” ($120,000 ARR) ends on" in alert.why
    assert "in 45 days, with no executive touchpoint planned before it" in alert.why
    assert alert.record == ("Executive touchpoints", "#section-cadence")


def test_a_planned_qbr_before_the_renewal_silences_it(account, contract, owner):
    cadence_services.plan_touchpoint(account, by=owner, kind="qbr", date=ahead(30))
    assert fired("renewal_unprepared") == []


def test_a_cancelled_or_later_touchpoint_does_not_prepare_the_renewal(account, contract, owner):
    cadence_services.plan_touchpoint(account, by=owner, date=ahead(20), status="cancelled")
    cadence_services.plan_touchpoint(account, by=owner, date=ahead(50))
    # the window is the 90 days before the end: 45 days back from today
    cadence_services.plan_touchpoint(account, by=owner, date=ago(46), status="held")
    assert len(fired("renewal_unprepared")) == 1


def test_a_touchpoint_held_in_the_window_prepares_the_renewal(account, contract, owner):
    cadence_services.plan_touchpoint(account, by=owner, kind="ebr", date=ago(45), status="held")
    assert fired("renewal_unprepared") == []


def test_a_renewal_outside_the_window_is_not_flagged(account, owner):
    account_services.add_contract(
        account, by=owner, name="Later", arr=1, start_date=ago(10), end_date=ahead(91)
    )
    account_services.add_contract(
        account, by=owner, name="Ended", arr=1, start_date=ago(100), end_date=ago(1)
    )
    assert fired("renewal_unprepared") == []


# Actions
@pytest.fixture
def play(account, owner):
    return services.create(Play, by=owner, account=account, name="Analytics for Engineering")


def action(account, owner, due, **values) -> Action:
    values.setdefault("title", "Send the proposal")
    return services.create(Action, by=owner, account=account, owner=owner, due_date=due, **values)


def test_an_open_action_past_its_due_date_is_overdue(account, owner, play):
    late = action(account, owner, ago(12), play=play)
    (alert,) = fired("overdue_action")
    assert (
        alert.why
        == f"“Send the proposal” (Olga Owner) was due on {alerts._day(ago(12))}, 12 days ago"
    )
    assert alert.record == ("Send the proposal", f"#action-{late.pk}")


def test_an_action_due_today_or_done_is_not_overdue(account, owner, play):
    action(account, owner, clock.today(), play=play)
    action(account, owner, ago(3), title="Done", play=play, status="done", completed_on=ago(1))
    assert fired("overdue_action") == []


def test_an_action_tied_to_nothing_is_flagged(account, owner):
    loose = action(account, owner, ahead(5), title="Book a dinner")
    (alert,) = fired("untied_action")
    assert alert.why == "“Book a dinner” (Olga Owner) serves no objective and no play"
    assert alert.record == ("Book a dinner", f"#action-{loose.pk}")


def test_an_action_tied_to_a_play_or_an_objective_is_not(account, owner, play):
    goal = services.create(
        Objective, by=owner, account=account, title="Grow", metric="ARR", due_date=ahead(90)
    )
    action(account, owner, ahead(5), play=play)
    action(account, owner, ahead(5), title="Measure", objective=goal)
    action(account, owner, ahead(5), title="Old", status="cancelled")
    assert fired("untied_action") == []


# Stale plan and review cadence
def old_account(owner, days_ago, name="Globex", tier=3) -> Account:
    with clock.travel(moment(days_ago)):
        return account_services.create_account(by=owner, name=name, tier=tier)


def test_a_plan_untouched_for_longer_than_the_limit_is_stale(owner, private_plans):
    globex = old_account(owner, 45)
    (alert,) = fired("stale_plan")
    assert (alert.account_id, alert.account_name) == (globex.pk, "Globex")
    assert alert.why == (
        f"No change since {alerts._day(ago(45))} (45 days ago) and never reviewed; "
        "the limit is 30 days"
    )
    assert alert.record == ("Plan reviews", "#section-cadence")


def test_a_plan_reviewed_within_the_limit_is_not_stale(owner, private_plans):
    globex = old_account(owner, 45)
    with clock.travel(moment(30)):
        cadence_services.record_review(globex, "monthly", by=owner)
    assert fired("stale_plan") == []


def test_a_plan_changed_recently_is_not_stale(owner, private_plans):
    globex = old_account(owner, 45)
    services.update(globex, by=owner, version=globex.version, industry="Retail")
    assert fired("stale_plan") == []


def test_a_tier_1_plan_not_reviewed_for_a_week_is_overdue(account, owner):
    cadence_services.record_review(account, "weekly", by=owner, date=ago(8))
    (alert,) = fired("review_overdue")
    assert alert.why == (
        f"The last plan review was on {alerts._day(ago(8))}, 8 days ago; "
        "tier 1 plans are reviewed every 7 days"
    )
    assert alert.record == ("Plan reviews", "#section-cadence")


def test_a_review_at_the_tier_s_limit_is_not_overdue(account, owner):
    cadence_services.record_review(account, "weekly", by=owner, date=ago(7))
    globex = old_account(owner, 200, tier=3)
    cadence_services.record_review(globex, "quarterly", by=owner, date=ago(8))
    assert fired("review_overdue") == []


def test_a_plan_never_reviewed_counts_from_its_creation(account, owner):
    old_account(owner, 91, tier=3)
    old_account(owner, 90, name="Initech", tier=3)
    (alert,) = fired("review_overdue")  # Acme was created today, Initech just inside
    assert alert.account_name == "Globex"
    assert "No plan review in the 91 days since the plan was created" in alert.why


# Risks, health, trigger events
def risk(account, owner, **values) -> Risk:
    values = {"title": "Budget freeze", "category": "budget_freeze", **values}
    return services.create(Risk, by=owner, account=account, **values)


def test_a_high_risk_without_mitigation_is_flagged(account, owner):
    bare = risk(account, owner, probability=3, impact=2, arr_at_risk=Decimal(200000))
    (alert,) = fired("unmitigated_risk")
    assert alert.why == (
        "“Budget freeze” (high probability, medium impact, $200,000 ARR at risk) has no mitigation"
    )
    assert (alert.record, alert.severity) == (("Budget freeze", f"#risk-{bare.pk}"), "high")


def test_a_blank_mitigation_is_no_mitigation(account, owner):
    risk(account, owner, impact=3, mitigation="  \n ")
    assert len(fired("unmitigated_risk")) == 1


def test_mitigated_moderate_or_closed_risks_are_not_flagged(account, owner):
    risk(account, owner, title="Mitigated", probability=3, mitigation="Weekly sponsor call")
    risk(account, owner, title="Moderate", probability=2, impact=2)
    risk(account, owner, title="Closed", probability=3, impact=3, status="closed")
    assert fired("unmitigated_risk") == []


def test_low_adoption_in_the_latest_health_signals_is_flagged(account, owner):
    risk_services.record_health(account, ago(5), by=owner, licensed_seats=100, active_seats=59)
    (alert,) = fired("low_adoption")
    assert alert.why == (
        f"On {alerts._day(ago(5))}, 59 of 100 licensed seats were active (59%); the limit is 60%"
    )
    assert alert.record == ("Health signals", "#section-risks")


def test_adoption_at_the_limit_or_recovered_is_not_flagged(account, owner, private_plans):
    risk_services.record_health(account, ago(5), by=owner, licensed_seats=100, active_seats=60)
    globex = old_account(owner, 100)
    risk_services.record_health(globex, ago(60), by=owner, licensed_seats=10, active_seats=2)
    risk_services.record_health(globex, ago(30), by=owner, licensed_seats=10, active_seats=9)
    risk_services.record_health(globex, ago(1), by=owner, nps=40)  # no seat counts
    assert fired("low_adoption") == []


def test_a_new_trigger_event_asks_for_a_plan_update(account, owner):
    trigger = cadence_services.log_trigger(
        account, "executive_change", "New CFO from Oracle", by=owner, date=ago(3)
    )
    (alert,) = fired("new_trigger")
    assert alert.why == (
        f"Executive change on {alerts._day(ago(3))} (“New CFO from Oracle”) still needs a "
        "plan update, 3 days on"
    )
    assert alert.record == ("Executive change", f"#triggerevent-{trigger.pk}")
    cadence_services.handle_trigger(trigger, "Met the new CFO", by=owner, version=trigger.version)
    assert fired("new_trigger") == []


# The whole list
def every_warning(owner, name: str) -> Account:
    """An account old enough to be stale that breaks every rule once."""
    with clock.travel(moment(120)):
        plan = account_services.create_account(by=owner, name=name, tier=2)
        person(plan, owner, "Left Champion", role="champion", strength=4, status="left")
        person(plan, owner, "Cold Buyer", role="economic_buyer", power=3, strength=1)
        account_services.add_contract(
            plan, by=owner, name="Main", arr=Decimal(1000), start_date=ago(300), end_date=ahead(30)
        )
        action(plan, owner, ago(10), title="Late and loose")
        risk(plan, owner, probability=3)
        risk_services.record_health(plan, ago(100), by=owner, licensed_seats=10, active_seats=1)
        cadence_services.log_trigger(plan, "funding_round", "Series C", by=owner, date=ago(100))
        services.create(Play, by=owner, account=plan, name="Stalled deal", target_close_date=ago(5))
    return plan


def test_every_rule_fires_on_a_neglected_plan_sorted_by_severity_then_account(owner, private_plans):
    for name in ("Zeta", "Alpha"):
        every_warning(owner, name)
    found = alerts.alerts(Account.objects.all())
    assert Counter(a.rule for a in found) == {rule.key: 2 for rule in alerts.RULES}
    order = [(a.severity, a.account_name) for a in found]
    assert order == sorted(order, key=lambda o: (o[0] != "high", o[1]))
    assert alerts.counts(Account.objects.all()) == {rule.key: 2 for rule in alerts.RULES}


def test_alerts_cover_only_the_accounts_asked_about(account, champion, owner, outsider):
    every_warning(owner, "Globex")
    assert {a.account_name for a in alerts.alerts(account)} == {"Acme Corp"}
    assert alerts.alerts(Account.objects.visible_to(outsider)) == []
    assert alerts.counts(Account.objects.filter(owner=outsider)) == dict.fromkeys(
        (rule.key for rule in alerts.RULES), 0
    )


def test_rules_describe_themselves_with_the_organisation_s_thresholds(db):
    settings = Organisation.current()
    assert [rule.key for rule in alerts.RULES][:3] == [
        "single_threaded",
        "champion_left",
        "buyer_cold",
    ]
    described = {rule.key: rule.describe(settings) for rule in alerts.RULES}
    assert "more than 60 days" in described["buyer_cold"]
    assert "7 days (tier 1), 30 days (tier 2) or 90 days (tier 3)" in described["review_overdue"]
    assert "{" not in "".join(described.values())


@pytest.mark.parametrize("accounts", [3, 12])
def test_alerts_cost_the_same_queries_for_more_accounts(
    owner, private_plans, accounts, django_assert_max_num_queries
):
    for number in range(accounts):
        every_warning(owner, f"Account {number:02}")
    portfolio = Account.objects.filter(owner=owner)
    with django_assert_max_num_queries(14):  # the organisation, then one query per rule
        found = alerts.alerts(portfolio)
    assert len(found) == accounts * len(alerts.RULES)
    with django_assert_max_num_queries(2):  # the organisation, then one count of every rule
        alerts.counts(portfolio)


def test_an_empty_portfolio_has_no_alerts(db):
    assert alerts.alerts(Account.objects.none()) == []
    assert set(alerts.counts(Account.objects.none()).values()) == {0}
