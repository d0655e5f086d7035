"""Inline editing of a plan: one set of htmx views for every kind of record.

A form is fetched into the page (GET), posted back (POST) and saved through the
services. On success the response carries the re-rendered sections the change
touches (out-of-band swaps: the list, its totals, the pictures, the summary) and
swaps nothing else. On invalid input the form comes back with the messages at
the fields (422); when someone else saved the record since the form was opened it
comes back with their values and the user's input kept, at the stored version, so
saving again applies it knowingly (409). Nothing is written in either case.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from django_htmx.http import reswap

from keyplan.accounts.forms import (
    ACCOUNT_GROUPS,
)
from keyplan.accounts.models import Account
from keyplan.accounts.services import update_account
from keyplan.core import sanity, services
from keyplan.core.errors import ConflictError, Forbidden, NotFound
from keyplan.growth import services as growth_services
from keyplan.growth.forms import (
    CellForm,
)
from keyplan.growth.models import Action, BusinessUnit, Play, Product, Stage, WhitespaceCell
from keyplan.plan.kinds import KINDS, Kind
from keyplan.web.page import PlanPage

# Where each group of the account's own fields sits on the page.
GROUP_SECTIONS = {
    "overview": ("overview", "summary"),
    "profile": ("profile",),
    "context": ("profile",),
    "origin": ("history",),
    "thesis": ("growth", "summary"),
    "value": ("cadence",),
}


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404(f"No such kind of record: {slug}")
    return KINDS[slug]


def _record(page: PlanPage, kind: Kind, record_id: int):
    """The record, if it belongs to this account's plan (else 404)."""
    queryset = kind.model.objects.filter(**{kind.model.account_path: page.account})
    return get_object_or_404(queryset, pk=record_id)


def _form_response(request, page: PlanPage, form, *, action: str, status=200, notice=None):
    html = render_to_string(
        "web/form.html",
        {"page": page, "form": form, "action": action, "notice": notice},
        request=request,
    )
    return HttpResponse(html, status=status)


def _sections_response(request, page: PlanPage, names, heard=()) -> HttpResponse:
    """The re-rendered sections, swapped in out of band; the form's own place is left
    to them (the form sits inside one of these sections). The sanity checks the change
    set off (`heard`) are said in the page's message."""
    page = page.reloaded()
    html = "".join(page.render_section(name, request, oob=True) for name in dict.fromkeys(names))
    if heard:
        html += _checks_notice(heard)
    # The numbers panel listens for this and recomputes.
    return reswap(HttpResponse(html, headers={"HX-Trigger": "plan-changed"}), "none")


def _checks_notice(heard) -> str:
    """The page's message for values saved as given that look wrong (core.sanity)."""
    return format_html(
        '<div id="notice" hx-swap-oob="innerHTML">Saved. {}</div>',
        format_html_join(" ", "{}", ((str(suspect),) for suspect in heard)),
    )


def _apply_errors(form, error: ValidationError) -> None:
    fields = set(form.fields)
    for field, messages in error.message_dict.items():
        form.add_error(field if field in fields else None, messages)


def _conflict_notice(form, error: ConflictError) -> str:
    """Say what the other person changed since the version the form was opened at,
    and move the form to the stored version so saving again applies the user's input."""
    current = error.current
    seen = current.history.filter(version=error.expected_version).order_by("-history_id").first()
    changes = []
    for name, field in form.fields.items():
        if name == "version" or name in form.links or seen is None:
            continue
        before, now = getattr(seen, f"{name}_id", None), getattr(current, f"{name}_id", None)
        if before is None and now is None:
            before, now = getattr(seen, name, None), getattr(current, name, None)
        if before != now:
            shown = getattr(current, f"get_{name}_display", None)
            value = shown() if shown else getattr(current, name)
            changes.append(f"{field.label}: now “{value if value not in (None, '') else '—'}”")
    author = current.history.first()
    who = f" by {author.history_user}" if author and author.history_user else ""
    detail = f" ({'; '.join(changes)})" if changes else ""
    form.data = form.data.copy()
    form.data["version"] = current.version
    return (
        f"This {current._meta.verbose_name} was changed{who} since you opened it{detail}. "
        "Nothing was saved. Your input is kept below: check it and save again to apply it."
    )


