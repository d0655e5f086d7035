"""The weekly review (/review/): the user's plans one after another, tier 1 first, each
on one screen acted on in place; finishing one records a review of the kind due. Also
the overdue reviews on the dashboard and in My week."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.cadence import services as cadence_services
from keyplan.cadence.models import AlertSnooze, PlanReview, TriggerEvent
from keyplan.core import clock, services
from keyplan.growth.models import Action, Play
from keyplan.plan import timeline
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Interaction, Stakeholder
from keyplan.risks.models import Risk

HX = {"HTTP_HX_REQUEST": "true"}


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def ahead(days: int):
    return timezone.localdate() + timedelta(days=days)


class Week:
    """Acme (tier 1, last reviewed 8 days ago: the weekly review is overdue), Borealis
    (tier 2, 40 days old, never reviewed: its monthly review is overdue) and Calm (tier 3,
    new: nothing due), all the owner's."""

    def __init__(self, account, owner, champion):
        self.acme, self.owner = account, owner
        with clock.travel(moment(100)):  # on the map longer than the coverage window (90)
            self.old_contact = services.create(
                Stakeholder, by=owner, account=account, name="Old Contact", power=2
            )
        with clock.travel(moment(20)):  # new: not yet "not met"
            services.create(Stakeholder, by=owner, account=account, name="Fresh Contact")
        cadence_services.record_review(account, "weekly", by=owner, date=ago(8))
        self.new_contact = services.create(
            Stakeholder, by=owner, account=account, name="New Contact", power=1, strength=3
        )
        relationship_services.log_interaction(
            account, by=owner, date=ago(10), subject="Check-in", stakeholders=[champion]
        )
        relationship_services.log_interaction(
            account, by=owner, date=ago(5), subject="Intro", stakeholders=[self.new_contact]
        )
        self.late = self.action("Send the proposal", ago(3))
        self.action("Plan the offsite", ahead(20))
        self.play = services.create(
            Play, by=owner, account=account, name="Analytics upsell", target_arr=Decimal(40000)
        )
        self.risk = services.create(
            Risk, by=owner, account=account, title="Budget freeze", category="budget_freeze",
            probability=2, impact=2, mitigation="Phase the rollout",
        )  # fmt: skip
        cadence_services.plan_touchpoint(
            account, by=owner, date=ahead(20), title="Q3 QBR", hosts=[owner]
        )
        self.trigger = cadence_services.log_trigger(
            account, "executive_change", "New CFO from Oracle", by=owner, date=ago(2)
        )
        with clock.travel(moment(40)):
            self.borealis = account_services.create_account(by=owner, name="Borealis", tier=2)
        self.calm = account_services.create_account(by=owner, name="Calm", tier=3)

    def action(self, title, due):
        return services.create(
            Action, by=self.owner, account=self.acme, title=title, owner=self.owner, due_date=due
        )

    def url(self, name="review-account", *args, account=None):
        return reverse(name, args=[(account or self.acme).pk, *args])


@pytest.fixture
def week(account, owner, champion):
    return Week(account, owner, champion)


def section(text: str, name: str) -> str:
    start = text.index(f'id="{name}"')
    end = text.find('<section class="plan-section"', start + 1)
    return text[start : end if end != -1 else None]


