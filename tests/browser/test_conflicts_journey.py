"""A Salesforce sync conflict on the plan page in Chromium: the KAM sees both values
and who changed each, keeps Salesforce's with one button, and the plan takes it."""

from decimal import Decimal

from playwright.sync_api import expect

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.exchange.models import SyncConflict
from keyplan.growth.models import Play


def test_the_kam_keeps_salesforces_value_of_a_conflict(novatech, sign_in):
    # NovaTech as a pull leaves it: linked, and a play's target ARR changed on both sides.
    Account.objects.filter(pk=novatech.pk).update(source="salesforce", crm_id="001Ec00000GGw3iIAD")
    play = Play.objects.filter(account=novatech).order_by("pk").first()
    Play.objects.filter(pk=play.pk).update(crm_id="006Ec00000AieKFIAZ")
    SyncConflict.objects.create(
        account=novatech, kind="growth.play", record_id=play.pk, crm_id="006Ec00000AieKFIAZ",
        record_name=play.name, field="target_arr", keyplan_value=str(play.target_arr),
        keyplan_by="Kim Kam", salesforce_value="987654", salesforce_by="Maria Lopez",
        found_at=clock.now(),
    )  # fmt: skip
    page = sign_in("kam")

    page.goto(f"{page.base}/accounts/{novatech.pk}/")
    block = page.locator("#section-conflicts")
    expect(block).to_contain_text("Changed in keyplan and in Salesforce")
    expect(block).to_contain_text(f"{play.name}, Target ARR")
    expect(block).to_contain_text("Salesforce has “987,654” (Maria Lopez)")
    expect(block).to_contain_text("(Kim Kam)")
    block.get_by_role("button", name="Keep Salesforce's").click()

    page.wait_for_url(f"**/accounts/{novatech.pk}/#section-conflicts")
    expect(page.locator("#section-conflicts")).to_have_count(0)
    play.refresh_from_db()
    assert play.target_arr == Decimal("987654")
    conflict = SyncConflict.objects.get(record_id=play.pk)
    assert (conflict.kept, conflict.resolved_by.username) == ("salesforce", "kam")
