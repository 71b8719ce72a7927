"""The regional table page: an indicator summed over the organisations of the user's reporting
communities and a range of periods, each organisation from one source, through the disclosure
gate, with the coverage of every organisation and period; and the same table as CSV, XLSX and a
chart. The page, its downloads, its chart and the API (``/api/v1/returns/regional``) read the
same query and go through ``answer``, so they always show the same table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from waypoint.analytics import answers, charts
from waypoint.analytics.answers import MOST_SERIES
from waypoint.analytics.charts.common import Spec
from waypoint.analytics.disclosure import ProtectedTable, protect
from waypoint.analytics.views import CONTENT_TYPES, grid
from waypoint.returns.breakdowns import BREAKDOWNS
from waypoint.returns.models import Indicator, Questionnaire
from waypoint.returns.periods import Period, PeriodError
from waypoint.returns.statistics import Coverage, coverage, regional_table

#: The most periods one table spans.
MOST_PERIODS = 24
#: The table's dimension of periods (``returns.statistics``).
PERIOD = "period"


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


@dataclass(frozen=True)
class Regional:
    """The regional table a query asks for, through the disclosure gate, with its coverage."""

    questionnaire: Questionnaire
    indicator: Indicator
    breakdown: str | None
    periods: list[str]
    protected: ProtectedTable
    coverage: list[Coverage]


def answer(user: Any, form: RegionalForm) -> Regional | None:
    """The protected table and coverage the valid form asks for, as ``user`` may see them; None
    with the form's errors saying why."""
    if not form.is_bound or not form.is_valid():
        return None
    data = form.cleaned_data
    table = regional_table(
        user, data["questionnaire"], data["indicator"], data["periods"], data["breakdown"]
    )
    return Regional(
        questionnaire=data["questionnaire"],
        indicator=data["indicator"],
        breakdown=data["breakdown"],
        periods=data["periods"],
        protected=protect(table, actor=user),
        coverage=coverage(user, data["questionnaire"], data["periods"]),
    )


@require_GET
@login_required
def regional(request: HttpRequest) -> HttpResponse:
    form = RegionalForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    found = answer(request.user, form)
    if found is not None:
        organisations = sorted({item.organisation.code for item in found.coverage})
        by_key = {(item.organisation.code, item.period): item for item in found.coverage}
        query = "?" + request.GET.urlencode()
        context.update(
            protected=found.protected,
            grid=grid(found.protected, "count"),
            periods=found.periods,
            coverage=[
                (code, [by_key[(code, period)] for period in found.periods])
                for code in organisations
            ],
            links={
                "csv": reverse("returns_regional_download", args=["csv"]) + query,
                "xlsx": reverse("returns_regional_download", args=["xlsx"]) + query,
                "svg": reverse("returns_regional_chart", args=["svg"]) + query,
                "png": reverse("returns_regional_chart", args=["png"]) + query,
                "name": found.protected.table_id,
            },
            chart_alt=_("Chart of the table: %(title)s") % {"title": found.protected.table.title},
        )
    return render(request, "returns/regional.html", context)


@require_GET
@login_required
def regional_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The page's table as CSV or XLSX, with every row and the notes; a suppressed figure is
    empty and marked suppressed, never 0."""
    protected = _answer_or_404(request).protected
    content = answers.as_csv(protected) if fmt == "csv" else answers.as_xlsx(protected)
    return _file(content, fmt, f"{protected.table_id}.{fmt}")


@require_GET
@login_required
def regional_chart(request: HttpRequest, fmt: str) -> HttpResponse:
    """The page's table as a chart: a trend over the periods (a line per category of the
    breakdown), or, for one period, bars by the breakdown; a suppressed figure is drawn hatched,
    never as 0."""
    found = _answer_or_404(request)
    spec = chart(found.protected, found.breakdown, language=get_language())
    content = charts.to_svg(spec) if fmt == "svg" else charts.to_png(spec)
    return _file(content, fmt)


def _answer_or_404(request: HttpRequest) -> Regional:
    found = answer(request.user, RegionalForm(request.GET or None))
    if found is None:
        raise Http404("The regional table cannot answer this request.")
    return found


def _file(content: str | bytes, fmt: str, name: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    if name is not None:
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def chart(protected: ProtectedTable, breakdown: str | None, *, language: str | None) -> Spec:
    """A trend over the periods when there are several, else bars by the breakdown (or the one
    period's total); a breakdown with more categories than a chart tells apart is drawn as its
    total."""
    periods = next(d for d in protected.table.dimensions if d.name == PERIOD)
    if len(periods.categories) > 1:
        series = breakdown
        if breakdown is not None and len(_categories(protected, breakdown)) > MOST_SERIES:
            series = None
        return charts.trend_chart(protected, time=PERIOD, series=series, language=language)
    return charts.breakdown_chart(protected, dimension=breakdown or PERIOD, language=language)


def _categories(protected: ProtectedTable, name: str) -> tuple[str, ...]:
    return next(d.categories for d in protected.table.dimensions if d.name == name)
