"""keyplan export ACCOUNT --format xlsx|json|md [--out FILE], and export --template."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keyplan.accounts.models import Account
from keyplan.exchange import document, markdown, xlsx_export


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
    xlsx_export.export_plan(account, out)


# One writer per format.
FORMATS = {"xlsx": _xlsx, "json": _json, "md": _md}


class Command(BaseCommand):
    help = (
        "Write an account's plan to a file: Excel, JSON or Markdown; or the blank Excel template."
    )

    def add_arguments(self, parser):
        parser.add_argument("account", nargs="?", help="The account's name or id.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument(
            "--out", type=Path, help="The file to write (JSON and Markdown: stdout if absent)."
        )
        parser.add_argument(
            "--full", action="store_true", help="Accepted: every format holds the whole plan."
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
            xlsx_export.export_template(out)
            self.stdout.write(f"Wrote the blank plan template to {out}.")
            return
        if not account:
            raise CommandError("Name the account to export (or use --template).")
        try:
            found = Account.objects.find(account)
        except Account.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        FORMATS[format](found, out, full=options["full"])
        if out is not None:
            self.stdout.write(f"Wrote the plan of {found.name} to {out}.")
