"""Sync now: a sync someone starts from a page runs in the job queue (django-tasks'
database backend), not in their request, and `keyplan worker` runs it. The SyncRun
row carries its state (queued, running, done, failed) and report for the page that
polls it."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django_tasks import task

from keyplan.accounts.models import Account
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.core import access, clock
from keyplan.core.errors import Forbidden
from keyplan.exchange.crm.salesforce.live.sync import sync
from keyplan.exchange.models import SyncRun

# A sync running longer than this is taken for one whose worker died: a new press of
# Sync now queues another rather than waiting on it for ever.
STALE = timedelta(hours=1)


def may_sync(user, account: Account | None) -> bool:
    """Administrators sync every linked account; whoever may edit a linked account's
    plan syncs that account."""
    if account is None:
        return access.is_administrator(user)
    return bool(account.crm_id) and access.can_edit_account(user, account)


def start_sync(*, by, account: Account | None = None) -> SyncRun:
    """Queue a sync (of one account, or of every linked one), unless one for the same
    accounts is already queued or running: then that one."""
    if not may_sync(by, account):
        raise Forbidden("You may not sync this with Salesforce.")
    with transaction.atomic():
        waiting = (
            SyncRun.objects.select_for_update()
            .filter(account=account)
            .filter(
                Q(state=SyncRun.QUEUED)
                | Q(state=SyncRun.RUNNING, started_at__gte=clock.now() - STALE)
            )
            .first()
        )
        if waiting is not None:
            return waiting
        run = SyncRun.objects.create(account=account, by=by, queued_at=clock.now())
        # The job's row is written in this transaction: the worker sees both or neither.
        run_sync.enqueue(run.pk)
        # Its pull and push are recorded when the worker runs them, as `by`.
        target = account if account is not None else ("account", None, "Every linked account")
        record(kinds.SYNC_QUEUED, actor=by, target=target, run=run.pk)
    return run


def latest(account: Account | None = None) -> SyncRun | None:
    return SyncRun.objects.filter(account=account).first()


@task()
def run_sync(run_id: int) -> str:
    """The job: run the sync as the user who asked for it, keeping its report."""
    with transaction.atomic():
        # Only the run's own row is locked (PostgreSQL locks no outer-joined rows).
        run = (
            SyncRun.objects.select_for_update(of=("self",))
            .select_related("account", "by")
            .get(pk=run_id)
        )
        if run.state != SyncRun.QUEUED:
            return run.state
        run.state, run.started_at = SyncRun.RUNNING, clock.now()
        run.save(update_fields=["state", "started_at"])
    try:
        if run.by is None or not may_sync(run.by, run.account):
            raise Forbidden("The user who asked for this sync may no longer run it.")
        accounts = [run.account.crm_id] if run.account is not None else None
        report = sync(by=run.by, accounts=accounts)
        run.report, run.state = report.as_json(), SyncRun.DONE
    except Exception as error:  # the page says what stopped it, rather than "running" forever
        run.report, run.state = {"errors": [f"The sync stopped: {error}"]}, SyncRun.FAILED
        raise
    finally:
        run.finished_at = clock.now()
        run.save(update_fields=["state", "report", "finished_at"])
    return run.state
