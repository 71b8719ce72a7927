"""Returns as files: one return's figures in the native layout, and the returns a user may read
with their figures, as CSV or XLSX.

Every file is read through ``Return.objects.visible_to(actor)`` (reciprocity): a return the user
may not read is in no file, and asking for it answers like a return that does not exist.

One return's file is the native import layout (``returns.importers.native.COLUMNS``), one figure
per row, so that it imports back unchanged with ``waypoint returns-import``: a censored figure
keeps its bound (``<5`` in ``value`` and ``5`` in ``censored_below``), never 0, and a figure not
available stays blank. The list's file adds the organisation, version and status of each return
before the native columns.

Text a spreadsheet would run as a formula is quoted (``waypoint.bulk.formulas.neutralise``).
Every file is recorded in the audit log as an ``export``: for one return, an event about it; for
the list, one event for each organisation whose returns the file holds (an empty file too), all
naming the same export id, as incident exports do.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects

from waypoint.audit.log import Target, record, sole_organisation
from waypoint.audit.models import Action
from waypoint.bulk.formulas import neutralise
from waypoint.orgs.models import Organisation
from waypoint.returns.importers.native import COLUMNS
from waypoint.returns.models import QuestionnaireItem, Return, ReturnQuerySet, ReturnValue
from waypoint.returns.presentation import get_return_for

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
#: The list's columns before the native ones.
RETURN_COLUMNS = ("organisation", "version", "status")
#: Returns whose figures are read from the database at a time.
CHUNK = 200
SHEET = "figures"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    format: str
    name: str
    #: Figures the file holds.
    figures: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


@dataclass(frozen=True)
class ReturnFilters:
    """Which of the returns the user may read go in the list's file; empty values do not
    filter. ``status`` narrows the user's own organisations' returns: the others' are all
    submitted."""

    questionnaire: str = ""
    period: str = ""
    organisation: str = ""
    status: str = ""

    def apply(self, returns: ReturnQuerySet) -> ReturnQuerySet:
        if self.questionnaire:
            returns = returns.filter(questionnaire__code=self.questionnaire)
        if self.period:
            returns = returns.filter(period=self.period.strip())
        if self.organisation:
            returns = returns.filter(organisation__code=self.organisation)
        if self.status:
            returns = returns.filter(status=self.status)
        return returns

    def names(self) -> list[str]:
        """The filters in use, by name (the audit log records names, not values)."""
        return [f.name for f in fields(self) if getattr(self, f.name)]


def export_return(*, actor: Any, return_id: Any, format: str) -> ExportFile:
    """One return's figures in the native layout; 404 (``Http404``) for a return the actor may
    not read, alike for one that does not exist."""
    ret = get_return_for(Return.objects.visible_to(actor), return_id)
    _check(format)
    rows = list(_figure_rows([ret]))
    columns = _columns(COLUMNS, rows)
    content = _write(format, columns, rows)
    name = f"{ret.organisation.code}-{ret.questionnaire.code}-{ret.period}-v{ret.version}.{format}"
    record(
        actor=actor,
        action=Action.EXPORT,
        organisation=sole_organisation(actor),
        target=ret,
        details={"format": format, "table": "returns", "count": len(rows), "result": "complete"},
    )
    return ExportFile(content, format, name, len(rows))


def export_returns(*, actor: Any, format: str, filters: ReturnFilters | None = None) -> ExportFile:
    """The returns the actor may read (narrowed by ``filters``), every version, with one row per
    figure: organisation, version and status, then the native layout's columns."""
    _check(format)
    filters = filters or ReturnFilters()
    returns = list(
        filters.apply(Return.objects.visible_to(actor))
        .select_related("organisation", "questionnaire")
        .order_by("organisation__code", "questionnaire__code", "period", "version")
    )
    rows = list(_figure_rows(returns, listed=True))
    columns = _columns((*RETURN_COLUMNS, *COLUMNS), rows)
    content = _write(format, columns, rows)
    _audit_list(actor, format, filters, returns, rows)
    return ExportFile(content, format, f"returns.{format}", len(rows))


