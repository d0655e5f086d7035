"""keyplan bench [--accounts N] [--runs R] [--seed S] [--api-seconds T]
[--import-rows N [--import-only]] [--sync-rows N [--sync-only]]
[--load [--load-clients N] [--load-seconds T]]: measure the dashboard, the plan page,
the API, the Salesforce import, the Salesforce sync, or many API clients at once."""

import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keyplan.bench.run import (
    IMPORT_ROWS,
    SYNC_ROWS,
    BenchError,
    import_figure,
    load_figure,
    run,
    sync_figure,
)
from keyplan.demo.synthetic import GenerateError


class Command(BaseCommand):
    help = (
        "Measure the portfolio dashboard against its raw-SQL floor, the plan page of a "
        "50-stakeholder account and the API against a bare view, on a synthetic portfolio "
        "of N accounts (built when the database is empty, reused when it holds exactly "
        "that); optionally the Salesforce import. Prints one JSON object last."
    )
    # Not a warning: a database never migrated (a fresh data directory) is migrated first.
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=10_000, help="Portfolio size.")
        parser.add_argument("--runs", type=int, default=5, help="Measured runs per figure.")
        parser.add_argument("--seed", type=int, default=1, help="Seed when generating.")
        parser.add_argument(
            "--api-seconds",
            type=float,
            default=5.0,
            help="How long to load the API and the bare view, each (seconds).",
        )
        parser.add_argument(
            "--import-rows",
            type=int,
            help="Also measure a Salesforce import of N contacts against a raw bulk insert "
            f"of the same rows (the figure of record is {IMPORT_ROWS:,}).",
        )
        parser.add_argument("--import-runs", type=int, default=1, help="Measured imports.")
        parser.add_argument(
            "--import-only", action="store_true", help="Measure only the import figure."
        )
        parser.add_argument(
            "--sync-rows",
            type=int,
            help="Also measure a first Salesforce pull of N contacts through the test org "
            f"against the import of the same rows (the figure of record is {SYNC_ROWS:,}).",
        )
        parser.add_argument("--sync-runs", type=int, default=1, help="Measured pulls.")
        parser.add_argument(
            "--sync-only", action="store_true", help="Measure only the sync figure."
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="Measure only many API clients at once against `keyplan serve`, on the "
            "portfolio in the database (the demo portfolio is built when it is empty).",
        )
        parser.add_argument("--load-clients", type=int, default=50, help="Concurrent clients.")
        parser.add_argument(
            "--load-seconds", type=float, default=60.0, help="How long the clients work."
        )

    def handle(self, *args, accounts, runs, seed, api_seconds, import_rows, import_runs,
               import_only, sync_rows, sync_runs, sync_only, load, load_clients, load_seconds,
               **options):  # fmt: skip
        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1 and total > done:
                self.stderr.write(f"  generating: {done:,} of {total:,} accounts")

        if import_only and import_rows is None:
            import_rows = IMPORT_ROWS
        if sync_only and sync_rows is None:
            sync_rows = SYNC_ROWS
        self.migrate()
        try:
            result = {}
            if load:
                result = load_figure(load_clients, load_seconds)
            elif not (import_only or sync_only):
                result = run(
                    accounts, runs=runs, seed=seed, api_seconds=api_seconds, progress=progress
                )
            if import_rows is not None:
                result |= import_figure(import_rows, runs=import_runs, seed=seed)
            if sync_rows is not None:
                result |= sync_figure(sync_rows, runs=sync_runs, seed=seed)
        except (BenchError, GenerateError) as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.get("floor_disagreements", ()):
            self.stderr.write(f"  the floor disagrees with the dashboard on {problem}")
        for problem in result.get("load_error_examples", ()):
            self.stderr.write(f"  under load: {problem}")
        self.stdout.write(json.dumps(result))

    def migrate(self) -> None:
        """Bring the database up to date first, as `keyplan demo` does."""
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write("  migrating the database first")
            call_command("migrate", interactive=False, verbosity=0)
