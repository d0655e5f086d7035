"""`keyplan import hubspot`: HubSpot's companies, contacts and deals exports (with the
column names HubSpot writes) become the chosen key accounts' plans, by the same
rules as Salesforce's; bad files are refused whole, changing nothing (bad values are
warnings: test_hubspot_warnings.py)."""

import zipfile
from datetime import date

import pytest

from keyplan.accounts.models import Account, Source
from keyplan.relationships.models import Stakeholder
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.conftest import plan_show, snapshot
from tests.exchange.crm import helpers as hs
from tests.exchange.crm.helpers import edit_csv, read_csv, refused, run_import, write_csv


@pytest.fixture
def files(tmp_path, admin_user):
    make_user("kim", Role.KAM, email="kim@keyplan.example")
    return hs.hubspot_export(tmp_path / "hubspot")


def acme(*paths, **kw) -> str:
    return run_import("hubspot", *paths, "--accounts", "Acme Anvils", **kw)


def test_importing_twice_gives_the_same_database(files):
    first = acme(*files.values())
    before = snapshot()
    second = acme(*files.values())

    assert snapshot() == before
    assert "  Company: 3 rows; 1 imported (1 created); 2 skipped (2 not among the chosen " \
        "companies)" in first  # fmt: skip
    assert "  Contact: 4 rows; 2 imported (2 created); 2 skipped (1 of companies not chosen, " \
        "1 without a company)" in first  # fmt: skip
    assert "  Deal: 5 rows; 3 imported (3 created); 2 skipped" in first
    assert "  Contact: 4 rows; 2 imported (2 unchanged)" in second
    assert "Acme Anvils: no change in HubSpot since the last import" in second


def test_companies_contacts_and_deals_land_in_the_plan(files):
    acme(files["companies"].parent)

    plan = plan_show("Acme Anvils")
    assert plan["account"]["source"] == Source.HUBSPOT and plan["account"]["crm_id"] == hs.ACME
    assert plan["account"]["owner"] == "kim"  # "Company owner" is Kim's email
    assert plan["account"]["relationship"] == "customer"  # Lifecycle Stage
    profile = plan["profile"]
    assert profile["headquarters"] == "1 Desert Road, Tucson, AZ 85701, United States"
    assert profile["website"] == "https://acme.example"  # the domain, as there is no URL
    assert (profile["industry"], profile["employees"]) == ("Machinery", 610)
    people = {s["name"]: s for s in plan["stakeholders"]}
    assert people["Wile Coyote"]["title"] == "Head of Procurement"
    wile = Stakeholder.objects.get(name="Wile Coyote")
    assert wile.on_map_since == date(2023, 3, 15)  # the contact's Create Date
    assert people["Road Runner"]["phone"] == "555-0101"  # placed by the company's name
    plays = {p["name"]: p for p in plan["growth"]["plays"]}
    skates = plays["Acme - Rocket skates"]
    assert (skates["stage"], skates["probability"], skates["kind"]) == ("closing", 90, "expansion")
    assert skates["owner"] == "kim" and skates["target_close_date"] == "2026-08-31"
    assert [s["name"] for s in skates["stakeholders"]] == ["Road Runner", "Wile Coyote"]
    magnet = plays["Acme - Giant magnet"]
    assert (magnet["stage"], magnet["kind"]) == ("conversation", "cross_sell")
    assert "Acme - Lost catapult" not in plays
    (contract,) = plan["history"]["contracts"]
    assert (contract["name"], contract["arr"], contract["start_date"]) == (
        "Acme - 2025 anvils",
        60000,
        "2025-04-15",
    )
    assert plan["history"]["revenue"] == [
        {"year": 2025, "revenue": 60000, "note": "HubSpot: 1 won deal"}
    ]


