"""The plan page's part of the conflicts: the block listing an account's open ones,
and the form that keeps one side (conflicts.py holds the rule)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from keyplan.accounts.models import Account, Source
from keyplan.core.errors import ConflictError, Forbidden, NotFound, ValidationError
from keyplan.core.ids import parse_id
from keyplan.exchange.crm.salesforce.live import conflicts as sync_conflicts


def conflicts_block(request, account: Account, *, can_edit: bool) -> SafeString:
    """The open conflicts of `account` (which the page already let the user see), or
    nothing; an account not linked to Salesforce has none, so costs no query."""
    if account.source != Source.SALESFORCE or not account.crm_id:
        return SafeString("")
    found = list(sync_conflicts.open_conflicts(account))
    if not found:
        return SafeString("")
    shown = [{**sync_conflicts.listed(c, account.name), "version": c.version,
              "found_at": c.found_at} for c in found]  # fmt: skip
    context = {"conflicts": shown, "account_id": account.pk, "can_edit": can_edit}
    return render_to_string("exchange/parts/conflicts.html", context, request=request)


@login_required
@require_POST
def resolve(request, pk: int, conflict_id: int):
    """Keep the side the button names; back to the plan, or say why not."""
    try:
        conflict = sync_conflicts.conflict_of(pk, conflict_id, by=request.user)
        sync_conflicts.resolve(
            conflict,
            request.POST.get("keep", ""),
            by=request.user,
            version=parse_id(request.POST.get("version")) or 0,
        )
    except NotFound as error:
        raise Http404 from error
    except (sync_conflicts.AlreadyResolved, ConflictError, Forbidden, ValidationError) as error:
        status = 403 if isinstance(error, Forbidden) else 409
        if isinstance(error, ConflictError):
            message = (
                "A sync found new values for this conflict since you opened the page. "
                "Nothing was changed: look at the values again."
            )
        elif isinstance(error, ValidationError):
            message, status = " ".join(error.messages), 400
        else:
            message = str(error)
        context = {"message": message, "account_id": pk}
        return render(request, "exchange/conflict_refused.html", context, status=status)
    return HttpResponseRedirect(reverse("plan", args=[pk]) + "#section-conflicts")
