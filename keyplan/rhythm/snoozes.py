"""Setting an alert aside (snoozing it) and waking it: the alert must be firing now,
by its rule in keyplan.insights.alerts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from keyplan.accounts.models import Account
from keyplan.cadence.models import AlertSnooze
from keyplan.core import access, clock, services
from keyplan.core.errors import Forbidden, NotFound
from keyplan.core.protocols import Actor
from keyplan.insights import alerts
from keyplan.team.models import Organisation

SNOOZE_DAYS = 7


def snooze_alert(
    account: Account,
    rule: str,
    record_id: int | str,
    reason: str,
    *,
    by: Actor,
    days: int | str = SNOOZE_DAYS,
) -> AlertSnooze:
    """Set an alert on `account` aside for `days` (a week by default), with the reason.

    The alert must be firing now: its rule, on this record of this plan."""
    rule_ = alerts.RULES_BY_KEY.get(rule)
    if rule_ is None:
        raise ValidationError({"rule": f"“{rule}” is not an alert rule."})
    try:
        record_id = int(record_id)
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise ValidationError("Say which alert to snooze, and for how many days.") from exc
    today = clock.today()
    access.check_edit(by, AlertSnooze(account=account))
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why this alert can wait: a reason is required."})
    firing = rule_.rule(type(account).objects.filter(pk=account.pk), Organisation.current(), today)
    if record_id not in {alert.record_id for alert in firing}:
        raise ValidationError(
            f"This {rule_.title.lower()} alert is not raised on {account} any more: "
            "nothing to snooze."
        )
    return services.create(
        AlertSnooze,
        by=by,
        account=account,
        rule=rule,
        record_id=record_id,
        reason=(reason or "").strip(),
        until=today + timedelta(days=days),
        snoozed_by=by,
    )


def wake_alert(snooze: AlertSnooze, *, by: Actor, version: int | str | None) -> None:
    """End a snooze now: the alert fires again."""
    services.delete(snooze, by=by, version=version)


@dataclass(frozen=True)
class Picked:
    """One alert chosen on the alert list: its account, rule and record."""

    account_id: int
    rule: str
    record_id: int

    @classmethod
    def parse(cls, text: str) -> "Picked":
        """From "account_id:rule:record_id", as the alert list's checkboxes send it."""
        try:
            account_id, rule, record_id = text.split(":")
            return cls(int(account_id), rule, int(record_id))
        except ValueError as exc:
            raise ValidationError(f"“{text}” does not name an alert.") from exc


@transaction.atomic
def snooze_alerts(
    picked: Iterable[Picked], reason: str, *, by: Actor, days: int | str = SNOOZE_DAYS
) -> list[AlertSnooze]:
    """Set several firing alerts aside at once, for `days`, with one reason: all or none.

    An alert of an account `by` may not see is not found (NotFound, naming nothing); one
    of an account they see but may not change is Forbidden; one that no longer fires is
    refused. Each rule runs once over the accounts picked (one query per rule)."""
    wanted = list(dict.fromkeys(picked))
    if not wanted:
        raise ValidationError("Choose at least one alert to snooze.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why these alerts can wait: a reason is required."})
    try:
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise ValidationError("Say for how many days to snooze the alerts.") from exc
    unknown = sorted({p.rule for p in wanted} - set(alerts.RULES_BY_KEY))
    if unknown:
        raise ValidationError(f"“{unknown[0]}” is not an alert rule.")
    ids = {p.account_id for p in wanted}
    seen = {a.pk: a for a in access.visible(Account.objects.filter(pk__in=ids), by)}
    if set(seen) != ids:
        raise NotFound("No such alert.")
    editable = set(
        access.editable(Account.objects.filter(pk__in=ids), by).values_list("pk", flat=True)
    )
    if refused := sorted((seen[pk].name for pk in ids - editable), key=str.casefold):
        raise Forbidden(
            f"You may not snooze the alerts of {', '.join(refused)}: only the account team can."
        )
    today, settings = clock.today(), Organisation.current()
    firing = set()
    for key in {p.rule for p in wanted}:
        on = Account.objects.filter(pk__in={p.account_id for p in wanted if p.rule == key})
        firing |= {
            Picked(a.account_id, key, a.record_id)
            for a in alerts.RULES_BY_KEY[key].rule(on, settings, today)
            if a.record_id is not None
        }
    if gone := [p for p in wanted if p not in firing]:
        titles = ", ".join(
            f"{alerts.RULES_BY_KEY[p.rule].title.lower()} on {seen[p.account_id]}" for p in gone
        )
        raise ValidationError(
            f"These alerts are not raised any more: {titles}. Nothing was snoozed."
        )
    return [
        services.create(
            AlertSnooze,
            by=by,
            account=seen[p.account_id],
            rule=p.rule,
            record_id=p.record_id,
            reason=reason.strip(),
            until=today + timedelta(days=days),
            snoozed_by=by,
        )
        for p in wanted
    ]
