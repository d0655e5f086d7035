"""keyplan salesforce test [--format text|json]

Test connection, as the Integrations page's button does: what works and what is
missing between keyplan and the Salesforce org, one line a step. Exits 1 when
anything is missing, so a deployment script can stop there.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from keyplan.exchange.crm.salesforce.live.check import test_connection


class Command(BaseCommand):
    help = "The live Salesforce connection: `keyplan salesforce test` checks it."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        test = commands.add_parser("test", help="Test the connection (exit 1: not ready).")
        test.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        report = test_connection()
        if options["format"] == "json":
            steps = [{"ok": step.ok, "message": step.message} for step in report.steps]
            self.stdout.write(json.dumps({"ok": report.ok, "steps": steps}, indent=2))
        else:
            for step in report.steps:
                self.stdout.write(f"{'works' if step.ok else 'missing'}: {step.message}")
            if report.ok:
                self.stdout.write("The connection works.")
        if not report.ok:
            missing = sum(not step.ok for step in report.steps)
            raise CommandError(f"The connection is not ready: {missing} missing, as listed above.")
