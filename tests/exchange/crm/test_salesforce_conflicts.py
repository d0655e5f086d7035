"""No silent overwrite in either direction, through the test org: a field changed only
in Salesforce arrives; one changed only in keyplan stays and is pushed; one changed on
both sides becomes a conflict, with both values and both authors, that neither a pull
nor a push writes until a user keeps one side, on the plan page or through the API."""

import json
import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from keyplan.accounts.models import Account
from keyplan.core import services
from keyplan.exchange.crm.salesforce.live.pull import pull
from keyplan.exchange.crm.salesforce.live.push import push
from keyplan.growth.models import Play
from keyplan.relationships.models import Stakeholder
from tests.api.conftest import client_for
from tests.exchange.crm.helpers import run_import

pytestmark = pytest.mark.django_db

PATTERSON = "Patterson-Hansen"
MERCHANT = "Patterson-Hansen - Merchant Services - November 2024"
MARIA = "005Ec000009MariaAAA"  # a sales rep editing in Salesforce


@pytest.fixture
def synced(admin_user, org, data_export, tmp_path):
    """Patterson-Hansen linked (as importing its Account row does) and pulled once;
    the org has a user, Maria Lopez, who edits there."""
    accounts_only = tmp_path / "accounts-only"
    accounts_only.mkdir()
    shutil.copy(data_export / "Account.csv", accounts_only / "Account.csv")
    run_import("salesforce", accounts_only, "--accounts", PATTERSON)
    org.records.setdefault("User", []).append({
        "Id": MARIA, "Username": "maria@example.com", "FirstName": "Maria",
        "LastName": "Lopez", "Email": "maria@example.com", "IsActive": True,
    })  # fmt: skip
    first = pull(by=admin_user)
    assert first.ok, (first.errors, [a.error for a in first.accounts])
    return Account.objects.get(name=PATTERSON)


def opportunity(org, play: Play) -> dict:
    return next(r for r in org.records["Opportunity"] if r["Id"] == play.crm_id)


def contact(org, person: Stakeholder) -> dict:
    return next(r for r in org.records["Contact"] if r["Id"] == person.crm_id)


def edit(record, by, **values):
    record.refresh_from_db()
    return services.update(record, by=by, version=record.version, **values)


def both_sides_changed(org, admin_user) -> tuple[Play, Stakeholder]:
    """The play's amount and Daniel Bishop's title, changed in keyplan by ada and in
    Salesforce by Maria Lopez, to different values."""
    play = Play.objects.get(name=MERCHANT)
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    edit(play, admin_user, target_arr=Decimal("900000"))
    edit(bishop, admin_user, title="VP Finance")
    org.change("Opportunity", play.crm_id, by=MARIA, Amount=1300000.0)
    org.change("Contact", bishop.crm_id, by=MARIA, Title="Chief Financial Officer")
    return play, bishop


def test_a_field_changed_only_in_salesforce_arrives_from_salesforce(admin_user, org, synced):
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    org.change("Contact", bishop.crm_id, by=MARIA, Title="Chief Financial Officer")

    report = pull(by=admin_user)

    assert report.ok and report.conflicts == []
    bishop.refresh_from_db()
    assert bishop.title == "Chief Financial Officer"
    latest = bishop.history.order_by("-history_id").first()
    assert (latest.title, latest.history_change_reason) == (
        "Chief Financial Officer", "from Salesforce",
    )  # fmt: skip


def test_a_field_changed_only_in_keyplan_stays_and_is_pushed(admin_user, org, synced):
    play = Play.objects.get(name=MERCHANT)
    bishop = Stakeholder.objects.get(name="Daniel Bishop")
    edit(play, admin_user, target_arr=Decimal("777000"))
    edit(bishop, admin_user, title="VP Finance")
    # Something else changes there, so the next pull reads the account's records again.
    org.change("Account", synced.crm_id, by=MARIA, Website="https://patterson.example")

    pulled = pull(by=admin_user)

    assert pulled.ok and pulled.conflicts == []
    play.refresh_from_db()
    bishop.refresh_from_db()
    assert (play.target_arr, bishop.title) == (Decimal("777000"), "VP Finance")
    assert Account.objects.get(pk=synced.pk).website == "https://patterson.example"

    pushed = push(by=admin_user, accounts=[PATTERSON])

    assert pushed.ok, [p.error for p in pushed.plays]
    assert opportunity(org, play)["Amount"] == 777000.0
    org.change("Account", synced.crm_id, by=MARIA, Website="https://patterson.example/home")
    again = pull(by=admin_user)
    assert again.ok and again.conflicts == []
    play.refresh_from_db()
    bishop.refresh_from_db()
    assert (play.target_arr, bishop.title) == (Decimal("777000"), "VP Finance")


