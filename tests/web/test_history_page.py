"""The account's history page: what changed, by whom, grouped by day, filterable to
"changed since the last review"."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from keyplan.accounts import services as account_services
from keyplan.cadence import services as cadence_services
from keyplan.core import clock, services
from keyplan.relationships.models import Stakeholder
from keyplan.team import services as team_services


def on(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def page(client, user, account, **params) -> str:
    """The page's text as a reader sees it: no tags, single spaces."""
    client.force_login(user)
    response = client.get(reverse("account_history", args=[account.pk]), params)
    assert response.status_code == 200
    return " ".join(strip_tags(response.text).split())


@pytest.fixture
def account(owner, member, viewer, private_plans):
    """Acme Corp, set up on Monday June 1, 2026 with Sarah Lin as champion."""
    with clock.travel(on(date(2026, 6, 1), 9)):
        account = account_services.create_account(by=owner, name="Acme Corp")
        team_services.add_member(account, member, by=owner)
        team_services.add_member(account, viewer, by=owner)
        services.create(Stakeholder, by=owner, account=account, name="Sarah Lin", strength=4)
    return account


@pytest.fixture
def week(account, owner, member):
    """Sarah cools on Monday June 8 (owner), a weekly review on Wednesday June 10,
    then a member raises her back to champion on Thursday June 11 at 10:42."""
    sarah = Stakeholder.objects.get(account=account, name="Sarah Lin")
    with clock.travel(on(date(2026, 6, 8), 9, 15)):
        sarah = services.update(sarah, by=owner, version=sarah.version, strength=3)
    with clock.travel(on(date(2026, 6, 10), 16)):
        cadence_services.record_review(account, "weekly", by=owner)
    with clock.travel(on(date(2026, 6, 11), 10, 42)):
        sarah = services.update(sarah, by=member, version=sarah.version, strength=4)
    return sarah


def test_the_page_tells_who_changed_what_with_old_and_new_values(client, account, week, owner):
    text = page(client, owner, account)

    assert (
        "10:42 · max changed stakeholder Sarah Lin: relationship strength Warm → Champion" in text
    )
    assert (
        "09:15 · Olga Owner changed stakeholder Sarah Lin: relationship strength Champion → Warm"
        in text
    )
    assert "Olga Owner created account Acme Corp" in text


def test_changes_are_grouped_by_day_newest_first(client, account, week, owner):
    text = page(client, owner, account)

    days = ["Thursday 11 June 2026", "Wednesday 10 June 2026", "Monday 8 June 2026"]
    positions = [text.index(day) for day in days]
    assert positions == sorted(positions)


def test_each_change_links_to_the_record_on_the_plan(client, account, week, owner):
    client.force_login(owner)
    html = client.get(reverse("account_history", args=[account.pk])).text

    assert f'href="/accounts/{account.pk}/#stakeholder-{week.pk}">Sarah Lin</a>' in html
    assert "keyplan/history.css" in html


def test_the_review_filter_shows_only_what_changed_since_the_latest_review(
    client, account, week, owner
):
    everything = page(client, owner, account)
    assert "Changed since last review (10 Jun 2026)" in everything

    text = page(client, owner, account, since="review")

    assert "2 changes since 10 Jun 2026" in text  # the review itself and Sarah's change
    assert "relationship strength Warm → Champion" in text
    assert "relationship strength Champion → Warm" not in text


def test_since_a_day_shows_the_changes_from_that_day(client, account, week, owner):
    text = page(client, owner, account, since="2026-06-11")

    assert "1 change since 11 Jun 2026" in text
    assert "max changed stakeholder Sarah Lin" in text


def test_a_since_that_is_not_a_date_shows_everything_and_says_so(client, account, week, owner):
    text = page(client, owner, account, since="last tuesday")

    assert "is not a date" in text
    assert "relationship strength Champion → Warm" in text


def test_the_page_offers_the_plan_as_of_a_date(client, account, week, owner):
    client.force_login(owner)
    html = client.get(reverse("account_history", args=[account.pk])).text

    assert f'action="/accounts/{account.pk}/"' in html and 'name="as_of"' in html
    assert f'href="/accounts/{account.pk}/?as_of=2026-06-11"' in html


@pytest.mark.parametrize("value", ["2026-13-45", "2026-02-30", "yesterday"])
def test_a_plan_as_of_a_date_that_is_not_one_is_a_400_that_says_so(
    client, account, owner, outsider, value
):
    client.force_login(owner)
    response = client.get(reverse("plan", args=[account.pk]), {"as_of": value})

    assert response.status_code == 400
    assert f"“{value}” is not a valid date" in response.text
    assert f'href="/accounts/{account.pk}/"' in response.text
    # Whom the plan is private from still gets "not found".
    client.force_login(outsider)
    assert client.get(reverse("plan", args=[account.pk]), {"as_of": value}).status_code == 404


def test_a_team_member_and_a_viewer_read_the_history(client, account, week, member, viewer):
    for person in (member, viewer):
        assert "Sarah Lin" in page(client, person, account)


def test_an_outsider_gets_not_found_on_a_private_plans_history(client, account, outsider):
    client.force_login(outsider)
    response = client.get(reverse("account_history", args=[account.pk]))
    assert response.status_code == 404


def test_the_history_asks_for_sign_in(client, account):
    response = client.get(reverse("account_history", args=[account.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_without_a_review_the_page_says_so(client, account, owner):
    text = page(client, owner, account, since="review")

    assert "No plan review is recorded yet" in text
    assert "created account Acme Corp" in text


def test_an_empty_period_says_no_changes(client, account, owner):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "No changes since" in page(client, owner, account, since=tomorrow)
