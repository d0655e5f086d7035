"""`keyplan import salesforce`: a Data Export becomes the chosen key accounts' plans;
importing it again changes nothing; a changed export updates what the CRM owns,
reports the drift and leaves what keyplan alone keeps."""

import zipfile
from datetime import date
from decimal import Decimal

import pytest

from keyplan.accounts.models import Account, Source
from keyplan.core import clock, services
from keyplan.growth.models import Play, Product
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import plan_show, snapshot
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import edit_csv, read_csv, run_import, write_csv


@pytest.fixture
def kim(db):
    """The KAM whose email the export's User.csv carries."""
    return make_user("kim", Role.KAM, email="kim@keyplan.example")


@pytest.fixture
def export(tmp_path, admin_user, kim):
    return sf.salesforce_export(tmp_path / "export")


def every_plan() -> dict:
    return {a.name: plan_show(a.name) for a in Account.objects.all()}


# ---- the shared sample: a real org's export


def test_importing_the_sample_twice_gives_the_same_database(admin_user, tmp_path):
    sample = sf.sample_copy(tmp_path)

    first = run_import("salesforce", sample, "--all")
    after_once, plans = snapshot(), every_plan()
    second = run_import("salesforce", sample, "--all")

    assert snapshot() == after_once and every_plan() == plans
    assert "  Account: 22 rows; 22 imported (22 created)" in first
    assert "  Contact: 102 rows; 18 imported (18 created); 84 skipped (84 without an account)" in (
        first
    )
    assert "  Account: 22 rows; 22 imported (22 unchanged)" in second
    assert "  Contact: 102 rows; 18 imported (18 unchanged); 84 skipped" in second
    assert "  Opportunity: 50 rows; 47 imported (47 unchanged); 3 skipped (3 closed lost" in second
    assert "Patterson-Hansen: no change in Salesforce since the last import" in second
    assert Account.objects.filter(source=Source.SALESFORCE).count() == 22


def test_the_sample_maps_profiles_people_plays_contracts_and_interactions(admin_user, tmp_path):
    sample = sf.sample_copy(tmp_path)

    run_import("salesforce", sample, "--accounts", "patterson-hansen,Moody and Sons")

    assert sorted(Account.objects.values_list("name", flat=True)) == [
        "Moody and Sons",
        "Patterson-Hansen",
    ]
    plan = plan_show("Patterson-Hansen")
    profile = plan["profile"]
    assert profile["industry"] == "Healthcare" and profile["employees"] == 468
    assert profile["annual_revenue"] == 4028720
    assert profile["headquarters"] == (
        "10980 Levine Gateway Apt. 485, Floresberg, WV 15285, United States"
    )
    assert plan["account"]["crm_id"] == "001Ec00000GGw3iIAD"
    assert plan["account"]["relationship"] == "customer"  # it has won opportunities
    assert [s["name"] for s in plan["stakeholders"]] == ["Daniel Bishop"]
    plays = {p["name"]: p for p in plan["growth"]["plays"]}
    merchant = plays["Patterson-Hansen - Merchant Services - November 2024"]
    assert (merchant["stage"], merchant["probability"]) == ("conversation", 10)  # Qualification
    assert merchant["target_arr"] == 1124741.15 and merchant["target_close_date"] == "2024-11-10"
    assert plays["Patterson-Hansen - Merchant Services - August 2024"]["stage"] == "closing"
    contracts = {c["name"]: c for c in plan["history"]["contracts"]}
    won = contracts["Patterson-Hansen - Business Credit Card - July 2023"]
    assert (won["arr"], won["start_date"], won["end_date"]) == (
        734410.15,
        "2023-07-20",
        "2024-07-19",
    )
    assert plan["history"]["revenue"] == [
        {"year": 2023, "revenue": 1783718.34, "note": "Salesforce: 2 won opportunities"}
    ]
    moody = plan_show("Moody and Sons")
    assert len(moody["interactions"]) == 5
    assert {i["kind"] for i in moody["interactions"]} == {"other"}
    assert ["Michael Jensen"] in [i["stakeholders"] for i in moody["interactions"]]


