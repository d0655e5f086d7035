"""`keyplan figures`: keep the stored per-account figures current (insights.stored).

--refresh  recompute the rows that are not current today (cron, daily after midnight)
--check    list accounts whose stored figures differ from the from-scratch ones; exit 1
--rebuild  recompute every row
"""

from django.core.management.base import BaseCommand, CommandError

from keyplan.core import clock
from keyplan.insights.stored import upkeep


class Command(BaseCommand):
    help = (
        "Keep the stored per-account figures of the dashboard current: --refresh (daily, "
        "from cron), --check (exit 1 on drift), --rebuild."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--refresh", action="store_true", help="recompute the rows not current today"
        )
        action.add_argument(
            "--check", action="store_true", help="report drift from the from-scratch figures"
        )
        action.add_argument("--rebuild", action="store_true", help="recompute every row")

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"{done:,} of {total:,} accounts")

    def handle(self, *args, **options):
        today = clock.today()
        if options["check"]:
            drifted = upkeep.drift()
            for pk, name, what in drifted:
                self.stdout.write(f"{name} (#{pk}): {what}")
            accounts = len({pk for pk, _, _ in drifted})
            if drifted:
                raise CommandError(
                    f"{accounts:,} accounts' stored figures differ from the from-scratch "
                    "ones: run `keyplan figures --rebuild`.",
                    returncode=1,
                )
            self.stdout.write("The stored figures agree with the from-scratch ones.")
            return
        work = upkeep.refresh if options["refresh"] else upkeep.rebuild
        done = work(today, progress=self._progress)
        self.stdout.write(f"Recomputed the figures of {done:,} accounts for {today}.")
