"""A CRM import saves a suspect value as given (an open deal whose close date has
passed, a deal far larger than the account pays) and its report says so, naming the
record: the JSON report lists it in `checks`, beside the `warnings` of values left
out; a value that passes, or one a later import leaves as it was, says nothing."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from keyplan.core import clock
from keyplan.growth.models import Play
from keyplan.team.models import Role
from tests.conftest import make_user
from tests.exchange.crm import helpers as sf
from tests.exchange.crm.helpers import edit_csv

EXPANSION_NAME = "Globex - Analytics, phase 2"


@pytest.fixture
def export(tmp_path, admin_user):
    make_user("kim", Role.KAM, email="kim@keyplan.example")
    folder = sf.salesforce_export(tmp_path / "export")
    future = (clock.today() + timedelta(days=60)).isoformat()
    edit_csv(folder / "Opportunity.csv", {"Id": sf.EXPANSION}, CloseDate=future)
    # Won a month ago: its contract ($180,000) is live, the account's ARR.
    won = (clock.today() - timedelta(days=30)).isoformat()
    edit_csv(folder / "Opportunity.csv", {"Id": sf.RENEWAL}, CloseDate=won)
    return folder


def imported(export, *args) -> dict:
    out = StringIO()
    call_command(
        "import", "salesforce", str(export), "--accounts", "Globex Corp", *args, "--as", "ada",
        "--format", "json", stdout=out,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["refused"] == []
    return report


def checks(report: dict) -> list[dict]:
    assert report["warnings"] == []  # nothing left out: the values are kept as given
    return report["checks"]


def test_an_open_deal_closing_in_the_past_is_imported_flagged_and_reported(export):
    past = (clock.today() - timedelta(days=30)).isoformat()
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, CloseDate=past)

    report = imported(export)

    play = Play.objects.get(crm_id=sf.EXPANSION)
    assert play.target_close_date.isoformat() == past
    assert "target_close_date" in play.value_checks
    [found] = checks(report)
    assert (found["kind"], found["record"], found["field"], found["id"]) == (
        "play",
        EXPANSION_NAME,
        "target_close_date",
        play.pk,
    )
    assert found["message"].startswith("The close date (")


def test_a_deal_far_beyond_the_accounts_arr_is_reported(export):
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, Amount="250000000")

    report = imported(export)

    [found] = checks(report)
    assert (found["record"], found["field"]) == (EXPANSION_NAME, "target_arr")
    assert "more than 10 times the account's ARR" in found["message"]


def test_plausible_deals_are_imported_without_checks(export):
    report = imported(export)

    assert checks(report) == []
    assert Play.objects.get(crm_id=sf.EXPANSION).value_checks == {}


def test_a_second_import_leaving_the_value_as_it_was_does_not_report_it_again(export):
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, Amount="250000000")
    assert len(checks(imported(export))) == 1

    again = imported(export)

    assert checks(again) == []
    # Still flagged on the plan until someone changes the value or clears the flag.
    assert "target_arr" in Play.objects.get(crm_id=sf.EXPANSION).value_checks


def test_the_text_report_lists_the_value_to_check(export):
    edit_csv(export / "Opportunity.csv", {"Id": sf.EXPANSION}, Amount="250000000")
    out = StringIO()
    call_command(
        "import", "salesforce", str(export), "--accounts", "Globex Corp", "--as", "ada",
        stdout=out,
    )  # fmt: skip

    text = out.getvalue()
    assert "1 value to check, kept as given and flagged on the plan:" in text
    assert f"Check this value: play “{EXPANSION_NAME}”, target ARR: A deal of" in text