def test_a_field_changed_on_both_sides_is_a_conflict_neither_side_writes(
    admin_user, client, org, synced
):
    play, bishop = both_sides_changed(org, admin_user)

    pulled = pull(by=admin_user)

    assert pulled.ok
    without_ids = [{k: v for k, v in c.items() if k != "id"} for c in pulled.conflicts]
    assert sorted(without_ids, key=lambda c: c["field"]) == [
        {
            "account": PATTERSON, "record": MERCHANT, "field": "Target ARR",
            "keyplan": "900,000", "keyplan_by": "ada",
            "salesforce": "1,300,000", "salesforce_by": "Maria Lopez",
        },
        {
            "account": PATTERSON, "record": "Daniel Bishop", "field": "Title",
            "keyplan": "VP Finance", "keyplan_by": "ada",
            "salesforce": "Chief Financial Officer", "salesforce_by": "Maria Lopez",
        },
    ]  # fmt: skip
    play.refresh_from_db()
    bishop.refresh_from_db()
    assert (play.target_arr, bishop.title) == (Decimal("900000"), "VP Finance")

    pushed = push(by=admin_user, accounts=[PATTERSON])

    assert pushed.ok
    assert opportunity(org, play)["Amount"] == 1300000.0  # keyplan's value was not sent
    assert contact(org, bishop)["Title"] == "Chief Financial Officer"
    # A later pull leaves both as they are, and the conflicts stay open, once each.
    org.change("Account", synced.crm_id, by=MARIA, Website="https://patterson.example")
    out = StringIO()
    call_command("salesforce", "pull", "--format", "json", stdout=out)
    assert sorted(c["field"] for c in json.loads(out.getvalue())["conflicts"]) == [
        "Target ARR", "Title",
    ]  # fmt: skip
    play.refresh_from_db()
    assert play.target_arr == Decimal("900000")
    org.change("Opportunity", play.crm_id, by=MARIA, Amount=1350000.0)
    out = StringIO()
    call_command("salesforce", "pull", stdout=out)
    assert (
        f"{PATTERSON}, {MERCHANT}, Target ARR: changed in both, keyplan has “900,000” (ada), "
        "Salesforce has “1,350,000” (Maria Lopez); neither is written until someone keeps "
        "one (plan page or API)." in out.getvalue()
    )

    listed = client_for(admin_user).get(f"/accounts/{synced.pk}/conflicts").json()
    assert listed["count"] == 2
    amount = next(c for c in listed["results"] if c["field"] == "target_arr")
    assert amount | {"id": 0, "found_at": "", "record_id": 0} == {
        "id": 0, "version": 2, "record_kind": "play", "record_id": 0,
        "record": MERCHANT, "field": "target_arr", "field_label": "Target ARR",
        "keyplan": "900,000", "keyplan_by": "ada", "salesforce": "1,350,000",
        "salesforce_by": "Maria Lopez", "found_at": "", "resolved_at": None,
        "resolved_by": None, "kept": "",
    }  # fmt: skip
    assert amount["record_id"] == play.pk

    client.force_login(admin_user)
    page = client.get(reverse("plan", args=[synced.pk])).content.decode()
    assert "Changed in keyplan and in Salesforce" in page
    assert "keyplan has “900,000” (ada)" in page
    assert "Salesforce has “1,350,000” (Maria Lopez)" in page
    assert page.count("Keep Salesforce&#x27;s") + page.count("Keep Salesforce's") == 2


