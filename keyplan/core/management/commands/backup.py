"""keyplan backup: one file holding the database and the data directory's secret key."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from keyplan.core import backup


class Command(BaseCommand):
    help = "Write a backup of the database and the secret key to one file (safe while serving)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="The backup file to write.")
        parser.add_argument(
            "--serializers",
            action="store_true",
            help="On PostgreSQL, write the rows by Django's serializers even with pg_dump at hand.",
        )

    def handle(self, *args: Any, out: Path, serializers: bool, **options: Any) -> None:
        if out.is_dir() or not out.parent.is_dir():
            raise CommandError(f"--out {out} must name a file in an existing folder.")
        try:
            manifest = backup.backup(out, serializers=serializers)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote {out} ({manifest.database}, by {manifest.method}).")
        if not manifest.key_included:
            self.stdout.write(
                "It does not hold the secret key (KEYPLAN_SECRET_KEY is set): a restore needs "
                "the same KEYPLAN_SECRET_KEY. Keep that key safe apart from the backup."
            )