def plain(html: str) -> str:
    """The text a reader sees, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rows(text: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-account="(\d+)"', text)]


# The queue


def test_the_queue_lists_my_plans_tier_1_first(client, week, owner):
    client.force_login(owner)
    text = client.get(reverse("review")).text
    assert rows(text) == [week.acme.pk, week.borealis.pk, week.calm.pk]
    assert "2 of your 3 plans have a review due this week" in text
    assert f'href="/review/{week.acme.pk}/">Start with Acme Corp' in text
    assert "Weekly review overdue by 1 day" in plain(text)
    assert "Monthly review overdue by 10 days" in plain(text)  # Borealis: 40 days old
    assert 'aria-current="page">Review</a>' in text


def test_the_queue_holds_the_plans_a_user_works_on_and_may_change(client, week, member, viewer):
    client.force_login(member)
    assert rows(client.get(reverse("review")).text) == [week.acme.pk]
    client.force_login(viewer)
    text = client.get(reverse("review")).text
    assert rows(text) == [] and "There is no plan for you to review" in text


# One plan's screen


def test_the_screen_shows_what_needs_a_decision_this_week(client, week, owner):
    client.force_login(owner)
    text = client.get(week.url()).text
    assert "plan 1 of 2 due this week" in text
    assert 'Weekly review</strong> <span class="flag">overdue by 1 day' in text
    changes = section(text, "review-changes")
    assert "New Contact" in changes and "Old Contact" not in changes  # since the review
    assert "Overdue action" in section(text, "review-alerts")
    actions = section(text, "review-actions")
    assert "Send the proposal" in actions and "Plan the offsite" not in actions
    assert "Analytics upsell" in section(text, "review-plays")
    assert "Budget freeze" in section(text, "review-risks")
    people = section(text, "review-people")
    assert "Old Contact" in people and "Sarah Lin" not in people and "New Contact" not in people
    assert "never met, on the map since" in people and "Fresh Contact" not in people
    assert "Q3 QBR" in section(text, "review-touchpoint")
    assert "New CFO from Oracle" in section(text, "review-triggers")
    assert "Finish and go to Borealis" in text


def test_finishing_records_the_review_due_and_opens_the_next_plan(client, week, owner):
    client.force_login(owner)
    response = client.post(week.url("review-finish"), {"kind": "weekly", "notes": "All moved"})
    assert (response.status_code, response.url) == (303, week.url(account=week.borealis))
    review = PlanReview.objects.get(account=week.acme, date=clock.today())
    assert (review.kind, review.reviewer, review.notes) == ("weekly", owner, "All moved")

    text = client.get(response.url).text
    assert "Weekly (actions, plays, risks) review of Acme Corp recorded." in text
    assert '<option value="monthly" selected>' in text  # Borealis: the monthly one is due
    response = client.post(week.url("review-finish", account=week.borealis), {"kind": "monthly"})
    assert response.url == reverse("review")
    text = client.get(response.url).text
    assert "Every plan of yours is reviewed for this week." in text
    assert PlanReview.objects.filter(account=week.borealis, kind="monthly").count() == 1


def test_a_review_of_a_plan_the_user_may_not_edit_is_refused(client, week, viewer, outsider):
    client.force_login(viewer)
    text = client.get(week.url()).text
    assert "You can read this plan but not review it" in text
    assert "Finish" not in text and "Snooze" not in text and "hx-post" not in text
    response = client.post(week.url("review-finish"), {"kind": "weekly"})
    assert response.status_code == 403
    assert "Not recorded: You may read this plan but not change it (plan review)." in response.text
    client.force_login(outsider)
    assert client.get(week.url()).status_code == 404
    assert client.post(week.url("review-finish"), {"kind": "weekly"}).status_code == 404
    assert not PlanReview.objects.filter(date=clock.today()).exists()


# The controls


def test_marking_an_action_done_in_place(client, week, owner):
    client.force_login(owner)
    url = week.url("review-action-done", week.late.pk)
    response = client.post(url, {"version": week.late.version}, **HX)
    assert response.status_code == 200
    assert response.text.startswith('\n<article id="review-account"')
    assert "Send the proposal" not in section(response.text, "review-actions")
    week.late.refresh_from_db()
    assert week.late.status == "done"


def test_a_stale_control_is_refused_and_shows_the_record_as_it_is(client, week, owner, member):
    client.force_login(owner)
    services.update(week.late, by=member, version=week.late.version, title="Send it today")
    response = client.post(week.url("review-action-done", week.late.pk), {"version": 1}, **HX)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#notice"
    assert response.text.startswith("Not saved: this action was changed by someone else")
    assert 'hx-swap-oob="outerHTML"' in response.text and "Send it today" in response.text
    week.late.refresh_from_db()
    assert week.late.status == "open"


def test_moving_a_play_and_re_rating_a_risk(client, week, owner):
    client.force_login(owner)
    play_url = week.url("review-play-stage", week.play.pk)
    assert client.post(play_url, {"stage": "closing", "version": 1}, **HX).status_code == 200
    risk_url = week.url("review-risk-rate", week.risk.pk)
    response = client.post(
        risk_url, {"probability": 3, "impact": 2, "status": "open", "version": 1}, **HX
    )
    assert response.status_code == 200
    week.play.refresh_from_db()
    week.risk.refresh_from_db()
    assert week.play.stage == "closing"
    assert (week.risk.probability, week.risk.mitigation, week.risk.version) == (
        3,
        "Phase the rollout",
        2,
    )


def test_logging_an_interaction_touches_the_stakeholder(client, week, owner):
    client.force_login(owner)
    data = {
        "stakeholders": week.old_contact.pk, "date": clock.today(), "meaningful": "on",
        "kind": "call", "subject": "Catch-up on the renewal",
    }  # fmt: skip
    response = client.post(week.url("review-interaction"), data, **HX)
    assert response.status_code == 200
    assert "Old Contact" not in section(response.text, "review-people")
    interaction = Interaction.objects.get(subject="Catch-up on the renewal")
    assert list(interaction.stakeholders.all()) == [week.old_contact]
    assert (interaction.logged_by, interaction.meaningful) == (owner, True)


def test_an_interaction_without_a_subject_is_refused(client, week, owner):
    client.force_login(owner)
    data = {"stakeholders": week.old_contact.pk, "date": clock.today(), "kind": "call"}
    response = client.post(week.url("review-interaction"), data, **HX)
    assert response.status_code == 422
    assert response.text == "Not logged: Subject: This field is required."
    assert not Interaction.objects.filter(stakeholders=week.old_contact).exists()


def test_snoozing_an_alert_needs_a_reason(client, week, owner):
    client.force_login(owner)
    data = {"rule": "overdue_action", "record_id": week.late.pk, "days": 7}
    response = client.post(week.url("review-snooze"), {**data, "reason": " "}, **HX)
    assert response.status_code == 422
    assert response.text == "Not snoozed: Say why this alert can wait: a reason is required."
    assert not AlertSnooze.objects.exists()

    response = client.post(week.url("review-snooze"), {**data, "reason": "Legal has it"}, **HX)
    assert response.status_code == 200
    assert "Overdue action" not in section(response.text, "review-alerts").split("snoozed")[0]
    assert "Legal has it" in response.text
    snooze = AlertSnooze.objects.get()
    wake = week.url("review-wake", snooze.pk)
    response = client.post(wake, {"version": snooze.version}, **HX)
    assert "Overdue action" in section(response.text, "review-alerts")


def test_clearing_a_trigger_and_logging_one_dated_in_the_future(client, week, owner):
    client.force_login(owner)
    clear = week.url("review-trigger-clear", week.trigger.pk)
    response = client.post(clear, {"note": "", "version": 1}, **HX)
    assert response.status_code == 422
    assert "The plan has not changed since this executive change was logged" in response.text
    response = client.post(clear, {"note": "Met her", "version": 1}, **HX)
    assert "New CFO from Oracle" not in section(response.text, "review-triggers")

    tomorrow = clock.today() + timedelta(days=1)
    data = {"kind": "m_and_a", "date": tomorrow, "description": "Merger", "status": "new"}
    response = client.post(week.url("review-trigger"), data, **HX)
    assert response.status_code == 422
    assert response.text.startswith("Not logged: A trigger event is something that has happened")
    assert not TriggerEvent.objects.filter(description="Merger").exists()


def test_a_viewer_s_control_is_refused_in_the_notice(client, week, viewer):
    client.force_login(viewer)
    response = client.post(week.url("review-action-done", week.late.pk), {"version": 1}, **HX)
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#notice"
    week.late.refresh_from_db()
    assert week.late.status == "open"


def test_the_screen_costs_the_same_queries_for_a_larger_plan_and_portfolio(
    client, week, owner, member, product
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.web.test_pages import grow

    client.force_login(owner)
    client.get(week.url())
    counts = []
    for size in (1, 5):
        grow(week.acme, owner, member, size)
        for n in range(size):
            account_services.create_account(by=owner, name=f"More {size}-{n}", tier=n % 3 + 1)
            week.action(f"Late {size}-{n}", ago(n + 1))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(week.url())
        assert response.status_code == 200
        counts.append(len(captured))
    assert "Late 5-4" in response.text
    assert counts[0] == counts[1], counts
    # Session, user and visibility (3), the account and its team (2), the queue (2: the
    # cadence settings, the plans), the plan's lists it shows (14: stakeholders,
    # interactions and who took part, objectives, plays, actions, risks, reviews,
    # triggers, resources, touchpoints, hosts, attendees, the users they name), the
    # alerts (13), the snoozes (1), the last review (1), and what changed since: one
    # query per plan model and the labels (timeline.changes).
    assert counts[0] <= 36 + len(timeline.plan_models()) + 4, counts


# Overdue reviews on the dashboard and in My week


def test_overdue_reviews_show_on_the_dashboard(client, week, leader):
    client.force_login(leader)
    text = client.get(reverse("portfolio")).text
    assert 'data-figure="reviews_overdue">2<' in text
    table = text[text.index('id="overdue-reviews"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r'<tr data-account="(\d+)"', table) == [
        str(week.borealis.pk), str(week.acme.pk),
    ]  # fmt: skip
    assert "monthly by 10 days, weekly by 10 days" in table and "weekly by 1 day" in table
    assert re.search(r'data-figure="cadence_monthly">[^<]+<', text)


def test_reviews_due_show_in_my_week(client, week, owner, member):
    client.force_login(owner)
    text = client.get(reverse("my-week")).text
    reviews = text[text.index('id="my-reviews"') : text.index('id="my-plan-updates"')]
    assert re.findall(r'data-account="(\d+)"', reviews) == [
        str(week.borealis.pk),
        str(week.acme.pk),
    ]
    assert f'href="/review/{week.acme.pk}/">Acme Corp</a> · tier 1 · weekly review' in reviews
    assert "Calm" not in reviews
    client.post(week.url("review-finish"), {"kind": "weekly"})
    text = client.get(reverse("my-week")).text
    assert "Acme Corp</a> · tier 1" not in text
