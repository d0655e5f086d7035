"""The CRM import page: upload a Salesforce Data Export (its .zip) or HubSpot's
exports, tick the key accounts on a list of the export's accounts (or name them),
see what the import would do, then apply it. A refused preview keeps the files, so
a second try only chooses again.

Of the uploaded files only the CSV files the reader uses are kept (unzipped; not a
Data Export's attachments or other objects), each within KEYPLAN_IMPORT_MAX_BYTES
and together within KEYPLAN_IMPORT_MAX_TOTAL_BYTES; they wait for "Apply" as
uploads.py says, so it imports exactly the files the preview read. Viewers, who
change nothing, get "not found"; for everyone else the services decide, account by
account, what they may create or change, and the preview says so.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from keyplan.core import access
from keyplan.exchange import uploads as pending_uploads
from keyplan.exchange.crm.apply import apply_export, audited
from keyplan.exchange.crm.files import CsvFile, base_name, list_files
from keyplan.exchange.crm.hubspot.reader import HubSpotReader
from keyplan.exchange.crm.reader import VendorReader
from keyplan.exchange.crm.salesforce.base import OBJECTS as SALESFORCE_OBJECTS
from keyplan.exchange.crm.salesforce.reader import SalesforceReader
from keyplan.exchange.problems import ImportRefused, Problem

VENDORS: dict[str, type[VendorReader]] = {
    "salesforce": SalesforceReader,
    "hubspot": HubSpotReader,
}
SESSION_KEY = "crm_import"
KIND = "crm"


def _read_by(vendor: str, file: CsvFile) -> bool:
    """Whether the vendor's reader reads `file`: Salesforce reads the files of its
    OBJECTS by name (an object it starts reading belongs there); HubSpot tells each CSV
    file by its header."""
    return vendor == "hubspot" or base_name(file).lower() in {o.lower() for o in SALESFORCE_OBJECTS}


def _save(uploads, folder: Path, vendor: str) -> None:
    """Keep in `folder` the CSV files of `uploads` the reader uses. Refuses a file
    that is not CSV or zip, or over the limits, before writing any."""
    limit, total = settings.KEYPLAN_IMPORT_MAX_BYTES, settings.KEYPLAN_IMPORT_MAX_TOTAL_BYTES
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
    size = sum(upload.size for upload in uploads)
    if size > total:
        problems.append(Problem("The upload", _over_total(size, total)))
    if problems:
        raise ImportRefused(problems)
    incoming = folder / "incoming"  # as uploaded, until the files the reader uses are out
    incoming.mkdir()
    for upload in uploads:
        with (incoming / Path(upload.name).name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    kept = 0
    for file in list_files(sorted(incoming.iterdir()))[1]:  # refuses broken zips, bombs
        if not _read_by(vendor, file):
            continue
        data = file.read()
        kept += len(data)
        if kept > total:
            raise ImportRefused([Problem("The upload", _over_total(kept, total, "unpacked "))])
        target = folder / file.name.rsplit(": ", 1)[-1].rsplit("/", 1)[-1]
        if target.exists():
            raise ImportRefused(
                [Problem(file.name, f"a second file called {target.name}; upload one export.")]
            )
        target.write_bytes(data)
    shutil.rmtree(incoming)


def _over_total(size: int, total: int, how: str = "") -> str:
    return (
        f"the files are {size:,} bytes {how}together, over the limit of {total:,} bytes for "
        "one upload (KEYPLAN_IMPORT_MAX_TOTAL_BYTES)."
    )


def _run(request, folder: Path, choice: dict, *, dry_run: bool):
    read = VENDORS[choice["vendor"]].read_export
    export = read(
        folder,
        accounts=choice["accounts"] or None,
        named=choice.get("picked", ()),
        everything=choice["everything"],
        name=choice.get("names"),
    )
    report = apply_export(export, by=request.user, dry_run=dry_run)
    return report if dry_run else audited(report, by=request.user)


def _refused(request, context: dict, refusal: ImportRefused):
    context["problems"] = [str(p) for p in refusal.problems]
    return render(request, "exchange/crm_import.html", context, status=400)


def _picker(request, context: dict, folder: Path, pending: dict, *, status: int = 200):
    """The export's accounts to tick (the files stay for the preview, and for a
    second try)."""
    try:
        choices = VENDORS[pending["vendor"]].account_choices(folder, name=pending.get("names"))
    except ImportRefused as refusal:
        pending_uploads.drop(folder)
        request.session.pop(SESSION_KEY, None)
        return _refused(request, context, refusal)
    picked = set(pending.get("picked", ()))
    context.update(
        choices=choices,
        picked=picked,
        token=pending["token"],
        source=pending.get("names", ""),
        label=VENDORS[pending["vendor"]].label,
        deals="opportunities" if pending["vendor"] == "salesforce" else "deals",
    )
    return render(request, "exchange/crm_import.html", context, status=status)


@login_required
@pending_uploads.limited("KEYPLAN_IMPORT_MAX_TOTAL_BYTES")
@require_http_methods(["GET", "POST"])
def import_crm(request):
    if not access.can_import(request.user):
        raise Http404("No such page.")
    context = {
        "nav": "accounts",
        "limit": settings.KEYPLAN_IMPORT_MAX_BYTES,
        "total": settings.KEYPLAN_IMPORT_MAX_TOTAL_BYTES,
        "form": {},
    }
    if request.method == "GET":
        return render(request, "exchange/crm_import.html", context)
    if "choose" in request.POST:
        return _choose(request, context)
    if "apply" in request.POST:
        return _apply(request, context)
    return _upload(request, context)


def _upload(request, context: dict):
    """Keep the files; then the picker, or the preview of the accounts named."""
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
    if message:
        context["problems"] = [message]
        return render(request, "exchange/crm_import.html", context, status=400)
    choice["names"] = ", ".join(Path(u.name or "upload").name for u in uploads)
    token, folder = pending_uploads.start(KIND, request.user)  # the older one is gone
    try:
        _save(uploads, folder, choice["vendor"])
    except ImportRefused as refusal:
        pending_uploads.drop(folder)
        return _refused(request, context, refusal)
    pending = {"token": token, **choice}
    request.session[SESSION_KEY] = pending
    if not (choice["accounts"] or choice["everything"]):  # tick them on the picker
        return _picker(request, context, folder, pending)
    return _preview(request, context, folder, pending)


def _choose(request, context: dict):
    """The accounts ticked on the picker: preview them."""
    found = _pending(request, context, "This upload has expired; upload the export again.")
    if not isinstance(found, tuple):
        return found
    pending, folder = found
    pending["picked"] = request.POST.getlist("account")
    pending["everything"] = request.POST.get("everything") == "1"
    request.session[SESSION_KEY] = pending
    if not (pending["picked"] or pending["everything"]):
        context["problems"] = ["Tick the key accounts to import, or choose every account."]
        return _picker(request, context, folder, pending, status=400)
    return _preview(request, context, folder, pending)


def _preview(request, context: dict, folder: Path, pending: dict):
    try:
        report = _run(request, folder, pending, dry_run=True)
    except ImportRefused as refusal:  # the files stay: choose again on the picker
        context["problems"] = [str(p) for p in refusal.problems]
        return _picker(request, context, folder, pending, status=400)
    context.update(report=report, token=pending["token"])
    return render(request, "exchange/crm_import.html", context)


def _apply(request, context: dict):
    found = _pending(request, context, "This preview has expired; upload the export again.")
    if not isinstance(found, tuple):
        return found
    pending, folder = found
    try:
        report = _run(request, folder, pending, dry_run=False)
    except ImportRefused as refusal:
        return _refused(request, context, refusal)
    finally:
        pending_uploads.drop(folder)
    request.session.pop(SESSION_KEY, None)
    context.update(report=report, applied=True)
    return render(request, "exchange/crm_import.html", context)


def _pending(request, context: dict, expired: str):
    """(what the session holds of the upload, its folder), or the page saying it has
    expired."""
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    folder = pending_uploads.pending(KIND, request.user, token)
    if folder is None or pending.get("token") != token:
        context["problems"] = [expired]
        return render(request, "exchange/crm_import.html", context, status=400)
    return pending, folder
