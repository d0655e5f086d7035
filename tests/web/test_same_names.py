"""Accounts may share a name: where pages list accounts, those the viewer may see under
one name are told apart by headquarters and owner; a twin the viewer may not see leaves
the name as it is."""

import re

import pytest
from django.urls import reverse

from keyplan.accounts import services as account_services


@pytest.fixture
def twins(owner, leader, private_plans):
    """Olga's Acme Corp in Boston; the leader's ACME CORP in Lyon (not on Olga's team)."""
    boston = account_services.create_account(by=owner, name="Acme Corp", headquarters="Boston")
    lyon = account_services.create_account(by=leader, name="ACME CORP", headquarters="Lyon")
    return boston, lyon


def linked_names(html: str, pk: int) -> list[str]:
    """The text of each link to the plan of `pk`, tags dropped."""
    links = re.findall(rf'<a href="/accounts/{pk}/">(.*?)</a>', html)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", link)).strip() for link in links]


def test_the_accounts_list_tells_same_named_accounts_apart(client, twins, leader):
    boston, lyon = twins
    client.force_login(leader)

    html = client.get(reverse("accounts")).text

    assert linked_names(html, boston.pk) == ["Acme Corp (Boston, Olga Owner)"]
    assert linked_names(html, lyon.pk) == ["ACME CORP (Lyon, lena)"]


def test_the_dashboard_tells_same_named_accounts_apart(client, twins, leader):
    boston, lyon = twins
    client.force_login(leader)

    html = client.get(reverse("portfolio")).text

    assert set(linked_names(html, boston.pk)) == {"Acme Corp (Boston, Olga Owner)"}
    assert set(linked_names(html, lyon.pk)) == {"ACME CORP (Lyon, lena)"}


def test_the_same_place_and_owner_fall_back_to_the_id(client, owner, private_plans):
    first = account_services.create_account(by=owner, name="Initech", headquarters="Austin")
    second = account_services.create_account(by=owner, name="Initech", headquarters="Austin")
    client.force_login(owner)

    html = client.get(reverse("accounts")).text

    assert linked_names(html, first.pk) == [f"Initech (Austin, Olga Owner, id {first.pk})"]
    assert linked_names(html, second.pk) == [f"Initech (Austin, Olga Owner, id {second.pk})"]


def test_a_twin_the_viewer_may_not_see_changes_nothing_on_their_pages(client, twins, owner):
    boston, _ = twins
    client.force_login(owner)

    html = client.get(reverse("accounts")).text

    assert linked_names(html, boston.pk) == ["Acme Corp"]
    assert "Lyon" not in html


def test_the_admin_parent_picker_tells_same_named_accounts_apart(client, twins, admin_user):
    boston, lyon = twins
    client.force_login(admin_user)
    query = "app_label=accounts&model_name=account&field_name=parent&term=acme"

    results = client.get(f"/admin/autocomplete/?{query}").json()["results"]

    assert sorted(r["text"] for r in results) == [
        f"ACME CORP (Lyon, owner lena, id {lyon.pk})",
        f"Acme Corp (Boston, owner Olga Owner, id {boston.pk})",
    ]
