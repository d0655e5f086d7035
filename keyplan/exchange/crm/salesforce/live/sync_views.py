"""Sync now: the button on the Integrations page (administrators: every linked
account) and on the plan page of a linked account (whoever may edit the plan: that
account only). Pressing it queues the sync (jobs.py); the block then asks again every
two seconds, by htmx, until the sync is done, and shows its result. An account the
user may not see is "not found", as everywhere."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from keyplan.accounts.models import Account
from keyplan.core import access
from keyplan.exchange.crm.salesforce.live.jobs import latest, may_sync, start_sync
from keyplan.exchange.crm.salesforce.live.pull import linked_accounts
from keyplan.exchange.models import AccountSync, SyncRun

WORDS = ("created", "updated")


def _block(request, account: Account | None) -> HttpResponse:
    run = latest(account)
    report = run.report if run is not None else {}
    pulled = report.get("pulled") or {}
    context = {
        "account": account,
        "run": run,
        "polling": run is not None and run.state in (SyncRun.QUEUED, SyncRun.RUNNING),
        "finished": run is not None and run.state in (SyncRun.DONE, SyncRun.FAILED),
        "pulled": {w: sum(c.get(w, 0) for c in pulled.values()) for w in WORDS},
        "pushed": report.get("pushed") or {},
        "report": report,
        "can_sync": may_sync(request.user, account),
        "url": reverse("plan-salesforce-sync", args=[account.pk])
        if account is not None
        else reverse("integrations-sync"),
        "synced": AccountSync.objects.filter(account=account).first() if account else None,
    }
    return render(request, "exchange/parts/sync.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def integrations_sync(request):
    if not access.is_administrator(request.user):
        raise Http404
    if request.method == "POST":
        start_sync(by=request.user)
        if not request.htmx:
            return redirect("integrations")
    return _block(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_sync(request, pk: int):
    account = access.visible(linked_accounts().filter(pk=pk), request.user).first()
    if account is None:
        raise Http404
    if request.method == "POST":
        if not may_sync(request.user, account):
            raise Http404
        start_sync(by=request.user, account=account)
        if not request.htmx:
            return redirect("plan", pk=account.pk)
    return _block(request, account)
