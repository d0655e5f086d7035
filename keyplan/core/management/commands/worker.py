"""keyplan worker [--batch] [--interval SECONDS]: run the jobs people start from the
pages (Sync now) as they are queued, until stopped. It wraps the database job queue's
own worker (django-tasks-db's db_worker), so the queue works on SQLite and PostgreSQL
alike; `keyplan serve` and `keyplan demo` start one beside the web server."""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the queued jobs (Sync now) as they come; Ctrl+C stops it."
    requires_migrations_checks = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs waiting now, then stop."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )

    def handle(self, *args: Any, batch: bool, interval: float, **options: Any) -> None:
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
        )
