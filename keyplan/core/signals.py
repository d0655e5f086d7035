"""Signals the kernel sends for packages above it to act on, in the writer's transaction.

`plan_changed` is sent, with `account_ids` (a frozenset of account pks), whenever a
change to any record of those plans has been written: the services advance each
plan's `plan_version` and `last_changed` first. Receivers run before the transaction
commits, so what they write commits or rolls back with the change itself.
"""

from django.dispatch import Signal

plan_changed = Signal()
