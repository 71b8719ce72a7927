"""XLSX in the native table layout: a sheet ``incidents`` (one row per person in an incident) and
a sheet ``legs`` (the route legs), written in openpyxl's streaming write-only mode.

Cells keep their types: dates are date cells, counts, ages and amounts numbers, flags TRUE or
FALSE. Text is neutralised against formulas, and characters that XML cannot hold (control
characters other than tab and line breaks) are dropped. A date coarsened for a partner is the text
``2024-05``: a date cell would claim a day the partner is not told.
"""

from __future__ import annotations

import datetime
import decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from waypoint.bulk import layout
from waypoint.bulk.exporters.base import (
    LIST_SEPARATOR,
    Exporter,
    ExportRows,
    Value,
    leg_headers,
    leg_rows,
    main_headers,
    main_rows,
)
from waypoint.bulk.formulas import neutralise

MAIN_SHEET = "incidents"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)


def cell(sheet: WriteOnlyWorksheet, value: Value) -> Any:
    """A value as an XLSX cell: text neutralised, dates as date cells, numbers as numbers."""
    if isinstance(value, datetime.date):
        date = WriteOnlyCell(sheet, value)
        date.number_format = DATE_FORMAT
        return date
    if value is None or isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _header(sheet: WriteOnlyWorksheet, names: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        header = WriteOnlyCell(sheet, name)
        header.font = BOLD
        cells.append(header)
    return cells


def write(incidents: ExportRows, out: IO[bytes]) -> int:
    """Both sheets; answers the number of data rows written to them."""
    workbook = Workbook(write_only=True)
    main = workbook.create_sheet(MAIN_SHEET)
    legs = workbook.create_sheet(layout.LEGS_TABLE)
    headers = main_headers(incidents, route=False)
    legs_headers = leg_headers(incidents)
    for sheet, names in ((main, headers), (legs, legs_headers)):
        sheet.freeze_panes = "A2"
        sheet.append(_header(sheet, names))
    rows = 0
    for incident in incidents:
        for row in main_rows(incident, headers):
            main.append([cell(main, value) for value in row])
            rows += 1
        for row in leg_rows(incident, legs_headers):
            legs.append([cell(legs, value) for value in row])
            rows += 1
    workbook.save(out)
    return rows


EXPORTER = Exporter(
    name="xlsx",
    title="Excel workbook (native layout)",
    extension="xlsx",
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    write=write,
    description="Sheets incidents and legs; dates as dates, numbers as numbers.",
)
