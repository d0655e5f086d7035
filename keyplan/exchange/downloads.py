"""What the plan's downloads share (Excel, PDF, Markdown): who may have them, and
the file they come as.

A download is for anyone who may read the plan; anybody else gets "not found", as
on the plan page.
"""

from datetime import date

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from keyplan.accounts.models import Account
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.security.headers import no_store


def readable_account(request, pk: int) -> Account:
    return get_object_or_404(Account.objects.visible_to(request.user), pk=pk)


def filename(account: Account, suffix: str, today: date | None = None) -> str:
    """A download's file name: the account and the date, safe on every system."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in account.name).strip("-")
    return f"{safe or 'plan'}-{(today or timezone.localdate()).isoformat()}{suffix}"


def attachment(content, content_type: str, account: Account, suffix: str) -> HttpResponse:
    """`content` as a file to save, named for `account` and today; the audit trail
    says who took it out, as what."""
    record(kinds.EXPORT, target=account, format=suffix.lstrip(".-"), via="page")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(account, suffix)}"'
    return no_store(response)  # a plan taken out: no copy left in any cache
