"""Numbers, money, hours, percentages and dates as people read them, in the
organisation's locale (keyplan.core.formats)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from keyplan.core import services
from keyplan.core.formats import (
    DAY,
    LONG,
    MONTH,
    counted,
    format_compact,
    format_date,
    format_datetime,
    format_hours,
    format_measure,
    format_money,
    format_number,
    format_percent,
)
from keyplan.team.models import Organisation

pytestmark = pytest.mark.django_db

NBSP = "\xa0"  # CLDR puts a non-breaking space between a German number and its unit


def set_locale(admin_user, locale: str) -> None:
    organisation = Organisation.current()
    services.update(organisation, by=admin_user, version=organisation.version, locale=locale)


def test_en_us_is_the_default_and_reads_as_keyplan_always_has():
    assert Organisation.current().locale == "en-US"
    assert format_money(Decimal(5000), "USD") == "$5,000"
    assert format_compact(Decimal(45_250), "USD") == "$45.3K"
    assert format_number(1250) == "1,250"
    assert format_number(Decimal("4.256"), 2) == "4.26"
    assert format_number(Decimal(3), 2, fixed=True) == "3.00"
    assert format_hours(30) == "30 h"
    assert format_hours(Decimal("7.5")) == "7.5 h"
    assert format_percent(62) == "62%"
    assert format_percent(Decimal("12.5")) == "12.5%"


def test_en_us_dates_are_day_first_in_one_style():
    day = date(2026, 12, 7)
    assert format_date(day) == "7 Dec 2026"
    assert format_date(day, DAY) == "7 Dec"
    assert format_date(day, MONTH) == "Dec 2026"
    assert format_date(day, LONG) == "Monday 7 December 2026"
    moment = timezone.make_aware(datetime(2026, 12, 7, 14, 5))
    assert format_datetime(moment) == "7 Dec 2026 14:05"
    assert format_datetime(moment, DAY) == "7 Dec 14:05"


def test_nothing_to_show_is_a_dash():
    assert [format_money(None), format_number(None), format_hours(None)] == ["-", "-", "-"]
    assert [format_percent(None), format_date(None)] == ["-", "-"]


def test_one_setting_writes_every_value_the_german_way(admin_user):
    set_locale(admin_user, "de-DE")

    assert format_money(Decimal(5000), "EUR") == f"5.000{NBSP}€"
    assert format_money(Decimal(5000), "USD") == f"5.000{NBSP}$"
    assert format_compact(Decimal(1_234_567), "EUR") == f"1,2{NBSP}Mio.{NBSP}€"
    # German has no short word for thousands: the whole amount, never a bare "45000 €".
    assert format_compact(Decimal(45_000), "EUR") == f"45.000{NBSP}€"
    assert format_number(1250) == "1.250"
    assert format_hours(Decimal("7.5")) == "7,5 h"
    assert format_percent(62) == f"62{NBSP}%"
    assert format_date(date(2026, 12, 7)) == "7. Dez. 2026"
    assert format_date(date(2026, 12, 7), DAY) == "7. Dez."
    assert format_date(date(2026, 12, 7), LONG) == "Montag, 7. Dezember 2026"


def test_other_locales_follow_their_own_conventions(admin_user):
    set_locale(admin_user, "en-GB")
    assert format_money(Decimal(5000), "GBP") == "£5,000"
    assert format_date(date(2026, 12, 7)) == "7 Dec 2026"
    set_locale(admin_user, "fr-FR")
    assert format_number(1250) == f"1{chr(0x202F)}250"
    assert format_date(date(2026, 12, 7)) == "7 déc. 2026"


def test_a_locale_babel_does_not_know_is_refused(admin_user):
    organisation = Organisation.current()
    with pytest.raises(ValidationError) as refused:
        services.update(organisation, by=admin_user, version=organisation.version, locale="xx-QQ")
    assert "xx-QQ is not a locale keyplan knows" in str(refused.value)
    assert Organisation.current().locale == "en-US"


def test_counts_take_the_noun_in_the_singular_only_for_one():
    assert counted(1, "seat") == "1 seat"
    assert counted(2, "seat") == "2 seats"
    assert counted(0, "seat") == "0 seats"
    assert counted(1250, "seat") == "1,250 seats"
    assert counted(1, "activity", "activities") == "1 activity"
    assert counted(3, "activity", "activities") == "3 activities"


def test_a_quantity_reads_in_its_unit():
    assert format_measure(Decimal(40), "hours") == "40 h"
    assert format_measure(Decimal(5000), "money") == "$5,000"
    assert format_measure(Decimal("12.50"), "") == "12.5"


def test_the_admin_offers_the_locale_beside_the_currency(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:team_organisation_change", args=[Organisation.current().pk])
    form = client.get(url).context["adminform"].form
    assert "How numbers, amounts and dates are written" in str(form["locale"].help_text)
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}

    refused = client.post(url, {**data, "locale": "klingon"})
    assert refused.status_code == 200
    assert "klingon is not a locale keyplan knows" in refused.text

    assert client.post(url, {**data, "locale": "de-DE"}).status_code == 302
    assert Organisation.current().locale == "de-DE"
