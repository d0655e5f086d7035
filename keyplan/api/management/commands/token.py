"""keyplan token create USER --name NAME [--expires DATE|never] | list [USER] | revoke ID"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from keyplan.api import tokens
from keyplan.api.models import ApiToken


def _end_of(value: str) -> datetime:
    """--expires DATE: the token works through that whole day."""
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise CommandError(f"--expires {value!r} is not a date (YYYY-MM-DD, or never).")
    return tokens.end_of(day)


class Command(BaseCommand):
    help = "Create, list and revoke personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token; it is printed once.")
        create.add_argument("user", help="The username the token acts as.")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument(
            "--expires",
            help="The last day it works (YYYY-MM-DD; default: in KEYPLAN_TOKEN_DAYS, 90 days), "
            "or never (an administrator's token only).",
        )
        listing = sub.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("user", nargs="?", help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id or prefix.")
        revoke.add_argument("token", help="The id or prefix shown by `keyplan token list`.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user is named “{username}”.") from exc

    def _create(self, *, user, name, expires=None, **options):
        owner = self._user(user)
        try:
            never = expires == "never"
            until = _end_of(expires) if expires and not never else None
            token, secret = tokens.create(owner, name=name, expires_at=until, never=never)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        last = token.expires_at
        until = f", valid through {last.date().isoformat()}" if last else ", until revoked"
        self.stdout.write(
            f"Created API token {token.pk} “{token.name}” for {owner.username}{until}.\n"
            "It is shown only now: store it somewhere safe."
        )
        self.stdout.write(secret)

    def _list(self, *, user=None, **options):
        found = ApiToken.objects.select_related("user")
        if user:
            found = found.filter(user=self._user(user))
        for token in found:
            used = token.last_used_at.date().isoformat() if token.last_used_at else "never"
            expires = token.expires_at.date().isoformat() if token.expires_at else "-"
            self.stdout.write(
                f"{token.pk:>5}  {token.prefix}…  {token.user.username:<16} {token.state:<8} "
                f"expires {expires:<10}  last used {used:<10}  {token.name}"
            )

    def _revoke(self, *, token, **options):
        found = ApiToken.objects.filter(pk=int(token)) if token.isdigit() else None
        if not found:
            found = ApiToken.objects.filter(prefix=token.rstrip("…"))
        if found.count() != 1:
            raise CommandError(f"No single token matches “{token}”; see `keyplan token list`.")
        revoked = tokens.revoke(found.get())
        self.stdout.write(f"Revoked API token {revoked.pk} “{revoked.name}”.")
