"""The weekly review in Chromium: the demo KAM goes through their plans one after
another, acts on each in place and finishes it. The test counts what the user does
on a typical account (each click, and each field typed or chosen) and prints it; the
README quotes the figure."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from keyplan.accounts import services as account_services
from keyplan.cadence.models import AlertSnooze, PlanReview, TriggerEvent
from keyplan.core import clock
from keyplan.growth.models import Action, Play
from keyplan.relationships.models import Interaction
from keyplan.risks.models import Risk
from keyplan.team.models import User

# What a typical account takes (NovaTech below); README.md states the same figure.
ACTIONS_PER_ACCOUNT = 10


# htmx marks the elements of a request in flight and of a swap still settling.
# A function, not an expression: Playwright evaluates an expression with eval, which
# the pages' Content-Security-Policy refuses.
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


class Counted:
    """The user's actions on a page, counted as they are made."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        """Every counted click posts: wait for the answer to be swapped in, or a field
        typed next could land in the panel it replaces (its old value would pass
        a check made too early)."""
        self.count += 1
        with locator.page.expect_response(lambda response: response.request.method == "POST"):
            locator.click()
        locator.page.wait_for_function(SETTLED)

    def type(self, locator, text: str):
        self.count += 1
        locator.fill(text)

    def choose(self, locator, label: str):
        self.count += 1
        locator.select_option(label=label)


def test_the_weekly_review_of_the_demo_kam(novatech, sign_in):
    kam = User.objects.get(username="kam")
    with clock.travel(timezone.now() - timedelta(days=40)):
        orbit = account_services.create_account(by=kam, name="Orbit Labs", tier=2)
    page = sign_in("kam")

    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Weekly review"))).to_be_visible()
    expect(page.locator("table.review-queue tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Start with NovaTech").click()

    # NovaTech: its monthly review is due; act on what moved this week.
    user = Counted()
    panel = page.locator("#review-account")
    expect(panel.get_by_role("heading", name=re.compile("^NovaTech"))).to_be_visible()
    expect(panel.locator(".review-due")).to_contain_text("Monthly review")
    expect(panel.locator("#review-changes")).to_contain_text("Funding round")

    user.click(
        panel.get_by_role("button", name="Mark “Complete the IT security questionnaire” done")
    )
    expect(panel.locator("#review-actions")).not_to_contain_text("IT security questionnaire")

    plays = panel.get_by_role("group", name="Move Security & Compliance for IT to stage")
    user.click(plays.get_by_role("button", name="Won"))
    expect(panel.locator("#review-plays")).not_to_contain_text("Security & Compliance for IT")

    risk = "Renewal inside a quarter with no agreed pricing"
    user.choose(panel.get_by_label(f"Probability of “{risk}”"), "Medium")
    user.click(panel.get_by_role("button", name=f"Re-rate “{risk}”"))
    expect(panel.get_by_label(f"Probability of “{risk}”")).to_have_value("2")

    user.type(panel.get_by_label("What the interaction with James Park was about"), "Renewal call")
    user.click(panel.get_by_role("button", name="Log an interaction with James Park"))
    expect(panel.locator("#review-people")).not_to_contain_text("James Park")

    alert = panel.locator('#review-alerts li[data-rule="red_dot"]', has_text="Nina Kowalski")
    user.type(alert.get_by_role("textbox"), "Procurement review starts in January")
    user.click(alert.get_by_role("button", name=re.compile("^Snooze")))
    expect(panel.locator("#review-alerts")).to_contain_text("1 snoozed")

    # The plan moved since the funding round was logged: that clears its task.
    user.click(panel.get_by_role("button", name=re.compile("^Clear the funding round")))
    expect(panel.locator("#review-triggers")).to_contain_text("No trigger event waits")

    user.click(panel.get_by_role("button", name="Finish and go to Orbit Labs"))
    expect(
        page.get_by_text("Monthly (stakeholder map and heat map) review of NovaTech recorded.")
    ).to_be_visible()
    per_account = user.count
    print(f"\nWeekly review: {per_account} user actions for NovaTech (clicks and fields)")

    # Orbit Labs: nothing moved; one click finishes it and the week is done.
    expect(page.locator("#review-account h1")).to_contain_text("Orbit Labs")
    page.get_by_role("button", name="Finish the review").click()
    expect(page.get_by_text("Every plan of yours is reviewed for this week.")).to_be_visible()

    assert per_account == ACTIONS_PER_ACCOUNT, "update README.md and ACTIONS_PER_ACCOUNT"
    today = clock.today()
    reviews = PlanReview.objects.filter(date=today, reviewer=kam).order_by("account__name")
    assert list(reviews.values_list("account__name", "kind")) == [
        ("NovaTech", "monthly"),
        ("Orbit Labs", "monthly"),
    ]
    assert Action.objects.get(title="Complete the IT security questionnaire").status == "done"
    assert Play.objects.get(name="Security & Compliance for IT").stage == "won"
    assert Risk.objects.get(title=risk).probability == 2
    assert Interaction.objects.get(subject="Renewal call").stakeholders.get().name == "James Park"
    assert AlertSnooze.objects.get().reason == "Procurement review starts in January"
    funding = TriggerEvent.objects.get(kind="funding_round", account=novatech)
    assert funding.status == "handled" and funding.handled_note.startswith("Plan updated: ")
    assert orbit.reviews.get().kind == "monthly"


def test_a_viewer_reads_the_review_without_controls(novatech, sign_in):
    page = sign_in("viewer")
    page.goto(f"{page.base}/review/{novatech.pk}/")
    expect(page.get_by_text("You can read this plan but not review it")).to_be_visible()
    expect(page.locator("#review-account button")).to_have_count(0)
    page.goto(f"{page.base}/review/")
    expect(page.get_by_text("There is no plan for you to review")).to_be_visible()
