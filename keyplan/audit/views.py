"""The audit page (/settings/audit/): the trail, filtered and a page at a time, for
administrators. Everybody else gets "not found", as for any page they may not use."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keyplan.audit import kinds
from keyplan.audit.forms import AuditFilter
from keyplan.audit.queries import events
from keyplan.core import access

PER_PAGE = 50


def describe(details: dict) -> list[str]:
    """An event's details as short lines: "role: kam → leader", "format: pdf"."""
    lines = []
    for key, value in details.items():
        if isinstance(value, dict):
            for name, change in value.items():
                said = " → ".join(map(str, change)) if isinstance(change, list) else change
                lines.append(f"{name}: {said}")
        elif isinstance(value, list):
            lines.append(f"{key}: {', '.join(map(str, value)) or '-'}")
        else:
            lines.append(f"{key}: {value}")
    return lines


@login_required
@require_GET
def audit_page(request):
    if not access.is_administrator(request.user):
        raise Http404
    form = AuditFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = events(**{name: value for name, value in filters.items() if value})
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    for event in page:
        event.label = kinds.label(event.kind)  # type: ignore[attr-defined]
        event.said = describe(event.details)  # type: ignore[attr-defined]
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {"nav": "audit", "form": form, "page": page, "params": params}
    return render(request, "audit/events.html", context, status=400 if form.errors else 200)
