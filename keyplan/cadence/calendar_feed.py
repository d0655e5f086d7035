"""A user's calendar as an iCalendar feed at a secret address.

The feed holds, for the accounts whose team the user is on (and the touchpoints they
host): the executive touchpoints, the due dates of open actions and the renewal dates
of live contracts, each as an all-day event with a stable UID, so a calendar app that
subscribes updates the events instead of duplicating them.

The address is `/calendar/<key><signature>.ics`: `key` is random and stored, the
signature is an HMAC of it made with the installation's secret key, so a copy of the
database alone gives no working address. A user has at most one live address;
regenerating revokes the old one, and a revoked, unknown or forged address, or one
whose user was deactivated, answers 404 like any other missing page.

Reading a feed costs the same number of queries however many events it holds: the
address (1), the organisation's settings for access and currency (1), touchpoints,
actions and contracts (1 each), and at most one write a minute for "last used" (and
its line on the audit trail).
"""

import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from keyplan.accounts.models import Account, Contract, ContractStatus
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.cadence.models import CalendarFeed, Touchpoint, TouchpointHost, TouchpointStatus
from keyplan.core import access, clock
from keyplan.core.formats import format_date, format_money
from keyplan.growth.models import Action, ActionStatus
from keyplan.team.models import Organisation

SALT = "keyplan.cadence.calendar_feed"
KEY_LENGTH = 20  # hexadecimal characters of the stored half
SIGNATURE_LENGTH = 64
LAST_USED_RESOLUTION = timedelta(minutes=1)
PAST_DAYS = 365  # touchpoints this far back stay on the calendar
UID_DOMAIN = "keyplan"


def _signature(key: str) -> str:
    return salted_hmac(SALT, key, algorithm="sha256").hexdigest()


def secret(feed: CalendarFeed) -> str:
    """The secret part of the feed's address."""
    return feed.key + _signature(feed.key)


def path(feed: CalendarFeed) -> str:
    return reverse("calendar-feed", args=[secret(feed)])


def current(user) -> CalendarFeed | None:
    """The user's live calendar address, if they have one."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def issue(user) -> CalendarFeed:
    """A new address for `user`; the one they had, if any, stops working."""
    revoke(user)
    return CalendarFeed.objects.create(user=user, key=secrets.token_hex(KEY_LENGTH // 2))


def revoke(user) -> int:
    """Stop the user's address from working; how many were live (0 or 1)."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


def find(text: str) -> CalendarFeed | None:
    """The live feed whose address holds `text`, with its (active) user; else None."""
    if len(text) != KEY_LENGTH + SIGNATURE_LENGTH:
        return None
    key, signature = text[:KEY_LENGTH], text[KEY_LENGTH:]
    if not constant_time_compare(signature, _signature(key)):
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(key=key, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is not None:
        now = clock.now()
        if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_RESOLUTION:
            CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
            # On the audit trail as often as "last used", so polling stays a read.
            record(kinds.EXPORT, actor=feed.user, target=feed.user, format="ics", via="calendar")
    return feed


def _event(
    uid: str, day: date, summary: str, *, stamp: datetime, url: str, category: str, description=""
):
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")  # a reminder, not busy time
    event.add("url", url)
    if description:
        event.add("description", description)
    event.add("categories", [category])
    return event


def touchpoints(user, today: date):
    accounts = access.team_accounts(user)
    hosted = TouchpointHost.objects.filter(user=user).values("touchpoint_id")
    return (
        Touchpoint.objects.filter(account__in=Account.objects.visible_to(user))
        .filter(Q(account__in=accounts) | Q(pk__in=hosted))
        .filter(date__gte=today - timedelta(days=PAST_DAYS))
        .select_related("account")
        .order_by("date", "pk")
    )


def actions(user):
    accounts = access.team_accounts(user)
    visible = Account.objects.visible_to(user)
    return (
        Action.objects.filter(status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS))
        .filter(Q(account__in=accounts) | Q(owner=user, account__in=visible))
        .select_related("account", "owner")
        .order_by("due_date", "pk")
    )


def renewals(user, today: date):
    return (
        Contract.objects.filter(account__in=access.team_accounts(user))
        .filter(status=ContractStatus.ACTIVE, end_date__isnull=False, end_date__gte=today)
        .select_related("account")
        .order_by("end_date", "pk")
    )


def build(user, *, base_url: str, today: date | None = None) -> bytes:
    """The user's calendar as iCalendar text; `base_url` ("https://host") for links."""
    today = today or clock.today()
    currency = Organisation.current().currency
    base_url = base_url.rstrip("/")

    def plan_url(account_id, anchor=""):
        return f"{base_url}{reverse('plan', args=[account_id])}{anchor}"

    calendar = Calendar()
    calendar.add("prodid", "-//keyplan//calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"keyplan: {user}")
    calendar.add("refresh-interval;value=duration", "PT1H")
    calendar.add("x-published-ttl", "PT1H")

    for t in touchpoints(user, today):
        summary = f"{t.get_kind_display()} with {t.account.name}"
        if t.title:
            summary += f": {t.title}"
        brief = reverse("touchpoint-brief", args=[t.account_id, t.pk])
        event = _event(
            f"touchpoint-{t.pk}",
            t.date,
            summary,
            stamp=t.updated_at,
            url=f"{base_url}{brief}",
            category="Touchpoint",
            description="\n\n".join(filter(None, [t.agenda, f"Brief: {base_url}{brief}"])),
        )
        cancelled = t.status == TouchpointStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)

    for a in actions(user):
        owner = a.owner.get_full_name() or a.owner.username
        event = _event(
            f"action-{a.pk}",
            a.due_date,
            f"Due: {a.title} ({a.account.name})",
            stamp=a.updated_at,
            url=plan_url(a.account_id, f"#action-{a.pk}"),
            category="Action",
            description=f"Action of the {a.account.name} plan, owned by {owner}.",
        )
        calendar.add_component(event)

    for c in renewals(user, today):
        notice = ""
        if c.notice_days:
            cancel_by = format_date(c.end_date - timedelta(days=c.notice_days))
            notice = f" Notice to cancel by {cancel_by}."
        renews = "It renews automatically." if c.auto_renew else "It does not renew by itself."
        event = _event(
            f"contract-{c.pk}-renewal",
            c.end_date,
            f"Renewal: {c.name} ({c.account.name}, {format_money(c.arr, currency)} ARR)",
            stamp=c.updated_at,
            url=plan_url(c.account_id, f"#contract-{c.pk}"),
            category="Renewal",
            description=f"{c.name} ends on {format_date(c.end_date)}. {renews}{notice}",
        )
        calendar.add_component(event)
    return calendar.to_ical()
