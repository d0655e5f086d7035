"""keyplan alerts [--user U] [--format text|json]: evaluate every alert rule now."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from keyplan.accounts.models import Account
from keyplan.core import access
from keyplan.insights import alerts
from keyplan.team.models import User


class Command(BaseCommand):
    help = (
        "Evaluate the alert rules on every account (or on one user's accounts) and print "
        "the alerts, high severity first; for cron, monitoring or a chat hook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only the accounts whose team this login is on.")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, user=None, format="text", **options):
        accounts = Account.objects.all()
        if user is not None:
            person = User.objects.filter(username=user).first()
            if person is None:
                raise CommandError(f"No user is named “{user}”.")
            accounts = access.team_accounts(person)
        found = alerts.alerts(accounts)
        if format == "json":
            rows = [
                {
                    "rule": a.rule,
                    "title": a.title,
                    "severity": a.severity,
                    "account": a.account_name,
                    "why": a.why,
                    "record": a.record[0],
                }
                for a in found
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for a in found:
            self.stdout.write(f"[{a.severity}] {a.account_name}: {a.title}. {a.why}.")
        self.stdout.write(f"{len(found)} alert{pluralize(len(found))}.")
