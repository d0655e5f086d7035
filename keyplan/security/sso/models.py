"""Who a provider's user is in keyplan, and the administrator's switch for linking."""

from django.conf import settings
from django.db import models


class SsoIdentity(models.Model):
    """A keyplan user as the provider knows them: its issuer and subject (`iss`, `sub`),
    the only pair OpenID Connect promises stays theirs. The email is kept as last seen,
    for the admin site; it identifies nobody."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="ssoidentity_one_per_sub"),
            # One identity per provider: a second subject would be someone else.
            models.UniqueConstraint(fields=["user", "issuer"], name="ssoidentity_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"


class SsoSettings(models.Model):
    """The one row of single sign-on settings an administrator changes in the admin site."""

    link_by_email = models.BooleanField(
        "link existing users by email",
        default=False,
        help_text="At their first single sign-on, a keyplan user whose email the provider "
        "has verified becomes that provider identity. Only allow it when the provider "
        "verifies emails and nobody else can claim one of your users' addresses.",
    )

    class Meta:
        verbose_name = "single sign-on settings"
        verbose_name_plural = "single sign-on settings"

    def __str__(self) -> str:
        return "Single sign-on settings"

    @classmethod
    def current(cls) -> "SsoSettings":
        found, _ = cls.objects.get_or_create(pk=1)
        return found
