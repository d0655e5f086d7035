"""keyplan export ACCOUNT --format xlsx|json|pdf|md [--out FILE], and export --template.

ACCOUNT is an id or a name; a name that several accounts hold is refused, listing
each of them with its id."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keyplan.accounts.models import Account
from keyplan.audit import kinds
from keyplan.audit.trail import record
from keyplan.exchange.documents import document, markdown, pdf
from keyplan.exchange.workbook.export import export_plan, export_template


def _text(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _json(account: Account, out: Path | None, **options) -> None:
    _text(document.to_json(document.build(account)) + "\n", out)


def _md(account: Account, out: Path | None, **options) -> None:
    _text(markdown.render(account), out)  # always the whole plan: --full changes nothing


def _xlsx(account: Account, out: Path | None, **options) -> None:
    if out is None:
        raise CommandError("--format xlsx needs --out FILE.xlsx.")
    export_plan(account, out)


def _pdf(account: Account, out: Path | None, *, full=False, paper=None, **options) -> None:
    if out is None:
        raise CommandError("--format pdf needs --out FILE.pdf.")
    try:
        out.write_bytes(pdf.render(account, full=full, paper_name=paper))
    except (pdf.Unavailable, ValueError) as exc:
        raise CommandError(str(exc)) from exc


# One writer per format.
FORMATS = {"xlsx": _xlsx, "json": _json, "pdf": _pdf, "md": _md}


class Command(BaseCommand):
    help = (
        "Write an account's plan to a file: Excel, JSON, PDF (one page, or --full) or "
        "Markdown; or the blank Excel template."
    )

    def add_arguments(self, parser):
        parser.add_argument("account", nargs="?", help="The account's name or id.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument(
            "--out", type=Path, help="The file to write (JSON and Markdown: stdout if absent)."
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="PDF: every section, on as many pages as needed (the default is one page). "
            "The other formats always hold the whole plan.",
        )
        parser.add_argument(
            "--paper",
            choices=sorted(pdf.PAPERS),
            help="PDF paper size (default: the KEYPLAN_PAPER setting, else a4).",
        )
        parser.add_argument(
            "--template", action="store_true", help="The blank Excel template to fill in."
        )

    def handle(self, *args, account=None, format="xlsx", out=None, template=False, **options):
        if template:
            if account:
                raise CommandError("--template writes the blank template; name no account.")
            if out is None:
                raise CommandError("--template needs --out FILE.xlsx.")
            export_template(out)
            self.stdout.write(f"Wrote the blank plan template to {out}.")
            return
        if not account:
            raise CommandError("Name the account to export (or use --template).")
        try:
            found = Account.objects.find(account)
        except (Account.DoesNotExist, Account.MultipleObjectsReturned) as exc:
            raise CommandError(str(exc)) from exc
        FORMATS[format](found, out, full=options["full"], paper=options["paper"])
        record(kinds.EXPORT, target=found, format=format, via="command", file=str(out or "stdout"))
        if out is not None:
            what = {"pdf": " (every section)" if options["full"] else " (one page)"}
            self.stdout.write(f"Wrote the plan of {found.name} to {out}{what.get(format, '')}.")