# ---- every object of an export


def test_every_object_of_an_export_lands_in_the_plan(export, kim):
    output = run_import("salesforce", export, "--accounts", "Globex Corp")

    assert "Created the account Globex Corp (Salesforce 001Ec0000000001IAA)" in output
    plan = plan_show("Globex Corp")
    assert plan["account"]["owner"] == "kim"  # OwnerId's User has Kim's email
    assert plan["profile"]["headquarters"] == "1 Globex Way, Springfield, OR 49007, United States"
    assert plan["profile"]["subsidiaries"] == "Globex Europe"  # not chosen, so named
    assert plan["profile"]["ownership"] == "public"
    assert plan["profile"]["website"] == "https://www.globex.example"
    people = {s["name"]: s for s in plan["stakeholders"]}
    assert set(people) == {"Hank Scorpio", "Pat Lee"}
    assert people["Pat Lee"]["reports_to"] == "Hank Scorpio"
    assert people["Pat Lee"]["phone"] == "+1 555 0101"  # the mobile, as there is no phone
    assert people["Hank Scorpio"]["role"] == "economic_buyer"  # from the contact role
    # On the map since the CRM created the contact, else since today's import.
    on_map = dict(Stakeholder.objects.values_list("name", "on_map_since"))
    assert on_map == {"Hank Scorpio": date(2024, 1, 22), "Pat Lee": clock.today()}
    (play,) = plan["growth"]["plays"]
    assert play["description"] == "Roll out to the plants,\nthen the offices"
    assert (play["stage"], play["probability"], play["owner"]) == ("opportunity", 40, "kim")
    assert play["stakeholders"] == [
        {"name": "Hank Scorpio", "role_hint": "Economic Buyer"},
        {"name": "Pat Lee", "role_hint": "Technical Buyer"},
    ]
    (contract,) = plan["history"]["contracts"]
    assert contract["lines"] == [
        {"product": "Analytics Suite", "quantity": 100, "arr": 150000},
        {"product": "Premium Support", "quantity": 1, "arr": 30000},
    ]
    assert set(Product.objects.values_list("name", flat=True)) == {
        "Analytics Suite",
        "Premium Support",
    }  # not the product no chosen account bought
    touches = {i["subject"]: i for i in plan["interactions"]}
    assert touches["Budget call"]["kind"] == "call" and touches["Budget call"]["meaningful"]
    assert touches["Budget call"]["stakeholders"] == ["Hank Scorpio"]
    assert touches["Plant visit"]["kind"] == "meeting"
    assert touches["Plant visit"]["date"] == "2026-05-12"  # 21:30 UTC, in UTC
    assert "  Task: 2 rows; 1 imported (1 created); 1 skipped (1 about a lead, not a contact)" in (
        output
    )
    assert "  Contact: 5 rows; 2 imported (2 created); 3 skipped" in output


