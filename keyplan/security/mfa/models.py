from django_otp.plugins.otp_totp.models import TOTPDevice


class AuthenticatorApp(TOTPDevice):
    """A user's authenticator app, as the admin site lists it (under "Two-step
    sign-in", rather than django-otp's "OTP_TOTP"): no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "authenticator app"
