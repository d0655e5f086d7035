"""keyplan serve: run the application with gunicorn (a production WSGI server)."""

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from keyplan.core.server import run


class Command(BaseCommand):
    help = "Start keyplan's web server (default http://127.0.0.1:8000)."
    requires_migrations_checks = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("KEYPLAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("KEYPLAN_PORT", 8000)))
        parser.add_argument("--workers", type=int, default=2, help="Worker processes.")
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker.")
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        access_log: bool,
        **options: Any,
    ) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a TCP port (1-65535).")
        # Workers are forked: they must not share the parent's database connections.
        connections.close_all()
        self.stdout.write(f"keyplan is serving on http://{host}:{port}/ (Ctrl+C stops it)")
        run(host=host, port=port, workers=workers, threads=threads, access_log=access_log)
