"""UNODC's Global Report on Trafficking in Persons country data (``data_glotip.xlsx``).

One figure per row, in a long layout whose ``Category`` means what ``Dimension`` says: a form of
exploitation, a citizenship or a country of repatriation. Each year is one return of the
importing (publishing) organisation for the questionnaire ``annual``; every figure carries the
``country`` it is about (``Iso3_code``).

Mapped: ``Indicator`` to the ``tip_*`` indicators (victims by country of repatriation are the
repatriated victims, ``tip_victims_repatriated``); ``Sex`` and ``Age`` to their codes, ``Total``
meaning not broken down; ``<5`` to a censored figure (never 0); ``1,282`` to 1282. Citizenship and
country names through ``importers.names`` ("Nationals" is the reporting country). A row that
cannot be mapped (a regional aggregate, a category that is not one country, a breakdown the
indicator does not take) is left out and reported with its row, column, value and reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from waypoint.bulk.mapping import Issue, Rejected, fold, text_of
from waypoint.bulk.sources import Row, SourceError, Table
from waypoint.reference import catalogue
from waypoint.returns.importers.formats import (
    Format,
    ImportedFigure,
    Place,
    ReadContext,
    figure_value,
    issue,
    rejected_issue,
    where,
)
from waypoint.returns.importers.names import CountryNames
from waypoint.returns.periods import Period, PeriodError

QUESTIONNAIRE = "annual"
REQUIRED = ("iso3_code", "indicator", "dimension", "category", "sex", "age", "year", "txtvalue")
COLUMNS = (*REQUIRED, "country", "region", "subregion", "unit_of_measurement", "source")

#: The publisher's words, folded, to Waypoint's codes.
INDICATORS = {
    "detected_trafficking_victims": "tip_victims_detected",
    "persons_brought_into_formal_contact": "tip_persons_formal_contact",
    "persons_prosecuted": "tip_persons_prosecuted",
    "persons_convicted": "tip_persons_convicted",
    "offences_of_trafficking_in_persons": "tip_offences",
}
#: Detected victims counted by their country of repatriation are the repatriated victims.
BY_DIMENSION = {("tip_victims_detected", "country_of_repatriation"): "tip_victims_repatriated"}
DIMENSIONS: dict[str, str | None] = {
    "total": None,
    "by_form_of_exploitation": "exploitation",
    "by_citizenship": "citizenship",
    "by_country_of_repatriation": "country_of_repatriation",
}
EXPLOITATION = {
    "sexual_exploitation": "sexual_exploitation",
    "forced_labour": "forced_labour",
    "other_forms_of_exploitation": "other",
}
SEX: dict[str, str | None] = {
    "total": None,
    "female": "female",
    "male": "male",
    "other": "other",
    "unknown": "unknown",
}
AGE: dict[str, str | None] = {
    "total": None,
    "0_to_17_years": "child",
    "18_years_or_over": "adult",
    "unknown": "unknown",
}


class LeftOut(Exception):
    """The row cannot be mapped: its cell at fault and why."""

    def __init__(self, column: str, reason: str, code: str, accepted: str = "") -> None:
        super().__init__(reason)
        self.column, self.reason, self.code, self.accepted = column, reason, code, accepted


def recognise(tables: list[Table]) -> float:
    best = 0.0
    for table in tables:
        found = len(set(REQUIRED) & table.columns) / len(REQUIRED)
        best = max(best, 1.0 if found == 1 else found / 2)
    return best


def read(tables: list[Table], context: ReadContext) -> Iterator[ImportedFigure | Issue]:
    readable = [table for table in tables if set(REQUIRED) <= table.columns]
    if not readable:
        missing = sorted(set(REQUIRED) - tables[0].columns)
        raise SourceError(
            tables[0].file,
            _("the GLOTIP layout needs the columns %(columns)s") % {"columns": ", ".join(missing)},
        )
    for table in tables:
        if table not in readable:
            context.notice(_("%(where)s: not read (no GLOTIP header)") % {"where": where(table)})
    for table in readable:
        context.report_extra_columns(table, COLUMNS)
        rows = _Rows(table, context)
        for row in table.rows:
            context.rows += 1
            yield rows.read(row)


class _Rows:
    def __init__(self, table: Table, context: ReadContext) -> None:
        self.table, self.context = table, context
        self.names = {
            "citizenship": CountryNames("citizenship"),
            "country_of_repatriation": CountryNames("country_of_repatriation"),
        }
        self.countries = catalogue.country_codes()

    def read(self, row: Row) -> ImportedFigure | Issue:
        try:
            return self._figure(row)
        except LeftOut as left_out:
            column = self.table.written(left_out.column)
            raw = row.get(left_out.column)
            return issue(row, column, raw, left_out.reason, left_out.code, left_out.accepted)
        except _RejectedCell as cell:
            return rejected_issue(row, self.table.written(cell.column), cell.raw, cell.rejection)

    def _figure(self, row: Row) -> ImportedFigure:
        country = self._country(row)
        code = _mapped(row, "indicator", INDICATORS, _words(INDICATORS))
        dimension = _mapped(row, "dimension", DIMENSIONS, _words(DIMENSIONS))
        categories = {"country": country}
        if dimension is not None:
            categories[dimension] = self._category(row, dimension, country)
        elif fold(text_of(row.get("category"))) != "total":
            raise LeftOut("category", _("A total has no category."), "unexpected_category")
        for column, codes in (("sex", SEX), ("age", AGE)):
            category = _mapped(row, column, codes, _words(codes))
            if category is not None:
                categories["sex" if column == "sex" else "age_group"] = category
        unit = fold(text_of(row.get("unit_of_measurement")))
        if unit not in ("", "counts"):
            raise LeftOut("unit_of_measurement", _("Only counts are imported."), "unit")
        indicator = self._indicator(BY_DIMENSION.get((code, dimension or ""), code), categories)
        value, censored = self._value(row)
        return ImportedFigure(
            questionnaire=QUESTIONNAIRE,
            period=self._period(row),
            indicator=indicator,
            categories=categories,
            value=value,
            censored_below=censored,
            place=Place(row.file, row.sheet, row.number, self.table.written("txtvalue")),
        )

    def _country(self, row: Row) -> str:
        code = text_of(row.get("iso3_code"))
        if code in self.countries:
            return code
        name = text_of(row.get("country"))
        if name:
            reason = _("%(country)s has no ISO 3166-1 alpha-3 code in the reference data.") % {
                "country": name
            }
            raise LeftOut("iso3_code", reason, "no_country_code")
        raise LeftOut(
            "iso3_code",
            _("A regional aggregate, not a country (ISO 3166-1 alpha-3 code)."),
            "regional_aggregate",
        )

    def _category(self, row: Row, dimension: str, country: str) -> str:
        raw = row.get("category")
        if dimension == "exploitation":
            code: str = _mapped(row, "category", EXPLOITATION, _words(EXPLOITATION))
            return code
        reporting = country if dimension == "citizenship" else None
        try:
            return self.names[dimension].code(text_of(raw), reporting)
        except Rejected as rejection:
            raise _RejectedCell("category", raw, rejection) from None

    def _indicator(self, code: str, categories: dict[str, str]) -> str:
        indicator = self.context.indicators.get(code)
        if indicator is None:
            raise LeftOut("indicator", _("%(code)s is not in the catalogue.") % {"code": code}, "")
        for name in categories:
            if name not in indicator.breakdowns:
                column = {"sex": "sex", "age_group": "age"}.get(name, "dimension")
                reason = _(
                    "%(indicator)s is not broken down by %(name)s in the indicator catalogue."
                ) % {"indicator": code, "name": name}
                raise LeftOut(column, reason, "breakdown", ", ".join(indicator.breakdowns))
        return code

    def _period(self, row: Row) -> str:
        raw = row.get("year")
        try:
            return str(Period.parse(text_of(raw)))
        except PeriodError as error:
            raise LeftOut("year", str(error), "invalid_period") from None

    def _value(self, row: Row) -> tuple[Any, int | None]:
        raw = row.get("txtvalue")
        try:
            value, censored = figure_value(raw)
        except Rejected as rejection:
            raise _RejectedCell("txtvalue", raw, rejection) from None
        if value is None and censored is None:
            raise LeftOut("txtvalue", _("No figure is given."), "blank")
        return value, censored


def _words(codes: dict[str, Any]) -> str:
    """The publisher's words a mapping knows, as the file writes them (near enough)."""
    return ", ".join(key.replace("_", " ").capitalize() for key in codes)


class _RejectedCell(Exception):
    def __init__(self, column: str, raw: Any, rejection: Rejected) -> None:
        super().__init__(rejection.reason)
        self.column, self.raw, self.rejection = column, raw, rejection


def _mapped(row: Row, column: str, codes: dict[str, Any], accepted: str) -> Any:
    raw = row.get(column)
    key = fold(text_of(raw))
    if key not in codes:
        reason = _("The importer has no mapping for “%(value)s”.") % {"value": text_of(raw)}
        raise LeftOut(column, reason, "unmapped", accepted)
    return codes[key]


FORMAT = Format(
    name="glotip",
    title="UNODC GLOTIP country data",
    recognise=recognise,
    read=read,
    leaves_out=True,
    description=(
        "UNODC Global Report on Trafficking in Persons country data (data_glotip.xlsx): one "
        "figure per row; each year one return of the questionnaire annual"
    ),
)
