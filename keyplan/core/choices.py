"""Vocabulary shared by several packages: levels of the plan sections, and the roles and
plan visibility that the access rule (keyplan.core.access) reads."""

from django.db import models


class Level(models.IntegerChoices):
    """Low / medium / high, stored as 1-3 so it sorts and aggregates in SQL."""

    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class Role(models.TextChoices):
    """What a user may do across the portfolio (keyplan.core.access)."""

    ADMIN = "admin", "Administrator"
    LEADER = "leader", "Sales leader"
    KAM = "kam", "Key account manager"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"


class PlanVisibility(models.TextChoices):
    """Who reads a plan: the organisation's setting (keyplan.core.access)."""

    ALL_USERS = "all", "Every signed-in user can read every plan"
    ACCOUNT_TEAM = "team", "Only the account team (and leaders) can read a plan"
