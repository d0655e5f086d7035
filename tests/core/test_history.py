"""Every plan record keeps its history, so a plan can be read as it stood on a date."""

from datetime import datetime, timedelta

from django.utils import timezone

from keyplan.core import clock, services
from keyplan.exchange.documents import document
from keyplan.relationships.models import Stakeholder


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def test_the_plan_as_of_a_past_date_shows_what_was_true_then(owner, member, private_plans):
    from keyplan.accounts import services as account_services

    with clock.travel(moment(90)):
        account = account_services.create_account(by=owner, name="Acme Corp", industry="Retail")
        sarah = services.create(
            Stakeholder, by=owner, account=account, name="Sarah Lin", strength=2, power=3
        )
    with clock.travel(moment(60)):
        sarah = services.update(sarah, by=owner, version=sarah.version, strength=4)
        james = services.create(Stakeholder, by=owner, account=account, name="James Park")
    with clock.travel(moment(30)):
        services.delete(james, by=owner, version=james.version)
        account = services.update(
            account, by=owner, version=account.version, industry="Manufacturing"
        )

    def people(days_ago):
        plan = document.build(account, as_of=moment(days_ago))
        return plan["profile"]["industry"], {s["name"]: s["strength"] for s in plan["stakeholders"]}

    assert people(75) == ("Retail", {"Sarah Lin": 2})
    assert people(45) == ("Retail", {"Sarah Lin": 4, "James Park": 2})
    assert people(15) == ("Manufacturing", {"Sarah Lin": 4})
    assert document.build(account)["profile"]["industry"] == "Manufacturing"


def test_history_records_who_changed_what(account, champion, member):
    services.update(champion, by=member, version=champion.version, title="COO")
    latest, previous = champion.history.all()[:2]
    assert latest.history_user == member
    assert (previous.title, latest.title) == ("VP Ops", "COO")
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert "title" in changed and "name" not in changed


def test_records_deleted_in_cascade_carry_the_moment_and_the_user(account, champion, member):
    from keyplan.growth.models import Play, PlayStakeholder

    with clock.travel(moment(10)):
        play = services.create(Play, by=member, account=account, name="Analytics")
        play = services.set_links(play, "stakeholders", [champion], by=member, version=play.version)
    with clock.travel(moment(5)):
        services.delete(play, by=member, version=play.version)
    removed = PlayStakeholder.history.get(history_type="-")
    assert removed.history_user == member
    assert moment(6) < removed.history_date < moment(4)
