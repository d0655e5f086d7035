"""A play deleted in keyplan, however it goes (its page, the API, an Excel import),
leaves its Opportunity in Salesforce: keep the Opportunity's id so the next push says
the link was dropped and a pull does not bring the play back. Plays that go with
their whole account are not kept: the account is no longer linked, and linking it
again brings back what Salesforce has."""

import threading

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from keyplan.accounts.models import Account
from keyplan.exchange.crm.salesforce.live.services import play_deleted
from keyplan.growth.models import Play

# The accounts being deleted by this thread (Django sends every pre_delete of a
# deletion before the first post_delete).
_going = threading.local()


def _accounts_going() -> set[int]:
    if not hasattr(_going, "ids"):
        _going.ids = set()
    return _going.ids


@receiver(pre_delete, sender=Account, dispatch_uid="keyplan-salesforce-account-going")
def _account_going(sender, instance: Account, **kwargs) -> None:
    _accounts_going().add(instance.pk)


@receiver(post_delete, sender=Account, dispatch_uid="keyplan-salesforce-account-gone")
def _account_gone(sender, instance: Account, **kwargs) -> None:
    _accounts_going().discard(instance.pk)


@receiver(post_delete, sender=Play, dispatch_uid="keyplan-salesforce-play-deleted")
def _play_deleted(sender, instance: Play, **kwargs) -> None:
    if instance.account_id not in _accounts_going():
        play_deleted(instance)
