"""keyplan token create|list|revoke"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.api.conftest import ApiClient


def run(*args) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_alone_on_its_last_line_and_it_works(owner, account):
    output = run("create", owner.username, "--name", "CRM sync")

    secret = output.rstrip("\n").splitlines()[-1]
    assert secret.startswith("kp_") and " " not in secret
    response = ApiClient(secret).get(f"/accounts/{account.pk}")
    assert response.status_code == 200


def test_a_token_can_expire_on_a_date(owner):
    secret = run("create", owner.username, "--name", "Trial", "--expires", "2999-12-31")
    assert ApiClient(secret.splitlines()[-1]).get("/accounts").status_code == 200

    with pytest.raises(CommandError, match="future"):
        run("create", owner.username, "--name", "Old", "--expires", "2000-01-01")
    with pytest.raises(CommandError, match="not a date"):
        run("create", owner.username, "--name", "Bad", "--expires", "soon")


def test_unknown_users_and_blank_names_are_refused(owner):
    with pytest.raises(CommandError, match="No user"):
        run("create", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="Name the token"):
        run("create", owner.username, "--name", "  ")


def test_list_shows_tokens_but_never_their_secrets_and_revoke_ends_them(owner):
    secret = run("create", owner.username, "--name", "CRM sync").splitlines()[-1]

    listing = run("list")
    assert "CRM sync" in listing and "active" in listing
    assert secret not in listing

    token_id = listing.split()[0]
    assert "Revoked" in run("revoke", token_id)
    assert "revoked" in run("list", owner.username)
    assert ApiClient(secret).get("/accounts").status_code == 401


def test_only_an_administrators_token_may_never_expire(owner, admin_user):
    assert ", valid through " in run("create", owner.username, "--name", "Default")
    with pytest.raises(CommandError, match="Only an administrator"):
        run("create", owner.username, "--name", "Forever", "--expires", "never")

    assert ", until revoked." in run(
        "create", admin_user.username, "--name", "CRM", "--expires", "never"
    )
