"""The weekly digest: one email per user with what needs them this week.

A user's digest holds, on the accounts whose team they are on (owner, member or sponsor)
and may read:
- due reviews: the plans they own whose review is overdue or falls due within the
  next 7 days, or that were never reviewed (from `insights.plans.cadence_compliance`),
  with the "plan review overdue" alert's explanation where it fires;
- overdue actions: their own open actions past their due date, on any plan they read;
- new alerts: the alerts (`insights.alerts`) not open when their last digest was sent
  (every alert in a first digest); review and own-action alerts are listed above;
- changes by others: what other people changed on those plans since the last digest
  (or in the last 7 days), read from history by `plan.timeline`;
- renewals: live contracts ending within 90 days.

`build()` makes a user's digest; `deliver()` sends digests through Django's email
backend (SMTP, configured by KEYPLAN_EMAIL_*), one message each, and records a
`DigestDelivery` for each one the server accepted, in that user's own transaction, so
a refusal or an unreachable server leaves the user without a record and the next run
sends theirs. A user gets one digest a week unless forced.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from keyplan.accounts.models import Account
from keyplan.cadence.models import DigestDelivery
from keyplan.core import access, clock
from keyplan.core.formats import DAY, counted, format_date
from keyplan.growth.models import Action, ActionStatus
from keyplan.insights import alerts as alert_rules
from keyplan.insights import plans, risk
from keyplan.insights.accounts import with_figures
from keyplan.plan import timeline
from keyplan.team.models import Organisation, User

DUE_WITHIN_DAYS = 7  # a review due before the next weekly digest is due now
RENEWAL_DAYS = 90
FIRST_DIGEST_DAYS = 7  # a first digest reports the changes of the last week
CHANGES_READ = 60  # timeline entries read per account
CHANGES_SHOWN = 8  # entries listed per account; the rest are a link away
ALERTS_SHOWN = 20  # new alerts listed; the rest are on the alerts page
# Listed in their own sections rather than among the alerts.
LISTED_APART = {"review_overdue"}


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def fingerprint(alert: alert_rules.Alert) -> str:
    """What makes an alert the same alert from one week to the next."""
    return f"{alert.rule}:{alert.account_id}:{alert.record[1]}"


@dataclass(frozen=True)
class DueReview:
    account_id: int
    account_name: str
    tier: int
    last_review: date | None
    overdue_days: int | None  # negative: due in that many days; None: never reviewed
    why: str  # the review_overdue alert's explanation, or when it falls due

    @property
    def overdue(self) -> bool:
        return self.overdue_days is None or self.overdue_days > 0


@dataclass(frozen=True)
class AccountChanges:
    account: Account
    changes: list  # timeline.Change, newest first
    more: int  # further changes not listed


@dataclass
class Digest:
    user: object
    today: date
    since: datetime
    due_reviews: list[DueReview] = field(default_factory=list)
    overdue_actions: list[Action] = field(default_factory=list)
    new_alerts: list[alert_rules.Alert] = field(default_factory=list)
    changes: list[AccountChanges] = field(default_factory=list)
    more_alerts: int = 0  # new alerts beyond those listed
    renewals: list[Account] = field(default_factory=list)  # annotated: renewal, arr
    open_alerts: list[str] = field(default_factory=list)  # fingerprints of every open alert
    currency: str = "USD"

    @property
    def empty(self) -> bool:
        return not (
            self.due_reviews
            or self.overdue_actions
            or self.new_alerts
            or self.changes
            or self.renewals
        )

    @property
    def change_count(self) -> int:
        return sum(len(group.changes) + group.more for group in self.changes)

    @property
    def subject(self) -> str:
        parts = [
            _count(len(self.due_reviews), "review due", "reviews due"),
            _count(len(self.overdue_actions), "overdue action", "overdue actions"),
            _count(len(self.new_alerts) + self.more_alerts, "new alert", "new alerts"),
            _count(len(self.renewals), "renewal", "renewals"),
        ]
        summary = ", ".join(part for part in parts if part) or "changes on your accounts"
        return f"Your keyplan week of {format_date(self.today)}: {summary}"

    def render(self, base_url: str | None = None) -> tuple[str, str]:
        """(text, html) of the digest email."""
        base = (base_url or settings.KEYPLAN_BASE_URL).rstrip("/")
        context = {"digest": self, "base": base}
        text = _tidy(render_to_string("rhythm/email/digest.txt", context))
        html = render_to_string("rhythm/email/digest.html", context)
        return text, html

    def message(self, base_url: str | None = None, connection=None) -> EmailMultiAlternatives:
        text, html = self.render(base_url)
        email = EmailMultiAlternatives(
            self.subject,
            text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[_address(self.user)],
            connection=connection,
        )
        email.attach_alternative(html, "text/html")
        return email


def _tidy(text: str) -> str:
    """Template text without trailing spaces and with at most one blank line in a row."""
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"


def _count(n: int, singular: str, plural: str) -> str:
    """3, "review due", "reviews due" -> "3 reviews due"; nothing for none."""
    return counted(n, singular, plural) if n else ""


def _address(user) -> str:
    name = user.get_full_name()
    return f'"{name}" <{user.email}>' if name else user.email


def last_delivery(user) -> DigestDelivery | None:
    return DigestDelivery.objects.filter(user=user).order_by("-sent_at").first()


def build(user, *, today: date | None = None, now: datetime | None = None) -> Digest:
    """The digest of `user` as of now."""
    now = now or clock.now()
    today = today or clock.today()
    previous = last_delivery(user)
    since = previous.sent_at if previous else now - timedelta(days=FIRST_DIGEST_DAYS)
    organisation = Organisation.current()
    digest = Digest(user=user, today=today, since=since, currency=organisation.currency)
    mine = access.team_accounts(user)
    owned = mine.filter(owner=user)

    digest.due_reviews = _due_reviews(owned, organisation, today)
    digest.overdue_actions = list(
        Action.objects.filter(account__in=Account.objects.visible_to(user), owner=user)
        .filter(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS), due_date__lt=today)
        .select_related("account")
        .order_by("due_date", "account__name", "title")
    )

    current = alert_rules.alerts(mine, today=today)
    digest.open_alerts = sorted({fingerprint(a) for a in current})
    seen = set(previous.alerts) if previous else set()
    own_actions = {f"#action-{a.pk}" for a in digest.overdue_actions}
    new = [
        a
        for a in current
        if fingerprint(a) not in seen
        and a.rule not in LISTED_APART
        and a.record[1] not in own_actions
    ]
    digest.new_alerts, digest.more_alerts = new[:ALERTS_SHOWN], len(new[ALERTS_SHOWN:])

    # Only plans changed since then can have changes by others: skip the rest cheaply.
    changed = mine.filter(last_changed__gte=since).order_by("name", "pk")
    for account in changed:
        entries = [
            change
            for change in timeline.changes(account, since=since, limit=CHANGES_READ)
            if change.user is None or change.user.pk != user.pk
        ]
        if entries:
            shown = entries[:CHANGES_SHOWN]
            digest.changes.append(AccountChanges(account, shown, len(entries) - len(shown)))

    digest.renewals = list(
        with_figures(mine, today)
        .annotate(arr_at_risk=risk.arr_at_risk_per_account(today))  # insights.risk's rule
        .filter(renewal__isnull=False, renewal__lte=today + timedelta(days=RENEWAL_DAYS))
        .order_by("renewal", "name")
    )
    return digest


def _due_reviews(owned, organisation, today: date) -> list[DueReview]:
    compliance = plans.cadence_compliance(owned, today)
    due = compliance.breakdown.filter(
        Q(contribution__isnull=True) | Q(contribution__gt=-DUE_WITHIN_DAYS)
    ).values("pk", "name", "tier", "last_review", "contribution")
    rule = alert_rules.RULES_BY_KEY["review_overdue"]
    why = {alert.account_id: alert.why for alert in rule(owned, organisation, today)}
    reviews = []
    for row in due:
        overdue = row["contribution"]
        if row["pk"] in why:
            text = why[row["pk"]]
        elif row["last_review"] is None:
            text = "Never reviewed: its first review is due"
        elif overdue > 0:
            last = row["last_review"]
            text = (
                f"The last review was on {format_date(last)}; it is {counted(overdue, 'day')} late"
            )
        else:
            due_on = today - timedelta(days=overdue)
            last = format_date(row["last_review"])
            text = f"Due by {format_date(due_on, DAY)} (last reviewed on {last})"
        reviews.append(
            DueReview(row["pk"], row["name"], row["tier"], row["last_review"], overdue, text)
        )
    return reviews


def recipients(username: str | None = None):
    """Active users, or the one named; raises User.DoesNotExist for an unknown name."""
    users = User.objects.filter(is_active=True).order_by("username")
    if username is None:
        return list(users)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise User.DoesNotExist(f"No user is named “{username}”.")
    return [user]


SENT, PRINTED, FAILED, SKIPPED = "sent", "printed", "not sent", "skipped"


@dataclass(frozen=True)
class Outcome:
    user: object
    status: str  # SENT, PRINTED, FAILED or SKIPPED
    reason: str = ""
    digest: Digest | None = None


def prepare(users, *, force: bool = False, today=None, now=None) -> list[Outcome]:
    """Each user's digest, or why they get none this week (SKIPPED)."""
    today = today or clock.today()
    week = week_of(today)
    already = set(
        DigestDelivery.objects.filter(user__in=users, week=week).values_list("user_id", flat=True)
    )
    outcomes = []
    for user in users:
        if not user.is_active:
            outcomes.append(Outcome(user, SKIPPED, "the user is deactivated"))
            continue
        if user.pk in already and not force:
            outcomes.append(Outcome(user, SKIPPED, "already sent this week (--force resends)"))
            continue
        digest = build(user, today=today, now=now)
        if digest.empty:
            outcomes.append(Outcome(user, SKIPPED, "nothing to report"))
        else:
            outcomes.append(Outcome(user, PRINTED, digest=digest))
    return outcomes