def test_keeping_salesforces_value_through_the_api_writes_it_to_keyplan(admin_user, org, synced):
    play, _ = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    api = client_for(admin_user)
    amount = next(
        c
        for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]
        if c["field"] == "target_arr"
    )
    url = f"/accounts/{synced.pk}/conflicts/{amount['id']}/resolve"

    answer = api.post(url, {"keep": "salesforce"}, headers={"If-Match": f'"{amount["version"]}"'})

    assert answer.status_code == 200, answer.content
    assert (answer.json()["kept"], answer.json()["resolved_by"]) == ("salesforce", "ada")
    play.refresh_from_db()
    assert play.target_arr == Decimal("1300000")
    assert [c["field"] for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]] == [
        "title"
    ]
    pushed = push(by=admin_user, accounts=[PATTERSON])
    assert opportunity(org, play)["Amount"] == 1300000.0
    assert next(p for p in pushed.plays if p.play.pk == play.pk).outcome == "unchanged"

    again = api.post(url, {"keep": "keyplan", "version": answer.json()["version"]})

    assert again.status_code == 409
    assert again.json()["detail"] == (
        "This conflict was already resolved by ada, who kept Salesforce's value. "
        "Nothing was changed."
    )
    play.refresh_from_db()
    assert play.target_arr == Decimal("1300000")


def test_keeping_keyplans_value_through_the_api_pushes_it(admin_user, org, synced):
    play, _ = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    api = client_for(admin_user)
    amount = next(
        c
        for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]
        if c["field"] == "target_arr"
    )
    url = f"/accounts/{synced.pk}/conflicts/{amount['id']}/resolve"
    assert api.post(url, {"keep": "keyplan"}).status_code == 428  # which version was read?

    answer = api.post(url, {"keep": "keyplan", "version": amount["version"]})

    assert answer.status_code == 200, answer.content
    play.refresh_from_db()
    assert play.target_arr == Decimal("900000")
    assert opportunity(org, play)["Amount"] == 1300000.0  # until the next push
    pushed = push(by=admin_user, accounts=[PATTERSON])
    assert pushed.ok and pushed.conflicts == []
    assert opportunity(org, play)["Amount"] == 900000.0
    org.change("Account", synced.crm_id, by=MARIA, Website="https://patterson.example")
    pull(by=admin_user)
    play.refresh_from_db()
    assert play.target_arr == Decimal("900000")


def test_keeping_a_side_on_the_plan_page(admin_user, client, org, synced):
    play, bishop = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    client.force_login(admin_user)
    plan = reverse("plan", args=[synced.pk])
    found = {
        c["field"]: c
        for c in client_for(admin_user).get(f"/accounts/{synced.pk}/conflicts").json()["results"]
    }

    kept_theirs = client.post(
        reverse("plan-conflict", args=[synced.pk, found["title"]["id"]]),
        {"keep": "salesforce", "version": found["title"]["version"]},
    )
    kept_ours = client.post(
        reverse("plan-conflict", args=[synced.pk, found["target_arr"]["id"]]),
        {"keep": "keyplan", "version": found["target_arr"]["version"]},
    )

    assert kept_theirs.status_code == kept_ours.status_code == 302
    assert kept_theirs["Location"] == plan + "#section-conflicts"
    bishop.refresh_from_db()
    assert bishop.title == "Chief Financial Officer"
    assert "Changed in keyplan and in Salesforce" not in client.get(plan).content.decode()
    push(by=admin_user, accounts=[PATTERSON])
    assert opportunity(org, play)["Amount"] == 900000.0

    twice = client.post(
        reverse("plan-conflict", args=[synced.pk, found["title"]["id"]]),
        {"keep": "keyplan", "version": found["title"]["version"] + 1},
    )

    assert twice.status_code == 409
    assert "This conflict was already resolved by ada" in twice.content.decode()
    bishop.refresh_from_db()
    assert bishop.title == "Chief Financial Officer"


def test_a_user_who_may_not_see_the_account_gets_not_found(
    admin_user, outsider, client, org, synced
):
    play, _ = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    conflict = client_for(admin_user).get(f"/accounts/{synced.pk}/conflicts").json()["results"][0]
    api = client_for(outsider)

    assert api.get(f"/accounts/{synced.pk}/conflicts").status_code == 404
    resolve = f"/accounts/{synced.pk}/conflicts/{conflict['id']}/resolve"
    assert api.post(resolve, {"keep": "salesforce", "version": 1}).status_code == 404
    client.force_login(outsider)
    page = client.post(
        reverse("plan-conflict", args=[synced.pk, conflict["id"]]),
        {"keep": "salesforce", "version": conflict["version"]},
    )
    assert page.status_code == 404
    play.refresh_from_db()
    assert play.target_arr == Decimal("900000")
    assert (
        len(client_for(admin_user).get(f"/accounts/{synced.pk}/conflicts").json()["results"]) == 2
    )