def _check(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")


# Rows --------------------------------------------------------------------------------------------


def _figure_rows(returns: Sequence[Return], *, listed: bool = False) -> Iterator[dict[str, Any]]:
    """One row per figure, each return's figures in the order of its questionnaire (the total
    of an indicator first, then its breakdowns)."""
    positions = _positions({ret.questionnaire_id for ret in returns})
    for start in range(0, len(returns), CHUNK):
        chunk = list(returns[start : start + CHUNK])
        prefetch_related_objects(chunk, "values__indicator")
        for ret in chunk:
            order = positions.get(ret.questionnaire_id, {})
            values = sorted(
                ret.values.all(),
                key=lambda v: (order.get(v.indicator_id, len(order)), v.indicator.code, v.key),
            )
            for value in values:
                row = _native(ret, value)
                if listed:
                    row |= {
                        "organisation": ret.organisation.code,
                        "version": ret.version,
                        "status": ret.status,
                    }
                yield row


def _positions(questionnaires: Iterable[int]) -> dict[int, dict[int, int]]:
    """Questionnaire id → indicator id → its position in the questionnaire."""
    found: dict[int, dict[int, int]] = defaultdict(dict)
    items = QuestionnaireItem.objects.filter(questionnaire_id__in=list(questionnaires))
    for questionnaire, indicator, position in items.values_list(
        "questionnaire_id", "indicator_id", "position"
    ):
        found[questionnaire][indicator] = position
    return found


def _native(ret: Return, value: ReturnValue) -> dict[str, Any]:
    """A figure as the native layout writes it: ``<5`` and its bound for a censored figure,
    blank for one not available."""
    censored = value.censored_below
    row: dict[str, Any] = {
        "questionnaire": ret.questionnaire.code,
        "period": ret.period,
        "indicator": value.indicator.code,
        "value": f"<{censored}" if censored is not None else value.value,
        "censored_below": censored,
        "note": value.note,
    }
    row.update({str(name): str(code) for name, code in value.categories.items()})
    return row


def _columns(fixed: Sequence[str], rows: Iterable[dict[str, Any]]) -> list[str]:
    """The layout's columns, then any breakdown a draft gives that the layout does not know (so
    that the file holds every figure as it is; an import names such a column)."""
    extra = sorted({name for row in rows for name in row} - set(fixed))
    return [*fixed, *extra]


# Writing -----------------------------------------------------------------------------------------


def _write(format: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> bytes:
    return _csv(columns, rows) if format == "csv" else _xlsx(columns, rows)


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(row.get(column)) for column in columns])
    # With a byte-order mark, spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int):
        return str(value)
    return str(neutralise(str(value)))


def _decimal_text(value: Decimal) -> str:
    """``12``, ``12.5``: as few decimals as the figure has."""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.normalize())


def _xlsx(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(row.get(column), ILLEGAL_CHARACTERS_RE) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any, illegal: Any) -> Any:
    """A figure as a number where a spreadsheet holds it exactly (else as text, which the
    importer reads as well); codes and notes as text."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        number = float(value)
        return number if Decimal(repr(number)) == value else _decimal_text(value)
    if isinstance(value, int):
        return value
    return neutralise(illegal.sub("", str(value)))


# The audit log -----------------------------------------------------------------------------------


def _audit_list(
    actor: Any,
    format: str,
    filters: ReturnFilters,
    returns: Sequence[Return],
    rows: Sequence[dict[str, Any]],
) -> None:
    figures: dict[str, int] = defaultdict(int)
    for row in rows:
        figures[row["organisation"]] += 1
    owners: dict[str, Organisation] = {ret.organisation.code: ret.organisation for ret in returns}
    export_id = str(uuid.uuid4())
    acting_for = sole_organisation(actor)
    for code in sorted(owners) or [""]:
        record(
            actor=actor,
            action=Action.EXPORT,
            organisation=acting_for,
            target=Target("export", export_id, owners.get(code)),
            details={
                "format": format,
                "table": "returns",
                "count": figures.get(code, 0),
                "fields": filters.names(),
                "result": "complete",
            },
        )
