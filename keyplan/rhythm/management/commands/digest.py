"""keyplan digest [--user U] [--send] [--force]: each user's weekly digest."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from keyplan.rhythm import digest
from keyplan.team.models import User


class Command(BaseCommand):
    help = (
        "Build each user's weekly digest (due reviews, overdue actions, new alerts, changes "
        "by others, renewals). Prints them; with --send, emails them through the SMTP server "
        "of KEYPLAN_EMAIL_HOST."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this user's digest (a login).")
        parser.add_argument(
            "--send", action="store_true", help="Email the digests instead of printing them."
        )
        parser.add_argument(
            "--force", action="store_true", help="Also users who already had this week's digest."
        )
        parser.add_argument(
            "--base-url", help="The address links point at (default: KEYPLAN_BASE_URL)."
        )

    def handle(self, *args, user=None, send=False, force=False, base_url=None, **options):
        try:
            users = digest.recipients(user)
        except User.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        outcomes = digest.prepare(users, force=force or not send)
        if not send:
            self._print(outcomes, base_url)
            return
        results = digest.deliver(outcomes, base_url=base_url)
        sent = [r for r in results if r.status == digest.SENT]
        failed = [r for r in results if r.status == digest.FAILED]
        for result in results:
            line = f"{result.user.username}: {result.status}"
            self.stdout.write(line + (f" ({result.reason})" if result.reason else ""))
        self.stdout.write(
            f"Sent {len(sent)} digest{pluralize(len(sent))}; "
            f"{len(failed)} not sent; {len(results) - len(sent) - len(failed)} skipped."
        )
        if failed:
            names = ", ".join(f"{r.user.username} ({r.reason})" for r in failed)
            raise CommandError(
                f"Not sent to {len(failed)} user{pluralize(len(failed))}: {names}. "
                "They are not marked sent; run the command again to retry them."
            )

    def _print(self, outcomes, base_url):
        shown = 0
        for outcome in outcomes:
            if outcome.digest is None:
                self.stdout.write(f"# {outcome.user.username}: {outcome.status} ({outcome.reason})")
                continue
            text, _ = outcome.digest.render(base_url)
            address = outcome.user.email or "(no email address)"
            self.stdout.write(f"To: {address}\nSubject: {outcome.digest.subject}\n\n{text}")
            shown += 1
        self.stdout.write(
            f"# {shown} digest{pluralize(shown)} printed; nothing was sent (--send emails them)."
        )
