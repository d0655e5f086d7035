"""Inline editing on the plan page: every write through the services, refused when
invalid, stale or not allowed, and answered with the sections it changed."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Contract
from keyplan.core import services
from keyplan.growth.models import Action, Play, WhitespaceCell
from keyplan.relationships.models import Stakeholder

HX = {"HTTP_HX_REQUEST": "true"}


def record_url(account, kind, record=None):
    args = [account.pk, kind] + ([record.pk] if record else [])
    return reverse("plan-record", args=args)


def stakeholder_data(**changes):
    data = {
        "name": "Kim Cold",
        "title": "COO",
        "role": "economic_buyer",
        "power": 3,
        "interest": 2,
        "strength": 1,
        "priority": 1,
        "status": "active",
    }
    return {**data, **changes}


def existing_data(stakeholder, **changes):
    fields = ("name", "title", "role", "power", "interest", "strength", "priority", "version")
    return stakeholder_data(**{**{f: getattr(stakeholder, f) for f in fields}, **changes})


@pytest.fixture
def editor(client, member):
    client.force_login(member)
    return client


def test_adding_a_cold_powerful_stakeholder_adds_a_red_dot(editor, account, champion):
    response = editor.post(record_url(account, "stakeholders"), stakeholder_data(), **HX)

    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"  # only the sections below change
    html = response.text
    assert 'id="section-stakeholders" class="plan-section" hx-swap-oob="outerHTML"' in html
    assert "Kim Cold" in html
    assert 'data-heat="red">1 red' in html
    assert 'data-heat="green">1 green' in html  # Sarah Lin
    created = Stakeholder.objects.get(name="Kim Cold")
    assert created.history.first().history_user.username == "max"


def test_an_invalid_value_is_refused_at_the_field(editor, account):
    response = editor.post(record_url(account, "stakeholders"), stakeholder_data(strength=7), **HX)

    assert response.status_code == 422
    assert 'data-field="strength"' in response.text
    assert "Select a valid choice" in response.text
    assert not Stakeholder.objects.filter(name="Kim Cold").exists()


def test_a_manager_from_another_account_is_refused(editor, account, owner, member):
    other = account_services.create_account(by=owner, name="Other Co")
    stranger = services.create(Stakeholder, by=owner, account=other, name="Stranger")
    response = editor.post(
        record_url(account, "stakeholders"), stakeholder_data(reports_to=stranger.pk), **HX
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    assert not Stakeholder.objects.filter(name="Kim Cold").exists()


def test_a_contract_ending_before_it_starts_is_refused(editor, account):
    data = {
        "name": "MSA",
        "status": "active",
        "arr": "1000",
        "start_date": "2026-05-01",
        "end_date": "2026-04-01",
    }
    response = editor.post(record_url(account, "contracts"), data, **HX)
    assert response.status_code == 422
    assert "The end date cannot be before the start date." in response.text
    assert not Contract.objects.exists()


def test_a_negative_value_is_refused(editor, account):
    data = {"name": "MSA", "status": "active", "arr": "-5", "start_date": "2026-05-01"}
    response = editor.post(record_url(account, "contracts"), data, **HX)
    assert response.status_code == 422
    assert "greater than or equal to 0" in response.text
    assert not Contract.objects.exists()


def test_a_stale_edit_is_refused_with_their_change_and_my_input_kept(
    editor, account, champion, owner
):
    opened = existing_data(champion, title="Chief Operating Officer")
    services.update(champion, by=owner, version=champion.version, strength=3)

    response = editor.post(record_url(account, "stakeholders", champion), opened, **HX)

    assert response.status_code == 409
    assert "was changed by Olga Owner since you opened it" in response.text
    assert "Relationship strength: now “Warm”" in response.text
    assert 'value="Chief Operating Officer"' in response.text  # my input, kept
    champion.refresh_from_db()
    assert (champion.title, champion.strength) == ("VP Ops", 3)

    # Saving again applies my input over the version I have now seen.
    again = {**opened, "version": champion.version, "strength": 3}
    response = editor.post(record_url(account, "stakeholders", champion), again, **HX)
    assert response.status_code == 200
    champion.refresh_from_db()
    assert champion.title == "Chief Operating Officer"


def test_editing_a_deleted_record_says_so(editor, account, champion, owner):
    data = existing_data(champion, title="COO")
    services.delete(champion, by=owner, version=champion.version)
    response = editor.post(record_url(account, "stakeholders", champion), data, **HX)
    assert response.status_code == 410
    assert "was deleted by someone else" in response.text
    assert not Stakeholder.objects.filter(name="Sarah Lin").exists()


def test_a_viewer_cannot_write_even_by_posting_by_hand(client, account, champion, viewer):
    client.force_login(viewer)
    response = client.post(
        record_url(account, "stakeholders", champion), existing_data(champion, title="X"), **HX
    )
    assert response.status_code == 403
    champion.refresh_from_db()
    assert champion.title == "VP Ops"


def test_a_viewer_sees_no_edit_controls(client, account, champion, viewer):
    client.force_login(viewer)
    page = client.get(reverse("plan", args=[account.pk]))
    assert page.status_code == 200
    assert "Sarah Lin" in page.text
    assert (
        "hx-post" not in page.text
        and ">Edit<" not in page.text
        and "Add stakeholder" not in page.text
    )


def test_an_outsider_gets_404_for_the_plan_and_its_forms(client, account, champion, outsider):
    client.force_login(outsider)
    assert client.get(reverse("plan", args=[account.pk])).status_code == 404
    assert client.get(record_url(account, "stakeholders", champion), **HX).status_code == 404
    response = client.post(
        record_url(account, "stakeholders", champion), existing_data(champion, title="X"), **HX
    )
    assert response.status_code == 404
    champion.refresh_from_db()
    assert champion.title == "VP Ops"


def test_a_record_of_another_account_is_not_found_here(editor, account, owner):
    other = account_services.create_account(by=owner, name="Other Co")
    stranger = services.create(Stakeholder, by=owner, account=other, name="Stranger")
    assert editor.get(record_url(account, "stakeholders", stranger), **HX).status_code == 404


def test_clicking_an_open_cell_to_sold_lowers_the_open_whitespace(editor, account, unit, product):
    cell_url = reverse("plan-cell", args=[account.pk, unit.pk, product.pk])
    form = editor.get(cell_url, **HX)
    assert "Engineering × Analytics" in form.text

    opened = editor.post(cell_url, {"status": "open", "estimated_value": "45000"}, **HX)
    assert re.search(r'data-figure="open_whitespace"[^>]*>\$45,000<', opened.text)

    cell = WhitespaceCell.objects.get()
    sold = editor.post(cell_url, {"status": "sold", "version": cell.version}, **HX)
    assert sold.status_code == 200
    assert re.search(r'data-figure="open_whitespace"[^>]*>\$0<', sold.text)
    assert WhitespaceCell.objects.get().status == "sold"


def test_marking_an_action_done(editor, account, member):
    action = services.create(
        Action, by=member, account=account, title="Intro", owner=member, due_date=date(2026, 1, 5)
    )
    url = reverse("plan-action-done", args=[account.pk, action.pk])
    response = editor.post(url, {"version": action.version}, **HX)
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on is not None


def test_moving_a_play_to_another_stage(editor, account, member):
    play = services.create(Play, by=member, account=account, name="Analytics", stage="idea")
    url = reverse("plan-play-stage", args=[account.pk, play.pk])
    response = editor.post(url, {"stage": "closing", "version": play.version}, **HX)
    assert response.status_code == 200
    assert "Closing" in response.text
    play.refresh_from_db()
    assert play.stage == "closing"
    stale = editor.post(url, {"stage": "won", "version": 1}, **HX)
    assert stale.status_code == 409
    play.refresh_from_db()
    assert play.stage == "closing"


def test_an_interaction_with_its_participants(editor, account, champion):
    data = {"date": "2026-03-02", "kind": "call", "subject": "Renewal call", "meaningful": "on",
            "stakeholders": [champion.pk]}  # fmt: skip
    response = editor.post(record_url(account, "interactions"), data, **HX)
    assert response.status_code == 200
    assert "Renewal call" in response.text and "with Sarah Lin" in response.text


def test_deleting_a_record(editor, account, champion):
    url = reverse("plan-delete", args=[account.pk, "stakeholders", champion.pk])
    response = editor.post(url, {"version": champion.version}, **HX)
    assert response.status_code == 200
    assert not Stakeholder.objects.filter(pk=champion.pk).exists()
    assert 'id="stakeholder-' not in response.text.split('id="section-heatmap"')[0]


def test_the_account_fields_edit_in_groups(editor, account):
    url = reverse("plan-account", args=[account.pk, "thesis"])
    data = {"growth_thesis": "Land Engineering", "target_arr": "260000",
            "target_date": "2027-12-31", "version": account.version}  # fmt: skip
    response = editor.post(url, data, **HX)
    assert response.status_code == 200
    account.refresh_from_db()
    assert (account.growth_thesis, account.target_arr) == ("Land Engineering", Decimal(260000))


def test_a_member_cannot_change_the_tier_by_posting_by_hand(editor, account):
    url = reverse("plan-account", args=[account.pk, "overview"])
    data = {"name": account.name, "tier": 3, "relationship": "customer",
            "owner": account.owner_id, "version": account.version}  # fmt: skip
    response = editor.post(url, data, **HX)
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.tier == 1