def test_a_timestamp_is_read_as_the_day_it_was_in_the_organisations_time_zone(export, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    run_import("salesforce", export, "--accounts", "Globex Corp")
    visit = Stakeholder.objects.get(name="Pat Lee").interactions.get()
    assert str(visit.date) == "2026-05-13"  # 2026-05-12T21:30:00.000+0000 is 06:30 in Tokyo


def test_a_parent_imported_with_its_subsidiary_is_linked(export):
    run_import("salesforce", export, "--accounts", "Globex Corp,Globex Europe")

    assert plan_show("Globex Europe")["account"]["parent"] == "Globex Corp"
    assert plan_show("Globex Corp")["profile"]["subsidiaries"] == ""


def test_names_with_commas_and_ids_choose_accounts(export):
    run_import("salesforce", export, "--accounts", f"Initech, Inc.,{sf.GLOBEX[:15]}")

    assert sorted(Account.objects.values_list("name", flat=True)) == [
        "Globex Corp",
        "Initech, Inc.",
    ]


def test_a_zip_of_the_export_imports_the_same(export, tmp_path):
    archive = tmp_path / "WE_00D000000000001_1.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in export.iterdir():
            zipped.write(path, path.name)

    output = run_import("salesforce", archive, "--accounts", "Globex Corp")

    assert "Salesforce export WE_00D000000000001_1.zip (Account.csv" in output
    assert Stakeholder.objects.count() == 2


def test_fifteen_character_ids_match_the_records_an_import_made(export):
    run_import("salesforce", export, "--accounts", "Globex Corp")
    before = snapshot()
    for name in ("Account.csv", "Contact.csv", "Opportunity.csv"):
        header, rows = read_csv(export / name)
        for row in rows:
            for column in ("Id", "AccountId", "ReportsToId", "ParentId"):
                if row.get(column):
                    row[column] = row[column][:15]
        write_csv(export / name, header, rows)

    output = run_import("salesforce", export, "--accounts", "Globex Corp")

    assert snapshot() == before
    assert "Globex Corp: no change in Salesforce since the last import" in output


# ---- importing again


def test_a_changed_export_updates_what_the_crm_owns_and_reports_the_drift(export, admin_user):
    run_import("salesforce", export, "--accounts", "Globex Corp")
    hank = Stakeholder.objects.get(name="Hank Scorpio")
    services.update(
        hank, by=admin_user, version=hank.version, power=3, strength=4, notes="Golf on Fridays"
    )
    edit_csv(export / "Contact.csv", {"Id": sf.HANK}, Title="Chairman", Email="")
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, StageName="Negotiation/Review",
             Probability="70")  # fmt: skip
    edit_csv(export / "Account.csv", {"Id": sf.GLOBEX}, NumberOfEmployees="4500")
    header, rows = read_csv(export / "Contact.csv")
    rows.append({"Id": sf.sf_id("003", 9), "AccountId": sf.GLOBEX, "FirstName": "Mindy",
                 "LastName": "Simmons", "Title": "CFO", "ReportsToId": sf.HANK})  # fmt: skip
    write_csv(export / "Contact.csv", header, rows)

    output = run_import("salesforce", export, "--accounts", "Globex Corp")

    assert "Globex Corp: changed in Salesforce since the last import" in output
    assert "1. Profile: 1 changed (Globex Corp: employees “4200” → “4500”)" in output
    assert (
        "3. Stakeholders: 1 new (Mindy Simmons), 1 changed (Hank Scorpio: title “CEO” → "
        "“Chairman”)" in output
    )
    assert (
        "6. Growth plays: 1 changed (Globex - Analytics, phase 2: stage “Active opportunity” → "
        "“Closing”; probability “40” → “70”)" in output
    )
    assert "  Contact: 6 rows; 3 imported (1 created, 1 updated, 1 unchanged)" in output
    hank.refresh_from_db()
    assert hank.title == "Chairman"
    assert hank.email == "hank@globex.example"  # a blank in the CRM erases nothing
    assert (hank.power, hank.strength, hank.notes) == (3, 4, "Golf on Fridays")
    assert Stakeholder.objects.get(name="Mindy Simmons").reports_to == hank


def test_a_won_play_becomes_a_contract_and_revenue(export):
    run_import("salesforce", export, "--accounts", "Globex Corp")
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, StageName="Closed Won",
             IsClosed="1", IsWon="1", Probability="100", CloseDate="2026-06-30")  # fmt: skip

    output = run_import("salesforce", export, "--accounts", "Globex Corp")

    play = Play.objects.get(crm_id=sf.EXPANSION)
    assert play.stage == "won"
    history = plan_show("Globex Corp")["history"]
    assert {c["name"] for c in history["contracts"]} == {
        "Globex - Analytics, phase 2",
        "Globex - 2025 subscription",
    }
    assert {r["year"]: r["revenue"] for r in history["revenue"]} == {2025: 180000, 2026: 250000}
    assert "2. Contracts: 1 new (Globex - Analytics, phase 2)" in output