def test_files_are_told_apart_by_their_header_and_may_come_zipped(files, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for n, path in enumerate(files.values()):
            zipped.write(path, f"export/file{n}.csv")

    output = run_import("hubspot", archive, "--all")

    assert "HubSpot export export.zip (export/file0.csv, export/file1.csv" in output
    assert Account.objects.count() == 3
    alice = Stakeholder.objects.get(name="Alice Abernathy")
    assert alice.account.name == "Umbrella Corporation"  # the first of her companies


def test_a_changed_export_reports_the_drift_and_keeps_keyplan_fields(files, admin_user):
    acme(*files.values())
    wile = Stakeholder.objects.get(name="Wile Coyote")
    Stakeholder.objects.filter(pk=wile.pk).update(strength=1, notes="Bitter")
    edit_csv(files["contacts"], {"Record ID": "5001"}, **{"Job Title": "COO", "Email": ""})
    edit_csv(files["deals"], {"Record ID": "7002"}, **{"Deal Stage": "Closed won",
             "Close Date": "2026-04-01"})  # fmt: skip

    output = acme(*files.values())

    assert "3. Stakeholders: 1 changed (Wile Coyote: title “Head of Procurement” → “COO”)" in (
        output
    )
    assert "6. Growth plays: 1 changed (Acme - Giant magnet: stage “In conversation” → “Won”" in (
        output
    )
    assert "2. Contracts: 1 new (Acme - Giant magnet)" in output
    wile.refresh_from_db()
    assert (wile.title, wile.email, wile.strength, wile.notes) == (
        "COO",
        "wile@acme.example",
        1,
        "Bitter",
    )


def test_a_custom_property_is_read_when_mapped(files):
    output = acme(*files.values(), "--map", "Company.Tier=tier")
    assert Account.objects.get(name="Acme Anvils").tier == 1
    assert "Created the account Acme Anvils" in output


# ---- refusals


def test_a_file_that_is_not_a_hubspot_export_is_refused(files, tmp_path):
    other = write_csv(tmp_path / "leads.csv", ["Id", "Name"], [{"Id": "1", "Name": "x"}])
    message = refused("hubspot", files["companies"], other, "--all")
    assert "leads.csv: this is not a HubSpot companies, contacts or deals export" in message
    message = refused("hubspot", files["contacts"], "--all")
    assert "there is no companies export here" in message


def test_a_missing_required_column_is_named(files):
    header, rows = read_csv(files["deals"])
    header.remove("Deal Stage")
    write_csv(files["deals"], header, [{k: r[k] for k in header} for r in rows])
    message = refused("hubspot", *files.values(), "--all")
    assert (
        "hubspot-crm-exports-all-deals-2026-05-01.csv, object Deal, row 1: the required column "
        "“Deal Stage” is missing from the header row; is this a Deal export?" in message
    )


def test_a_file_over_the_limit_is_refused(files, settings):
    settings.KEYPLAN_IMPORT_MAX_BYTES = 600
    message = refused("hubspot", *files.values(), "--all")
    assert "hubspot-crm-exports-all-deals-2026-05-01.csv: the file is" in message
    assert "over the import limit of 600 bytes (KEYPLAN_IMPORT_MAX_BYTES)." in message


def test_a_parent_company_imported_with_its_child_is_linked(files):
    hs.with_parent(files, hs.TYRELL, hs.ACME)

    run_import("hubspot", *files.values(), "--accounts", "Acme Anvils,Tyrell, Inc.")

    assert plan_show("Tyrell, Inc.")["account"]["parent"] == "Acme Anvils"
    assert plan_show("Acme Anvils")["profile"]["subsidiaries"] == ""


def test_a_child_company_not_chosen_is_named_on_its_parent(files):
    hs.with_parent(files, hs.TYRELL, hs.ACME)

    acme(*files.values())

    assert plan_show("Acme Anvils")["profile"]["subsidiaries"] == "Tyrell, Inc."


def test_an_address_of_only_a_region_and_postal_code_is_the_headquarters(files):
    header, rows = read_csv(files["companies"])
    kept = [h for h in header if h not in ("Street Address", "City", "Country/Region")]
    write_csv(files["companies"], kept, [{k: row[k] for k in kept} for row in rows])
    acme(*files.values())

    assert plan_show("Acme Anvils")["profile"]["headquarters"] == "AZ 85701"
