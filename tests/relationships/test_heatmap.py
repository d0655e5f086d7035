"""The heat map rule, stated once in Python and once in SQL, must agree."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyplan.core import services
from keyplan.relationships import heatmap
from keyplan.relationships.models import BuyingRole, Stakeholder


def test_the_rule_of_the_design():
    assert heatmap.colour(3, 4, ("champion", "")) == "green"
    assert heatmap.colour(3, 3, ("economic_buyer", "")) == "green"
    assert heatmap.colour(3, 1, ("economic_buyer", "")) == "red"
    assert heatmap.colour(2, 4, ("", "blocker")) == "red"  # a blocker with power
    assert heatmap.colour(1, 1, ("blocker", "")) == "yellow"  # a blocker without power
    assert heatmap.colour(3, 2, ("influencer", "")) == "yellow"
    assert heatmap.colour(2, 1, ("user", "")) == "yellow"


def test_the_interest_influence_grid():
    assert heatmap.quadrant(3, 3) == "manage_closely"
    assert heatmap.quadrant(3, 1) == "keep_satisfied"
    assert heatmap.quadrant(2, 3) == "keep_informed"
    assert heatmap.quadrant(2, 2) == "monitor"


people = st.lists(
    st.tuples(
        st.integers(1, 3),
        st.integers(1, 4),
        st.sampled_from(BuyingRole.values),
        st.sampled_from(["", *BuyingRole.values]),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=people)
def test_python_and_sql_colour_every_stakeholder_alike(account, owner, people):
    Stakeholder.objects.filter(account=account).delete()
    for number, (power, strength, role, secondary) in enumerate(people):
        services.create(
            Stakeholder,
            by=owner,
            account=account,
            name=f"Person {number}",
            power=power,
            strength=strength,
            role=role,
            secondary_role="" if secondary == role else secondary,
        )
    rows = Stakeholder.objects.filter(account=account).annotate(dot=heatmap.colour_expression())
    for row in rows:
        assert row.dot == heatmap.colour(row.power, row.strength, (row.role, row.secondary_role))
