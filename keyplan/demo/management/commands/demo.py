"""keyplan demo: set up the database, load the demo portfolio and serve it."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from keyplan.accounts.models import Account, Source
from keyplan.demo import portfolio


class Command(BaseCommand):
    help = "Create the database, load the demo portfolio, print the logins and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Set up, but do not serve.")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the demo portfolio.")
        parser.add_argument(
            "--reset", action="store_true", help="Empty the database and load the demo again."
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve, seed, reset, host, port, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", interactive=False, verbosity=0)  # re-seeds default data
        if Account.objects.exclude(source=Source.DEMO).exists():
            raise CommandError(
                "This database holds accounts that are not demo data; keyplan demo will not "
                "touch it. Point KEYPLAN_DATA_DIR or DATABASE_URL at another database, or pass "
                "--reset to empty this one first."
            )
        if Account.objects.exists():
            self.stdout.write("The demo portfolio is already loaded (--reset loads it afresh).")
        else:
            self.stdout.write(f"Loading the demo portfolio (seed {seed})...")
            started = time.monotonic()
            summary = portfolio.build(seed=seed)
            self.stdout.write(
                f"Loaded {summary.accounts} accounts in {time.monotonic() - started:.0f}s."
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {portfolio.PASSWORD}):")
        for username in portfolio.PERSONAS:
            self.stdout.write(f"  {username:<12} {portfolio.PERSONA_NOTES[username]}")
        self.stdout.write("")
        if not no_serve:
            call_command("serve", host=host, port=port)
