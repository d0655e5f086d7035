"""The rhythm's pages: a touchpoint's brief and its follow-ups, handing an account over
and the brief the new owner reads, and the calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET

from keyplan.accounts import handoff
from keyplan.accounts.forms import HandoffForm
from keyplan.accounts.models import Account, Handoff
from keyplan.cadence import calendar_feed
from keyplan.cadence.forms import CommitmentFormSet
from keyplan.cadence.models import Touchpoint
from keyplan.cadence.services import commit_follow_ups
from keyplan.core import access
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.rhythm import qbr_brief as briefs
from keyplan.rhythm.handoff_brief import brief as handoff_brief_of
from keyplan.security.headers import no_store

BLANK_ROWS = 2  # empty commitment rows offered below the pending ones


@login_required
def touchpoint_brief(request, pk: int, touchpoint_id: int):
    """GET: the prepared brief. POST: the follow-up commitments become actions."""
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    touchpoint = get_object_or_404(Touchpoint, pk=touchpoint_id, account=account)
    touchpoint.account = account
    brief = briefs.build(touchpoint)
    can_edit = access.can_edit_account(
        request.user, account, member_ids={m.user_id for m in brief.plan.members}
    )
    options = {"people": brief.people, "objectives": brief.objectives, "plays": brief.open_plays}
    status, errors = 200, []
    if request.method == "POST":
        if not can_edit:
            return HttpResponse("You may read this plan but not change it.", status=403)
        formset = CommitmentFormSet(request.POST, form_kwargs=options, prefix="c")
        if formset.is_valid():
            try:
                created = commit_follow_ups(
                    touchpoint, [form.commitment() for form in formset], by=request.user
                )
            except ValidationError as error:
                errors, status = error.messages, 422
            except (Forbidden, NotFound) as error:
                return HttpResponse(str(error), status=403)
            else:
                count = len(created)
                messages.success(
                    request,
                    f"{count} follow-up action{pluralize(count)} added to the plan.",
                )
                return redirect(request.path + "#follow-ups")
        else:
            errors, status = ["Some commitments need fixing; nothing was saved."], 422
    else:
        initial = [{"title": line} for line in brief.pending] + [{}] * BLANK_ROWS
        formset = CommitmentFormSet(initial=initial, form_kwargs=options, prefix="c")
    return render(
        request,
        "rhythm/qbr_brief.html",
        {
            "brief": brief,
            "account": account,
            "touchpoint": touchpoint,
            "can_edit": can_edit,
            "formset": formset,
            "errors": errors,
        },
        status=status,
    )


@login_required
def my_calendar(request):
    """The user's calendar address, to subscribe to; revoke or regenerate it."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "regenerate"):
            calendar_feed.issue(user)
            messages.success(
                request,
                "Your new calendar address is below."
                + (" The old one no longer works." if action == "regenerate" else ""),
            )
        elif action == "revoke" and calendar_feed.revoke(user):
            messages.success(request, "Your calendar address no longer works.")
        return redirect("my-calendar")
    feed = calendar_feed.current(user)
    url = request.build_absolute_uri(calendar_feed.path(feed)) if feed else None
    page = render(request, "rhythm/calendar.html", {"nav": "my", "feed": feed, "url": url})
    return no_store(page) if feed else page  # the address is a secret


@require_GET
def calendar_feed_view(request, secret: str):
    """The feed itself: no sign-in, the address is the key. Any address that does not
    work (unknown, revoked, forged, deactivated user) is a plain 404."""
    feed = calendar_feed.find(secret)
    if feed is None:
        raise Http404("No such calendar.")
    body = calendar_feed.build(feed.user, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="keyplan.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


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
