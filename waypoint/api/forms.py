"""The form of the account page that creates an API token."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.api.actions import MAX_NAME

LIFETIMES = [
    ("30", _("in 30 days")),
    ("90", _("in 90 days")),
    ("365", _("in a year")),
    ("never", _("never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=MAX_NAME,
        help_text=_("What the token is for, e.g. the script or the computer that uses it."),
    )
    lifetime = forms.ChoiceField(label=_("Expires"), choices=LIFETIMES, initial="90")

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data["lifetime"]
        return None if days == "never" else timezone.now() + datetime.timedelta(days=int(days))
