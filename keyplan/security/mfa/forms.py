from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class PasswordForm(forms.Form):
    """The user's own password, asked again before a change that weakens the sign-in."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        # Through authenticate(), so a wrong password here counts towards the lockout
        # (and a locked one is answered by it): a borrowed session cannot guess it.
        password = self.cleaned_data["password"]
        user = self.request.user
        found = authenticate(self.request, username=user.get_username(), password=password)
        if found is None or found.pk != user.pk:
            raise ValidationError("That is not your password.")
        return password
