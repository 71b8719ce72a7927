"""Forms of the sign-in and account pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, max_length=4096)


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


class PasswordConfirmForm(forms.Form):
    """The current password, asked again before a change to two-factor sign-in."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def normalise_code(code: str) -> str:
    """Drop the spaces and dashes people type or paste between groups; recovery codes are lower case."""
    return "".join(character for character in code if character not in " -\t").lower()
