"""Stored figures: one row per account, with its open whitespace per product and its
alerts per rule as child rows, so portfolio sums are one GROUP BY over these rows
joined to the accounts (whose tier and owner are read from the account itself)."""

from django.db import models

from keyplan.cadence.models import AlertRule

PART = {"max_digits": 5, "decimal_places": 1, "null": True}
MONEY = {"max_digits": 16, "decimal_places": 2}
NULL_MONEY = {**MONEY, "null": True}


class AccountFigures(models.Model):
    """What the figures of one account were, computed from `plan_version` of its plan,
    with the organisation's settings at `settings_version`, for the day `as_of`."""

    account = models.OneToOneField(
        "accounts.Account", primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    plan_version = models.PositiveBigIntegerField()
    settings_version = models.PositiveIntegerField()
    as_of = models.DateField(db_index=True)
    # insights.health: the parts (None without data), their inputs and the score.
    health_adoption = models.DecimalField(**PART)
    health_sentiment = models.DecimalField(**PART)
    health_escalations = models.DecimalField(**PART)
    health_coverage = models.DecimalField(**PART)
    health_risk = models.DecimalField(**PART)
    health_score = models.DecimalField(**PART)
    health_arr = models.DecimalField(**NULL_MONEY)
    health_exposure = models.DecimalField(**NULL_MONEY)

    class Meta:
        verbose_name = "stored account figures"
        verbose_name_plural = "stored account figures"

    def __str__(self) -> str:
        return f"Figures of account {self.account_id} as of {self.as_of}"


class WhitespaceFigure(models.Model):
    """Open whitespace of one account in one product (insights.whitespace): only
    products with open cells have a row."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="stored_whitespace"
    )
    product = models.ForeignKey("growth.Product", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(**MONEY)
    cells = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "product"], name="figures_ws_account_product"
            )
        ]

    def __str__(self) -> str:
        return f"Open whitespace of account {self.account_id} in product {self.product_id}"


class AlertFigure(models.Model):
    """How many alerts one rule raises on one account (insights.alerts): only rules
    that raise some have a row."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="stored_alerts"
    )
    rule = models.CharField(max_length=40, choices=AlertRule.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "rule"], name="figures_alert_account_rule")
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.rule} alerts on account {self.account_id}"
