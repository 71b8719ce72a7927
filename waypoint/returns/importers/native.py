"""Waypoint's own layout: one figure per row (``returns/data/template.csv``;
docs/returns-formats.md).

Columns ``questionnaire, period, indicator, value, censored_below, note``, then one column per
breakdown (``country, sex, age_group, citizenship, …``, the names of ``BREAKDOWNS``) holding the
category code, empty where the figure is not broken down by it. A figure is censored with
``censored_below`` (or ``<5`` in ``value``); a blank value is a figure not available. The file is
the organisation's own: any row that cannot be read stops the import, naming its row and column.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from waypoint.bulk.formulas import restore
from waypoint.bulk.mapping import Issue, Rejected, text_of
from waypoint.bulk.sources import Row, SourceError, Table
from waypoint.reference import catalogue
from waypoint.returns.breakdowns import BREAKDOWNS
from waypoint.returns.importers.formats import (
    Format,
    ImportedFigure,
    Place,
    ReadContext,
    censored_bound,
    figure_value,
    issue,
    rejected_issue,
    sheet_of,
    where,
)
from waypoint.returns.models import Indicator, Questionnaire
from waypoint.returns.periods import Period, PeriodError, PeriodKind

REQUIRED = ("questionnaire", "period", "indicator", "value")
FIXED = (*REQUIRED, "censored_below", "note")
#: Every column of the layout, in the template's order.
COLUMNS = (*FIXED, *BREAKDOWNS)


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
            _("the native layout needs the columns %(columns)s") % {"columns": ", ".join(missing)},
        )
    for table in tables:
        if table not in readable:
            context.notice(_("%(where)s: not read (no native header)") % {"where": where(table)})
    for table in readable:
        yield from _unknown_columns(table)
        reader = _Rows(table, context)
        for row in table.rows:
            context.rows += 1
            yield from reader.read(row)


def _unknown_columns(table: Table) -> Iterator[Issue]:
    for column in table.headers:
        if column not in COLUMNS:
            yield Issue(
                file=table.file,
                sheet=sheet_of(table),
                row=None,
                column=table.written(column),
                value="",
                reason=_("This is not a column of the native layout."),
                accepted=", ".join(COLUMNS),
                code="unknown_column",
            )


class _Rows:
    """Reads the rows of one table, collecting every problem of a row before answering."""

    def __init__(self, table: Table, context: ReadContext) -> None:
        self.table, self.context = table, context
        self.breakdowns = [name for name in BREAKDOWNS if name in table.columns]

    def read(self, row: Row) -> Iterator[ImportedFigure | Issue]:
        problems: list[Issue] = []
        questionnaire = self._questionnaire(row, problems)
        period = self._period(row, questionnaire, problems)
        indicator = self._indicator(row, questionnaire, problems)
        value, censored = self._value(row, problems)
        categories = self._categories(row, indicator, problems)
        if problems:
            yield from problems
            return
        assert questionnaire is not None and indicator is not None and period is not None
        yield ImportedFigure(
            questionnaire=questionnaire.code,
            period=period,
            indicator=indicator.code,
            categories=categories,
            value=value,
            censored_below=censored,
            place=Place(row.file, row.sheet, row.number, self.table.written("value")),
            # Exports quote a note a spreadsheet would run as a formula; take the quote off.
            note=restore(text_of(row.get("note"))),
        )

    def _problem(self, row: Row, column: str, reason: str, code: str, accepted: str = "") -> Issue:
        return issue(row, self.table.written(column), row.get(column), reason, code, accepted)

    def _questionnaire(self, row: Row, problems: list[Issue]) -> Questionnaire | None:
        code = text_of(row.get("questionnaire"))
        questionnaire = self.context.questionnaires.get(code)
        if questionnaire is None:
            reason = (
                _("“%(value)s” is not a questionnaire.") % {"value": code}
                if code
                else _("The questionnaire is missing.")
            )
            accepted = ", ".join(sorted(self.context.questionnaires))
            problems.append(self._problem(row, "questionnaire", reason, "invalid_code", accepted))
        return questionnaire

    def _period(
        self, row: Row, questionnaire: Questionnaire | None, problems: list[Issue]
    ) -> str | None:
        raw = row.get("period")
        text = _period_text(raw)
        try:
            period = Period.parse(text)
        except PeriodError as error:
            problems.append(self._problem(row, "period", str(error), "invalid_period"))
            return None
        if questionnaire is not None and period.kind != questionnaire.period_kind:
            reason = _(
                "The questionnaire %(code)s is answered per %(kind)s; %(period)s is not one."
            )
            reason %= {
                "code": questionnaire.code,
                "kind": PeriodKind(questionnaire.period_kind).label,
                "period": text,
            }
            problems.append(self._problem(row, "period", reason, "period_kind"))
            return None
        return str(period)

    def _indicator(
        self, row: Row, questionnaire: Questionnaire | None, problems: list[Issue]
    ) -> Indicator | None:
        code = text_of(row.get("indicator"))
        indicator = self.context.indicators.get(code)
        if indicator is None:
            suggestions = catalogue.closest(code, frozenset(self.context.indicators))
            reason = (
                _("“%(value)s” is not an indicator.") % {"value": code}
                if code
                else _("The indicator is missing.")
            )
            problems.append(
                self._problem(row, "indicator", reason, "invalid_code", ", ".join(suggestions))
            )
            return None
        if questionnaire is not None:
            asked = self.context.asked[questionnaire.code]
            if code not in asked:
                reason = _("The questionnaire %(code)s does not ask for it.") % {
                    "code": questionnaire.code
                }
                accepted = ", ".join(sorted(asked))
                problems.append(self._problem(row, "indicator", reason, "indicator", accepted))
                return None
        return indicator

    def _value(self, row: Row, problems: list[Issue]) -> tuple[Any, int | None]:
        try:
            value, censored = figure_value(row.get("value"))
        except Rejected as rejection:
            problems.append(
                rejected_issue(row, self.table.written("value"), row.get("value"), rejection)
            )
            return None, None
        try:
            bound = censored_bound(row.get("censored_below"))
        except Rejected as rejection:
            column = self.table.written("censored_below")
            problems.append(rejected_issue(row, column, row.get("censored_below"), rejection))
            return None, None
        if bound is not None and value is not None:
            reason = _("A figure is either given or censored (“fewer than”), not both.")
            problems.append(self._problem(row, "censored_below", reason, "censored_and_given"))
        elif bound is not None and censored is not None and bound != censored:
            reason = _("The value says fewer than %(value)d, the bound fewer than %(bound)d.")
            reason %= {"value": censored, "bound": bound}
            problems.append(self._problem(row, "censored_below", reason, "censored_twice"))
        return value, bound or censored

    def _categories(
        self, row: Row, indicator: Indicator | None, problems: list[Issue]
    ) -> dict[str, str]:
        categories = {}
        for name in self.breakdowns:
            raw = row.get(name)
            if text_of(raw) == "":
                continue
            code = _category(name, raw)
            breakdown = BREAKDOWNS[name]
            if code is None:
                reason = _("“%(value)s” is not a code of %(dimension)s.") % {
                    "value": text_of(raw),
                    "dimension": breakdown.label,
                }
                accepted = ", ".join(breakdown.closest(text_of(raw)))
                problems.append(self._problem(row, name, reason, "invalid_code", accepted))
            elif indicator is not None and name not in indicator.breakdowns:
                reason = _("%(indicator)s is not broken down by %(name)s.") % {
                    "indicator": indicator.code,
                    "name": name,
                }
                accepted = ", ".join(indicator.breakdowns) or _("none")
                problems.append(self._problem(row, name, reason, "breakdown", accepted))
            else:
                categories[name] = code
        return categories


def _period_text(raw: Any) -> str:
    """A period as text; a spreadsheet turns ``2024-03`` into the date 1 March 2024."""
    if isinstance(raw, datetime.date) and raw.day == 1:
        return f"{raw.year}-{raw.month:02d}"
    return text_of(raw)


def _category(name: str, raw: Any) -> str | None:
    """The code the cell holds, as the dimension spells it, or None."""
    text = text_of(raw)
    breakdown = BREAKDOWNS[name]
    candidates = [text, text.lower(), text.upper()]
    if text.isdigit():
        # A spreadsheet keeps 03 (a month) or 0204 (an ICCS code) as the number 3 or 204.
        candidates += [text.zfill(2), "0" + text]
    return next((code for code in candidates if breakdown.accepts(code)), None)


FORMAT = Format(
    name="native",
    title="Waypoint returns layout (CSV or XLSX, one figure per row)",
    recognise=recognise,
    read=read,
    leaves_out=False,
    description=(
        "questionnaire, period, indicator, value, censored_below, note, then one column per "
        "breakdown; see returns/data/template.csv"
    ),
)
