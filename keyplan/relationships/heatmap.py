"""The relationship heat map (plan section 4), derived from the stakeholder map.

Colour of a stakeholder's dot, by power and relationship strength:
- red: a blocker with medium or high power, or high power and a cold relationship;
- green: high power and a warm or champion relationship;
- yellow: everybody else.
Only active stakeholders are on the map.

The interest x influence grid puts each active stakeholder in a quadrant, "high"
meaning the top of the three levels: manage closely (high power, high interest),
keep satisfied (high power), keep informed (high interest), monitor (neither).

`colour` and `colour_expression` state the same rule for one stakeholder in Python
and for a queryset in SQL; a property test keeps them in step.
"""

from django.db.models import Case, CharField, Q, Value, When

from keyplan.core.choices import Level
from keyplan.relationships.models import BuyingRole, Strength

GREEN, YELLOW, RED = "green", "yellow", "red"
COLOURS = (GREEN, YELLOW, RED)
RULE = (
    "red: a blocker with medium or high power, or high power and cold; "
    "green: high power and warm or champion; yellow: everyone else"
)

QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")


def colour(power: int, strength: int, roles: tuple[str, ...]) -> str:
    if BuyingRole.BLOCKER in roles and power >= Level.MEDIUM:
        return RED
    if power == Level.HIGH and strength >= Strength.WARM:
        return GREEN
    if power == Level.HIGH and strength == Strength.COLD:
        return RED
    return YELLOW


def colour_expression() -> Case:
    """The same rule as `colour`, as an SQL expression over Stakeholder rows."""
    blocker = Q(role=BuyingRole.BLOCKER) | Q(secondary_role=BuyingRole.BLOCKER)
    return Case(
        When(blocker & Q(power__gte=Level.MEDIUM), then=Value(RED)),
        When(Q(power=Level.HIGH, strength__gte=Strength.WARM), then=Value(GREEN)),
        When(Q(power=Level.HIGH, strength=Strength.COLD), then=Value(RED)),
        default=Value(YELLOW),
        output_field=CharField(),
    )


def quadrant(power: int, interest: int) -> str:
    high_power, high_interest = power == Level.HIGH, interest == Level.HIGH
    if high_power:
        return "manage_closely" if high_interest else "keep_satisfied"
    return "keep_informed" if high_interest else "monitor"
