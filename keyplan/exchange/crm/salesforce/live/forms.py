"""The Integrations page's form: each value of the connection, with the secrets as
password fields that are never filled from what is stored."""

import re
import textwrap

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django import forms

from keyplan.exchange.crm.salesforce.live.config import DEFAULTS, ENVIRONMENT, Config


class ConnectionForm(forms.Form):
    login_url = forms.URLField(
        label="Login URL",
        assume_scheme="https",
        required=False,
        max_length=255,
        help_text=(
            "Your org's My Domain URL (https://yourcompany.my.salesforce.com; the client "
            "credentials flow needs it), or https://test.salesforce.com for a sandbox with "
            "the JWT bearer flow. Empty: https://login.salesforce.com."
        ),
    )
    client_id = forms.CharField(
        label="Client id (consumer key)", required=False, max_length=255,
        help_text="From the External Client App's OAuth settings.",
    )  # fmt: skip
    client_secret = forms.CharField(
        label="Client secret (consumer secret)",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="For the client credentials flow.",
    )
    username = forms.CharField(
        label="Integration user's username", required=False, max_length=255,
        help_text="For the JWT bearer flow.",
    )  # fmt: skip
    private_key = forms.CharField(
        label="Private key (PEM)",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=(
            "For the JWT bearer flow: paste the PEM text of the key whose certificate is "
            "uploaded to the External Client App."
        ),
    )
    api_version = forms.RegexField(
        label="API version", required=False, regex=r"^\d{2,3}\.0$", max_length=8,
        error_messages={"invalid": "An API version looks like 62.0."},
    )  # fmt: skip
    play_id_field = forms.RegexField(
        label="Play id field on Opportunity", required=False, regex=r"^[A-Za-z]\w*__c$",
        max_length=80,
        error_messages={"invalid": "The API name of a custom field, ending in __c."},
    )  # fmt: skip
    clear_client_secret = forms.BooleanField(label="Remove the stored secret", required=False)
    clear_private_key = forms.BooleanField(label="Remove the stored key", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, config: Config, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config
        for name, variable in ENVIRONMENT.items():
            setting = config.settings[name]
            field = self.fields[name]
            if name in DEFAULTS:
                field.widget.attrs["placeholder"] = DEFAULTS[name]
            if setting.source == "environment":
                # The deployment decides: shown as set there, not editable here.
                field.disabled = True
                field.help_text = f"Set by the environment ({variable})."
                if not isinstance(field.widget, forms.PasswordInput):
                    field.initial = setting.value

    def clean_private_key(self) -> str:
        text = (self.cleaned_data.get("private_key") or "").strip()
        if not text:
            return ""
        pem = _pem(text)
        try:
            load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(
                "Paste the whole unencrypted private key, from its -----BEGIN line to its "
                "-----END line."
            ) from error
        return pem

    def secrets(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in ("client_secret", "private_key")
            if not self.fields[name].disabled
        }

    def cleared(self) -> tuple[str, ...]:
        return tuple(
            name for name in ("client_secret", "private_key") if self.cleaned_data[f"clear_{name}"]
        )

    def values(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name] or ""
            for name in ("login_url", "client_id", "username", "api_version", "play_id_field")
            if not self.fields[name].disabled
        }


_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----(.*?)-----END \1-----", re.DOTALL)


def _pem(text: str) -> str:
    """The PEM text with its line breaks back: a password box drops them when pasted."""
    match = _PEM.search(text)
    if not match:
        return text
    body = "\n".join(textwrap.wrap("".join(match[2].split()), 64))
    return f"-----BEGIN {match[1]}-----\n{body}\n-----END {match[1]}-----\n"