def deliver(outcomes: list[Outcome], *, base_url: str | None = None) -> list[Outcome]:
    """Send the prepared digests; a digest is recorded as sent only once the mail
    server has accepted it. Refusals and an unreachable server are reported per user."""
    connection = get_connection(fail_silently=False)
    results = []
    try:
        for outcome in outcomes:
            digest = outcome.digest
            if outcome.status != PRINTED or digest is None:
                results.append(outcome)
                continue
            user = digest.user
            if not user.email:
                results.append(Outcome(user, SKIPPED, "no email address", digest))
                continue
            try:
                digest.message(base_url, connection=connection).send()
            except Exception as exc:  # smtplib errors, refused connections, timeouts
                connection.close()  # the next message opens a fresh connection
                results.append(Outcome(user, FAILED, _reason(exc), digest))
                continue
            _record(digest)
            results.append(Outcome(user, SENT, "", digest))
    finally:
        connection.close()
    return results


@transaction.atomic
def _record(digest: Digest) -> DigestDelivery:
    week = week_of(digest.today)
    DigestDelivery.objects.filter(user=digest.user, week=week).delete()  # a forced resend
    return DigestDelivery.objects.create(
        user=digest.user, week=week, since=digest.since, alerts=digest.open_alerts
    )


def _reason(exc: Exception) -> str:
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {text.decode(errors='replace')}" for code, text in exc.recipients.values()
        ]
        return "the mail server refused the address: " + "; ".join(codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else text
        return f"the mail server refused the message: {exc.smtp_code} {text}"
    if isinstance(exc, (ConnectionError, TimeoutError, OSError, smtplib.SMTPServerDisconnected)):
        host = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        return f"the mail server at {host} could not be reached ({exc.__class__.__name__}: {exc})"
    return f"{exc.__class__.__name__}: {exc}"
