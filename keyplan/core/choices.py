"""Vocabulary shared by several plan sections."""

from django.db import models


class Level(models.IntegerChoices):
    """Low / medium / high, stored as 1-3 so it sorts and aggregates in SQL."""

    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
