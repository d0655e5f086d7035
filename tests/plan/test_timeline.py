"""The account's timeline: who changed what on the plan, and when, read from history."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.cadence import services as cadence_services
from keyplan.core import clock, services
from keyplan.growth import services as growth_services
from keyplan.growth.models import CellStatus, Play
from keyplan.plan import timeline
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Stakeholder, Strength


def later(days: float) -> datetime:
    """A moment `days` after the fixtures were written."""
    return timezone.now() + timedelta(days=days)


def test_a_member_raising_a_stakeholders_strength_is_the_newest_change(
    account, champion, owner, member
):
    with clock.travel(later(1)):
        champion = services.update(champion, by=owner, version=champion.version, strength=3)
    with clock.travel(later(2)):
        services.update(champion, by=member, version=champion.version, strength=Strength.CHAMPION)

    change = timeline.changes(account)[0]

    assert (change.user, change.kind, change.model, change.record) == (
        member,
        "changed",
        "stakeholder",
        "Sarah Lin",
    )
    assert change.fields == [("relationship strength", "Warm", "Champion")]
    assert (change.record_id, change.anchor) == (champion.pk, f"stakeholder-{champion.pk}")


def test_a_foreign_key_shows_the_related_records_name(account, champion, owner):
    james = services.create(Stakeholder, by=owner, account=account, name="James Park")
    with clock.travel(later(1)):
        services.update(champion, by=owner, version=champion.version, title="COO", reports_to=james)

    assert timeline.changes(account)[0].fields == [
        ("title", "VP Ops", "COO"),
        ("reports to", "", "James Park"),
    ]


def test_a_whitespace_cell_moving_from_open_to_sold_shows_both_labels_and_money(
    account, unit, product, owner
):
    cell = growth_services.set_cell(
        unit, product, by=owner, status=CellStatus.OPEN, estimated_value=Decimal(45000)
    )
    with clock.travel(later(1)):
        growth_services.set_cell(
            unit,
            product,
            by=owner,
            version=cell.version,
            status=CellStatus.SOLD,
            estimated_value=Decimal(60000),
        )

    change = timeline.changes(account)[0]

    assert (change.model, change.record) == ("whitespace cell", "Engineering x Analytics")
    assert change.fields == [
        ("status", "Open (unsold)", "Sold and live"),
        ("estimated value", "$45,000", "$60,000"),
    ]


def test_creating_and_deleting_a_stakeholder_show_with_the_name(account, owner):
    with clock.travel(later(1)):
        james = services.create(Stakeholder, by=owner, account=account, name="James Park")
    with clock.travel(later(2)):
        services.delete(james, by=owner, version=james.version)

    deleted, created = timeline.changes(account)[:2]

    assert (deleted.kind, deleted.model, deleted.record, deleted.fields) == (
        "deleted",
        "stakeholder",
        "James Park",
        [],
    )
    assert (created.kind, created.record, created.fields) == ("created", "James Park", [])
    assert deleted.user == created.user == owner
    assert deleted.anchor is None  # no longer on the plan


def test_a_stakeholder_added_to_a_play_shows_on_the_timeline(account, champion, owner):
    with clock.travel(later(1)):
        play = services.create(Play, by=owner, account=account, name="Analytics for Engineering")
    with clock.travel(later(2)):
        services.set_links(
            play,
            "stakeholders",
            [champion],
            by=owner,
            version=play.version,
            extra={champion.pk: {"role_hint": "Economic buyer"}},
        )

    link, created = timeline.changes(account)[:2]

    # The play's own save (its version moving with the link) changes nothing visible.
    assert (link.kind, link.model, link.record) == (
        "created",
        "play stakeholder",
        "Sarah Lin on Analytics for Engineering",
    )
    assert link.anchor == f"play-{play.pk}"
    assert (created.kind, created.model, created.record) == (
        "created",
        "play",
        "Analytics for Engineering",
    )


def test_the_links_of_a_deleted_play_stay_on_the_timeline(account, champion, owner):
    with clock.travel(later(-1)):
        play = services.create(Play, by=owner, account=account, name="Analytics for Engineering")
        play = services.set_links(play, "stakeholders", [champion], by=owner, version=play.version)
    services.delete(play, by=owner, version=play.version)

    deleted = {(c.model, c.record) for c in timeline.changes(account) if c.kind == "deleted"}

    assert deleted == {
        ("play", "Analytics for Engineering"),
        ("play stakeholder", "Sarah Lin on Analytics for Engineering"),
    }


def test_two_changes_to_a_record_in_one_save_are_one_entry(account, champion, owner):
    # Logging an interaction saves it twice: created, then its participants' version.
    interaction = relationship_services.log_interaction(
        account, by=owner, date=date(2026, 4, 1), subject="Kick-off", stakeholders=[champion]
    )
    assert interaction.history.count() == 2
    with clock.travel(later(1)):
        champion = services.update(champion, by=owner, version=champion.version, title="COO")
        services.update(champion, by=owner, version=champion.version, strength=Strength.WARM)

    entries = timeline.changes(account)

    assert entries[0].fields == [
        ("title", "VP Ops", "COO"),
        ("relationship strength", "Champion", "Warm"),
    ]
    assert [(c.kind, c.record) for c in entries if c.model == "interaction"] == [
        ("created", "2026-04-01 Kick-off")
    ]


def test_the_accounts_own_creation_is_its_first_change(account, owner):
    first = timeline.changes(account)[-1]

    assert (first.kind, first.model, first.record, first.user, first.anchor) == (
        "created",
        "account",
        "Acme Corp",
        owner,
        None,
    )


def test_changes_to_other_accounts_do_not_show(account, champion, owner):
    other = account_services.create_account(by=owner, name="Globex")
    services.create(Stakeholder, by=owner, account=other, name="Hank Scorpio")

    records = {change.record for change in timeline.changes(account)}

    assert "Sarah Lin" in records
    assert not records & {"Globex", "Hank Scorpio"}


def test_since_and_until_bound_the_changes(account, champion, owner, member):
    with clock.travel(later(1)):
        champion = services.update(champion, by=owner, version=champion.version, strength=3)
    with clock.travel(later(3)):
        services.update(champion, by=member, version=champion.version, strength=4)

    since = timeline.changes(account, since=later(2))
    until = timeline.changes(account, until=later(2))

    # The change after `since` is told against the state before it.
    assert [(c.user, c.fields) for c in since] == [
        (member, [("relationship strength", "Warm", "Champion")])
    ]
    assert until[0].fields == [("relationship strength", "Champion", "Warm")]


def test_the_limit_keeps_the_newest_changes(account, champion, owner):
    for number in range(1, 8):
        with clock.travel(later(number)):
            champion = services.update(
                champion, by=owner, version=champion.version, title=f"Title {number}"
            )

    entries = timeline.changes(account, limit=3)

    assert [change.fields[0][2] for change in entries] == ["Title 7", "Title 6", "Title 5"]


def test_since_last_review_is_the_start_of_the_latest_reviews_day(account, owner):
    assert timeline.since_last_review(account) is None
    for kind, day in (("weekly", 8), ("monthly", 15), ("weekly", 1)):
        cadence_services.record_review(account, kind, by=owner, date=date(2026, 6, day))

    with timezone.override("Europe/Berlin"):
        since = timeline.since_last_review(account)

    assert since == datetime(2026, 6, 15, tzinfo=ZoneInfo("Europe/Berlin"))


def _write_changes(account, owner, member, unit, product, number: int) -> None:
    """One of every kind of change the timeline tells, with names made from `number`."""
    with clock.travel(later(number)):
        boss = services.create(Stakeholder, by=owner, account=account, name=f"Boss {number}")
        person = services.create(
            Stakeholder, by=owner, account=account, name=f"Person {number}", reports_to=boss
        )
        cell = growth_services.set_cell(
            unit, product, by=owner, status=CellStatus.OPEN, estimated_value=Decimal(1000)
        )
        play = services.create(Play, by=owner, account=account, name=f"Play {number}")
        relationship_services.log_interaction(
            account, by=owner, date=date(2026, 5, 1), subject="Call", stakeholders=[person]
        )
    with clock.travel(later(number + 0.5)):
        person = services.update(person, by=member, version=person.version, strength=4)
        services.set_links(play, "stakeholders", [person], by=member, version=play.version)
        services.set_links(play, "cells", [cell], by=member, version=play.version + 1)
        services.delete(boss, by=owner, version=boss.version)  # person's manager goes
        growth_services.set_cell(
            unit, product, by=member, version=cell.version, status=CellStatus.SOLD
        )
        services.delete(cell, by=owner, version=cell.version + 1)  # the next round adds it
        cadence_services.record_review(account, "weekly", by=owner)


def test_reading_the_timeline_costs_the_same_queries_however_many_changes(
    account, owner, member, unit, product, django_assert_max_num_queries
):
    _write_changes(account, owner, member, unit, product, 1)

    def queries(**bounds) -> int:
        with CaptureQueriesContext(connection) as captured:
            entries = timeline.changes(account, **bounds)
        assert not any("#" in change.record for change in entries)  # every label resolved
        return len(captured)

    # From the middle of the first round: its changes are told against older rows.
    since = later(1.2)
    before = queries(), queries(since=since)
    for number in range(2, 6):
        _write_changes(account, owner, member, unit, product, number)

    assert (queries(), queries(since=since)) == before
    # One query per plan model for its rows, then one each for the labels of users,
    # products and deleted stakeholders, and the organisation's currency.
    with django_assert_max_num_queries(len(timeline.plan_models()) + 4):
        timeline.changes(account)
