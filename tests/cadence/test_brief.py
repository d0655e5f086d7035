"""The QBR brief: what the people going into a touchpoint read, and the follow-up
commitments that become actions in one step."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyplan.cadence import services as cadence_services
from keyplan.cadence.models import TouchpointAction, TouchpointStatus
from keyplan.cadence.services import Commitment, commit_follow_ups
from keyplan.core import services
from keyplan.core.errors import Forbidden
from keyplan.growth.models import Action, Play
from keyplan.relationships import services as relationship_services
from keyplan.relationships.models import Stakeholder
from keyplan.risks.models import Risk


@pytest.fixture
def prepared(account, owner, qbr, play, risk, objective, contract):
    return services.update(
        account,
        by=owner,
        version=account.version,
        value_realised=Decimal(250000),
        value_unrealised=Decimal(90000),
    )


def brief_url(touchpoint):
    return reverse("touchpoint-brief", args=[touchpoint.account_id, touchpoint.pk])


def section(html: str, name: str) -> str:
    return html.split(f'id="brief-{name}"')[1].split("</section>")[0]


def commitment_rows(rows, *, total=None) -> dict:
    data = {"c-TOTAL_FORMS": str(total or len(rows)), "c-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"c-{index}-{name}"] = value
    return data


def test_the_plan_page_links_each_touchpoint_to_its_brief(client, prepared, qbr, owner):
    client.force_login(owner)
    assert brief_url(qbr) in client.get(reverse("plan", args=[prepared.pk])).text


def test_the_brief_shows_value_proof_points_asks_plays_risks_and_attendees(
    client, prepared, qbr, owner, member, champion, today
):
    services.update(champion, by=owner, version=champion.version, relationship_owner=owner)
    client.force_login(member)

    html = client.get(brief_url(qbr)).text

    value = section(html, "value")
    assert "$250,000" in value and "$90,000" in value and "$120,000" in value
    assert "<li>Cut reporting time by 40%</li>" in section(html, "proof-points")
    assert "<li>Introduction to the CFO</li>" in section(html, "asks")
    plays = section(html, "plays")
    assert "Analytics for Engineering" in plays and "Security review pending" in plays
    # 80,000 at the opportunity stage's 50%, from insights' weighted pipeline
    assert re.search(
        r'Weighted pipeline <span data-figure="weighted_pipeline"[^>]*>\$40,000<', plays
    )
    risks = section(html, "risks")
    assert "Budget freeze in Q1" in risks and "Tie the renewal to the cost-saving case" in risks
    attendees = section(html, "attendees")
    assert "Sarah Lin" in attendees and "Champion" in attendees
    met = today - timedelta(days=12)
    assert f'{met:%-d %b %Y} <span class="small">(12 days ago)' in attendees
    assert "Olga Owner" in attendees  # the relationship owner


def test_an_attendee_who_left_and_was_never_met_is_flagged(client, prepared, qbr, owner):
    gone = services.create(
        Stakeholder, by=owner, account=prepared, name="Tom Reed", role="economic_buyer",
        power=3, strength=1, status="left",
    )  # fmt: skip
    qbr = services.set_links(
        qbr, "attendees", [*qbr.attendees.all(), gone], by=owner, version=qbr.version
    )
    client.force_login(owner)

    row = client.get(brief_url(qbr)).text.split(f'id="attendee-{gone.pk}"')[1].split("</tr>")[0]

    assert "left the company" in row and "never" in row and "red" in row


def test_the_brief_costs_the_same_queries_for_a_bigger_plan(client, prepared, qbr, owner, today):
    client.force_login(owner)
    url = brief_url(qbr)
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    people = []
    for number in range(6):
        person = services.create(
            Stakeholder, by=owner, account=prepared, name=f"Person {number}",
            relationship_owner=owner,
        )  # fmt: skip
        relationship_services.log_interaction(
            prepared, by=owner, date=today, subject=f"Call {number}", stakeholders=[person]
        )
        people.append(person)
        services.create(
            Play, by=owner, account=prepared, name=f"Play {number}", owner=owner,
            target_arr=Decimal(1000),
        )  # fmt: skip
        services.create(
            Risk, by=owner, account=prepared, title=f"Risk {number}", category="other",
            owner=owner,
        )  # fmt: skip
    qbr.refresh_from_db()
    qbr = services.set_links(
        qbr, "attendees", [*qbr.attendees.all(), *people], by=owner, version=qbr.version
    )
    commit_follow_ups(
        qbr,
        [Commitment(f"Follow-up {n}", owner, today + timedelta(days=n)) for n in range(5)],
        by=owner,
    )

    assert queries() == before


def test_commitments_become_actions_tied_to_a_play_or_objective_in_one_step(
    client, prepared, qbr, owner, member, play, objective, today
):
    client.force_login(owner)
    page = client.get(brief_url(qbr)).text
    assert 'value="Send the ROI study"' in page  # the written commitments, ready to fill in
    due = today + timedelta(days=7)

    rows = [
        {"title": "Send the ROI study", "owner": str(member.pk), "due_date": f"{due}",
         "ties_to": f"play-{play.pk}"},
        {"title": "Book the security review", "owner": str(owner.pk),
         "due_date": f"{due}", "ties_to": f"objective-{objective.pk}"},
        {"title": "", "owner": "", "due_date": "", "ties_to": ""},
    ]  # fmt: skip

    response = client.post(brief_url(qbr), commitment_rows(rows), follow=True)

    assert response.status_code == 200
    assert "2 follow-up actions added to the plan." in response.text
    roi = Action.objects.get(title="Send the ROI study")
    assert (roi.account, roi.owner, roi.due_date, roi.play, roi.objective) == (
        prepared, member, due, play, None
    )  # fmt: skip
    review = Action.objects.get(title="Book the security review")
    assert (review.owner, review.objective) == (owner, objective)
    assert set(TouchpointAction.objects.values_list("action__title", flat=True)) == {
        "Send the ROI study",
        "Book the security review",
    }
    follow_ups = response.text.split('id="follow-ups"')[1]
    assert "Send the ROI study" in follow_ups and "serves Analytics for Engineering" in follow_ups
    assert 'value="Send the ROI study"' not in follow_ups  # no longer waiting to be filled in
    assert roi.history.first().history_user == owner


def test_a_commitment_without_owner_or_date_is_refused_and_nothing_is_saved(
    client, prepared, qbr, owner, today
):
    client.force_login(owner)
    actions = Action.objects.count()

    rows = [
        {"title": "Send the ROI study", "owner": str(owner.pk),
         "due_date": f"{today + timedelta(days=3)}"},
        {"title": "Book the security review", "owner": "", "due_date": ""},
    ]  # fmt: skip

    response = client.post(brief_url(qbr), commitment_rows(rows))

    assert response.status_code == 422
    assert "Commitment 2 (“Book the security review”) needs an owner and a due date." in (
        response.text
    )
    assert "Nothing was saved." in response.text
    assert Action.objects.count() == actions
    assert not TouchpointAction.objects.exists()


def test_a_past_touchpoint_with_follow_ups_is_marked_held(account, owner, today):
    meeting = cadence_services.plan_touchpoint(
        account, by=owner, kind="ebr", date=today - timedelta(days=1)
    )

    commit_follow_ups(meeting, [Commitment("Share the notes", owner, today)], by=owner)

    meeting.refresh_from_db()
    assert meeting.status == TouchpointStatus.HELD


def test_a_viewer_reads_the_brief_but_cannot_add_follow_ups(client, prepared, qbr, viewer, today):
    client.force_login(viewer)
    assert "Turn commitments into actions" not in client.get(brief_url(qbr)).text

    response = client.post(
        brief_url(qbr),
        commitment_rows([{"title": "Sneak", "owner": str(viewer.pk), "due_date": f"{today}"}]),
    )

    assert response.status_code == 403
    assert not Action.objects.filter(title="Sneak").exists()
    with pytest.raises(Forbidden):
        commit_follow_ups(qbr, [Commitment("Sneak", viewer, today)], by=viewer)


def test_an_outsider_gets_404_for_a_private_plans_brief(client, prepared, qbr, outsider):
    client.force_login(outsider)
    assert client.get(brief_url(qbr)).status_code == 404
