"""keyplan audit [--since DATE] [--until DATE] [--kind K] [--user LOGIN]
[--format text|jsonl] [--out FILE] | keyplan audit --prune"""

import json
import os
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from keyplan.audit.models import AuditEvent
from keyplan.audit.queries import events, prune


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"“{text}” is not a date: write YYYY-MM-DD.") from exc


def as_json(event: AuditEvent) -> dict:
    return {
        "when": event.when.isoformat(),
        "kind": event.kind,
        "user": event.login,
        "address": event.address,
        "target": {"kind": event.target_kind, "id": event.target_id, "label": event.target_label}
        if event.target_kind or event.target_label
        else None,
        "details": event.details,
    }


def as_text(event: AuditEvent) -> str:
    when = timezone.localtime(event.when).strftime("%Y-%m-%d %H:%M:%S")
    target = (
        f" {event.target_kind}:{event.target_id} {event.target_label}" if event.target_kind else ""
    )
    details = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in event.details.items())
    return "  ".join(
        part
        for part in (
            when,
            event.kind,
            event.login or "-",
            event.address or "-",
            target.strip(),
            details,
        )
        if part
    )


class Command(BaseCommand):
    help = (
        "Print the audit trail, oldest first (text, or JSON lines for a log store), or "
        "--prune the events older than KEYPLAN_AUDIT_DAYS (for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_day, help="From this day (YYYY-MM-DD).")
        parser.add_argument("--until", type=_day, help="Through this day (YYYY-MM-DD).")
        parser.add_argument("--kind", default="", help="An event kind, or its prefix: token.")
        parser.add_argument("--user", default="", help="Events of this login.")
        parser.add_argument("--format", choices=["text", "jsonl"], default="text")
        parser.add_argument("--out", type=Path, help="The file to write (default: stdout).")
        parser.add_argument(
            "--prune", action="store_true", help="Delete the events older than KEYPLAN_AUDIT_DAYS."
        )

    def handle(self, *args, since=None, until=None, kind="", user="", format="text", out=None,
               **options):  # fmt: skip
        if options["prune"]:
            gone = prune()
            self.stdout.write(f"Deleted {gone} audit event{'s' * (gone != 1)}.")
            return
        found = events(kind=kind, login=user, since=since, until=until).order_by("when", "id")
        write = (
            as_text if format == "text" else (lambda e: json.dumps(as_json(e), ensure_ascii=False))
        )
        lines = (write(event) for event in found.iterator(chunk_size=2000))
        if out is None:
            for line in lines:
                self.stdout.write(line)
            return
        # Readable by its owner only, as the backups: the trail names people and addresses.
        handle = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(handle, 0o600)  # a file that was there keeps its mode otherwise
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            count = 0
            for line in lines:
                file.write(line + "\n")
                count += 1
        self.stdout.write(f"Wrote {count} audit event{'s' * (count != 1)} to {out}.")
