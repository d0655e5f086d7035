"""keyplan generate --accounts N [--seed S] [--force]: add N synthetic account plans."""

import time

from django.core.management.base import BaseCommand, CommandError

from keyplan.demo.synthetic import GenerateError, generate


class Command(BaseCommand):
    help = (
        "Add N synthetic account plans (source “synthetic”) for benchmarks. "
        "Refuses when the database holds other accounts, unless --force."
    )
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, required=True, help="How many accounts.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same portfolio.")
        parser.add_argument(
            "--force", action="store_true", help="Generate even beside non-synthetic accounts."
        )

    def handle(self, *args, accounts, seed, force, **options):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1 and total > done:
                elapsed = time.perf_counter() - started
                self.stderr.write(f"  {done:,} of {total:,} accounts ({elapsed:.0f} s)")

        try:
            counts = generate(accounts, seed=seed, force=force, progress=progress)
        except GenerateError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        history = {label: n for label, n in counts.items() if ".Historical" in label}
        rows = {label: n for label, n in counts.items() if label not in history}
        width = max(map(len, rows)) + 2
        self.stdout.write(f"{'model':<{width}}{'rows':>12}{'history':>12}")
        for label, n in sorted(rows.items()):
            app, name = label.split(".")
            self.stdout.write(
                f"{label:<{width}}{n:>12,}{history.get(f'{app}.Historical{name}', 0):>12,}"
            )
        self.stdout.write(
            f"{'total':<{width}}{sum(rows.values()):>12,}{sum(history.values()):>12,}"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {accounts:,} synthetic accounts (seed {seed}) in {elapsed:.1f} s."
            )
        )
