"""keyplan export ACCOUNT --format xlsx|json --out FILE, and export --template."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keyplan.accounts.models import Account
from keyplan.exchange import document, xlsx_export


def _json(account: Account, out: Path | None) -> None:
    text = document.to_json(document.build(account))
    if out is None:
        sys.stdout.write(text + "\n")
    else:
        out.write_text(text + "\n", encoding="utf-8")


def _xlsx(account: Account, out: Path | None) -> None:
    if out is None:
        raise CommandError("--format xlsx needs --out FILE.xlsx.")
    xlsx_export.export_plan(account, out)


# One writer per format; pdf and md join here.
FORMATS = {"xlsx": _xlsx, "json": _json}


class Command(BaseCommand):
    help = "Write an account's plan to a file (Excel or JSON), or the blank Excel template."

    def add_arguments(self, parser):
        parser.add_argument("account", nargs="?", help="The account's name or id.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument("--out", type=Path, help="The file to write (JSON: stdout if absent).")
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
        FORMATS[format](found, out)
        if out is not None:
            self.stdout.write(f"Wrote the plan of {found.name} to {out}.")
