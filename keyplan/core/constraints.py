"""Database checks for rules the models also validate in Python.

Django validates a CheckConstraint in full_clean() with one SQL query per
constraint and save. Every check here has a Python twin (a field validator or the
model's clean()) that names the field at fault, so the query would only repeat it;
the database keeps the check as the last line for writes that bypass validation
(bulk inserts, raw SQL).
"""

from typing import Any

from django.db import models


class DatabaseCheck(models.CheckConstraint):
    """A CheckConstraint enforced by the database; Python validation is the model's."""

    def validate(
        self,
        model: type[models.Model],
        instance: models.Model,
        exclude: Any = None,
        using: str | None = None,
    ) -> None:
        return None


def non_negative(prefix: str, *fields: str) -> list[DatabaseCheck]:
    """Checks that each named (nullable) amount is not negative."""
    return [
        DatabaseCheck(
            condition=models.Q(**{f"{field}__gte": 0}) | models.Q(**{f"{field}__isnull": True}),
            name=f"{prefix}_{field}_not_negative",
        )
        for field in fields
    ]


def in_choices(field: str, choices: type[models.Choices], name: str) -> DatabaseCheck:
    """A check that `field` holds one of `choices` (or is null)."""
    return DatabaseCheck(
        condition=models.Q(**{f"{field}__in": choices.values})
        | models.Q(**{f"{field}__isnull": True}),
        name=name,
    )
