"""CSV in the native table layout: UTF-8 with a byte-order mark (so that Excel reads the accents
right), comma-separated, one row per person in an incident.

A CSV file holds one table, so ``EXPORTER`` writes the main table with each incident's route in
the ``route`` column (``LBY > ITA > DEU``: the countries only). ``ARCHIVE`` writes a ZIP with both
tables, ``incidents.csv`` and ``legs.csv`` (places, modes, dates and fees of each leg), which the
importer reads as one file; the ``route`` column is left out there, as the legs say it all.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

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

MAIN_FILE = "incidents.csv"
LEGS_FILE = f"{layout.LEGS_TABLE}.csv"


def cell(value: Value) -> str:
    """A value as CSV text: codes and text as they are (neutralised), lists joined by ``; ``,
    dates in ISO 8601, flags as yes/no, numbers as numbers (never neutralised: ``-1.5``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    return str(neutralise(str(value)))


@contextmanager
def _text(out: IO[bytes]) -> Iterator[Any]:
    """A CSV writer on ``out`` (left open for the caller), UTF-8 with a byte-order mark."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        yield csv.writer(text)
        text.flush()
    finally:
        text.detach()


def write(incidents: ExportRows, out: IO[bytes]) -> int:
    """The main table with the ``route`` column; answers the number of rows written."""
    headers = main_headers(incidents)
    rows = 0
    with _text(out) as writer:
        writer.writerow(headers)
        for incident in incidents:
            for row in main_rows(incident, headers):
                writer.writerow([cell(value) for value in row])
                rows += 1
    return rows


def write_archive(incidents: ExportRows, out: IO[bytes]) -> int:
    """A ZIP of ``incidents.csv`` and ``legs.csv``; answers the rows of both.

    A ZIP member is written in one go, so the legs wait in a temporary file (on disk past a few
    megabytes) while the main table streams.
    """
    headers = main_headers(incidents, route=False)
    legs_headers = leg_headers(incidents)
    rows = 0
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as legs,
    ):
        with (
            archive.open(MAIN_FILE, "w", force_zip64=True) as member,
            _text(member) as writer,
            _text(legs) as legs_writer,
        ):
            writer.writerow(headers)
            legs_writer.writerow(legs_headers)
            for incident in incidents:
                for row in main_rows(incident, headers):
                    writer.writerow([cell(value) for value in row])
                    rows += 1
                for row in leg_rows(incident, legs_headers):
                    legs_writer.writerow([cell(value) for value in row])
                    rows += 1
        legs.seek(0)
        with archive.open(LEGS_FILE, "w", force_zip64=True) as member:
            shutil.copyfileobj(legs, member)
    return rows


EXPORTER = Exporter(
    name="csv",
    title="CSV (native layout)",
    extension="csv",
    content_type="text/csv; charset=utf-8",
    write=write,
    description="One row per person in an incident; the route as a list of countries.",
)
ARCHIVE = Exporter(
    name="csv",
    title="ZIP of CSV files (native layout with route legs)",
    extension="zip",
    content_type="application/zip",
    write=write_archive,
    description="incidents.csv and legs.csv, the two tables of the native layout.",
)
