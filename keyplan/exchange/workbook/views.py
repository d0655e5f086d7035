"""The plan workbook's download and upload pages (preview, then apply).

Uploading is for those who may change the plan; anybody else gets "not found", as
on the plan page. The previewed workbook waits in the data directory under a
random token held in the session, so "Apply" imports exactly the file the preview
showed.
"""

import secrets
import time
from io import BytesIO

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from keyplan.core import access
from keyplan.exchange.downloads import attachment, readable_account
from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.exchange.workbook.apply import apply_workbook
from keyplan.exchange.workbook.export import export_plan
from keyplan.exchange.workbook.read import read_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_SECONDS = 24 * 3600


@login_required
def download_xlsx(request, pk: int):
    account = readable_account(request, pk)
    out = BytesIO()
    export_plan(account, out)
    return attachment(out.getvalue(), XLSX, account, ".xlsx")


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
    account = readable_account(request, pk)
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
