"""Base models: every plan record carries timestamps, a version and its history."""

from datetime import datetime
from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from keyplan.core import access, clock
from keyplan.core.protocols import Actor, Member, PlanAccount


class PlanQuerySet(models.QuerySet):
    """Querysets of plan records answer the one access rule (see core.access)."""

    def visible_to(self, user: Actor) -> Self:
        return access.visible(self, user)

    def editable_by(self, user: Actor) -> Self:
        return access.editable(self, user)


# What a record's `crm_notes` hold: the values of the CRM's record that an import
# could not store as given (a text too long, an address keyplan does not accept).
CRM_NOTES_HELP = "What the CRM gave that keyplan could not store as given, as it gave it."


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

    # What simple-history writes on the next history row, when set (declared, never
    # defaulted: simple-history and core.history ask whether they are there).
    _history_user: Member | None  # who made the change (core.services sets it)
    _history_date: datetime  # when, by keyplan's clock

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        stamp = clock.now()
        self.updated_at = self._history_date = stamp
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._history_date = clock.now()
        return super().delete(*args, **kwargs)

    def check_same_account(self, account_id: int | None, *fields: str) -> None:
        """Refuse foreign keys (by field name) that point into another account's plan."""
        errors = {}
        for name in fields:
            if account_id is None or getattr(self, f"{name}_id") is None:
                continue
            if getattr(self, name).account_id != account_id:
                field = self._meta.get_field(name)
                assert isinstance(field, models.ForeignKey)  # it has `{name}_id`, read above
                errors[name] = f"The {field.verbose_name} must belong to the same account."
        if errors:
            raise ValidationError(errors)

    @property
    def plan_account(self) -> PlanAccount | None:
        """The account this record belongs to, or None."""
        if self.account_path is None:
            return None
        target: Any = self  # each step of the path is a foreign key
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


class Checked(models.Model):
    """A record whose values the sanity checks look at (core.sanity): the checks that
    fired and are still open, each field's name to the reason ("check this value")."""

    value_checks = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Values to check: each flagged field's name and why (set by keyplan).",
    )

    class Meta:
        abstract = True
