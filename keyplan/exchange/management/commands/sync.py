"""keyplan sync salesforce [--accounts NAME|ID,...] [--all] [--dry-run] [--as LOGIN]
    [--format text|json]

For cron: a pull then a push of the linked accounts (crm/salesforce/live/sync.py), with
what was deleted in Salesforce since the last pull marked on the plans. `--accounts`
links the Salesforce accounts named (by Account id or name; one keyplan does not have
yet is imported) and syncs only those; `--all` links every Salesforce account. Exits 1
when anything failed, having kept what the other accounts synced.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from keyplan.exchange.crm.salesforce.live import config as live_config
from keyplan.exchange.crm.salesforce.live.sync import sync
from keyplan.team.models import Role, User


def acting_user(login: str | None) -> User:
    """--as, else the administrator who set the connection, else the first one."""
    users = User.objects.filter(is_active=True)
    if login:
        user = users.filter(username=login).first()
        if user is None:
            raise CommandError(f"No active keyplan user has the login “{login}”.")
        return user
    admins = users.filter(role=Role.ADMIN)
    setter = live_config.stored().updated_by_id
    user = admins.filter(pk=setter).first() or admins.order_by("pk").first()
    if user is None:
        raise CommandError("There is no administrator to sync as; name a user with --as LOGIN.")
    return user


class Command(BaseCommand):
    help = "Sync the linked accounts with a CRM (a pull, then a push)."

    def add_arguments(self, parser):
        vendors = parser.add_subparsers(dest="vendor", required=True)
        salesforce = vendors.add_parser("salesforce", help="Sync with Salesforce.")
        salesforce.add_argument(
            "--accounts",
            help="Link and sync only these Salesforce accounts: Account ids or names, "
            "separated by commas.",
        )
        salesforce.add_argument(
            "--all", dest="everything", action="store_true", help="Link every Salesforce account."
        )
        salesforce.add_argument("--dry-run", action="store_true", help="Show; change nothing.")
        salesforce.add_argument(
            "--as", dest="login", help="The user to sync as (default: an admin)."
        )
        salesforce.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        if options["accounts"] is not None and options["everything"]:
            raise CommandError("Give --accounts or --all, not both.")
        wanted = None
        if options["accounts"] is not None:
            wanted = [name.strip() for name in options["accounts"].split(",") if name.strip()]
            if not wanted:
                raise CommandError("--accounts names no account.")
        report = sync(
            by=acting_user(options["login"]),
            accounts=wanted,
            everything=options["everything"],
            dry_run=options["dry_run"],
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_json(), indent=2))
        else:
            for line in report.lines():
                self.stdout.write(line)
        if not report.ok:
            raise CommandError("The sync did not reach everything; see above. Run it again.")
