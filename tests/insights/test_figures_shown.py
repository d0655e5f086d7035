"""How a figure's value reads on every page and export (insights.figures.shown)."""

from decimal import Decimal

import pytest

from keyplan.insights.figures import COUNT, DAYS, PERCENT, shown

# Values are written in the organisation's locale, read from its settings.
pytestmark = pytest.mark.django_db


def test_one_day_is_a_day_and_more_are_days():
    assert shown(Decimal("1.2"), DAYS) == "1 day"
    assert shown(30, DAYS) == "30 days"
    assert shown(Decimal("0.4"), DAYS) == "0 days"


def test_unknown_values_say_so_and_units_read_as_people_write_them():
    assert shown(None, PERCENT) == "not enough data"
    assert shown(Decimal("12.0"), PERCENT) == "12%"
    assert shown(12345, COUNT) == "12,345"
