"""Handing an account to a new owner: the brief, the open actions that move on
request, the history it leaves, and the handoffs that are refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from keyplan.accounts import handoff
from keyplan.accounts.models import Account, Handoff
from keyplan.accounts.services import update_account
from keyplan.cadence import calendar_feed
from keyplan.core import access, clock, services
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.growth.models import Action
from keyplan.relationships.models import Stakeholder
from keyplan.rhythm import handoff_brief
from keyplan.team.models import AccountMember, Role
from tests.conftest import make_user


@pytest.fixture
def nina(db):
    """The KAM taking the account over."""
    return make_user("nina", Role.KAM, first_name="Nina", last_name="New")


@pytest.fixture
def plan(account, owner, member, champion):
    today = clock.today()
    services.update(champion, by=owner, version=champion.version, relationship_owner=owner)
    services.create(
        Stakeholder, by=owner, account=account, name="Raj Mehta", relationship_owner=member
    )
    for title, who, status in (
        ("Send the QBR deck", owner, "open"),
        ("Renewal pricing", owner, "in_progress"),
        ("Security questionnaire", member, "open"),
        ("Kick-off notes", owner, "done"),
    ):
        services.create(
            Action, by=owner, account=account, title=title, owner=who,
            due_date=today + timedelta(days=5), status=status,
            completed_on=today if status == "done" else None,
        )  # fmt: skip
    account.refresh_from_db()
    return account


def owners() -> dict[str, str]:
    return dict(Action.objects.values_list("title", "owner__username"))


def test_a_handoff_moves_the_open_actions_on_request_and_is_recorded(plan, owner, nina, member):
    record = handoff.hand_over(plan, nina, by=owner, version=plan.version, move=["actions"])

    plan.refresh_from_db()
    assert plan.owner == nina
    assert owners() == {
        "Send the QBR deck": "nina",
        "Renewal pricing": "nina",
        "Security questionnaire": "max",  # not Olga's
        "Kick-off notes": "olga",  # done: stays as it was
    }
    assert (record.previous_owner, record.new_owner, record.handed_over_by) == (owner, nina, owner)
    assert len(record.moved["actions"]) == 2
    # History: the account's owner change and each moved action, by whom
    change = plan.history.first()
    assert (change.owner_id, change.history_user) == (nina.pk, owner)
    moved = Action.objects.get(title="Send the QBR deck")
    assert moved.history.first().history_user == owner
    assert moved.history.first().owner_id == nina.pk


def test_without_asking_the_actions_stay_with_the_previous_owner(plan, owner, nina):
    handoff.hand_over(plan, nina, by=owner, version=plan.version, move=[])

    assert owners()["Send the QBR deck"] == "olga"


def test_the_new_owner_inherits_the_account(plan, owner, nina):
    handoff.hand_over(plan, nina, by=owner, version=plan.version, keep_previous=False)
    plan.refresh_from_db()

    assert access.can_manage_account(nina, plan)
    assert not access.can_view_account(owner, plan)  # no longer on its team
    assert list(access.team_accounts(nina)) == [plan]
    assert list(access.team_accounts(owner)) == []
    body = Client().get(calendar_feed.path(calendar_feed.issue(nina))).content.decode()
    assert "Send the QBR deck" in body


def test_the_previous_owner_stays_on_the_team_when_asked(plan, owner, nina):
    handoff.hand_over(plan, nina, by=owner, version=plan.version, keep_previous=True)

    member = AccountMember.objects.get(account=plan, user=owner)
    assert member.role == "member"
    assert "handed over to Nina New" in member.note
    assert member.history.first().history_user == owner


def test_a_new_owner_who_was_on_the_team_leaves_the_member_list(plan, owner, leader):
    services.create(AccountMember, by=owner, account=plan, user=leader, role="sponsor")

    handoff.hand_over(plan, leader, by=owner, version=plan.version)

    assert not AccountMember.objects.filter(account=plan, user=leader).exists()
    plan.refresh_from_db()
    assert plan.owner == leader


def test_the_brief_names_the_relationships_and_who_now_owns_each_action(plan, owner, nina):
    record = handoff.hand_over(
        plan, nina, by=owner, version=plan.version, move=["actions", "relationships"]
    )

    brief = handoff_brief.brief(Account.objects.get(pk=plan.pk), handoff=record)

    assert [line.stakeholder.name for line in brief.relationships] == ["Sarah Lin"]
    assert brief.relationships[0].owner == nina  # moved with the rest
    assert {line.action.title: line.owner.username for line in brief.actions} == {
        "Send the QBR deck": "nina",
        "Renewal pricing": "nina",
        "Security questionnaire": "max",
    }
    assert any(change.model == "handoff" for change in brief.changes)


def test_a_handoff_to_someone_who_cannot_own_accounts_changes_nothing(plan, owner, member):
    before = (plan.version, owners(), Handoff.objects.count())

    with pytest.raises(ValidationError) as refused:
        handoff.hand_over(plan, member, by=owner, version=plan.version)

    assert "max cannot own accounts: they are a contributor" in str(refused.value)
    plan.refresh_from_db()
    assert (plan.version, owners(), Handoff.objects.count()) == before


def test_a_member_or_an_outsider_may_not_hand_an_account_over(plan, member, outsider, nina):
    with pytest.raises(Forbidden):
        handoff.hand_over(plan, nina, by=member, version=plan.version)
    with pytest.raises(NotFound):
        handoff.hand_over(plan, nina, by=outsider, version=plan.version)
    plan.refresh_from_db()
    assert plan.owner.username == "olga"
    assert not Handoff.objects.exists()


def test_a_handoff_from_a_stale_page_changes_nothing(plan, owner, nina, leader):
    opened = plan.version
    services.update(plan, by=leader, version=plan.version, tier=2)

    with pytest.raises(ConflictError):
        handoff.hand_over(plan, nina, by=owner, version=opened)
    assert owners()["Send the QBR deck"] == "olga"
    assert not Handoff.objects.exists()


# The page


def test_the_plan_page_offers_the_handoff_to_those_who_may_change_the_owner(
    client, plan, owner, member
):
    url = reverse("account-handoff", args=[plan.pk])
    client.force_login(owner)
    assert url in client.get(reverse("plan", args=[plan.pk])).text
    client.force_login(member)
    assert url not in client.get(reverse("plan", args=[plan.pk])).text
    response = client.get(url)
    assert response.status_code == 403
    assert "Only the account's owner, a leader or an administrator" in response.text


def test_the_handoff_page_previews_the_brief_and_hands_over(client, plan, owner, nina, member):
    client.force_login(owner)
    url = reverse("account-handoff", args=[plan.pk])

    page = client.get(url).text
    assert "Nina New (Key account manager)" in page
    assert ">max (Contributor)<" not in page  # contributors cannot own accounts
    assert "open actions (2)" in page
    relationships = page.split('id="handoff-relationships"')[1].split("</section>")[0]
    assert "Sarah Lin" in relationships and "Raj Mehta" not in relationships

    response = client.post(
        url,
        {"new_owner": nina.pk, "move": ["actions"], "keep_previous": "on",
         "note": "Renewal talks start in January.", "version": plan.version},
        follow=True,
    )  # fmt: skip

    record = Handoff.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "account-handoff-brief", args=[plan.pk, record.pk]
    )
    assert "from Olga Owner to <strong>Nina New</strong>" in response.text
    assert "2 open actions moved to Nina New." in response.text
    assert "Renewal talks start in January." in response.text
    actions = response.text.split('id="handoff-actions"')[1].split("</section>")[0]
    assert '<strong>Nina New</strong> <span class="small">(moved from Olga Owner)' in actions
    client.force_login(nina)
    assert client.get(response.redirect_chain[-1][0]).status_code == 200


def test_a_handoff_to_a_contributor_by_hand_is_refused_on_the_page(client, plan, owner, member):
    client.force_login(owner)

    response = client.post(
        reverse("account-handoff", args=[plan.pk]),
        {"new_owner": member.pk, "move": ["actions"], "version": plan.version},
    )

    assert response.status_code == 422
    assert "max cannot own accounts" in response.text
    plan.refresh_from_db()
    assert plan.owner == owner


def test_handing_over_ones_own_account_and_leaving_shows_the_brief_once(client, plan, owner, nina):
    client.force_login(owner)

    response = client.post(
        reverse("account-handoff", args=[plan.pk]),
        {"new_owner": nina.pk, "move": ["actions"], "version": plan.version},
    )

    assert response.status_code == 200  # not a redirect to a page Olga can no longer read
    assert "Handoff brief: Acme Corp" in response.text
    assert client.get(reverse("plan", args=[plan.pk])).status_code == 404


# Changing the owner anywhere else is a handoff too


def handed(account, previous, new_owner, by) -> Handoff:
    """The one handoff recorded, checked against who was involved."""
    record = Handoff.objects.get(account=account)
    assert (record.previous_owner, record.new_owner, record.handed_over_by) == (
        previous, new_owner, by
    )  # fmt: skip
    assert owners()["Send the QBR deck"] == "olga"  # nothing moved without asking
    assert AccountMember.objects.filter(account=account, user=previous).exists()
    return record


def test_changing_the_owner_in_the_plan_overview_hands_the_account_over(client, plan, owner, nina):
    client.force_login(owner)
    data = {"name": plan.name, "tier": plan.tier, "relationship": plan.relationship,
            "owner": nina.pk, "version": plan.version}  # fmt: skip

    response = client.post(
        reverse("plan-account", args=[plan.pk, "overview"]), data, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    record = handed(plan, owner, nina, owner)
    # Nina finds the brief from the plan page's summary
    client.force_login(nina)
    brief_url = reverse("account-handoff-brief", args=[plan.pk, record.pk])
    summary = client.get(reverse("plan", args=[plan.pk])).text.split('id="section-summary"')[1]
    assert f'from Olga Owner · <a href="{brief_url}">handoff brief</a>' in summary
    brief = client.get(brief_url)
    assert "from Olga Owner to <strong>Nina New</strong>" in brief.text
    # and from My week, where the handoffs of the last 30 days are listed
    week = client.get(reverse("my-week")).text.split('id="my-handoffs"')[1]
    assert f'{plan.name}</a> from Olga Owner · <a href="{brief_url}">' in week


def test_the_overview_refuses_an_owner_who_cannot_own_accounts_at_the_field(
    client, plan, owner, member
):
    client.force_login(owner)
    data = {"name": plan.name, "tier": 2, "relationship": plan.relationship,
            "owner": member.pk, "version": plan.version}  # fmt: skip

    response = client.post(
        reverse("plan-account", args=[plan.pk, "overview"]), data, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert "max cannot own accounts" in response.text
    plan.refresh_from_db()
    assert (plan.owner, plan.tier) == (owner, 1)
    assert not Handoff.objects.exists()


def test_changing_the_owner_through_the_api_hands_the_account_over(plan, owner, nina):
    from tests.api.conftest import client_for

    response = client_for(owner).patch(
        f"/accounts/{plan.pk}", {"owner": nina.pk, "tier": 2, "version": plan.version}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["owner"], response.json()["tier"]) == (nina.pk, 2)
    handed(plan, owner, nina, owner)


def test_changing_the_owner_in_the_admin_hands_the_account_over(
    admin_client, admin_user, plan, owner, nina
):
    from tests.core.test_admin import account_form

    response = admin_client.post(
        reverse("admin:accounts_account_change", args=[plan.pk]),
        account_form(plan, owner=nina.pk),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    handed(plan, owner, nina, admin_user)


def test_a_new_owner_and_another_field_are_one_change_in_the_history(plan, owner, nina):
    before = plan.history.count()

    update_account(plan, by=owner, version=plan.version, owner=nina, tier=2)

    stored = Account.objects.get(pk=plan.pk)
    assert (stored.owner, stored.tier, stored.version) == (nina, 2, plan.version + 1)
    assert plan.history.count() == before + 1
    latest = plan.history.first()
    assert (latest.owner_id, latest.tier, latest.history_user) == (nina.pk, 2, owner)


def test_a_refused_field_beside_a_new_owner_hands_nothing_over(plan, owner, nina):
    with pytest.raises(ValidationError) as refused:
        update_account(plan, by=owner, version=plan.version, owner=nina, tier=7)
    assert "tier" in refused.value.message_dict
    assert Account.objects.get(pk=plan.pk).owner == owner
    assert not Handoff.objects.filter(account=plan).exists()
