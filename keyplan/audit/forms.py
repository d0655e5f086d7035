"""The audit page's filters."""

from django import forms

from keyplan.audit import kinds


class AuditFilter(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any event"), *sorted(kinds.LABELS.items(), key=lambda kv: kv[1])],
    )
    login = forms.CharField(required=False, max_length=150, label="User")
    address = forms.CharField(required=False, max_length=45, label="Address")
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")
    text = forms.CharField(required=False, max_length=200, label="Text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["since"].widget.input_type = "date"
        self.fields["until"].widget.input_type = "date"
        for name in ("login", "address", "text"):
            self.fields[name].widget.attrs["placeholder"] = self.fields[name].label
