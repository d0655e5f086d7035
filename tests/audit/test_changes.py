"""Every change to users, roles, teams, account teams and the organisation's settings
is on the trail with who made it and from where: through the admin site, the plan
page and the profile page. A secret is only said to have changed."""

from django.forms import MultiWidget
from django.urls import reverse

from keyplan.core.choices import PlanVisibility, Role
from keyplan.exchange.crm.salesforce.live.config import ENVIRONMENT
from keyplan.team.models import AccountMember, Organisation, Team, User
from tests.audit.conftest import HERE, PASSWORD, events, only, signed_in_client


def admin_form(client, url: str, **changes):
    """Post the admin page's form as shown, with `changes`, as a person saving it would."""
    form = client.get(url).context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None:
            continue
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = value
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_an_administrator_changing_a_role_is_recorded_with_old_and_new(admin_user, owner):
    admin = signed_in_client(admin_user)

    admin_form(admin, reverse("admin:team_user_change", args=[owner.pk]), role=Role.LEADER)

    event = only("role.changed")
    assert (event.actor, event.address, event.target_label) == (admin_user, HERE, "Olga Owner")
    assert event.details == {"role": ["kam", "leader"]}
    assert events("user.changed") == []  # the role alone changed


def test_deactivating_a_user_is_a_user_change(admin_user, owner):
    admin = signed_in_client(admin_user)

    admin_form(admin, reverse("admin:team_user_change", args=[owner.pk]), is_active="")

    event = only("user.changed")
    assert event.details == {"changes": {"is_active": [True, False]}}
    assert event.actor == admin_user


def test_adding_a_user_in_the_admin_site_is_recorded_without_the_password(admin_user):
    admin = signed_in_client(admin_user)
    secret = "carmine-lantern-orbit-91"

    admin.post(
        reverse("admin:team_user_add"),
        {"username": "nina", "role": Role.KAM, "password1": secret, "password2": secret,
         "usable_password": "true"},
    )  # fmt: skip

    [event] = [e for e in events("user.created") if e.target_label == "nina"]
    assert event.actor == admin_user
    assert event.details["fields"]["role"] == "kam"
    assert "password" not in event.details["fields"]
    assert secret not in str(event.details)


def test_a_password_change_is_said_to_have_changed_and_nothing_more(owner):
    page = signed_in_client(owner)
    new = "violet-harbour-ledger-27"

    page.post(
        "/profile/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    event = only("user.changed")
    assert event.details == {"changes": {"password": "changed"}}
    assert event.actor == owner


def test_a_deleted_user_leaves_their_login_on_their_events(admin_user, owner):
    signed_in_client(owner)  # a sign-in on the trail
    admin = signed_in_client(admin_user)

    admin.post(reverse("admin:team_user_delete", args=[owner.pk]), {"post": "yes"})

    assert not User.objects.filter(username="olga").exists()
    deleted = only("user.deleted")
    assert (deleted.actor, deleted.target_label) == (admin_user, "Olga Owner")
    signed_in = [e for e in events("signin") if e.login == "olga"]
    assert signed_in and signed_in[0].actor is None


def test_a_team_and_its_members_made_in_the_admin_site_are_recorded(admin_user, owner, member):
    admin = signed_in_client(admin_user)

    admin.post(
        reverse("admin:team_team_add"),
        {"name": "Enterprise EMEA", "members": [owner.pk, member.pk]},
    )

    team = Team.objects.get()
    assert only("team.created").target_label == "Enterprise EMEA"
    joined = only("team.members")
    assert (joined.actor, joined.target_id) == (admin_user, str(team.pk))
    assert joined.details == {"added": ["max", "olga"]}

    admin_form(admin, reverse("admin:team_team_change", args=[team.pk]), members=[owner.pk])

    left = events("team.members")[-1]
    assert left.details == {"removed": ["max"]}


def test_changing_the_organisations_settings_is_recorded(admin_user):
    organisation = Organisation.current()
    admin = signed_in_client(admin_user)
    url = reverse("admin:team_organisation_change", args=[organisation.pk])

    admin_form(admin, url, plan_visibility=PlanVisibility.ALL_USERS, stale_plan_days=45)

    event = only("organisation.changed")
    assert (event.actor, event.address) == (admin_user, HERE)
    changes = event.details["changes"]
    assert changes["plan_visibility"] == ["team", "all"]
    assert changes["stale_plan_days"][1] == 45
    assert set(changes) == {"plan_visibility", "stale_plan_days"}


def test_adding_someone_to_an_account_team_on_the_plan_page_is_recorded(account, owner, outsider):
    page = signed_in_client(owner)

    response = page.post(
        reverse("plan-record", args=[account.pk, "team"]),
        {"user": outsider.pk, "role": "member"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    [added] = [e for e in events("accountteam.changed") if "otto" in e.target_label]
    assert (added.actor, added.details["fields"]["user"]) == (owner, outsider.pk)


def test_a_new_role_on_an_account_team_is_an_account_team_change(account, owner, member):
    membership = AccountMember.objects.get(user=member)
    page = signed_in_client(owner)

    response = page.post(
        reverse("plan-record", args=[account.pk, "team", membership.pk]),
        {"user": member.pk, "role": "sponsor", "version": membership.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    [changed] = [e for e in events("accountteam.changed") if "changes" in e.details]
    assert (changed.actor, changed.details["changes"]) == (owner, {"role": ["member", "sponsor"]})
    assert events("role.changed") == []  # that kind is a user's role in keyplan


def test_saving_the_salesforce_connection_records_what_changed_but_never_the_secret(
    admin_user, monkeypatch
):
    for name in ENVIRONMENT.values():
        monkeypatch.delenv(name, raising=False)
    admin = signed_in_client(admin_user)
    secret = "3A9F-the-consumer-secret-7731"

    admin.post(
        "/settings/integrations/",
        {"version": 1, "save": "1", "login_url": "https://acme.my.salesforce.com",
         "client_id": "3MVG9acme", "client_secret": secret},
    )  # fmt: skip

    event = only("integration.changed")
    assert (event.actor, event.address) == (admin_user, HERE)
    changes = event.details["changes"]
    assert changes["client_id"] == ["", "3MVG9acme"]
    assert changes["client_secret"] == "changed"
    assert secret not in str(event.details)


def test_an_administrator_deleting_themselves_is_recorded_under_their_login(admin_user):
    admin = signed_in_client(admin_user)

    response = admin.post(reverse("admin:team_user_delete", args=[admin_user.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(username="ada").exists()
    deleted = only("user.deleted")
    assert (deleted.actor, deleted.login, deleted.target_label) == (None, "ada", "ada")


def test_renaming_and_deleting_a_team_in_the_admin_site_are_recorded(admin_user):
    team = Team.objects.create(name="Enterprise EMEA")
    admin = signed_in_client(admin_user)

    admin_form(admin, reverse("admin:team_team_change", args=[team.pk]), name="Enterprise Europe")
    admin.post(reverse("admin:team_team_delete", args=[team.pk]), {"post": "yes"})

    renamed = only("team.changed")
    assert (renamed.actor, renamed.details) == (
        admin_user,
        {"changes": {"name": ["Enterprise EMEA", "Enterprise Europe"]}},
    )
    deleted = only("team.deleted")
    assert (deleted.actor, deleted.target_label) == (admin_user, "Enterprise Europe")
    assert not Team.objects.exists()
