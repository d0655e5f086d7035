"""keyplan bench [--accounts N] [--runs R] [--seed S] [--api-seconds T]: measure the
dashboard, the plan page and the API."""

import json

from django.core.management.base import BaseCommand, CommandError

from keyplan.demo.bench import BenchError, run
from keyplan.demo.synthetic import GenerateError


class Command(BaseCommand):
    help = (
        "Measure the portfolio dashboard against its raw-SQL floor and the plan page of a "
        "50-stakeholder account, on a synthetic portfolio of N accounts (built when the "
        "database is empty, reused when it holds exactly that). Prints one JSON object last."
    )
    requires_migrations_checks = True

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

    def handle(self, *args, accounts, runs, seed, api_seconds, **options):
        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1 and total > done:
                self.stderr.write(f"  generating: {done:,} of {total:,} accounts")

        try:
            result = run(accounts, runs=runs, seed=seed, api_seconds=api_seconds, progress=progress)
        except (BenchError, GenerateError) as exc:
            raise CommandError(str(exc)) from exc
        for problem in result["floor_disagreements"]:
            self.stderr.write(f"  the floor disagrees with the dashboard on {problem}")
        self.stdout.write(json.dumps(result))
