"""keyplan salesforce test [--format text|json]
keyplan salesforce pull [--dry-run] [--as LOGIN] [--format text|json]
keyplan salesforce push [--dry-run] [--account NAME|ID ...] [--as LOGIN] [--format text|json]

`test` is Test connection, as the Integrations page's button: what works and what is
missing between keyplan and the Salesforce org, one line a step; it exits 1 while
anything is missing. `pull` brings the linked accounts' plans in line with what
changed in Salesforce since the last pull (crm/salesforce/live/pull.py); it exits 1
when an account or the connection failed, having kept what the others pulled.
`push` writes the linked accounts' plays to Salesforce as Opportunities
(crm/salesforce/live/push.py); it exits 1 when a play or the connection failed,
having kept what the others pushed.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from keyplan.exchange.crm.report import problem_json
from keyplan.exchange.crm.salesforce.live.check import check_connection
from keyplan.exchange.crm.salesforce.live.conflicts import worded
from keyplan.exchange.crm.salesforce.live.pull import PullReport, pull
from keyplan.exchange.crm.salesforce.live.push import PushReport, push
from keyplan.team.models import Role, User


def _acting_user(login: str | None) -> User:
    """Who the pull writes as (the history names them): --as, else the first
    administrator."""
    users = User.objects.filter(is_active=True)
    user = (
        users.filter(username=login).first()
        if login
        else users.filter(role=Role.ADMIN).order_by("pk").first()
    )
    if user is None:
        raise CommandError(
            f"No active keyplan user has the login “{login}”."
            if login
            else "There is no administrator to pull as; name a user with --as LOGIN."
        )
    return user


class Command(BaseCommand):
    help = "The live Salesforce connection: test it, or pull what changed there."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        test = commands.add_parser("test", help="Test the connection (exit 1: not ready).")
        test.add_argument("--format", choices=["text", "json"], default="text")
        pulling = commands.add_parser("pull", help="Pull what changed for the linked accounts.")
        pulling.add_argument("--dry-run", action="store_true", help="Show; change nothing.")
        pulling.add_argument("--as", dest="login", help="The user to pull as (default: an admin).")
        pulling.add_argument("--format", choices=["text", "json"], default="text")
        pushing = commands.add_parser("push", help="Push the linked accounts' plays.")
        pushing.add_argument("--dry-run", action="store_true", help="Show; change nothing.")
        pushing.add_argument(
            "--account",
            dest="accounts",
            action="extend",
            nargs="+",
            metavar="NAME|ID",
            help="Only these accounts (default: every linked account).",
        )
        pushing.add_argument("--as", dest="login", help="The user to push as (default: an admin).")
        pushing.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        if options["action"] == "pull":
            return self._pull(options)
        if options["action"] == "push":
            return self._push(options)
        report = check_connection()
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

    def _pull(self, options) -> None:
        report = pull(by=_acting_user(options["login"]), dry_run=options["dry_run"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(_json(report), indent=2))
        else:
            self._text(report)
        if not report.ok:
            raise CommandError("The pull did not reach every account; see above. Run it again.")

    def _push(self, options) -> None:
        report = push(
            by=_acting_user(options["login"]),
            dry_run=options["dry_run"],
            accounts=options["accounts"],
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(_push_json(report), indent=2))
        else:
            self._push_text(report)
        if not report.ok:
            raise CommandError("The push did not write every play; see above.")

    def _push_text(self, report: PushReport) -> None:
        counts = report.pushed()
        would = "would push" if report.dry_run else "pushed"
        self.stdout.write(
            f"Salesforce: {would} {len(report.plays)} plays: "
            + ", ".join(f"{counts[word]} {word}" for word in counts)
            + "."
        )
        for pushed in report.plays:
            where = f"{pushed.play.account.name}, {pushed.play.name}"
            if pushed.outcome == "failed":
                self.stdout.write(f"{where}: {pushed.error}.")
            elif pushed.outcome != "unchanged":
                verb = f"would be {pushed.outcome}" if report.dry_run else pushed.outcome
                opportunity = f" (Opportunity {pushed.crm_id})" if pushed.crm_id else ""
                note = f"; {pushed.error}" if pushed.error else ""
                fields = ", ".join(pushed.fields)
                self.stdout.write(f"{where}: {verb}{opportunity}: {fields}{note}.")
            if pushed.contacts:
                added = "contact roles to add" if report.dry_run else "contact roles added"
                self.stdout.write(f"{where}: {added}: {', '.join(pushed.contacts)}.")
            for refused in pushed.role_errors:
                self.stdout.write(f"{where}: contact role not added: {refused}.")
        self.stdout.write(
            f"Contacts {'to create' if report.dry_run else 'created'} in Salesforce: "
            f"{report.contacts_created()}."
        )
        for line in report.contact_lines():
            self.stdout.write(f"{line}.")
        for line in report.account_plans.lines(dry_run=report.dry_run):
            self.stdout.write(f"{line}.")
        for error in report.account_plans.errors():
            self.stdout.write(f"{error}.")
        for left_out in report.left_out:
            self.stdout.write(f"{left_out}: left out (import it from Salesforce to link it).")
        for conflict in report.conflicts:
            self.stdout.write(worded(conflict))
        for line in [*report.not_pushed, *report.dropped]:
            self.stdout.write(f"{line}.")
        for error in report.errors:
            self.stdout.write(f"Not pushed: {error}")

    def _text(self, report: PullReport) -> None:
        since = f"since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "everything"
        would = "would pull" if report.dry_run else "pulled"
        self.stdout.write(f"Salesforce: {would} {since}.")
        for pulled in report.accounts:
            if pulled.error:
                self.stdout.write(f"{pulled.account.name}: not pulled: {pulled.error}")
            elif pulled.note:
                self.stdout.write(f"{pulled.account.name}: {pulled.note}.")
            elif pulled.report is None:
                self.stdout.write(f"{pulled.account.name}: nothing changed in Salesforce.")
            else:
                self.stdout.write(f"{pulled.account.name}:")
                for line in pulled.report.lines()[1:]:
                    self.stdout.write(f"  {line}")
        for conflict in report.conflicts:
            self.stdout.write(worded(conflict))
        for dropped in report.dropped:
            self.stdout.write(f"{dropped}.")
        for error in report.errors:
            self.stdout.write(f"Not pulled: {error}")


def _json(report: PullReport) -> dict:
    return {
        "since": report.since.isoformat() if report.since else None,
        "dry_run": report.dry_run,
        "pulled": report.pulled(),
        "accounts": [
            {
                "name": p.account.name,
                "id": p.account.pk,
                "crm_id": p.account.crm_id,
                "changed_in_salesforce": p.report is not None,
                "changes": p.report.changes if p.report else 0,
                "warnings": [problem_json(w) for w in p.report.warnings] if p.report else [],
                "error": p.error,
                "note": p.note,
            }
            for p in report.accounts
        ],
        "conflicts": report.conflicts,
        "dropped": report.dropped,
        "errors": report.errors,
    }


def _push_json(report: PushReport) -> dict:
    return {
        "dry_run": report.dry_run,
        "pushed": report.pushed(),
        "stage_map": report.stage_map,
        "plays": [
            {
                "name": p.play.name,
                "id": p.play.pk,
                "account": p.play.account.name,
                "crm_id": p.crm_id,
                "outcome": p.outcome,
                "fields": p.fields,
                "error": p.error,
                "contact_roles_added": p.contacts,
                "contact_role_errors": p.role_errors,
            }
            for p in report.plays
        ],
        "left_out": report.left_out,
        "conflicts": report.conflicts,
        "dropped": report.dropped,
        "not_pushed": report.not_pushed,
        "contacts_created": report.contacts_created(),
        "contacts": [
            {
                "stakeholder": m.stakeholder.name,
                "id": m.stakeholder.pk,
                "account": m.stakeholder.account.name,
                "outcome": m.outcome,
                "crm_id": m.crm_id,
                "error": m.error,
            }
            for m in report.contacts
        ],
        "contacts_left_out": report.contacts_left_out,
        "account_plans": report.account_plans.as_json(),
        "errors": report.errors,
    }
