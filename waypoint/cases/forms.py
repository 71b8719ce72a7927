from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RevealForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)
    field = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)
    justification = forms.CharField(
        label=_("Why do you need to see it?"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit log with your name and the time."),
    )
