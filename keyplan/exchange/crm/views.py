"""The CRM import page: upload a Salesforce Data Export (its .zip) or HubSpot's
exports, name the key accounts, see what the import would do, then apply it.

The uploaded files wait in the data directory under a random token held in the
session, so "Apply" imports exactly the files the preview read. Viewers, who
change nothing, get "not found"; for everyone else the services decide, account by
account, what they may create or change, and the preview says so.
"""

import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from keyplan.core import access
from keyplan.exchange.crm.apply import apply_export
from keyplan.exchange.crm.hubspot.reader import HubSpotReader
from keyplan.exchange.crm.salesforce.reader import SalesforceReader
from keyplan.exchange.problems import ImportRefused, Problem

VENDORS = {"salesforce": SalesforceReader.read_export, "hubspot": HubSpotReader.read_export}
PENDING_SECONDS = 24 * 3600
SESSION_KEY = "crm_import"


def _pending_root() -> Path:
    root = settings.DATA_DIR / "imports" / "crm"
    root.mkdir(parents=True, exist_ok=True)
    for old in root.iterdir():  # previews nobody applied
        if old.is_dir() and old.stat().st_mtime < time.time() - PENDING_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    return root


def _save(uploads, folder: Path) -> None:
    limit = settings.KEYPLAN_IMPORT_MAX_BYTES
    problems = []
    for upload in uploads:
        name = Path(upload.name or "upload").name
        if not name.lower().endswith((".csv", ".zip")):
            problems.append(Problem(name, "upload the export's .csv files or its .zip."))
        elif upload.size > limit:
            problems.append(
                Problem(
                    name,
                    f"the file is {upload.size:,} bytes, over the import limit of {limit:,} "
                    "bytes (KEYPLAN_IMPORT_MAX_BYTES).",
                )
            )
    if problems:
        raise ImportRefused(problems)
    folder.mkdir()
    for upload in uploads:
        with (folder / Path(upload.name).name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)


def _run(request, folder: Path, choice: dict, *, dry_run: bool):
    read = VENDORS[choice["vendor"]]
    paths = sorted(folder.iterdir())
    export = read(
        paths,
        accounts=choice["accounts"] or None,
        everything=choice["everything"],
        name=", ".join(p.name for p in paths),
    )
    return apply_export(export, by=request.user, dry_run=dry_run)


@login_required
@require_http_methods(["GET", "POST"])
def import_crm(request):
    if not access.can_import(request.user):
        raise Http404("No such page.")
    context = {"nav": "accounts", "limit": settings.KEYPLAN_IMPORT_MAX_BYTES, "form": {}}
    if request.method == "GET":
        return render(request, "exchange/crm_import.html", context)
    root = _pending_root()
    if "apply" in request.POST:
        pending = request.session.get(SESSION_KEY) or {}
        token = request.POST.get("token", "")
        folder = root / token
        if not token or pending.get("token") != token or not folder.is_dir():
            context["problems"] = ["This preview has expired; upload the export again."]
            return render(request, "exchange/crm_import.html", context, status=400)
        try:
            report = _run(request, folder, pending, dry_run=False)
        except ImportRefused as refusal:
            context["problems"] = [str(p) for p in refusal.problems]
            return render(request, "exchange/crm_import.html", context, status=400)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        request.session.pop(SESSION_KEY, None)
        context.update(report=report, lines=report.lines(), applied=True)
        return render(request, "exchange/crm_import.html", context)
    choice = {
        "vendor": request.POST.get("vendor", ""),
        "accounts": request.POST.get("accounts", "").strip(),
        "everything": request.POST.get("everything") == "1",
    }
    context["form"] = choice
    uploads = request.FILES.getlist("files")
    message = None
    if choice["vendor"] not in VENDORS:
        message = "Choose where the export comes from: Salesforce or HubSpot."
    elif not uploads:
        message = "Choose the export's files (.zip or .csv) to upload."
    elif not (choice["accounts"] or choice["everything"]):
        message = "Name the key accounts to import, or choose every account."
    if message:
        context["problems"] = [message]
        return render(request, "exchange/crm_import.html", context, status=400)
    token = secrets.token_urlsafe(24)
    folder = root / token
    try:
        _save(uploads, folder)
        report = _run(request, folder, choice, dry_run=True)
    except ImportRefused as refusal:
        shutil.rmtree(folder, ignore_errors=True)
        context["problems"] = [str(p) for p in refusal.problems]
        return render(request, "exchange/crm_import.html", context, status=400)
    request.session[SESSION_KEY] = {"token": token, **choice}
    context.update(report=report, lines=report.lines(), token=token)
    return render(request, "exchange/crm_import.html", context)
