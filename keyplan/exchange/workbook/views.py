"""The plan page's downloads (Excel, PDF, Markdown) and the upload page (preview, then
apply).

Downloading is for anyone who may read the plan; uploading for those who may
change it. Anybody else gets "not found", as on the plan page. The previewed
workbook waits in the data directory under a random token held in the session,
so "Apply" imports exactly the file the preview showed.
"""

import secrets
import time
from io import BytesIO

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from keyplan.accounts.models import Account
from keyplan.core import access
from keyplan.exchange.documents import markdown, pdf
from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.exchange.workbook.apply import apply_workbook
from keyplan.exchange.workbook.export import export_plan, filename
from keyplan.exchange.workbook.read import read_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_SECONDS = 24 * 3600


def _visible(request, pk: int) -> Account:
    return get_object_or_404(Account.objects.visible_to(request.user), pk=pk)


@login_required
def download_xlsx(request, pk: int):
    account = _visible(request, pk)
    out = BytesIO()
    export_plan(account, out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename(account)}"'
    return response


def _attachment(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def download_pdf(request, pk: int):
    """The one-page PDF; `?full=1` every section; `?paper=letter` overrides KEYPLAN_PAPER."""
    account = _visible(request, pk)
    full = request.GET.get("full") == "1"
    try:
        size = pdf.paper(request.GET.get("paper"))
        content = pdf.render(account, full=full, paper_name=size.key)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    except pdf.Unavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    suffix = "-full.pdf" if full else ".pdf"
    return _attachment(content, "application/pdf", filename(account, suffix=suffix))


@login_required
def download_md(request, pk: int):
    account = _visible(request, pk)
    name = filename(account, suffix=".md")
    return _attachment(markdown.render(account), "text/markdown; charset=utf-8", name)


def _pending_dir():
    folder = settings.DATA_DIR / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):  # previews nobody applied
        if old.stat().st_mtime < time.time() - PENDING_SECONDS:
            old.unlink(missing_ok=True)
    return folder


def _import(account, request, source, name: str, *, dry_run: bool):
    incoming = read_plan(source, name)
    named = incoming.account.values.get("name") or ""
    if named.lower() != account.name.lower():
        raise ImportRefused(
            [Problem(name, f"this workbook is the plan of “{named}”, not of {account.name}.")]
        )
    return apply_workbook(incoming, by=request.user, dry_run=dry_run)


@login_required
@require_http_methods(["GET", "POST"])
def import_xlsx(request, pk: int):
    account = _visible(request, pk)
    if not access.can_edit_account(request.user, account):
        raise Http404("No such account.")
    context = {"account": account, "limit": settings.KEYPLAN_IMPORT_MAX_BYTES}
    if request.method == "GET":
        return render(request, "exchange/import.html", context)
    pending = request.session.get("xlsx_import") or {}
    try:
        if "apply" in request.POST:
            token = request.POST.get("token", "")
            if pending.get("token") != token or pending.get("account") != account.pk:
                context["problems"] = ["This preview has expired; upload the workbook again."]
                return render(request, "exchange/import.html", context, status=400)
            path = _pending_dir() / f"{token}.xlsx"
            if not path.exists():
                context["problems"] = ["This preview has expired; upload the workbook again."]
                return render(request, "exchange/import.html", context, status=400)
            with path.open("rb") as source:
                _import(account, request, source, pending["name"], dry_run=False)
            path.unlink(missing_ok=True)
            request.session.pop("xlsx_import", None)
            return redirect("plan", pk=account.pk)
        upload = request.FILES.get("workbook")
        if upload is None:
            context["problems"] = ["Choose a workbook (.xlsx) to upload."]
            return render(request, "exchange/import.html", context, status=400)
        report = _import(account, request, upload, upload.name, dry_run=True)
    except ImportRefused as refusal:
        context["problems"] = [str(p) for p in refusal.problems]
        return render(request, "exchange/import.html", context, status=400)
    token = secrets.token_urlsafe(24)
    upload.seek(0)
    (_pending_dir() / f"{token}.xlsx").write_bytes(upload.read())
    request.session["xlsx_import"] = {"token": token, "account": account.pk, "name": upload.name}
    context.update(report=report, lines=report.lines()[1:], token=token)
    return render(request, "exchange/import.html", context)
