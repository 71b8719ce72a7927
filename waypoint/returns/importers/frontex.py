"""Frontex monthly detections of illegal border-crossings (``Monthly_detections_of_IBC_*.xlsx``).

A wide layout: one row per route, border type and nationality, then one column per month
(``JAN2009`` … ``APR2025``; the list grows every month, so the months are read from the header,
never listed here). Each month is one return of the questionnaire ``border-monthly`` with the
indicator ``ibc_detections`` (detections, not persons), broken down by ``route`` (the Frontex
route through ``returns/data/frontex_routes.csv``, else the ``migration_route`` vocabulary's
names), ``border_type`` (Land → land, Sea → sea) and ``citizenship`` (``importers.names``;
footnote markers such as ``Kosovo*`` taken off). A row whose route, border type or nationality
cannot be mapped is left out, all its months, and reported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import cache

from django.utils.translation import gettext as _

from waypoint.bulk import mapping
from waypoint.bulk.mapping import Issue, Rejected, fold, text_of
from waypoint.bulk.sources import Row, SourceError, Table
from waypoint.returns.breakdowns import BORDER_TYPES, BREAKDOWNS
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
from waypoint.returns.importers.names import DATA, CountryNames

QUESTIONNAIRE = "border-monthly"
INDICATOR = "ibc_detections"
REQUIRED = ("route", "nationality")
#: The border type column, as Frontex heads it or plainly.
BORDER_COLUMNS = ("border_type_or_inland", "border_type")
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_MONTH = re.compile(r"^([A-Za-z]{3})[\s_-]*(\d{4})$")


def month_columns(table: Table) -> dict[str, str]:
    """Normalised column → the month it counts (``JAN2009`` → ``2009-01``), in file order."""
    months = {}
    for column, written in table.headers.items():
        found = _MONTH.match(written.strip())
        if found and found.group(1).lower() in MONTHS:
            months[column] = f"{found.group(2)}-{MONTHS[found.group(1).lower()]:02d}"
    return months


def _border_column(table: Table) -> str | None:
    return next((column for column in BORDER_COLUMNS if column in table.columns), None)


def _readable(table: Table) -> bool:
    return set(REQUIRED) <= table.columns and bool(_border_column(table) and month_columns(table))


def recognise(tables: list[Table]) -> float:
    if any(_readable(table) for table in tables):
        return 1.0
    return max(len(set(REQUIRED) & table.columns) / 4 for table in tables)


def read(tables: list[Table], context: ReadContext) -> Iterator[ImportedFigure | Issue]:
    readable = [table for table in tables if _readable(table)]
    if not readable:
        raise SourceError(
            tables[0].file,
            _(
                "the Frontex layout needs the columns Route, Border type or inland, Nationality "
                "and one column per month (JAN2009, …)"
            ),
        )
    for table in tables:
        if table not in readable:
            context.notice(_("%(where)s: not read (no Frontex header)") % {"where": where(table)})
    for table in readable:
        rows = _Rows(table)
        context.report_extra_columns(table, {*REQUIRED, rows.border, *rows.months})
        for row in table.rows:
            context.rows += 1
            yield from rows.read(row)


@cache
def route_names() -> dict[str, str]:
    """Frontex route name, as written → ``migration_route`` code."""
    with (DATA / "frontex_routes.csv").open(encoding="utf-8", newline="") as file:
        return {row["route"].strip(): row["code"].strip() for row in csv.DictReader(file)}


@cache
def route_table() -> dict[str, str]:
    """Folded Frontex route name → ``migration_route`` code."""
    return {fold(name): code for name, code in route_names().items()}


class _Rows:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.months = month_columns(table)
        self.border = _border_column(table) or ""
        self.nationalities = CountryNames("citizenship")
        self.known: dict[tuple[str, str, str], dict[str, str] | Issue] = {}

    def read(self, row: Row) -> Iterator[ImportedFigure | Issue]:
        categories = self._categories(row)
        if isinstance(categories, Issue):
            yield _located(categories, row)
            return
        for column, period in self.months.items():
            raw = row.get(column)
            written = self.table.written(column)
            try:
                value, censored = figure_value(raw)
            except Rejected as rejection:
                yield rejected_issue(row, written, raw, rejection)
                continue
            if value is None and censored is None:
                yield issue(row, written, raw, _("No figure is given."), "blank")
                continue
            yield ImportedFigure(
                questionnaire=QUESTIONNAIRE,
                period=period,
                indicator=INDICATOR,
                categories=categories,
                value=value,
                censored_below=censored,
                place=Place(row.file, row.sheet, row.number, written),
            )

    def _categories(self, row: Row) -> dict[str, str] | Issue:
        """The row's categories (one dict shared by its months), or why it is left out."""
        key = (
            text_of(row.get("route")),
            text_of(row.get(self.border)),
            text_of(row.get("nationality")),
        )
        if key not in self.known:
            self.known[key] = self._mapped(row, *key)
        return self.known[key]

    def _mapped(
        self, row: Row, route: str, border: str, nationality: str
    ) -> dict[str, str] | Issue:
        months = len(self.months)
        try:
            categories = {
                "route": _route(route),
                "border_type": _border_type(border),
            }
        except _Unmapped as unmapped:
            column = "route" if unmapped.column == "route" else self.border
            return self._left_out(row, column, unmapped.rejection, months)
        try:
            categories["citizenship"] = self.nationalities.code(nationality)
        except Rejected as rejection:
            return self._left_out(row, "nationality", rejection, months)
        return categories

    def _left_out(self, row: Row, column: str, rejection: Rejected, months: int) -> Issue:
        reason = (
            rejection.reason
            + " "
            + _("The row's %(count)d monthly figures are left out.") % {"count": months}
        )
        written = self.table.written(column)
        return issue(row, written, row.get(column), reason, rejection.code, rejection.accepted)


def _located(found: Issue, row: Row) -> Issue:
    """The same issue for another row with the same categories."""
    if found.row == row.number:
        return found
    return Issue(
        file=row.file,
        sheet=row.sheet,
        row=row.number,
        column=found.column,
        value=found.value,
        reason=found.reason,
        accepted=found.accepted,
        code=found.code,
    )


class _Unmapped(Exception):
    def __init__(self, column: str, rejection: Rejected) -> None:
        super().__init__(rejection.reason)
        self.column, self.rejection = column, rejection


def _route(name: str) -> str:
    key = fold(name)
    code = route_table().get(key)
    if code is None:
        vocabulary = mapping.term_index("migration_route")
        code = vocabulary.get(key) or vocabulary.get(key.removesuffix("_route"))
    if code is None or not BREAKDOWNS["route"].accepts(code):
        reason = _("“%(value)s” is not a route Waypoint maps to the migration_route vocabulary.")
        accepted = ", ".join(route_names())
        raise _Unmapped("route", Rejected(reason % {"value": name}, accepted, "unmapped_route"))
    return code


def _border_type(name: str) -> str:
    code = fold(name)
    if code not in BORDER_TYPES:
        reason = _("“%(value)s” is not a border type (Land, Sea, Air, Inland).") % {"value": name}
        raise _Unmapped("border", Rejected(reason, ", ".join(BORDER_TYPES), "unmapped_border"))
    return code


FORMAT = Format(
    name="frontex",
    title="Frontex monthly detections of illegal border-crossings",
    recognise=recognise,
    read=read,
    leaves_out=True,
    description=(
        "Frontex FRAN monthly detections of illegal border-crossings by route, border type "
        "and nationality, one column per month; each month one return of border-monthly"
    ),
)