def test_a_keyplan_account_of_the_same_name_is_tied_to_its_crm_record(export, admin_user):
    existing = Account.objects.create(name="GLOBEX CORP", owner=admin_user, tier=1)
    Stakeholder.objects.create(account=existing, name="Hank Scorpio", power=3, notes="Met at RSA")

    output = run_import("salesforce", export, "--accounts", "Globex Corp")

    assert "Tied the account Globex Corp to Salesforce 001Ec0000000001IAA" in output
    account = Account.objects.get()
    assert (account.name, account.tier, account.crm_id) == ("Globex Corp", 1, sf.GLOBEX)
    hank = account.stakeholders.get(name="Hank Scorpio")
    assert (hank.crm_id, hank.title, hank.power, hank.notes) == (sf.HANK, "CEO", 3, "Met at RSA")
    assert account.stakeholders.count() == 2


def test_two_contacts_of_the_same_name_are_told_apart(export):
    header, rows = read_csv(export / "Contact.csv")
    rows.append({"Id": sf.sf_id("003", 8), "AccountId": sf.GLOBEX, "FirstName": "Pat",
                 "LastName": "Lee", "Email": "pat.lee2@globex.example"})  # fmt: skip
    write_csv(export / "Contact.csv", header, rows)

    run_import("salesforce", export, "--accounts", "Globex Corp")
    names = set(Stakeholder.objects.values_list("name", flat=True))
    before = snapshot()
    run_import("salesforce", export, "--accounts", "Globex Corp")

    assert names == {"Hank Scorpio", "Pat Lee", "Pat Lee (pat.lee2@globex.example)"}
    assert snapshot() == before


def test_a_custom_column_is_read_only_when_mapped(export):
    run_import("salesforce", export, "--accounts", "Globex Corp")
    assert Account.objects.get().tier == 2  # Tier__c ignored

    output = run_import(
        "salesforce", export, "--accounts", "Globex Corp", "--map", "Account.Tier__c=tier"
    )

    assert Account.objects.get().tier == 1
    assert "1. Profile: 1 changed (Globex Corp: tier “Tier 2” → “Tier 1”)" in output


def test_a_dry_run_reports_what_applying_does_and_changes_nothing(export):
    before = snapshot()

    dry = run_import("salesforce", export, "--accounts", "Globex Corp", "--dry-run")

    assert snapshot() == before
    assert "Would create the account Globex Corp" in dry
    assert dry.endswith("Dry run: nothing was changed.\n")
    applied = run_import("salesforce", export, "--accounts", "Globex Corp")
    expected = dry.replace("Would create", "Created").replace("Dry run: nothing was changed.\n", "")
    assert applied == expected
    assert Account.objects.get().annual_revenue == Decimal("125000000")


def test_records_gone_from_the_crm_are_reported_and_kept(export):
    run_import("salesforce", export, "--accounts", "Globex Corp")
    header, rows = read_csv(export / "Contact.csv")
    write_csv(export / "Contact.csv", header, [r for r in rows if r["Id"] != sf.PAT])
    header, rows = read_csv(export / "Opportunity.csv")
    write_csv(export / "Opportunity.csv", header, [r for r in rows if r["Id"] != sf.EXPANSION])
    header, rows = read_csv(export / "OpportunityContactRole.csv")
    write_csv(export / "OpportunityContactRole.csv", header,
              [r for r in rows if r["OpportunityId"] != sf.EXPANSION])  # fmt: skip
    before = snapshot()

    output = run_import("salesforce", export, "--accounts", "Globex Corp")

    assert "3. Stakeholders: 1 no longer in the export, kept (Pat Lee)" in output
    assert "6. Growth plays: 1 no longer in the export, kept (Globex - Analytics, phase 2)" in (
        output
    )
    assert "Event: 1 row; 0 imported; 1 skipped (1 with a contact not in Contact.csv)" in output
    assert snapshot() == before
