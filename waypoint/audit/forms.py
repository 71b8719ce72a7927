"""The filters of the audit page, read from GET parameters."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from waypoint.audit.models import Action, AuditEventQuerySet


class EventFilter(forms.Form):
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target = forms.CharField(label=_("Record identifier"), required=False, max_length=150)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def apply(self, events: AuditEventQuerySet) -> AuditEventQuerySet:
        data = self.cleaned_data
        if data.get("actor"):
            events = events.by(data["actor"].strip())
        if data.get("action"):
            events = events.of_action(data["action"])
        if data.get("since"):
            events = events.since(_midnight(data["since"]))
        if data.get("until"):
            events = events.before(_midnight(data["until"] + datetime.timedelta(days=1)))
        if data.get("target"):
            events = events.about(data["target"].strip())
        return events


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