def _save(request, page, form, record=None, *, action, sections, extra=None):
    """Save a valid form through the services (create when `record` is None)."""
    if not form.is_valid():
        return _form_response(request, page, form, action=action, status=422)
    try:
        with sanity.collecting() as heard:
            record = _write(request, form, record, extra)
    except ValidationError as error:
        _apply_errors(form, error)
        return _form_response(request, page, form, action=action, status=422)
    except ConflictError as error:
        notice = _conflict_notice(form, error)
        return _form_response(request, page, form, action=action, status=409, notice=notice)
    except NotFound:
        return _gone(request, page, form, action)
    except Forbidden as error:
        return HttpResponseForbidden(str(error))
    return _sections_response(request, page, sections, heard)


def _write(request, form, record, extra):
    """Create or change the record from a valid form, then its links."""
    values = {**form.values(), **(extra or {})}
    if record is None:
        record = services.create(form._meta.model, by=request.user, **values)
    else:
        update = update_account if isinstance(record, Account) else services.update
        record = update(record, by=request.user, version=form.cleaned_data.get("version"), **values)
    # Links are saved over the version the record has just reached.
    for name, targets in form.link_values().items():
        record = services.set_links(record, name, targets, by=request.user, version=record.version)
    return record


def _gone(request, page, form, action):
    notice = (
        f"This {form._meta.model._meta.verbose_name} was deleted by someone else; "
        "nothing was saved."
    )
    form.is_valid()  # so the user's input shows again
    return _form_response(request, page, form, action=action, status=410, notice=notice)


@login_required
def record_form(request, pk: int, kind: str, record_id: int | None = None):
    """GET: the form for a new or an existing record. POST: save it."""
    kind = _kind(kind)
    page = PlanPage.for_editing(request, pk)
    action = page.url("record", kind.slug, record_id)
    try:
        record = _record(page, kind, record_id) if record_id else None
    except Http404:
        if request.method != "POST":
            raise
        form = kind.form(request.POST, account=page.account)
        return _gone(request, page, form, action)
    if request.method == "POST":
        form = kind.form(request.POST, instance=record, account=page.account)
        extra = {"account": page.account} if kind.on_account and record is None else None
        return _save(
            request, page, form, record, action=action, extra=extra,
            sections=(kind.section, *kind.refresh, "summary"),
        )  # fmt: skip
    form = kind.form(instance=record, account=page.account, initial=page.initial(kind.slug))
    return _form_response(request, page, form, action=action)


@login_required
@require_POST
def record_delete(request, pk: int, kind: str, record_id: int):
    kind = _kind(kind)
    page = PlanPage.for_editing(request, pk)
    try:
        record = _record(page, kind, record_id)
        services.delete(record, by=request.user, version=request.POST.get("version"))
    except (Http404, NotFound):
        pass  # already gone: the refreshed section shows it
    except ConflictError:
        return HttpResponse(
            f"This {kind.label} was changed by someone else since you opened the page; "
            "it was not deleted. Reload to see the change.",
            status=409,
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422)
    except Forbidden as error:
        return HttpResponseForbidden(str(error))
    return _sections_response(request, page, (kind.section, *kind.refresh, "summary"))


@login_required
def account_fields(request, pk: int, group: str):
    """GET/POST a group of the account's own fields (profile, thesis, ...)."""
    if group not in ACCOUNT_GROUPS:
        raise Http404
    page = PlanPage.for_editing(request, pk)
    action = page.url("account", group)
    form_class = ACCOUNT_GROUPS[group]
    if request.method == "POST":
        form = form_class(request.POST, instance=page.account, account=page.account)
        return _save(
            request, page, form, page.account, action=action, sections=GROUP_SECTIONS[group]
        )
    return _form_response(
        request, page, form_class(instance=page.account, account=page.account), action=action
    )


