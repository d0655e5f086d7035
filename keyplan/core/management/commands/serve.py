"""keyplan serve: run the application with gunicorn (a production WSGI server), and
beside it, as a child process, `keyplan worker` for the jobs the pages queue (Sync
now), unless --no-worker says a worker runs on its own (a systemd unit, say)."""

import os
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from keyplan.core.server import default_threads, default_workers, run


class Command(BaseCommand):
    help = "Start keyplan's web server (default http://127.0.0.1:8000)."
    requires_migrations_checks = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("KEYPLAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("KEYPLAN_PORT", 8000)))
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Worker processes (KEYPLAN_WORKERS; by default one per core and one more).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=default_threads(),
            help="Threads per worker process (KEYPLAN_THREADS; by default 16).",
        )
        parser.add_argument("--access-log", action="store_true", help="Log every request.")
        parser.add_argument(
            "--no-worker",
            dest="worker",
            action="store_false",
            help="Do not start `keyplan worker` beside the server (one runs on its own).",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        access_log: bool,
        worker: bool,
        **options: Any,
    ) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a TCP port (1-65535).")
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        # Workers are forked: they must not share the parent's database connections.
        connections.close_all()
        self.stdout.write(
            f"keyplan is serving on http://{host}:{port}/ (processes: {workers}, threads "
            f"each: {threads}; Ctrl+C stops it)"
        )
        child = None
        if worker:
            # The same environment (database, data directory) as this server.
            child = subprocess.Popen([sys.executable, "-m", "keyplan.cli", "worker"])
            self.stdout.write(f"The job worker runs beside it (process {child.pid}).")
        try:
            run(host=host, port=port, workers=workers, threads=threads, access_log=access_log)
        finally:
            if child is not None:
                child.terminate()
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
