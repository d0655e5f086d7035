"""Base models: every plan record carries timestamps, a version and its history."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from keyplan.core import access, clock


class PlanQuerySet(models.QuerySet):
    """Querysets of plan records answer the one access rule (see core.access)."""

    def visible_to(self, user):
        return access.visible(self, user)

    def editable_by(self, user):
        return access.editable(self, user)


class Tracked(models.Model):
    """Timestamps and history. Links between records (play <-> stakeholder) stop here."""

    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords(inherit=True)

    objects = PlanQuerySet.as_manager()

    # ORM path from this record to the account whose plan it belongs to;
    # "" for the account itself, None for records outside any plan (the catalog).
    account_path: ClassVar[str | None] = "account"
    # Roles allowed to change records of this kind, when not the account team's.
    managed_by: ClassVar[frozenset[str] | None] = None
    # Changes only the account's owner, leaders and admins may make (core.access).
    manager_only: ClassVar[bool] = False
    manager_fields: ClassVar[frozenset[str]] = frozenset()
    # Whether saving one counts as a change to its plan (Account.last_changed).
    touches_plan: ClassVar[bool] = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        stamp = clock.now()
        self.updated_at = self._history_date = stamp
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._history_date = clock.now()
        return super().delete(*args, **kwargs)

    def check_same_account(self, account_id, *fields: str) -> None:
        """Refuse foreign keys (by field name) that point into another account's plan."""
        errors = {}
        for name in fields:
            if account_id is None or getattr(self, f"{name}_id") is None:
                continue
            if getattr(self, name).account_id != account_id:
                label = self._meta.get_field(name).verbose_name
                errors[name] = f"The {label} must belong to the same account."
        if errors:
            raise ValidationError(errors)

    @property
    def plan_account(self):
        """The account this record belongs to, or None."""
        if self.account_path is None:
            return None
        target = self
        for step in filter(None, self.account_path.split("__")):
            target = getattr(target, step)
        return target


class Versioned(Tracked):
    """A record people edit: `version` counts its saves, for optimistic concurrency.

    A write says which version it was based on; services refuse it when the stored
    version has moved on (see core.services.update).
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)
