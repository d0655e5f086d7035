"""keyplan plan show ACCOUNT|--accounts A,B|--account NAME...|--all [--format json|text]
[--as-of DATE]

Accounts may share a name: a name that several accounts hold is refused, listing
each of them with its id, and an id is always accepted."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from keyplan.accounts.models import Account, split_list
from keyplan.exchange.documents import document, text


def _moment(value: str) -> datetime:
    """A date means the end of that day; a date and time means that moment."""
    try:
        day = parse_date(value)
        moment = datetime.combine(day, time.max) if day else parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"--as-of {value!r} is not a date (YYYY-MM-DD) or a date and time.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _existed(account: Account, moment: datetime) -> bool:
    return Account.history.filter(id=account.pk, history_date__lte=moment).exists()


class Command(BaseCommand):
    help = "Show the whole plan of an account (or of every account)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="Print the whole plan of an account.")
        which = show.add_mutually_exclusive_group(required=True)
        which.add_argument("account", nargs="?", help="The account's name or id.")
        which.add_argument(
            "--accounts",
            help="Several accounts: ids or names separated by commas (prints a JSON list).",
        )
        which.add_argument(
            "--account",
            action="append",
            dest="account_names",
            metavar="NAME",
            help="An account's name or id, which may hold a comma; repeat it for several.",
        )
        which.add_argument("--all", action="store_true", help="Every account, by name.")
        show.add_argument("--format", choices=["json", "text"], default="text")
        show.add_argument("--as-of", help="The plan as it stood at this date (YYYY-MM-DD).")

    def handle(
        self,
        *args,
        action,
        account=None,
        accounts=None,
        account_names=None,
        all=False,
        format="text",
        as_of=None,
        **options,
    ):
        moment = _moment(as_of) if as_of else None
        several = all or accounts is not None or account_names is not None
        if all:
            found = list(Account.objects.order_by("name", "pk"))
        else:
            texts = [account] if account is not None else account_names or split_list(accounts)
            if not texts:
                raise CommandError(
                    "--accounts names no account: give ids or names, comma-separated."
                )
            try:
                found = Account.objects.find_each(texts)
            except (Account.DoesNotExist, Account.MultipleObjectsReturned) as exc:
                raise CommandError(str(exc)) from exc
            if not several and moment and not _existed(found[0], moment):
                raise CommandError(f"{found[0].name} did not exist yet on {as_of}.")
        accounts = found
        if moment:
            existed = set(
                Account.history.filter(history_date__lte=moment).values_list("id", flat=True)
            )
            accounts = [a for a in accounts if a.pk in existed]
        plans = [document.build(a, as_of=moment) for a in accounts]
        if format == "json":
            self.stdout.write(document.to_json(plans if several else plans[0]))
        else:
            self.stdout.write("\n".join(text.render(plan) for plan in plans))
