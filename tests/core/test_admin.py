"""The admin site: for administrators, every model listed, every save through the services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.core import services


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_model_has_a_working_list_and_add_form(admin_client, account, champion):
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist, {"q": "a"}).status_code == 200, changelist
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert admin_client.get(add).status_code in (200, 403), add


def test_the_admin_is_for_administrators_only(client, account, owner, leader):
    for person in (owner, leader):
        client.force_login(person)
        response = client.get(reverse("admin:accounts_account_changelist"))
        assert response.status_code == 302


def account_form(account, **changes):
    fields = {
        "name": account.name,
        "tier": account.tier,
        "relationship": account.relationship,
        "owner": account.owner_id,
        "source": account.source,
        "based_on_version": account.version,
    }
    return {**fields, **changes}


def test_an_admin_edit_is_saved_through_the_services(admin_client, account, admin_user):
    url = reverse("admin:accounts_account_change", args=[account.pk])
    response = admin_client.post(url, account_form(account, industry="Energy", tier=2))
    assert response.status_code == 302, response.context["adminform"].form.errors
    account.refresh_from_db()
    assert (account.industry, account.tier, account.version) == ("Energy", 2, 2)
    assert account.history.first().history_user == admin_user


def test_an_admin_edit_of_a_stale_version_is_refused(admin_client, account, owner):
    opened = account_form(account, industry="Energy")
    services.update(account, by=owner, version=account.version, industry="Retail")
    url = reverse("admin:accounts_account_change", args=[account.pk])
    response = admin_client.post(url, opened)
    assert response.status_code == 200
    assert "Someone changed this record since you opened it" in response.text
    assert Account.objects.get(pk=account.pk).industry == "Retail"


def test_admin_validation_names_the_field(admin_client, account):
    url = reverse("admin:accounts_account_change", args=[account.pk])
    response = admin_client.post(url, account_form(account, target_arr="-5"))
    assert response.status_code == 200
    assert "target_arr" in response.context["adminform"].form.errors


def test_every_keyplan_model_is_in_the_admin_or_shown_on_its_owner():
    from django.apps import apps

    inlined = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("keyplan.")
        and not model.__name__.startswith("Historical")
        and model not in admin.site._registry
        and model not in inlined
    ]
    assert missing == []


def test_an_administrator_revokes_a_token_without_seeing_its_secret(admin_client, owner):
    from keyplan.api import tokens
    from keyplan.api.models import ApiToken

    token, secret = tokens.create(owner, name="BI sync")
    changelist = reverse("admin:api_apitoken_changelist")
    listing = admin_client.get(changelist)
    assert "BI sync" in listing.text and secret not in listing.text
    assert (
        token.digest
        not in admin_client.get(reverse("admin:api_apitoken_change", args=[token.pk])).text
    )

    admin_client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    with pytest.raises(tokens.TokenRefused, match="revoked"):
        tokens.authenticate(secret)