@login_required
def cell(request, pk: int, unit_id: int, product_id: int):
    """GET/POST the whitespace cell of a business unit and a product."""
    page = PlanPage.for_editing(request, pk)
    unit = get_object_or_404(BusinessUnit, pk=unit_id, account=page.account)
    product = get_object_or_404(Product, pk=product_id)
    existing = WhitespaceCell.objects.filter(business_unit=unit, product=product).first()
    action = page.url("cell", unit.pk, product.pk)
    initial = {} if existing else {"status": "open"}
    if request.method == "POST":
        form = CellForm(request.POST, instance=existing, account=page.account)
        extra = (
            None
            if existing
            else {"account": page.account, "business_unit": unit, "product": product}
        )
        return _save(
            request, page, form, existing, action=action, extra=extra,
            sections=("whitespace", "growth", "summary"),
        )  # fmt: skip
    form = CellForm(instance=existing, account=page.account, initial=initial)
    form.heading = f"{unit.name} × {product.name}"
    return _form_response(request, page, form, action=action)


@login_required
@require_POST
def play_stage(request, pk: int, record_id: int):
    """Move a play to another stage (from the stage buttons of a play)."""
    page = PlanPage.for_editing(request, pk)
    play = get_object_or_404(Play, pk=record_id, account=page.account)
    stage = request.POST.get("stage", "")
    return _quick(
        request, page,
        lambda: growth_services.move_play(
            play, stage, by=request.user, version=request.POST.get("version")
        ),
        ("growth", "summary"),
        label=f"Stage “{Stage(stage).label if stage in Stage.values else stage}”",
    )  # fmt: skip


@login_required
@require_POST
def action_done(request, pk: int, record_id: int):
    page = PlanPage.for_editing(request, pk)
    action = get_object_or_404(Action, pk=record_id, account=page.account)
    return _quick(
        request, page,
        lambda: growth_services.complete_action(
            action, by=request.user, version=request.POST.get("version")
        ),
        ("actions",),
        label="Done",
    )  # fmt: skip


@login_required
@require_POST
def clear_check(request, pk: int, field: str, kind: str | None = None, record_id: int = 0):
    """Clear the "check this value" flag of a record's field (or the account's own):
    someone looked and the value stands."""
    page = PlanPage.for_editing(request, pk)
    if kind is None:
        record, sections = page.account, GROUP_SECTIONS["thesis"]
    else:
        found = _kind(kind)
        record, sections = _record(page, found, record_id), (found.section, *found.refresh)
    return _quick(
        request, page,
        lambda: services.clear_check(
            record, field, by=request.user, version=request.POST.get("version")
        ),
        (*sections, "summary"),
        label="Clear the check",
    )  # fmt: skip


def _quick(request, page, change, sections, *, label, respond=None):
    """A one-click change; a refusal comes back as a short message. On success the
    response is the re-rendered `sections`, or `respond()` (another page's parts), with
    the sanity checks the change set off in the page's message."""
    try:
        with sanity.collecting() as heard:
            change()
    except ConflictError as error:
        return HttpResponse(
            f"Not saved: this {error.current._meta.verbose_name} was changed by someone else "
            "since the page was loaded. The list below shows it as it is now.",
            status=409,
            headers={"HX-Retarget": "#notice", "HX-Reswap": "innerHTML"},
        )
    except ValidationError as error:
        return HttpResponse(
            f"{label}: {' '.join(error.messages)}",
            status=422,
            headers={"HX-Retarget": "#notice", "HX-Reswap": "innerHTML"},
        )
    except Forbidden as error:
        return HttpResponseForbidden(str(error))
    except NotFound:
        pass
    if respond is None:
        return _sections_response(request, page, sections, heard)
    response = respond()
    if heard:
        response.content = response.content + _checks_notice(heard).encode()
    return response
