"""The shell's pages: the portfolio's headline figures, the accounts list and my week."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from keyplan.accounts.models import Account, Handoff, Relationship, Tier
from keyplan.cadence.models import Touchpoint, TouchpointStatus, TriggerEvent, TriggerStatus
from keyplan.core import clock
from keyplan.core.ids import parse_id
from keyplan.growth.models import Action, ActionStatus
from keyplan.insights import alerts
from keyplan.insights import cadence as review_cadence
from keyplan.insights.accounts import with_figures
from keyplan.rhythm.handoff_brief import RECENT_DAYS
from keyplan.team.models import AccountMember, Role, User

SORTS = {
    "name": "name",
    "tier": "tier",
    "owner": "owner__first_name",
    "arr": "arr",
    "renewal": "renewal",
    "whitespace": "open_whitespace",
    "updated": "last_changed",
}


COLUMNS = [
    ("name", "Account"),
    ("tier", "Tier"),
    ("owner", "Owner"),
    ("arr", "ARR"),
    ("renewal", "Renewal"),
    ("whitespace", "Open whitespace"),
    ("updated", "Last update"),
]


@login_required
def accounts(request):
    """Every account the user may see: filter, search, sort, page."""
    params = request.GET
    queryset = Account.objects.visible_to(request.user).select_related("owner")
    if params.get("q"):
        queryset = queryset.filter(name__icontains=params["q"].strip())
    if params.get("tier") in {str(value) for value in Tier.values}:
        queryset = queryset.filter(tier=int(params["tier"]))
    if params.get("relationship") in Relationship.values:
        queryset = queryset.filter(relationship=params["relationship"])
    if (owner_id := parse_id(params.get("owner"))) is not None:
        queryset = queryset.filter(owner_id=owner_id)
    sort = params.get("sort", "name")
    key = SORTS.get(sort.lstrip("-"), "name")
    descending = sort.startswith("-")
    ordering = (f"-{key}" if descending else key, "name")
    page = Paginator(with_figures(queryset).order_by(*ordering), 50).get_page(params.get("page"))
    owners = User.objects.filter(
        Q(owned_accounts__in=Account.objects.visible_to(request.user))
    ).distinct()
    return render(
        request,
        "web/accounts.html",
        {
            "nav": "accounts",
            "page": page,
            "today": clock.today(),
            "sort": sort,
            "params": params,
            "owners": owners.order_by("first_name", "last_name"),
            "tiers": Tier.choices,
            "relationships": Relationship.choices,
            "columns": COLUMNS,
        },
    )


@login_required
def my_week(request):
    """My overdue and due actions, the alerts of the accounts whose team I am on, my
    touchpoints and my renewals."""
    today, user = clock.today(), request.user
    visible = Account.objects.visible_to(user)
    actions = (
        Action.objects.filter(account__in=visible, owner=user)
        .filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        .filter(due_date__lte=today + timedelta(days=7))
        .select_related("account")
        .order_by("due_date")
    )
    touchpoints = (
        Touchpoint.objects.filter(account__in=visible, host_links__user=user)
        .filter(status=TouchpointStatus.PLANNED, date__gte=today, date__lte=today + timedelta(90))
        .select_related("account")
        .order_by("date")
    )
    mine = visible if user.role in (Role.ADMIN, Role.LEADER) else visible.filter(owner=user)
    on_my_teams = visible.filter(
        Q(owner=user) | Q(pk__in=AccountMember.objects.filter(user=user).values("account_id"))
    )
    renewals = (
        with_figures(mine)
        .filter(renewal__isnull=False, renewal__lte=today + timedelta(days=90))
        .order_by("renewal")
    )
    # Reviews overdue or due soon, and trigger events waiting for a plan update (the
    # owner's task until the trigger is cleared), on my accounts.
    reviews = review_cadence.due_reviews(mine, today, within=review_cadence.DUE_SOON_DAYS)
    updates = TriggerEvent.objects.filter(account__in=mine, status=TriggerStatus.NEW)
    handed = Handoff.objects.filter(
        account__in=visible, new_owner=user, created_at__gte=clock.now() - timedelta(RECENT_DAYS)
    )
    return render(
        request,
        "web/my_week.html",
        {
            "nav": "my",
            "today": today,
            "overdue": [a for a in actions if a.due_date < today],
            "due": [a for a in actions if a.due_date >= today],
            "touchpoints": touchpoints,
            "renewals": renewals,
            "alerts": alerts.alerts(on_my_teams, today=today),
            "reviews": [(a, review_cadence.review_due(a, today)) for a in reviews],
            "updates": updates.select_related("account").order_by("date", "pk"),
            "handed": handed.select_related("account", "previous_owner").order_by("-created_at"),
            "recent_days": RECENT_DAYS,
        },
    )


def healthz(request):
    """For load balancers: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
