"""Statistics pages: the standard tables, each with its filters, its protected figures as an HTML
table, its chart and its downloads.

Every figure on these pages, in their charts and in their downloads comes from
``answers.answer``, so it has passed the disclosure gate: a suppressed figure is shown as
suppressed, never as 0. The page, its chart and its downloads read the same query string, so they
always show the same table.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from waypoint.analytics import answers, charts, statistics
from waypoint.analytics.disclosure import ProtectedCell, ProtectedTable
from waypoint.analytics.statistics import Scope, SpecError, StandardTable, StatSpec, explorer
from waypoint.analytics.statistics.explorer import BREAKDOWNS, Level, Question
from waypoint.analytics.table import TOTAL
from waypoint.cases.models import Incident, Label
from waypoint.cases.presentation import incident_rows
from waypoint.reference import catalogue
from waypoint.reference.models import Region

#: The index groups the standard tables by the question they answer; a table not named here
#: is listed under "Other tables", so that a new table shows without a change here.
THEMES: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (
        _("Victims of trafficking in persons"),
        (
            "victims_by_sex_age_year",
            "victims_by_citizenship_year",
            "victims_by_exploitation_year",
            "victims_by_country_of_exploitation_year",
            "repatriations_by_country_year",
        ),
    ),
    (_("Offenders and criminal justice"), ("offenders_by_stage_sex_citizenship_year",)),
    (_("Violence against migrants"), ("violence_by_form_bias_year",)),
    (
        _("Smuggling of migrants, routes and deaths"),
        (
            "smuggling_by_route_year",
            "flows_by_path_year",
            "casualties_by_route_cause_year",
            "fees_by_route_year",
            "modes_methods_year",
        ),
    ),
    (_("Links between smuggling, trafficking and violence"), ("crime_links_year",)),
)

#: Names of the tables' measures for people; "count" is named after the table's unit.
MEASURES = {
    "incidents": _("incidents"),
    "smuggled_migrants": _("smuggled migrants"),
    "migrants": _("migrants"),
    "dead": _("dead"),
    "missing": _("missing"),
    "injured": _("injured"),
    "rescued": _("rescued"),
    "median": _("median"),
    "q1": _("first quartile"),
    "q3": _("third quartile"),
}

#: The most rows the page draws (a page for slow connections); the downloads hold every row.
MOST_ROWS = 500

#: Short names of the sharing labels; TLP names are not translated.
LABEL_NAMES = {
    Label.RED: "TLP:RED",
    Label.AMBER_STRICT: "TLP:AMBER+STRICT",
    Label.AMBER: "TLP:AMBER",
    Label.GREEN: "TLP:GREEN",
}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
}

#: A route given by its ends, as the route dimension writes it: ``AFG>ITA``.
ROUTE_PAIR = re.compile(r"^([A-Z]{3}|unknown)>([A-Z]{3}|unknown)$")


# The filters -------------------------------------------------------------------------------------


class RouteField(forms.MultipleChoiceField):
    """Named routes from the list, or a route by its ends (``AFG>ITA``) from a link."""

    def valid_value(self, value: str) -> bool:
        return bool(ROUTE_PAIR.match(value)) or super().valid_value(value)


YEAR = forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900, "max": 2100})


class TableFilters(forms.Form):
    """What a standard table counts, read from the query string (the API's parameter names)."""

    year_from = forms.IntegerField(label=_("From"), required=False, widget=YEAR)
    year_to = forms.IntegerField(label=_("To"), required=False, widget=YEAR)
    kind = forms.MultipleChoiceField(
        label=_("Kinds of incident"), required=False, widget=forms.CheckboxSelectMultiple
    )
    country = forms.MultipleChoiceField(
        label=_("Countries where the incidents happened"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    region = forms.MultipleChoiceField(
        label=_("Regions where the incidents happened"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    route = RouteField(
        label=_("Routes"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    label = forms.MultipleChoiceField(
        label=_("Sharing labels"), required=False, widget=forms.CheckboxSelectMultiple
    )
    public = forms.BooleanField(
        label=_("Published statistics only"),
        required=False,
        help_text=_(
            "Count only the incidents whose owners agreed to their use in published statistics, "
            "with the stricter threshold of public releases."
        ),
    )
    currency = forms.ChoiceField(label=_("Currency of the fees"), required=False)
    measure = forms.ChoiceField(label=_("Figure shown"), required=False)

    def __init__(self, data: Any, *, table: StandardTable) -> None:
        super().__init__(data)
        self.table = table
        fields = self.fields
        fields["kind"].choices = _choices("incident_kind")  # type: ignore[attr-defined]
        fields["route"].choices = _choices("migration_route")  # type: ignore[attr-defined]
        fields["country"].choices = _countries()  # type: ignore[attr-defined]
        fields["region"].choices = _regions()  # type: ignore[attr-defined]
        fields["label"].choices = list(LABEL_NAMES.items())  # type: ignore[attr-defined]
        if "median" in table.measures:
            fields["currency"].choices = [("", _("the most used"))] + [  # type: ignore[attr-defined]
                (code, code) for code in sorted(catalogue.currency_codes())
            ]
        else:
            del fields["currency"]
        if len(table.measures) > 1:
            fields["measure"].choices = [  # type: ignore[attr-defined]
                (measure, capfirst(measure_label(table, measure))) for measure in table.measures
            ]
        else:
            del fields["measure"]

    def spec(self, user: Any) -> StatSpec:
        """The request the valid form makes; SpecError when the statistics refuse it."""
        data = self.cleaned_data
        return StatSpec(
            self.table.id,
            Scope.published() if data["public"] else Scope.of(user),
            year_from=data["year_from"],
            year_to=data["year_to"],
            countries=tuple(data["country"]),
            regions=tuple(data["region"]),
            kinds=tuple(data["kind"]),
            labels=tuple(data["label"]),
            routes=tuple(data["route"]),
            currency=data.get("currency") or None,
        )

    @property
    def shown_measure(self) -> str:
        """The measure the page shows (every one is in the downloads)."""
        chosen = getattr(self, "cleaned_data", {}).get("measure")
        return chosen or self.table.measures[0]


def _choices(vocabulary: str) -> list[tuple[str, str]]:
    terms = catalogue.vocabulary_labels(vocabulary).values()
    return [(term.code, term.label()) for term in terms if not term.deprecated]


def _countries() -> list[tuple[str, str]]:
    named = ((code, catalogue.country_label(code)) for code in catalogue.country_codes())
    return sorted(named, key=lambda choice: choice[1].casefold())


def _regions() -> list[tuple[str, str]]:
    """UN M49 regions, sub-regions and intermediate regions, by name."""
    named = ((region.m49, region.label()) for region in Region.objects.all())
    return sorted(named, key=lambda choice: choice[1].casefold())


def measure_label(table: StandardTable | ProtectedTable, measure: str) -> str:
    if measure == "count":
        return str(table.table.unit if isinstance(table, ProtectedTable) else table.unit)
    return str(MEASURES.get(measure, measure.replace("_", " ")))


# The explorer's question ----------------------------------------------------------------------

#: What the explorer shows before anything is asked.
FIRST_QUESTION = Question("victims", ("sex", "year"))

#: The explorer's breakdown lists group breakdowns by the record they read.
LEVELS = {
    Level.INCIDENT: _("The incident"),
    Level.PERSON: _("The person"),
    Level.VICTIM: _("What happened to a victim"),
    Level.OFFENDER: _("The offender's criminal-justice record"),
}
BREAKDOWN_FIELDS = ("first", "second", "third")


class ExplorerForm(TableFilters):
    """The explorer's question (a subject and up to three breakdowns) and the filters of every
    table, read from the query string."""

    subject = forms.ChoiceField(label=_("Count"), required=False)
    first = forms.ChoiceField(label=_("First"), required=False)
    second = forms.ChoiceField(label=_("Then"), required=False)
    third = forms.ChoiceField(label=_("Across"), required=False)

    def __init__(self, data: Any) -> None:
        self.question, self.question_error = _question(data)
        super().__init__(data, table=(self.question or FIRST_QUESTION).definition())
        self.fields["subject"].choices = [  # type: ignore[attr-defined]
            (name, capfirst(str(subject.label))) for name, subject in explorer.SUBJECTS.items()
        ]
        grouped = [
            (
                str(title),
                [(b.name, capfirst(str(b.label))) for b in BREAKDOWNS.values() if b.level == level],
            )
            for level, title in LEVELS.items()
        ]
        for name in BREAKDOWN_FIELDS:
            self.fields[name].choices = [("", _("(none)")), *grouped]  # type: ignore[attr-defined]
        if not data:  # the first visit: show the first question as the form's values
            self.initial = {"subject": FIRST_QUESTION.subject} | dict(
                zip(BREAKDOWN_FIELDS, FIRST_QUESTION.breakdowns, strict=False)
            )

    @property
    def breakdown_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in BREAKDOWN_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.question_error:
            raise forms.ValidationError(self.question_error)
        return cleaned


def _question(data: Any) -> tuple[Question | None, str]:
    """The question the query string asks (the first question when it asks nothing), or None
    with the reason it cannot be answered."""
    subject = (data.get("subject") or "") if data else ""
    breakdowns = (
        tuple(data.get(name) for name in BREAKDOWN_FIELDS if data.get(name)) if data else ()
    )
    if not subject and not breakdowns:
        return FIRST_QUESTION, ""
    try:
        return Question(subject or FIRST_QUESTION.subject, breakdowns), ""
    except SpecError as error:
        return None, str(error)


# The figures as an HTML table --------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One cell as the page shows it: its value formatted for the language ("" when
    suppressed), the half-width of its error interval when it carries noise, and where the
    incidents behind it are listed (explorer figures only)."""

    text: str
    suppressed: bool
    margin: str = ""
    link: str = ""


@dataclass(frozen=True)
class Header:
    text: str
    #: The same category as the row above: shown lighter, still read out.
    repeated: bool = False


@dataclass(frozen=True)
class Row:
    headers: tuple[Header, ...]
    figures: tuple[Figure, ...]
    #: How many of the row's categories are totals: 0 for inner rows.
    totals: int
    grand_total: bool


@dataclass(frozen=True)
class Grid:
    """A protected table laid out for the page: the last dimension across (with its total),
    one row per combination of the others; rows where nothing was counted are left out."""

    row_dimensions: tuple[str, ...]
    column_dimension: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    empty_rows: int
    cut_rows: int


#: Gives the address listing the incidents behind a published cell, or "" for none.
Drill = Callable[[ProtectedCell], str]


def grid(protected: ProtectedTable, measure: str, drill: Drill | None = None) -> Grid:
    dimensions = protected.table.dimensions
    cells = list(protected.rows())
    row_dimensions: tuple[str, ...]
    columns: tuple[str, ...]
    if len(dimensions) == 1:
        lines = [[cell] for cell in cells]
        row_dimensions = (str(dimensions[0].label),)
        column_dimension, columns = "", (capfirst(measure_label(protected, measure)),)
    else:
        across = dimensions[-1]
        width = len(across.categories) + 1
        lines = [cells[start : start + width] for start in range(0, len(cells), width)]
        row_dimensions = tuple(str(dimension.label) for dimension in dimensions[:-1])
        column_dimension = str(across.label)
        columns = tuple(cell.labels[-1] for cell in lines[0]) if lines else ()
    kept = [line for line in lines if not _nothing_counted(line)]
    rows = _rows(kept[:MOST_ROWS], measure, single=len(dimensions) == 1, drill=drill)
    return Grid(
        row_dimensions=row_dimensions,
        column_dimension=column_dimension,
        columns=columns,
        rows=tuple(rows),
        empty_rows=len(lines) - len(kept),
        cut_rows=max(0, len(kept) - MOST_ROWS),
    )


def _nothing_counted(line: Sequence[ProtectedCell]) -> bool:
    return all(not cell.suppressed and not cell.count for cell in line)


def _rows(
    lines: Iterable[Sequence[ProtectedCell]], measure: str, *, single: bool, drill: Drill | None
) -> list[Row]:
    rows = []
    previous: tuple[str, ...] = ()
    for line in lines:
        first = line[0]
        key = first.key if single else first.key[:-1]
        labels = first.labels if single else first.labels[:-1]
        headers = tuple(
            Header(str(label), repeated=key[: index + 1] == previous[: index + 1])
            for index, label in enumerate(labels)
        )
        totals = sum(1 for category in key if category == TOTAL)
        rows.append(
            Row(
                headers=headers,
                figures=tuple(_figure(cell, measure, drill) for cell in line),
                totals=totals,
                grand_total=totals == len(key),
            )
        )
        previous = key
    return rows


def _figure(cell: ProtectedCell, measure: str, drill: Drill | None = None) -> Figure:
    if cell.suppressed:
        return Figure("", True)
    value = cell.count if measure == "count" else cell.values.get(measure)
    margin = _number(cell.margin) if cell.noisy and cell.margin is not None else ""
    link = drill(cell) if drill is not None and cell.count and not cell.noisy else ""
    return Figure("–" if value is None else _number(value), False, margin, link)


def _number(value: float) -> str:
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=2, force_grouping=True)


# The pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    title: str
    tables: tuple[StandardTable, ...]


def themes() -> list[Theme]:
    """The standard tables grouped by question, in the registry's order within each group."""
    by_id = {table.id: table for table in statistics.REGISTRY}
    grouped = [
        Theme(str(title), tuple(by_id[i] for i in ids if i in by_id)) for title, ids in THEMES
    ]
    named = {i for _, ids in THEMES for i in ids}
    others = tuple(table for table in statistics.REGISTRY if table.id not in named)
    if others:
        grouped.append(Theme(str(_("Other tables")), others))
    return [theme for theme in grouped if theme.tables]


@require_GET
@login_required
def statistics_index(request: HttpRequest) -> HttpResponse:
    return render(request, "analytics/index.html", {"themes": themes()})


@require_GET
@login_required
def statistics_table(request: HttpRequest, table_id: str) -> HttpResponse:
    table = _table_or_404(table_id)
    form = TableFilters(request.GET, table=table)
    query = _query(request)
    links = {
        "csv": reverse("statistics_download", args=[table.id, "csv"]) + query,
        "xlsx": reverse("statistics_download", args=[table.id, "xlsx"]) + query,
        "svg": reverse("statistics_chart", args=[table.id, "svg"]) + query,
        "png": reverse("statistics_chart", args=[table.id, "png"]) + query,
        "name": table.id,
    }
    context = _figures(request, form, links)
    return render(request, "analytics/table.html", context | {"table": table})


@require_GET
@login_required
def statistics_table_download(request: HttpRequest, table_id: str, fmt: str) -> HttpResponse:
    """The table as CSV or XLSX, with every row and the footnotes."""
    form = TableFilters(request.GET, table=_table_or_404(table_id))
    return _download(_answer_or_404(form, request.user), fmt)


@require_GET
@login_required
def statistics_table_chart(request: HttpRequest, table_id: str, fmt: str) -> HttpResponse:
    """The table's chart (a flow map, a map, a trend or bars), drawn once and kept on disk."""
    form = TableFilters(request.GET, table=_table_or_404(table_id))
    return _chart(_answer_or_404(form, request.user), fmt)


@require_GET
@login_required
def statistics_explorer(request: HttpRequest) -> HttpResponse:
    """Any subject by up to three breakdowns; each published figure links to its incidents."""
    form = ExplorerForm(request.GET)
    query = _query(request)
    name = (form.question or FIRST_QUESTION).table_id
    links = {
        "csv": reverse("statistics_explorer_download", args=["csv"]) + query,
        "xlsx": reverse("statistics_explorer_download", args=["xlsx"]) + query,
        "svg": reverse("statistics_explorer_chart", args=["svg"]) + query,
        "png": reverse("statistics_explorer_chart", args=["png"]) + query,
        "name": name,
    }
    return render(request, "analytics/explorer.html", _figures(request, form, links, drill=True))


@require_GET
@login_required
def statistics_explorer_download(request: HttpRequest, fmt: str) -> HttpResponse:
    return _download(_answer_or_404(ExplorerForm(request.GET), request.user), fmt)


@require_GET
@login_required
def statistics_explorer_chart(request: HttpRequest, fmt: str) -> HttpResponse:
    return _chart(_answer_or_404(ExplorerForm(request.GET), request.user), fmt)


#: How a cell's total category is written in a drill-down address.
TOTAL_IN_ADDRESS = "total"
#: Incidents per page of a drill-down.
PAGE_SIZE = 50


@require_GET
@login_required
def statistics_explorer_incidents(request: HttpRequest) -> HttpResponse:
    """The incidents behind one published figure of the explorer: only incidents the user may
    see (the figure counts nothing else), and never behind a suppressed figure."""
    form = ExplorerForm(request.GET)
    protected = _answer_or_404(form, request.user)
    if form.cleaned_data["public"] or form.question is None:
        raise Http404("Published statistics list no incidents.")
    key = tuple(TOTAL if code == TOTAL_IN_ADDRESS else code for code in request.GET.getlist("cell"))
    if key not in protected.table.cells:
        raise Http404("The table has no such figure.")
    cell = protected.cell(*key)
    context: dict[str, Any] = {
        "protected": protected,
        "cell": cell,
        "parts": [
            (capfirst(str(dimension.label)), label)
            for dimension, label in zip(protected.table.dimensions, cell.labels, strict=True)
        ],
        "back": reverse("statistics_explorer") + _query(request, without=("cell", "page")),
        "query": request.GET.urlencode(),
    }
    if not cell.suppressed:
        spec = form.spec(request.user)
        found = explorer.incidents_behind(spec, form.question, key)
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        visible = Incident.objects.visible_to(request.user).select_related("owner")
        incidents = visible.in_bulk(list(page.object_list))
        shown = [incidents[pk] for pk in page.object_list if pk in incidents]
        context |= {
            "page": page,
            "rows": _incident_rows(request.user, shown),
            "page_query": _query(request, without=("page",)).lstrip("?"),
        }
    return render(request, "analytics/explorer_incidents.html", context)


def _incident_rows(user: Any, incidents: list[Incident]) -> list[Any]:
    return [
        dataclasses.replace(row, label=LABEL_NAMES.get(Label(incident.label), row.label))
        for row, incident in zip(incident_rows(user, incidents), incidents, strict=True)
    ]


def _query(request: HttpRequest, without: Sequence[str] = ()) -> str:
    """The request's query string, for the addresses of the same table ("" when empty)."""
    query = request.GET.copy()
    for name in without:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _figures(
    request: HttpRequest, form: TableFilters, links: dict[str, str], *, drill: bool = False
) -> dict[str, Any]:
    """What a page of figures shows: the form, the protected table laid out, its links."""
    protected = _answer(form, request.user)
    context: dict[str, Any] = {"form": form, "protected": protected, "links": links}
    if protected is None:
        return context
    drilling = None
    if drill and not form.cleaned_data["public"]:
        base = reverse("statistics_explorer_incidents") + _query(request, without=("cell",))
        joiner = "&" if "?" in base else "?"

        def drilling(cell: ProtectedCell) -> str:
            codes = [TOTAL_IN_ADDRESS if code == TOTAL else code for code in cell.key]
            return base + joiner + urlencode([("cell", code) for code in codes])

    return context | {
        "grid": grid(protected, form.shown_measure, drilling),
        "measure": capfirst(measure_label(protected, form.shown_measure)),
        "query": request.GET.urlencode(),
        "chart_alt": _("Chart of the table: %(title)s") % {"title": protected.table.title},
    }


def _download(protected: ProtectedTable, fmt: str) -> HttpResponse:
    content = answers.as_csv(protected) if fmt == "csv" else answers.as_xlsx(protected)
    return _file(content, fmt, f"{protected.table_id}.{fmt}")


def _chart(protected: ProtectedTable, fmt: str) -> HttpResponse:
    try:
        spec = answers.default_chart(protected, language=get_language())
    except ValueError:
        raise Http404("This table has no chart.") from None
    content = charts.to_svg(spec) if fmt == "svg" else charts.to_png(spec)
    return _file(content, fmt)


def _table_or_404(table_id: str) -> StandardTable:
    try:
        return statistics.get(table_id)
    except KeyError:
        raise Http404("There is no statistical table with this id.") from None


def _answer(form: TableFilters, user: Any) -> ProtectedTable | None:
    """The protected table the form asks for, or None with the form's errors saying why."""
    if not form.is_valid():
        return None
    try:
        return answers.answer(form.spec(user), actor=user, question=_question_of(form))
    except SpecError as error:
        form.add_error(None, str(error))
        return None


def _answer_or_404(form: TableFilters, user: Any) -> ProtectedTable:
    protected = _answer(form, user)
    if protected is None:
        raise Http404("The statistics cannot answer this request.")
    return protected


def _question_of(form: TableFilters) -> Question | None:
    return form.question if isinstance(form, ExplorerForm) else None


def _file(content: str | bytes, fmt: str, name: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    if name is not None:
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
