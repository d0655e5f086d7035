"""The alert list of the portfolio (/alerts/): the alerts of the accounts in scope (the
dashboard's filters, one rule or all), grouped by account or by severity, and snoozed
several at a time (rhythm.snoozes.snooze_alerts: one reason, one transaction).

Every alert of an account the user may change carries a checkbox; a group's checkbox
takes every alert of that group (on every page). What a user may not see is not found.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from keyplan.cadence.models import AlertSnooze
from keyplan.core import access, clock
from keyplan.core.errors import Forbidden, NotFound
from keyplan.insights import alerts as alert_rules
from keyplan.rhythm.snoozes import SNOOZE_DAYS, Picked, snooze_alerts
from keyplan.team.models import Organisation
from keyplan.web.dashboard import scope

GROUPINGS = {"account": "By account", "severity": "By severity"}
SEVERITY_LABELS = {alert_rules.HIGH: "High severity", alert_rules.MEDIUM: "Medium severity"}
DAY_CHOICES = (1, 7, 14, 30, 60, AlertSnooze.MAX_DAYS)


@dataclass
class Group:
    key: str  # "account:12" or "severity:high": what the group's checkbox sends
    title: str
    account_id: int | None = None
    alerts: list = field(default_factory=list)
    selectable: bool = False  # every alert of the group is of an account the user may change


def picked_of(alert) -> str:
    return f"{alert.account_id}:{alert.rule}:{alert.record_id}"


def _group_key(alert, grouping: str) -> str:
    return f"account:{alert.account_id}" if grouping == "account" else f"severity:{alert.severity}"


def _grouped(alerts, grouping: str) -> list[Group]:
    groups: dict[str, Group] = {}
    for alert in alerts:
        key = _group_key(alert, grouping)
        if key not in groups:
            title = alert.account_name if grouping == "account" else SEVERITY_LABELS[alert.severity]
            account_id = alert.account_id if grouping == "account" else None
            groups[key] = Group(key, title, account_id)
        groups[key].alerts.append(alert)
    return list(groups.values())


def _in_scope(accounts, rule, today):
    """The alerts of `accounts` (one rule's, or every rule's, high severity first)."""
    if rule is not None:
        return rule.rule(accounts, Organisation.current(), today)
    return alert_rules.alerts(accounts, today=today)


def _ordered(alerts, grouping: str) -> list:
    if grouping == "account":  # each account's alerts together, high severity first
        return sorted(
            alerts,
            key=lambda a: (
                a.account_name.casefold(),
                a.account_id,
                alert_rules.SEVERITY_ORDER[a.severity],
            ),
        )
    return alerts  # already by severity, then account


@login_required
def alert_list(request):
    """The alerts of the accounts in scope, grouped, each with the record to fix; POST
    snoozes the alerts and groups ticked."""
    accounts, chosen = scope(request)
    rule = alert_rules.RULES_BY_KEY.get(request.GET.get("rule", ""))
    grouping = request.GET.get("group", "")
    grouping = grouping if grouping in GROUPINGS else "account"
    today = clock.today()
    query = {**chosen, **({"rule": rule.key} if rule else {}), "group": grouping}
    here = f"{reverse('alerts')}?{urlencode(query)}"
    error, status = "", 200
    if request.method == "POST":
        try:
            done = _snooze(request, accounts, rule, grouping, today)
        except NotFound as exc:
            raise Http404("No such alert.") from exc
        except Forbidden as exc:
            error, status = str(exc), 403
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            return HttpResponseRedirect(f"{here}&snoozed={done}")
    found = _ordered(_in_scope(accounts, rule, today), grouping)
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    ids = {alert.account_id for alert in page}
    editable = set(
        access.editable(accounts.filter(pk__in=ids), request.user).values_list("pk", flat=True)
    )
    groups = _grouped(page, grouping)
    for group in groups:
        group.selectable = all(alert.account_id in editable for alert in group.alerts)
    shown = None
    if rule is not None:
        settings = Organisation.current()
        shown = {"key": rule.key, "title": rule.title, "description": rule.describe(settings)}
    context = {
        "nav": "portfolio",
        "page": page,
        "groups": groups,
        "grouping": grouping,
        "groupings": [
            (key, label, f"{reverse('alerts')}?{urlencode({**query, 'group': key})}")
            for key, label in GROUPINGS.items()
        ],
        "editable": editable,
        "rule": shown,
        "chosen": chosen,
        "query": urlencode(query),
        "here": here,
        "error": error,
        "snoozed": request.GET.get("snoozed", ""),
        "until": today + timedelta(days=SNOOZE_DAYS),
        "days": DAY_CHOICES,
        "default_days": SNOOZE_DAYS,
        "posted": request.POST if error else {},
        "back": f"{reverse('portfolio')}?{urlencode(chosen)}" if chosen else reverse("portfolio"),
    }
    return render(request, "web/alerts.html", context, status=status)


def _snooze(request, accounts, rule, grouping, today) -> int:
    """Snooze the alerts ticked one by one and every alert of the groups ticked."""
    picked = [Picked.parse(text) for text in request.POST.getlist("alert")]
    groups = set(request.POST.getlist("group"))
    if groups:
        picked += [
            Picked(a.account_id, a.rule, a.record_id)
            for a in _in_scope(accounts, rule, today)
            if _group_key(a, grouping) in groups and a.record_id is not None
        ]
    snoozes = snooze_alerts(
        picked,
        request.POST.get("reason", ""),
        by=request.user,
        days=request.POST.get("days", SNOOZE_DAYS),
    )
    return len(snoozes)