def test_a_choice_made_on_values_a_later_sync_changed_is_refused(admin_user, org, synced):
    play, _ = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    api = client_for(admin_user)
    read = next(
        c for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]
        if c["field"] == "target_arr"
    )  # fmt: skip
    org.change("Opportunity", play.crm_id, by=MARIA, Amount=1400000.0)
    pull(by=admin_user)
    url = f"/accounts/{synced.pk}/conflicts/{read['id']}/resolve"

    answer = api.post(url, {"keep": "salesforce"}, headers={"If-Match": f'"{read["version"]}"'})

    assert answer.status_code == 412
    assert answer.json()["current"]["salesforce"] == "1,400,000"
    play.refresh_from_db()
    assert play.target_arr == Decimal("900000")
    assert opportunity(org, play)["Amount"] == 1400000.0


def test_a_record_deleted_in_keyplan_while_in_conflict_closes_it_and_loses_nothing(
    admin_user, org, synced
):
    _, bishop = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    api = client_for(admin_user)
    title = next(
        c for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]
        if c["field"] == "title"
    )  # fmt: skip
    bishop.refresh_from_db()
    services.delete(bishop, by=admin_user, version=bishop.version)

    answer = api.post(
        f"/accounts/{synced.pk}/conflicts/{title['id']}/resolve",
        {"keep": "keyplan", "version": title["version"]},
    )

    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        "Daniel Bishop was deleted in keyplan since the conflict was found, so there is "
        "nothing to keep in keyplan; Salesforce keeps its value (“Chief Financial Officer”). "
        "The conflict is closed."
    )
    assert contact(org, bishop)["Title"] == "Chief Financial Officer"
    fields = [c["field"] for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]]
    assert fields == ["target_arr"]


def test_a_conflict_is_over_once_both_sides_hold_the_same_value(admin_user, org, synced):
    _, bishop = both_sides_changed(org, admin_user)
    pull(by=admin_user)
    api = client_for(admin_user)
    title = next(
        c for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]
        if c["field"] == "title"
    )  # fmt: skip
    org.change("Contact", bishop.crm_id, by=MARIA, Title="VP Finance")

    pulled = pull(by=admin_user)

    assert [c["field"] for c in pulled.conflicts] == ["Target ARR"]
    fields = [c["field"] for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]]
    assert fields == ["target_arr"]
    late = api.post(
        f"/accounts/{synced.pk}/conflicts/{title['id']}/resolve",
        {"keep": "salesforce", "version": title["version"]},
    )
    assert late.status_code == 409
    assert late.json()["detail"].startswith("Both sides came to the same value since")
    bishop.refresh_from_db()
    assert bishop.title == "VP Finance"


def test_a_push_finds_a_conflict_by_itself_and_sends_neither(admin_user, org, synced):
    play, _ = both_sides_changed(org, admin_user)
    api = client_for(admin_user)

    previewed = push(by=admin_user, dry_run=True, accounts=[PATTERSON])

    assert [(c["field"], c["keyplan"], c["keyplan_by"], c["salesforce"], c["salesforce_by"])
            for c in previewed.conflicts] == [
        ("Target ARR", "900,000", "ada", "1,300,000", "Maria Lopez")
    ]  # fmt: skip
    assert api.get(f"/accounts/{synced.pk}/conflicts").json()["count"] == 0

    pushed = push(by=admin_user, accounts=[PATTERSON])

    assert pushed.ok and [c["field"] for c in pushed.conflicts] == ["Target ARR"]
    assert next(p for p in pushed.plays if p.play.pk == play.pk).outcome == "unchanged"
    assert opportunity(org, play)["Amount"] == 1300000.0
    play.refresh_from_db()
    assert play.target_arr == Decimal("900000")
    assert [c["field"] for c in api.get(f"/accounts/{synced.pk}/conflicts").json()["results"]] == [
        "target_arr"
    ]
