"""keyplan import plan FILE.xlsx [--dry-run] [--as LOGIN]
keyplan import salesforce PATH (--accounts NAME|ID,... | --account NAME ... | --all)
    [--dry-run] [--map ...] [--format text|json]
keyplan import hubspot PATH... (the same options) [--day-first]

One subcommand per source. A CRM import with warnings applies and exits 0; a
refused one changes nothing and exits 1.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from keyplan.exchange.crm.apply import apply_export, audited
from keyplan.exchange.crm.hubspot.reader import DayFirstHubSpotReader, HubSpotReader
from keyplan.exchange.crm.report import problem_json
from keyplan.exchange.crm.salesforce.reader import SalesforceReader
from keyplan.exchange.problems import ImportRefused
from keyplan.exchange.workbook.apply import apply_workbook
from keyplan.exchange.workbook.read import read_plan
from keyplan.team.models import Role, User


def acting_user(login: str | None) -> User:
    """Who the import writes as (the history names them): --as, else the first
    administrator."""
    if login:
        user = User.objects.filter(username=login, is_active=True).first()
        if user is None:
            raise CommandError(f"No active keyplan user has the login “{login}”.")
        return user
    user = (
        User.objects.filter(role=Role.ADMIN, is_active=True)  # superusers are administrators
        .order_by("pk")
        .first()
    )
    if user is None:
        raise CommandError("There is no administrator to import as; name a user with --as LOGIN.")
    return user


def _common(parser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="Show what would change; change nothing."
    )
    parser.add_argument("--as", dest="login", help="The user to import as (default: an admin).")


def _crm(parser, vendor: str, objects: str) -> None:
    parser.add_argument(
        "--accounts",
        help="The key accounts to import, by name (any case) or CRM id, separated by commas.",
    )
    parser.add_argument(
        "--account",
        dest="named",
        action="append",
        default=[],
        metavar="NAME",
        help="A key account to import, its name taken whole (for a name with a comma); "
        "repeat for more.",
    )
    parser.add_argument(
        "--all", dest="everything", action="store_true", help="Import every account."
    )
    parser.add_argument(
        "--format",
        dest="output",
        choices=("text", "json"),
        default="text",
        help="json: the report for scripts (created, updated, unchanged, warnings, values to "
        "check, refused).",
    )
    parser.add_argument(
        "--map",
        dest="mapping",
        action="append",
        default=[],
        metavar="OBJECT.COLUMN=FIELD",
        help=f"Read a custom column into a keyplan field ({objects}), e.g. "
        f"{'Account.Tier__c=tier' if vendor == 'salesforce' else 'Company.Tier=tier'}; "
        "repeat for more.",
    )
    _common(parser)


class Command(BaseCommand):
    help = "Import into keyplan: a plan from Excel, key accounts from Salesforce or HubSpot."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="source", required=True)
        plan = sub.add_parser(
            "plan", help="Create or update one account's plan from a filled template or export."
        )
        plan.add_argument("file", help="The workbook (.xlsx).")
        _common(plan)
        sf = sub.add_parser(
            "salesforce",
            help="Create or update key accounts' plans from a Salesforce Data Export.",
        )
        sf.add_argument("path", help="The export: its folder or .zip of CSV files.")
        _crm(sf, "salesforce", "Account, Contact, Opportunity")
        hs = sub.add_parser(
            "hubspot",
            help="Create or update key accounts' plans from HubSpot's companies, contacts "
            "and deals exports.",
        )
        hs.add_argument(
            "path", nargs="+", help="The exported CSV files, or a folder or .zip holding them."
        )
        _crm(hs, "hubspot", "Company, Contact, Deal")
        hs.add_argument(
            "--day-first",
            action="store_true",
            help="Read dates a spreadsheet wrote like 4/8/2025 day first (4 August), not "
            "month first (April 8, the default, as Excel writes them in the US).",
        )

    def handle(self, *args, source, **options):
        return getattr(self, f"_{source}")(**options)

    def _plan(self, *, file, dry_run=False, login=None, **options):
        by = acting_user(login)
        try:
            report = apply_workbook(read_plan(file), by=by, dry_run=dry_run)
        except ImportRefused as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        self.stdout.write("\n".join(report.lines()))
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")

    def _salesforce(self, **options):
        self._crm(SalesforceReader.read_export, **options)

    def _hubspot(self, *, day_first=False, **options):
        reader = DayFirstHubSpotReader if day_first else HubSpotReader
        self._crm(reader.read_export, **options)

    def _crm(self, read, *, path, accounts=None, named=(), everything=False, mapping=(),
             dry_run=False, login=None, output="text", **options):  # fmt: skip
        if everything == bool(accounts or named):
            raise CommandError("Name the accounts to import (--accounts or --account), or --all.")
        by = acting_user(login)
        try:
            export = read(
                path, accounts=accounts, named=named, everything=everything, mapping=mapping
            )
            report = apply_export(export, by=by, dry_run=dry_run)
            report = report if dry_run else audited(report, by=by)
        except ImportRefused as exc:
            if output == "json":
                refused = {"applied": False, "created": 0, "updated": 0, "unchanged": 0}
                refused |= {"warnings": [], "checks": []}
                refused["refused"] = [problem_json(p) for p in exc.problems]
                self.stdout.write(json.dumps(refused, indent=2, ensure_ascii=False))
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        except OSError as exc:
            shown = ", ".join(path) if isinstance(path, list) else path
            raise CommandError(f"Cannot read {shown}: {exc.strerror or exc}") from exc
        if output == "json":
            self.stdout.write(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
            return
        self.stdout.write("\n".join(report.lines()))
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
