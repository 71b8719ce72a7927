"""The regional table page: an indicator summed over the organisations of the user's reporting
communities and a range of periods, each organisation from one source, through the disclosure
gate, with the coverage of every organisation and period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from waypoint.analytics.disclosure import protect
from waypoint.analytics.views import grid
from waypoint.returns.breakdowns import BREAKDOWNS
from waypoint.returns.models import Indicator, Questionnaire
from waypoint.returns.periods import Period, PeriodError
from waypoint.returns.statistics import coverage, regional_table

#: The most periods one table spans.
MOST_PERIODS = 24


class RegionalForm(forms.Form):
    questionnaire = forms.ChoiceField(label=_("Questionnaire"))
    indicator = forms.ChoiceField(label=_("Indicator"))
    breakdown = forms.ChoiceField(label=_("Broken down by"), required=False)
    period_from = forms.CharField(label=_("From period"), max_length=7)
    period_to = forms.CharField(label=_("To period"), max_length=7)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        questionnaires = list(Questionnaire.objects.all())
        self.fields["questionnaire"].choices = [(q.code, str(q)) for q in questionnaires]  # type: ignore[attr-defined]
        indicators = Indicator.objects.filter(deprecated=False)
        self.fields["indicator"].choices = [(i.code, i.name) for i in indicators]  # type: ignore[attr-defined]
        self.fields["breakdown"].choices = [("", _("(none)"))] + [  # type: ignore[attr-defined]
            (name, capfirst(str(b.label))) for name, b in BREAKDOWNS.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        questionnaire = Questionnaire.objects.get(code=data["questionnaire"])
        indicator = Indicator.objects.get(code=data["indicator"])
        if not questionnaire.items.filter(indicator=indicator).exists():
            raise forms.ValidationError(_("This questionnaire does not ask for this indicator."))
        breakdown = data.get("breakdown") or None
        if breakdown and breakdown not in indicator.breakdowns:
            raise forms.ValidationError(
                _("This indicator is not broken down by %(breakdown)s.")
                % {"breakdown": BREAKDOWNS[breakdown].label}
            )
        try:
            first, last = Period.parse(data["period_from"]), Period.parse(data["period_to"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        if first.kind != questionnaire.period_kind or last.kind != first.kind or last < first:
            raise forms.ValidationError(
                _("Give two periods of the questionnaire's kind, the first not after the last.")
            )
        periods = [first]
        while periods[-1] < last and len(periods) <= MOST_PERIODS:
            periods.append(periods[-1].following())
        if len(periods) > MOST_PERIODS:
            raise forms.ValidationError(
                _("Ask for at most %(most)d periods at a time.") % {"most": MOST_PERIODS}
            )
        data.update(
            questionnaire=questionnaire,
            indicator=indicator,
            breakdown=breakdown,
            periods=[str(period) for period in periods],
        )
        return data


@require_GET
@login_required
def regional(request: HttpRequest) -> HttpResponse:
    form = RegionalForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        table = regional_table(
            request.user,
            data["questionnaire"],
            data["indicator"],
            data["periods"],
            data["breakdown"],
        )
        protected = protect(table, actor=request.user)
        covered = coverage(request.user, data["questionnaire"], data["periods"])
        organisations = sorted({item.organisation.code for item in covered})
        by_key = {(item.organisation.code, item.period): item for item in covered}
        context.update(
            protected=protected,
            grid=grid(protected, "count"),
            periods=data["periods"],
            coverage=[
                (code, [by_key[(code, period)] for period in data["periods"]])
                for code in organisations
            ],
        )
    return render(request, "returns/regional.html", context)
