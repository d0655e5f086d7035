"""The heat map and the interest grid as lists, for screens too narrow for the pictures.

The same people in the same places as relationships.pictures draws them, read from
the loaded plan (no query): the heat map's cells row by row (power, then relationship
strength), the grid's four quadrants in the order the rule ranks them. Empty places
are left out; a phone has no room for them.
"""

from dataclasses import dataclass

from keyplan.core.choices import Level
from keyplan.relationships import heatmap
from keyplan.relationships import pictures as people_pictures
from keyplan.relationships.models import Stakeholder, Strength


@dataclass(frozen=True)
class Person:
    stakeholder: Stakeholder
    colour: str


@dataclass(frozen=True)
class Place:
    label: str
    people: list[Person]


def _people(stakeholders) -> list[Person]:
    return [Person(s, people_pictures.colour_of(s)) for s in stakeholders]


def heat_map_places(plan) -> list[Place]:
    """ "High power · Champion" and who is there, high power first, as the picture's rows."""
    cells: dict[tuple[int, int], list[Stakeholder]] = {}
    for person in plan.active_stakeholders:
        cells.setdefault((person.power, person.strength), []).append(person)
    return [
        Place(f"{power.label} power · {strength.label}", _people(cells[power, strength]))
        for power in sorted(Level, reverse=True)
        for strength in reversed(list(Strength))  # the strongest relationships first
        if cells.get((power, strength))
    ]


def interest_places(plan) -> list[Place]:
    """The interest and influence quadrants, "Manage closely" first, each with its people."""
    members: dict[str, list[Stakeholder]] = {}
    for person in sorted(plan.active_stakeholders, key=lambda p: (-p.power, -p.interest)):
        members.setdefault(heatmap.quadrant(person.power, person.interest), []).append(person)
    return [
        Place(code.replace("_", " ").capitalize(), _people(members[code]))
        for code in heatmap.QUADRANTS
        if members.get(code)
    ]
