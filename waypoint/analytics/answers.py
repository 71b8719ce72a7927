"""Statistics as every interface gives them: computed for a scope, protected, then written out.

``answer()`` is the one way from a request to figures a person may see: the runner computes the
table over the scope's incidents and the disclosure gate protects it, with the public threshold
(or a differentially private release) when the scope is the public one. The writers turn the
protected table into CSV, JSON, Markdown or XLSX with the same columns: one per dimension (named
as in the table id), ``count`` (distinct contributors), the table's other measures, and
``suppressed``; ``margin`` is added when the figures carry noise.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from django.utils.translation import gettext as _

from waypoint.analytics import statistics
from waypoint.analytics.disclosure import Method, ProtectedCell, ProtectedTable, protect
from waypoint.analytics.privacy import PrivateRelease
from waypoint.analytics.statistics import StatSpec, explorer
from waypoint.analytics.statistics.explorer import Question
from waypoint.analytics.table import TOTAL

FORMATS = ("csv", "json", "md", "xlsx")


def answer(
    spec: StatSpec,
    *,
    actor: Any,
    threshold: int | None = None,
    release: PrivateRelease | None = None,
    unprotected: bool = False,
    question: Question | None = None,
) -> ProtectedTable:
    """The protected table ``spec`` asks for, as ``actor`` may see it: the standard table it
    names, or with ``question`` the explorer's answer over what ``spec`` counts."""
    table = statistics.run(spec) if question is None else explorer.explore(spec, question)
    return protect(
        table,
        actor=actor,
        public=spec.scope.public,
        threshold=threshold,
        release=release,
        unprotected=unprotected,
    )


def columns(protected: ProtectedTable) -> list[str]:
    table = protected.table
    measures = [measure for measure in table.measures if measure != "count"]
    names = [dimension.name for dimension in table.dimensions] + ["count", *measures]
    names.append("suppressed")
    if protected.policy.method is Method.DIFFERENTIAL_PRIVACY:
        names.append("margin")
    return names


def records(protected: ProtectedTable, *, totals: bool = True) -> list[dict[str, Any]]:
    """One dict per cell, keyed by ``columns()``; ``total`` names a margin's category."""
    names = columns(protected)
    return [_record(protected, cell, names) for cell in protected.rows(totals=totals)]


def _record(protected: ProtectedTable, cell: ProtectedCell, names: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {
        dimension.name: "total" if category == TOTAL else category
        for dimension, category in zip(protected.table.dimensions, cell.key, strict=True)
    }
    record["count"] = cell.count
    for measure in protected.table.measures:
        if measure != "count":
            record[measure] = _number(cell.values.get(measure))
    record["suppressed"] = cell.suppressed
    if "margin" in names:
        record["margin"] = _number(cell.margin)
    return record


def _number(value: float | None) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return round(value, 2) if isinstance(value, float) else value


def as_csv(protected: ProtectedTable) -> str:
    """The table as CSV; suppressed figures are empty (never 0), ``suppressed`` says why."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(protected), lineterminator="\n")
    writer.writeheader()
    for record in records(protected):
        writer.writerow(
            {
                key: ("true" if value else "false") if key == "suppressed" else _text(value)
                for key, value in record.items()
            }
        )
    return out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def as_json(protected: ProtectedTable) -> dict[str, Any]:
    table = protected.table
    policy = protected.policy
    return {
        "table": table.table_id,
        "title": str(table.title),
        "unit": str(table.unit),
        "dimensions": [
            {
                "name": dimension.name,
                "label": str(dimension.label),
                "categories": [
                    {"code": code, "label": str(dimension.label_of(code))}
                    for code in dimension.categories
                ],
            }
            for dimension in table.dimensions
        ],
        "measures": ["count", *[m for m in table.measures if m != "count"]],
        "protection": {
            "method": str(policy.method),
            "public": policy.public,
            "threshold": policy.threshold,
            "suppressed_cells": policy.primary + policy.secondary,
            "dataset": policy.dataset,
            "epsilon": policy.epsilon,
        },
        "footnotes": [str(note) for note in protected.footnotes],
        "rows": records(protected),
    }


def as_markdown(protected: ProtectedTable) -> str:
    """A readable table of the inner cells and totals, with the footnotes below."""
    table = protected.table
    names = columns(protected)
    headers = [str(d.label) for d in table.dimensions] + names[len(table.dimensions) :]
    lines = [f"## {table.title}", "", _row(headers), _row(["---"] * len(headers))]
    for cell in protected.rows():
        record = _record(protected, cell, names)
        shown = list(cell.labels) + [_shown(record[name]) for name in names[len(cell.labels) :]]
        lines.append(_row(shown))
    lines.append("")
    lines += [f"- {note}" for note in protected.footnotes]
    return "\n".join(lines) + "\n"


def _shown(value: Any) -> str:
    if value is True:
        return _("suppressed")
    if value is False or value is None:
        return ""
    return str(value)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"


def as_xlsx(protected: ProtectedTable) -> bytes:
    """A workbook: the table on its first sheet (titles as labels, then the codes), the
    footnotes on a second."""
    from openpyxl import Workbook

    from waypoint.bulk.formulas import neutralise

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Table"))
    table = protected.table
    names = columns(protected)
    sheet.append([neutralise(str(table.title))])
    labels = [str(d.label) for d in table.dimensions]
    sheet.append(labels + names[len(table.dimensions) :])
    for cell in protected.rows():
        record = _record(protected, cell, names)
        values = [record[name] for name in names[len(cell.labels) :]]
        shown = [neutralise(label) for label in cell.labels]
        sheet.append(shown + [_("yes") if v is True else "" if v is False else v for v in values])
    notes = book.create_sheet(_("Notes"))
    for note in protected.footnotes:
        notes.append([neutralise(str(note))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: Most series a trend chart draws (its palette has eight colours).
MOST_SERIES = 8


def default_chart(protected: ProtectedTable, *, language: str | None = None) -> dict[str, Any]:
    """The picture that shows a table best: a flow map of its routes, a map of its countries, a
    trend over its years, or bars; every other dimension at its total."""
    from waypoint.analytics import charts

    table = protected.table
    names = [dimension.name for dimension in table.dimensions]
    for route in ("path", "route"):
        if route not in names:
            continue
        routes = charts.routes_from_table(protected, route=route)
        if routes:
            return charts.flow_map(charts.flows(routes), title=str(table.title), language=language)
    if {"origin", "destination"} <= set(names) and "transit" not in names:
        routes = charts.routes_from_table(protected, transit=None)
        if routes:
            return charts.flow_map(charts.flows(routes), title=str(table.title), language=language)
    countries = ("country", "citizenship", "country_to", "destination", "origin")
    for name in (*countries, "country_of_exploitation"):
        if name in names:
            return charts.choropleth(protected, dimension=name, language=language)
    if "year" in names:
        series = next(
            (
                dimension.name
                for dimension in table.dimensions
                if dimension.name != "year" and len(dimension.categories) <= MOST_SERIES
            ),
            None,
        )
        return charts.trend_chart(protected, series=series, language=language)
    return charts.breakdown_chart(protected, dimension=names[0], language=language)
