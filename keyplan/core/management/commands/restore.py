"""keyplan restore: bring a backup back into an empty database and data directory."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from keyplan.core import backup


class Command(BaseCommand):
    help = "Restore a file written by `keyplan backup` into an empty database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            manifest = backup.restore(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} (keyplan {manifest.keyplan_version})."
        )
        if manifest.key_included:
            self.stdout.write("The secret key is back in the data directory.")
