"""Cadence pages: a touchpoint's brief and its follow-ups, and the calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET

from keyplan.accounts.models import Account
from keyplan.cadence import calendar_feed
from keyplan.cadence.forms import CommitmentFormSet
from keyplan.cadence.models import Touchpoint
from keyplan.cadence.services import commit_follow_ups
from keyplan.core import access
from keyplan.core.errors import Forbidden, NotFound
from keyplan.rhythm import qbr_brief as briefs

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
    return render(request, "rhythm/calendar.html", {"nav": "my", "feed": feed, "url": url})


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
