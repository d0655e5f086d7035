"""The weekly review (/review/): the plans the signed-in user works on, one after
another (tier 1 first, the most overdue first within a tier), each on one screen
with what needs a decision this week, acted on in place with htmx. Finishing an
account records a plan review of the kind that is due (insights.cadence) and opens
the next plan with a review due.

The screen: what changed since the last review (plan.timeline), the alerts
(insights.alerts; snooze one with a reason), actions overdue or due within a week
(mark done), open plays (move the stage), open risks (re-rate), stakeholders not met
meaningfully for 60 days (log an interaction), trigger events that need a plan
update (clear the task), and the next executive touchpoint. Every control goes
through the services; a refusal comes back as a message and changes nothing. The
screen costs the same queries however large the plan or the portfolio.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from keyplan.accounts.models import Account
from keyplan.cadence import services as cadence_services
from keyplan.cadence.forms import (
    SNOOZE_CHOICES,
    CloseTriggerForm,
    FinishReviewForm,
    SnoozeForm,
    TriggerForm,
)
from keyplan.cadence.models import (
    AlertSnooze,
    ReviewKind,
    TriggerEvent,
    TriggerKind,
    TriggerStatus,
)
from keyplan.core import access, clock, services
from keyplan.core.choices import Level
from keyplan.core.errors import Forbidden
from keyplan.growth import services as growth_services
from keyplan.growth.models import OPEN_STAGES, Action, Play
from keyplan.insights import alerts as alert_rules
from keyplan.insights import cadence as review_cadence
from keyplan.plan import timeline
from keyplan.relationships import heatmap
from keyplan.relationships import services as relationship_services
from keyplan.relationships.forms import InteractionForm
from keyplan.relationships.models import InteractionKind
from keyplan.rhythm.snoozes import snooze_alert, wake_alert
from keyplan.rhythm.triggers import close_trigger as close_trigger_service
from keyplan.risks.forms import RerateForm
from keyplan.risks.models import OPEN_RISK_STATUSES, Impact, Risk, RiskStatus
from keyplan.team.models import Organisation
from keyplan.web import editing
from keyplan.web.page import Listed, PlanPage

UNTOUCHED_DAYS = 60  # a stakeholder not met meaningfully for longer needs a touch
AHEAD_DAYS = 7  # actions due within this many days are this week's
CHANGES_SHOWN = 30


# The queue


def review_queue(user, today=None) -> list[Account]:
    """The plans `user` reviews: those they own or are on the team of and may change,
    tier 1 first, the most overdue first within a tier (one query)."""
    today = today or clock.today()
    accounts = access.reviewable_accounts(user).select_related("owner")
    rows = review_cadence.with_review_state(accounts, today)
    return list(rows.order_by("tier", F("review_late").desc(), "name", "pk"))


@dataclass(frozen=True)
class Entry:
    """A plan of the queue and where its reviews stand."""

    account: Account
    due: review_cadence.Due | None  # the review to hold now, if any
    reviewed_today: bool

    @property
    def waiting(self) -> bool:
        """Due this week and not reviewed yet today."""
        return self.due is not None and not self.reviewed_today

    @property
    def next_due(self) -> review_cadence.Due:
        return min(review_cadence.dues(self.account), key=lambda due: -due.late)


def entries(queue: list[Account], today) -> list[Entry]:
    # Every kind covers the weekly one: its latest review is the latest of any kind.
    return [
        Entry(
            account, review_cadence.review_due(account, today), account.review_weekly_last == today
        )
        for account in queue
    ]


def next_entry(queue: list[Entry], after: int | None) -> Entry | None:
    """The next plan waiting for its review after the one with id `after` (in queue
    order, wrapping around), never that one itself."""
    ids = [entry.account.pk for entry in queue]
    start = ids.index(after) + 1 if after in ids else 0
    for entry in queue[start:] + queue[:start]:
        if entry.waiting and entry.account.pk != after:
            return entry
    return None


# One account's screen


class ReviewScreen:
    """What the review of one plan shows, read from its `PlanPage`."""

    def __init__(self, page: PlanPage, queue: list[Entry]):
        self.page = page
        self.account = page.account
        self.today = page.plan.today
        self.queue = queue

    @property
    def can_edit(self) -> bool:
        return self.page.can_edit

    @cached_property
    def entry(self) -> Entry:
        for entry in self.queue:
            if entry.account.pk == self.account.pk:
                return entry
        # A plan outside the user's queue (a leader's look at any plan): its own state.
        accounts = Account.objects.filter(pk=self.account.pk).select_related("owner")
        state = review_cadence.with_review_state(accounts, self.today)
        account = state.get()
        return Entry(
            account,
            review_cadence.review_due(account, self.today),
            account.review_weekly_last == self.today,
        )

    @property
    def dues(self) -> list[review_cadence.Due]:
        return review_cadence.dues(self.entry.account, self.today)

    @property
    def due(self) -> review_cadence.Due | None:
        return self.entry.due

    @property
    def waiting(self) -> list[Entry]:
        return [entry for entry in self.queue if entry.waiting]

    @property
    def position(self) -> tuple[int, int] | None:
        """(this plan's place, how many) among the plans waiting, if it is one."""
        waiting = [entry.account.pk for entry in self.waiting]
        if self.account.pk not in waiting:
            return None
        return waiting.index(self.account.pk) + 1, len(waiting)

    @cached_property
    def next(self) -> Entry | None:
        return next_entry(self.queue, self.account.pk)

    @cached_property
    def since(self):
        return timeline.since_last_review(self.account)

    @cached_property
    def changes(self) -> list[timeline.Change]:
        return timeline.changes(self.account, since=self.since, limit=CHANGES_SHOWN)

    @cached_property
    def alerts(self) -> list[alert_rules.Alert]:
        return alert_rules.alerts(self.account, today=self.today)

    @cached_property
    def snoozes(self) -> list[AlertSnooze]:
        titles = {rule.key: rule.title for rule in alert_rules.RULES}
        rows = list(
            AlertSnooze.objects.filter(account=self.account, until__gte=self.today)
            .select_related("snoozed_by")
            .order_by("until", "pk")
        )
        for row in rows:
            row.title = titles.get(row.rule, row.rule)
        return rows

    # The lists read the plan's rows directly (not the plan page's sections, which
    # resolve what this screen does not show: grid cells, influences, units).
    @property
    def actions(self) -> list[Listed]:
        """Open actions overdue or due within a week, the most overdue first."""
        plan = self.page.plan
        return [
            Listed(
                a, {"owner": plan.users_by_id.get(a.owner_id), "overdue": a.due_date < self.today}
            )
            for a in plan.actions
            if a.is_open and a.due_date <= self.ahead
        ]

    @property
    def plays(self) -> list:
        return [play for play in self.page.plan.plays if play.stage in OPEN_STAGES]

    @property
    def risks(self) -> list:
        return [risk for risk in self.page.plan.risks if risk.status in OPEN_RISK_STATUSES]

    @property
    def untouched(self) -> list[Listed]:
        """Active stakeholders not met meaningfully for more than 60 days, or never met
        while on the map for the coverage window (someone new is not yet "not met"),
        the longest untouched first."""
        plan = self.page.plan
        cutoff = self.today - timedelta(days=UNTOUCHED_DAYS)
        settled = self.today - timedelta(days=Organisation.current().coverage_days)
        rows = []
        for s in plan.active_stakeholders:
            last = plan.last_touch.get(s.pk)
            if (last is None and s.on_map_since <= settled) or (last and last < cutoff):
                colour = heatmap.colour(s.power, s.strength, (s.role, s.secondary_role))
                rows.append(Listed(s, {"last_touch": last, "colour": colour}))
        return sorted(rows, key=lambda row: (row.last_touch is not None, row.last_touch or 0))

    @property
    def triggers(self) -> list:
        return [t for t in self.page.plan.triggers if t.status == TriggerStatus.NEW]

    @property
    def next_touchpoint(self):
        upcoming = [row for row in self.page.touchpoint_rows if row.upcoming]
        return upcoming[0] if upcoming else None

    untouched_days = UNTOUCHED_DAYS
    trigger_kinds = TriggerKind.choices

    @property
    def ahead(self):
        return self.today + timedelta(days=AHEAD_DAYS)

    @property
    def finish_form(self) -> FinishReviewForm:
        kind = self.due.kind if self.due else ReviewKind.WEEKLY
        return FinishReviewForm(account=self.account, initial={"kind": kind})

    choices = {
        "levels": Level.choices,
        "impacts": Impact.choices,
        "risk_statuses": RiskStatus.choices,
        "interaction_kinds": InteractionKind.choices,
        "snooze_days": SNOOZE_CHOICES,
    }


def _screen(request, pk: int) -> ReviewScreen:
    page = PlanPage.for_viewing(request, pk)
    queue = entries(review_queue(request.user, page.plan.today), page.plan.today)
    return ReviewScreen(page, queue)


def _panel(request, pk: int, *, oob: bool = False) -> str:
    screen = _screen(request, pk)
    return render_to_string(
        "web/review/panel.html", {"screen": screen, "page": screen.page, "oob": oob}, request
    )


# Pages


@login_required
def queue_page(request):
    today = clock.today()
    queue = entries(review_queue(request.user, today), today)
    waiting = [entry for entry in queue if entry.waiting]
    return render(
        request,
        "web/review/queue.html",
        {"nav": "review", "queue": queue, "waiting": waiting, "today": today},
    )


@login_required
def account_page(request, pk: int, *, error: str = "", status: int = 200):
    screen = _screen(request, pk)
    context = {"nav": "review", "screen": screen, "page": screen.page, "error": error}
    return render(request, "web/review/account.html", context, status=status)


@login_required
@require_POST
def finish(request, pk: int):
    """Record the plan review (its kind and notes) and open the next plan waiting."""
    page = PlanPage.for_editing(request, pk)
    form = FinishReviewForm(request.POST, account=page.account)
    try:
        if not form.is_valid():
            raise _invalid(form)
        review = cadence_services.record_review(
            page.account,
            form.cleaned_data["kind"],
            by=request.user,
            notes=form.cleaned_data["notes"],
        )
    except Forbidden as error:
        return account_page(request, pk, error=f"Not recorded: {error}", status=403)
    except ValidationError as error:
        message = f"Not recorded: {' '.join(error.messages)}"
        return account_page(request, pk, error=message, status=422)
    messages.success(
        request, f"{review.get_kind_display()} review of {page.account.name} recorded."
    )
    today = clock.today()
    following = next_entry(entries(review_queue(request.user, today), today), pk)
    url = reverse("review-account", args=[following.account.pk]) if following else reverse("review")
    return HttpResponseRedirect(url, status=303)


# The controls


def _invalid(form) -> ValidationError:
    """The form's errors as one refusal, each message named by its field."""
    found = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and name != "__all__" else ""
        found += [f"{label}{error}" for error in errors]
    return ValidationError(found)


def _act(request, pk: int, change, *, label: str) -> HttpResponse:
    """Make one change from the screen: on success the screen's panel comes back;
    a refusal comes back as a message in the notice (a conflict also refreshes the
    panel, so it shows the record as it is now)."""
    page = PlanPage.for_editing(request, pk)
    response = editing._quick(
        request, page, change, (), label=label, respond=lambda: HttpResponse(_panel(request, pk))
    )
    if response.status_code == 403:
        response.headers["HX-Retarget"], response.headers["HX-Reswap"] = "#notice", "innerHTML"
    if response.status_code == 409:
        response.content = response.content + _panel(request, pk, oob=True).encode()
    return response


def _form_change(form, save):
    def change():
        if not form.is_valid():
            raise _invalid(form)
        save(form.cleaned_data)

    return change


@login_required
@require_POST
def action_done(request, pk: int, record_id: int):
    action = get_object_or_404(Action, pk=record_id, account_id=pk)
    version = request.POST.get("version")
    return _act(
        request, pk,
        lambda: growth_services.complete_action(action, by=request.user, version=version),
        label="Done",
    )  # fmt: skip


@login_required
@require_POST
def play_stage(request, pk: int, record_id: int):
    play = get_object_or_404(Play, pk=record_id, account_id=pk)
    stage, version = request.POST.get("stage", ""), request.POST.get("version")
    return _act(
        request, pk,
        lambda: growth_services.move_play(play, stage, by=request.user, version=version),
        label="Stage",
    )  # fmt: skip


@login_required
@require_POST
def risk_rate(request, pk: int, record_id: int):
    risk = get_object_or_404(Risk, pk=record_id, account_id=pk)
    form = RerateForm(request.POST, instance=risk, account=risk.account)
    return _act(
        request, pk,
        _form_change(form, lambda values: services.update(
            risk, by=request.user, version=values.get("version"), **form.values()
        )),
        label="Re-rate",
    )  # fmt: skip


@login_required
@require_POST
def log_interaction(request, pk: int):
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    form = InteractionForm(request.POST, account=account)
    return _act(
        request, pk,
        _form_change(form, lambda values: relationship_services.log_interaction(
            account, by=request.user, stakeholders=values["stakeholders"], **form.values()
        )),
        label="Not logged",
    )  # fmt: skip


@login_required
@require_POST
def snooze(request, pk: int):
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    form = SnoozeForm(request.POST)
    return _act(
        request, pk,
        _form_change(form, lambda values: snooze_alert(
            account, values["rule"], values["record_id"], values["reason"],
            by=request.user, days=values["days"],
        )),
        label="Not snoozed",
    )  # fmt: skip


@login_required
@require_POST
def wake(request, pk: int, record_id: int):
    found = get_object_or_404(AlertSnooze, pk=record_id, account_id=pk)
    version = request.POST.get("version")
    return _act(
        request, pk,
        lambda: wake_alert(found, by=request.user, version=version),
        label="Wake",
    )  # fmt: skip


@login_required
@require_POST
def log_trigger(request, pk: int):
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    form = TriggerForm(request.POST, account=account)
    return _act(
        request, pk,
        _form_change(form, lambda values: cadence_services.log_trigger(
            account, values["kind"], values["description"], by=request.user, date=values["date"]
        )),
        label="Not logged",
    )  # fmt: skip


@login_required
@require_POST
def close_trigger(request, pk: int, record_id: int):
    trigger = get_object_or_404(TriggerEvent, pk=record_id, account_id=pk)
    form = CloseTriggerForm(request.POST)
    return _act(
        request, pk,
        _form_change(form, lambda values: close_trigger_service(
            trigger, values["note"], by=request.user, version=values["version"]
        )),
        label="Not cleared",
    )  # fmt: skip


urlpatterns = [
    path("", queue_page, name="review"),
    path("<int:pk>/", account_page, name="review-account"),
    path("<int:pk>/finish/", finish, name="review-finish"),
    path("<int:pk>/actions/<int:record_id>/done/", action_done, name="review-action-done"),
    path("<int:pk>/plays/<int:record_id>/stage/", play_stage, name="review-play-stage"),
    path("<int:pk>/risks/<int:record_id>/rate/", risk_rate, name="review-risk-rate"),
    path("<int:pk>/interactions/", log_interaction, name="review-interaction"),
    path("<int:pk>/snooze/", snooze, name="review-snooze"),
    path("<int:pk>/snoozes/<int:record_id>/wake/", wake, name="review-wake"),
    path("<int:pk>/triggers/", log_trigger, name="review-trigger"),
    path("<int:pk>/triggers/<int:record_id>/clear/", close_trigger, name="review-trigger-clear"),
]
