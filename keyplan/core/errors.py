"""Errors the services raise; pages and the API translate them into responses."""

from django.core.exceptions import ValidationError

from keyplan.core.protocols import VersionedRecord

__all__ = ["ConflictError", "Forbidden", "NotFound", "ValidationError"]


class NotFound(Exception):
    """The record does not exist or the user may not see it (a 404, never a hint)."""


class Forbidden(Exception):
    """The user may see the record but not make this change (a 403)."""


class ConflictError(Exception):
    """A write was based on an older version of the record than the stored one.

    `current` is the record as stored now, so the caller can show what changed.
    """

    def __init__(self, current: VersionedRecord, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        name = current._meta.verbose_name
        super().__init__(
            f"This {name} was changed by someone else since you opened it "
            f"(you had version {expected_version}, it is now at version {current.version}). "
            "Nothing was saved: review their change and apply yours again."
        )
