"""The handoff page: hand an account to a new owner, and the brief the new owner reads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from keyplan.accounts import handoff
from keyplan.accounts.forms import HandoffForm
from keyplan.accounts.models import Account, Handoff
from keyplan.core import access
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.rhythm.handoff_brief import brief as handoff_brief_of


@login_required
def hand_over(request, pk: int):
    """GET: the handoff form with a preview of the brief. POST: hand the account over."""
    # Outsiders get the same 404 as for an account that does not exist.
    account = get_object_or_404(
        Account.objects.visible_to(request.user).select_related("owner"), pk=pk
    )
    if not access.can_manage_account(request.user, account):
        return render(
            request,
            "rhythm/handoff_refused.html",
            {"account": account},
            status=403,
        )
    preview = handoff_brief_of(account)
    options = {"candidates": handoff.candidates(account), "moving": preview.moving}
    status, notice = 200, ""
    if request.method == "POST":
        form = HandoffForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = handoff.hand_over(
                    account,
                    data["new_owner"],
                    by=request.user,
                    version=data["version"],
                    move=data["move"],
                    keep_previous=data["keep_previous"],
                    note=data["note"],
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages)
                status = 422
            except ConflictError as error:
                notice = (
                    f"{error.current.name} was changed by someone else since you opened this "
                    "page. Nothing was handed over: check the brief below and try again."
                )
                form = HandoffForm(initial=_initial(error.current), **options)
                status = 409
            except (Forbidden, NotFound) as error:
                return render(
                    request,
                    "rhythm/handoff_refused.html",
                    {"account": account, "reason": str(error)},
                    status=403,
                )
            else:
                if Account.objects.visible_to(request.user).filter(pk=account.pk).exists():
                    return redirect("account-handoff-brief", account.pk, record.pk)
                # Handed over and no longer on the team: the brief, once, right here.
                brief = handoff_brief_of(Account.objects.get(pk=account.pk), handoff=record)
                return render(request, "rhythm/handoff_brief.html", {"brief": brief})
        else:
            status = 422
    else:
        form = HandoffForm(initial=_initial(account), **options)
    return render(
        request,
        "rhythm/handoff.html",
        {"account": account, "form": form, "brief": preview, "notice": notice},
        status=status,
    )


def _initial(account: Account) -> dict:
    return {"move": ["actions"], "keep_previous": True, "version": account.version}


@login_required
def handoff_brief(request, pk: int, handoff_id: int):
    """The brief of a recorded handoff, for anyone who reads the plan."""
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    record = get_object_or_404(
        Handoff.objects.select_related("previous_owner", "new_owner", "handed_over_by"),
        pk=handoff_id,
        account=account,
    )
    return render(
        request, "rhythm/handoff_brief.html", {"brief": handoff_brief_of(account, handoff=record)}
    )
