"""Two-step sign-in on the trail, through the profile page, the sign-in pages and the
admin site, with codes computed as an authenticator app does (tests/security/test_mfa.py):
turning it on and off, an administrator's reset (naming whose), new recovery codes, a
wrong code (the login and the address, not a wrong password), and which code let a
sign-in through."""

from django.test import Client

from keyplan.security.mfa.models import AuthenticatorApp
from keyplan.team.models import Organisation, RequireMfa
from tests.audit.conftest import HERE, PASSWORD, events, only, signed_in_client
from tests.security.test_mfa import code, enrol, password_step

ELSEWHERE = "198.51.100.20"


def enrolled(user) -> tuple[str, list[str]]:
    return enrol(signed_in_client(user))


def test_turning_it_on_names_the_user(owner):
    enrolled(owner)

    event = only("mfa.enrolled")
    assert (event.actor, event.target_label, event.address) == (owner, str(owner), HERE)
    assert events("mfa.codes") == []  # the first codes come with turning it on


def test_turning_it_on_when_the_organisation_requires_it_names_the_user(admin_user):
    organisation = Organisation.current()
    organisation.require_mfa = RequireMfa.ADMINISTRATORS
    organisation.save()
    client = Client(REMOTE_ADDR=ELSEWHERE)
    password_step(client, "ada")
    page = client.get("/login/setup/")
    secret = page.text.split('id="mfa-secret">')[1].split("<")[0]

    client.post("/login/setup/", {"code": code(secret)})

    event = only("mfa.enrolled")
    assert (event.actor, event.address) == (admin_user, ELSEWHERE)


def test_turning_it_off_is_the_users_own_removal(owner):
    enrolled(owner)
    client = signed_in_client(owner)

    client.post("/profile/mfa/remove/", {"password": "not-the-password"})
    assert events("mfa.removed") == []
    client.post("/profile/mfa/remove/", {"password": PASSWORD})

    event = only("mfa.removed")
    assert (event.actor, event.target_id) == (owner, str(owner.pk))
    assert events("mfa.reset") == []


def test_an_administrators_reset_names_the_administrator_and_whose_it_was(owner, admin_user):
    enrolled(owner)
    device = AuthenticatorApp.objects.get(user=owner)
    admin = signed_in_client(admin_user, ELSEWHERE)

    admin.post(f"/admin/mfa/authenticatorapp/{device.pk}/delete/", {"post": "yes"})

    event = only("mfa.reset")
    assert (event.actor, event.address) == (admin_user, ELSEWHERE)
    assert (event.target_id, event.target_label) == (str(owner.pk), str(owner))
    assert events("mfa.removed") == []


def test_a_reset_of_several_from_the_list_is_one_event_each(owner, leader, admin_user):
    enrolled(owner)
    enrolled(leader)
    admin = signed_in_client(admin_user)

    admin.post(
        "/admin/mfa/authenticatorapp/",
        {
            "action": "delete_selected",
            "_selected_action": list(AuthenticatorApp.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert {(e.actor, e.target_id) for e in events("mfa.reset")} == {
        (admin_user, str(owner.pk)),
        (admin_user, str(leader.pk)),
    }


def test_new_recovery_codes_are_on_the_trail(owner):
    enrolled(owner)

    signed_in_client(owner).post("/profile/mfa/codes/")

    event = only("mfa.codes")
    assert (event.actor, event.target_id) == (owner, str(owner.pk))


def test_a_wrong_code_names_the_login_and_the_address_not_a_wrong_password(owner):
    secret, _ = enrolled(owner)
    client = Client(REMOTE_ADDR=ELSEWHERE)
    password_step(client, "olga")

    client.post("/login/code/", {"code": f"{(int(code(secret, 1)) + 1) % 10**6:06d}"})

    event = only("mfa.failed")
    assert (event.actor, event.login, event.address) == (owner, "olga", ELSEWHERE)
    assert events("signin.failed") == []
    assert ELSEWHERE not in [e.address for e in events("signin")]  # not signed in


def test_a_sign_in_says_which_code_let_it_through(owner):
    secret, codes = enrolled(owner)
    with_app, with_recovery = Client(), Client()
    password_step(with_app, "olga")
    password_step(with_recovery, "olga")

    with_app.post("/login/code/", {"code": code(secret, ahead=1)})
    with_recovery.post("/login/code/", {"code": codes[0]})

    # force_login (enrolling on the profile page) is a sign-in too, with no code
    assert [e.details.get("mfa") for e in events("signin")] == [None, "app", "recovery"]
