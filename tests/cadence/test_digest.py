"""`keyplan digest`: each user's weekly digest, sent through a real SMTP server run in
the test, and what arrives there."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from keyplan.cadence import services as cadence_services
from keyplan.cadence.models import DigestDelivery
from keyplan.core import services
from keyplan.growth.models import Action
from keyplan.relationships.models import Stakeholder
from keyplan.rhythm import digest
from keyplan.risks.models import Risk
from tests.cadence.conftest import free_port


@pytest.fixture
def week(account, owner, member, champion, contract, today):
    """Olga's week on Acme: a late review, an overdue action of hers, a single-threaded
    plan, a stakeholder Max added, and a renewal in 60 days."""
    for person, address in ((owner, "olga@example.com"), (member, "max@example.com")):
        person.email = address
        person.save()
    cadence_services.record_review(account, "weekly", by=owner, date=today - timedelta(days=20))
    services.create(
        Action,
        by=owner,
        account=account,
        title="Confirm the renewal date",
        owner=owner,
        due_date=today - timedelta(days=3),
    )
    services.create(Stakeholder, by=member, account=account, name="Priya Patel", title="CFO")
    return account


def send(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("digest", "--send", *args, stdout=out)
    return out.getvalue()


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def test_the_digest_arrives_with_the_users_week(smtp_server, week, owner, today):
    output = send("--user", "olga")

    assert "olga: sent" in output
    [message] = smtp_server.to("olga@example.com")
    assert smtp_server.envelopes == [("keyplan@example.com", ["olga@example.com"])]
    assert message["From"] == "keyplan <keyplan@example.com>"
    assert message["To"] == "Olga Owner <olga@example.com>"
    assert message["Subject"] == (
        f"Your keyplan week of {today.day} {today:%b %Y}: 1 review due, 1 overdue action, "
        "2 new alerts, 1 renewal"
    )
    text, html = parts(message)
    last_review = today - timedelta(days=20)
    # The due review, explained by the "plan review overdue" alert
    assert (
        f"- Acme Corp (tier 1): The last plan review was on {last_review.day} "
        f"{last_review:%b %Y}, 20 days ago; tier 1 plans are reviewed every 7 days."
    ) in text
    # Olga's own overdue action, with a link to it
    action = Action.objects.get(title="Confirm the renewal date")
    assert "- Confirm the renewal date (Acme Corp), due" in text
    assert f"https://keyplan.example.com/accounts/{week.pk}/#action-{action.pk}" in text
    # The new alerts: only Sarah Lin is warm, and the renewal has no QBR before it
    # (the overdue action and the review are listed in their own sections above)
    assert "[high] Single-threaded account, Acme Corp: Only Sarah Lin is warm or champion" in text
    assert "[high] Renewal without an executive touchpoint, Acme Corp" in text
    assert "Plan review overdue" not in text
    assert "Overdue action" not in text
    # Max's change, not Olga's own
    assert "max created stakeholder Priya Patel" in text
    assert "created stakeholder Sarah Lin" not in text
    # The renewal
    assert "Acme Corp, $120,000 ARR" in text
    # The same in HTML, with links
    assert f'<a href="https://keyplan.example.com/accounts/{week.pk}/#action-{action.pk}">' in html
    assert "Single-threaded account" in html and "Priya Patel" in html
    delivery = DigestDelivery.objects.get(user=owner)
    assert delivery.week == digest.week_of(today)


def test_every_user_with_something_to_report_gets_their_own(smtp_server, week, member):
    output = send()

    assert len(smtp_server.to("olga@example.com")) == 1
    [max_digest] = smtp_server.to("max@example.com")
    text, _ = parts(max_digest)
    assert "Olga Owner created stakeholder Sarah Lin" in text  # the plan Olga built
    assert "max created stakeholder" not in text  # his own change
    assert "YOUR OVERDUE ACTIONS" not in text  # the overdue action is Olga's
    assert "PLAN REVIEWS DUE" not in text  # Olga owns the plan and its reviews
    assert "Sent 2 digests" in output
    assert "vera: skipped (no email address)" in output


def test_a_second_digest_tells_only_the_new_alerts(smtp_server, week, owner):
    send("--user", "olga")
    services.create(
        Risk,
        by=owner,
        account=week,
        title="Competitor pilot",
        category="competitor",
        probability=3,
        impact=3,
    )

    send("--user", "olga", "--force")

    first, second = smtp_server.to("olga@example.com")
    text, _ = parts(second)
    assert "Unmitigated high risk" in text and "Competitor pilot" in text
    assert "Single-threaded account" not in text
    assert "Single-threaded account" in parts(first)[0]


def test_a_digest_already_sent_this_week_is_not_sent_again(smtp_server, week):
    send("--user", "olga")

    output = send("--user", "olga")

    assert len(smtp_server.messages) == 1
    assert "olga: skipped (already sent this week" in output


def test_a_refused_address_is_reported_and_not_marked_sent(smtp_server, week, owner, member):
    smtp_server.refuse.add("max@example.com")

    with pytest.raises(CommandError) as refused:
        send()

    message = str(refused.value)
    assert "Not sent to 1 user: max (the mail server refused the address: 550" in message
    assert "run the command again" in message
    assert len(smtp_server.to("olga@example.com")) == 1
    assert list(DigestDelivery.objects.values_list("user__username", flat=True)) == ["olga"]

    smtp_server.refuse.clear()
    send()  # the retry sends Max's and leaves Olga's alone
    assert len(smtp_server.to("max@example.com")) == 1
    assert len(smtp_server.to("olga@example.com")) == 1


def test_a_mail_server_that_is_down_leaves_everyone_unsent(settings, smtp_server, week):
    settings.EMAIL_PORT = free_port()  # nothing listens there

    with pytest.raises(CommandError) as down:
        send()

    message = str(down.value)
    assert "Not sent to 2 users" in message
    assert "could not be reached" in message and f"127.0.0.1:{settings.EMAIL_PORT}" in message
    assert not DigestDelivery.objects.exists()


def test_without_send_the_digest_is_printed_and_nothing_is_sent(smtp_server, week, capsys):
    from io import StringIO

    out = StringIO()
    call_command("digest", "--user", "olga", stdout=out)

    printed = out.getvalue()
    assert "To: olga@example.com" in printed
    assert "Subject: Your keyplan week" in printed
    assert "PLAN REVIEWS DUE (1)" in printed
    assert "nothing was sent" in printed
    assert smtp_server.messages == []
    assert not DigestDelivery.objects.exists()


def test_an_unknown_user_is_named(db):
    with pytest.raises(CommandError, match="No user is named “nobody”"):
        call_command("digest", "--user", "nobody")


def test_a_user_without_an_email_address_is_skipped_and_said(smtp_server, week, owner):
    owner.email = ""
    owner.save()

    assert "olga: skipped (no email address)" in send("--user", "olga")
    assert smtp_server.messages == []
    assert not DigestDelivery.objects.exists()


def test_keyplan_alerts_evaluates_the_rules_for_cron(week, outsider):
    import json
    from io import StringIO

    out = StringIO()
    call_command("alerts", "--format", "json", stdout=out)

    found = {(row["rule"], row["account"]) for row in json.loads(out.getvalue())}
    assert {("single_threaded", "Acme Corp"), ("review_overdue", "Acme Corp")} <= found
    text = StringIO()
    call_command("alerts", "--user", "otto", stdout=text)
    assert text.getvalue().strip() == "0 alerts."  # the outsider is on no team


def test_a_long_list_of_new_alerts_ends_with_a_link_to_the_rest(week, owner, member, today):
    for number in range(digest.ALERTS_SHOWN + 3):
        services.create(
            Action, by=member, account=week, title=f"Loose end {number}", owner=member,
            due_date=today + timedelta(days=9),
        )  # fmt: skip

    built = digest.build(owner)
    text, html = built.render("https://keyplan.example.com")

    assert len(built.new_alerts) == digest.ALERTS_SHOWN
    total = digest.ALERTS_SHOWN + built.more_alerts
    assert f"NEW ALERTS ({total})" in text
    assert f"and {built.more_alerts} more: https://keyplan.example.com/alerts/" in text
    assert f"{built.more_alerts} more new alerts</a>" in html
    assert f"{total} new alerts" in built.subject
