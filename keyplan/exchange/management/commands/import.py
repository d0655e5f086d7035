"""keyplan import plan FILE.xlsx [--dry-run] [--as LOGIN]

One subcommand per source; salesforce and hubspot join here.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from keyplan.exchange import plan_sync
from keyplan.exchange.problems import ImportRefused
from keyplan.exchange.xlsx_import import read_plan
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
        User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise CommandError("There is no administrator to import as; name a user with --as LOGIN.")
    return user


class Command(BaseCommand):
    help = "Import into keyplan: an account plan from an Excel workbook."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="source", required=True)
        plan = sub.add_parser(
            "plan", help="Create or update one account's plan from a filled template or export."
        )
        plan.add_argument("file", help="The workbook (.xlsx).")
        plan.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )
        plan.add_argument("--as", dest="login", help="The user to import as (default: an admin).")

    def handle(self, *args, source, **options):
        return getattr(self, f"_{source}")(**options)

    def _plan(self, *, file, dry_run=False, login=None, **options):
        by = acting_user(login)
        try:
            report = plan_sync.apply(read_plan(file), by=by, dry_run=dry_run)
        except ImportRefused as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        self.stdout.write("\n".join(report.lines()))
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
