"""The plan workbook's download and upload pages (preview, then apply).

Uploading is for those who may change the plan; anybody else gets "not found", as
on the plan page. The previewed workbook waits for "Apply" as uploads.py says, so
it imports exactly the file the preview showed.
"""

from io import BytesIO

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from keyplan.core import access
from keyplan.exchange import uploads
from keyplan.exchange.downloads import attachment, readable_account
from keyplan.exchange.problems import ImportRefused, Problem
from keyplan.exchange.workbook.apply import apply_workbook
from keyplan.exchange.workbook.export import export_plan
from keyplan.exchange.workbook.read import read_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND, PENDING_NAME = "xlsx", "workbook.xlsx"


@login_required
def download_xlsx(request, pk: int):
    account = readable_account(request, pk)
    out = BytesIO()
    export_plan(account, out)
    return attachment(out.getvalue(), XLSX, account, ".xlsx")


def _import(account, request, source, name: str, *, dry_run: bool):
    incoming = read_plan(source, name)
    named = incoming.account.values.get("name") or ""
    if named.lower() != account.name.lower():
        raise ImportRefused(
            [Problem(name, f"this workbook is the plan of “{named}”, not of {account.name}.")]
        )
    return apply_workbook(incoming, by=request.user, dry_run=dry_run)


@login_required
@uploads.limited("KEYPLAN_IMPORT_MAX_BYTES")
@require_http_methods(["GET", "POST"])
def import_xlsx(request, pk: int):
    account = readable_account(request, pk)
    if not access.can_edit_account(request.user, account):
        raise Http404("No such account.")
    context = {"account": account, "limit": settings.KEYPLAN_IMPORT_MAX_BYTES}
    if request.method == "GET":
        return render(request, "exchange/import.html", context)
    pending = request.session.get("xlsx_import") or {}
    fresh = None  # the folder of this upload, gone if it is refused
    try:
        if "apply" in request.POST:
            token = request.POST.get("token", "")
            folder = uploads.pending(KIND, request.user, token)
            if (
                folder is None
                or pending.get("token") != token
                or pending.get("account") != account.pk
            ):
                context["problems"] = ["This preview has expired; upload the workbook again."]
                return render(request, "exchange/import.html", context, status=400)
            with (folder / PENDING_NAME).open("rb") as source:
                _import(account, request, source, pending["name"], dry_run=False)
            uploads.drop(folder)
            request.session.pop("xlsx_import", None)
            return redirect("plan", pk=account.pk)
        upload = request.FILES.get("workbook")
        if upload is None:
            context["problems"] = ["Choose a workbook (.xlsx) to upload."]
            return render(request, "exchange/import.html", context, status=400)
        token, fresh = uploads.start(KIND, request.user)  # the older one is gone
        report = _import(account, request, upload, upload.name, dry_run=True)
    except ImportRefused as refusal:
        uploads.drop(fresh)
        context["problems"] = [str(p) for p in refusal.problems]
        return render(request, "exchange/import.html", context, status=400)
    with (fresh / PENDING_NAME).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    request.session["xlsx_import"] = {"token": token, "account": account.pk, "name": upload.name}
    context.update(report=report, lines=report.lines()[1:], token=token)
    return render(request, "exchange/import.html", context)
