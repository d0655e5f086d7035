"""Relationship coverage, multithread depth, single-threaded accounts and red dots."""

from datetime import timedelta
from decimal import Decimal

from keyplan.core import services
from keyplan.insights import relationships
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import Organisation

from .conftest import ago, meet, moment, person


def contributions(figure) -> dict:
    return {account.name: account.contribution for account in figure.breakdown}


def test_coverage_is_key_stakeholders_met_in_the_window_over_key_stakeholders(portfolio):
    # Key: Acme Sarah, Bob, Carl; Beta Gina, Hal. Met within 90 days: Sarah (10 days ago),
    # Bob (90: the limit counts; his email of 5 days ago is not meaningful), Gina (30).
    figure = relationships.coverage(portfolio.accounts, today=portfolio.today)
    assert figure.value == Decimal("60.0")  # 3 / 5
    assert figure.inputs["key stakeholders"] == 5
    assert figure.inputs["covered"] == 3
    assert "90 days" in figure.formula


def test_coverage_lists_the_least_covered_accounts_first(portfolio):
    figure = relationships.coverage(portfolio.accounts, today=portfolio.today)
    assert list(figure.breakdown.values_list("name", flat=True)) == [
        "Beta Retail",  # 1 / 2
        "Acme Corp",  # 2 / 3
        "Gamma Labs",  # no key stakeholders
    ]
    assert contributions(figure) == {
        "Beta Retail": Decimal("50.0"),
        "Acme Corp": Decimal("66.7"),
        "Gamma Labs": None,
    }


def test_coverage_follows_the_organisation_s_window(portfolio, admin_user):
    organisation = Organisation.current()
    services.update(organisation, by=admin_user, version=organisation.version, coverage_days=30)
    figure = relationships.coverage(portfolio.accounts, today=portfolio.today)
    assert figure.value == Decimal("40.0")  # Sarah (10 days) and Gina (30: the limit) of 5
    one = relationships.coverage(portfolio.only(portfolio.acme), today=portfolio.today)
    assert one.value == Decimal("33.3")  # Acme: only Sarah of 3


def test_a_stakeholder_who_left_is_not_key(portfolio):
    # Finn (primary, power high) left five days ago: Acme still has 3 key stakeholders.
    figure = relationships.coverage(portfolio.only(portfolio.acme), today=portfolio.today)
    assert figure.inputs["key stakeholders"] == 3


def test_coverage_without_key_stakeholders_is_unknown(portfolio):
    figure = relationships.coverage(portfolio.only(portfolio.gamma), today=portfolio.today)
    assert figure.value is None
    assert figure.reason == "no key stakeholders"


def test_multithread_depth_counts_warm_and_champion_active_stakeholders(portfolio):
    # Acme: Sarah (champion) and Carl (warm) = 2; Beta: Gina (warm) = 1; Gamma: none.
    depth = relationships.multithread_depth(portfolio.accounts)
    assert depth.depth.value == Decimal("1.0")  # (2 + 1 + 0) / 3
    assert {label: f.value for label, f in depth.distribution} == {
        "0-1": 2,
        "2-3": 1,
        "4+": 0,
    }
    assert contributions(depth.depth) == {"Gamma Labs": 0, "Beta Retail": 1, "Acme Corp": 2}
    low = dict(depth.distribution)["0-1"]
    assert set(low.breakdown.values_list("name", flat=True)) == {"Beta Retail", "Gamma Labs"}


def test_one_account_s_depth_is_its_own(portfolio):
    depth = relationships.multithread_depth(portfolio.only(portfolio.acme))
    assert depth.depth.value == 2


def test_single_threaded_accounts_have_at_most_one_warm_stakeholder(portfolio):
    figure = relationships.single_threaded(portfolio.accounts)
    assert figure.value == 2  # Beta (Gina) and Gamma (nobody)
    assert figure.inputs["accounts"] == 3
    assert list(figure.breakdown.values_list("name", flat=True)) == ["Gamma Labs", "Beta Retail"]


def test_red_dots_count_active_stakeholders_coloured_red(portfolio):
    # Acme: Bob (high power, cold), Eve (blocker, medium power); Beta: Hal (high, cold).
    figure = relationships.red_dots(portfolio.accounts)
    assert figure.value == 3
    assert contributions(figure) == {"Acme Corp": 2, "Beta Retail": 1, "Gamma Labs": 0}


def test_the_red_dot_trajectory_compares_with_the_map_of_a_month_ago(portfolio):
    # A month ago: Acme Bob, Carl (then high power and cold) and Eve; Beta Ian (a blocker
    # with power, deleted 20 days ago); Hal was added 10 days ago.
    trajectory = relationships.red_dot_trajectory(portfolio.accounts)
    assert (trajectory.now.value, trajectory.before.value, trajectory.change.value) == (3, 4, -1)
    assert contributions(trajectory.before) == {"Acme Corp": 3, "Beta Retail": 1, "Gamma Labs": 0}
    assert contributions(trajectory.change) == {"Acme Corp": -1, "Beta Retail": 0, "Gamma Labs": 0}


def test_the_trajectory_can_be_read_as_of_a_past_moment(portfolio):
    # 25 days ago Carl was still red, Ian not yet deleted and Hal not yet added.
    trajectory = relationships.red_dot_trajectory(portfolio.accounts, now=moment(25))
    assert trajectory.now.value == 4  # Bob, Carl, Eve, Ian
    assert trajectory.before.value == 0  # a month before that, nobody was on the map
    assert trajectory.change.value == 4


def test_the_month_before_the_end_of_march_is_the_end_of_february():
    from datetime import datetime

    assert relationships.month_before(datetime(2026, 3, 31, 9)) == datetime(2026, 2, 28, 9)
    assert relationships.month_before(datetime(2026, 1, 15)) == datetime(2025, 12, 15)


def test_a_new_meeting_covers_a_key_stakeholder(portfolio, owner):
    meet(portfolio.acme, owner, 2, [Stakeholder.objects.get(name="Carl Tech")])
    figure = relationships.coverage(portfolio.only(portfolio.acme), today=portfolio.today)
    assert figure.value == Decimal("100.0")  # 3 / 3


# Someone new is not yet "not met"


def test_a_key_stakeholder_new_and_never_met_counts_once_the_window_has_passed(portfolio, owner):
    acme = portfolio.only(portfolio.acme)
    person(portfolio.acme, owner, "Nina New", power=3)
    figure = relationships.coverage(acme, today=portfolio.today)
    assert figure.value == Decimal("66.7")  # still Sarah and Bob of Sarah, Bob and Carl
    assert figure.inputs["key stakeholders"] == 3
    assert figure.inputs["new, never met"] == 1
    assert "never met and on the map for less than 90 days" in figure.formula
    later = relationships.coverage(acme, today=portfolio.today + timedelta(days=90))
    assert later.inputs["key stakeholders"] == 4  # Nina now counts, not covered
    assert later.inputs["new, never met"] == 0


def test_someone_on_the_map_long_ago_or_met_before_counts_at_once(portfolio, owner):
    acme = portfolio.only(portfolio.acme)
    person(portfolio.acme, owner, "Olga Imported", power=3, on_map_since=ago(400))
    met_before = person(portfolio.acme, owner, "Pia Known", power=3)
    meet(portfolio.acme, owner, 200, [met_before])
    figure = relationships.coverage(acme, today=portfolio.today)
    assert figure.inputs["key stakeholders"] == 5
    assert figure.inputs["covered"] == 2
    assert figure.inputs["new, never met"] == 0
