"""The account's history page: who changed what on the plan and when, by day."""

from datetime import date
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.plan import timeline

LIMIT = 300


def _since(value: str, review) -> tuple[object, str]:
    """The moment `?since=` asks for ("review" or a YYYY-MM-DD day) and a note when
    it cannot be honoured; all changes then."""
    if not value:
        return None, ""
    if value == "review":
        if review is None:
            return None, "No plan review is recorded yet, so every change is shown."
        return review, ""
    try:
        return timeline.start_of_day(date.fromisoformat(value)), ""
    except ValueError:
        return None, f"“{value}” is not a date (YYYY-MM-DD), so every change is shown."


@login_required
def account_history(request, pk: int):
    # Outsiders get the same 404 as for an account that does not exist.
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    review = timeline.since_last_review(account)
    since, note = _since(request.GET.get("since", "").strip(), review)
    changes = timeline.changes(account, since=since, limit=LIMIT)
    days = [
        (day, list(entries))
        for day, entries in groupby(changes, key=lambda change: timezone.localdate(change.when))
    ]
    return render(
        request,
        "web/history.html",
        {
            "account": account,
            "days": days,
            "count": len(changes),
            "limited": len(changes) == LIMIT,
            "since": since,
            "since_review": since is not None and since == review,
            "review": review,
            "note": note,
            "today": clock.today(),
        },
    )
