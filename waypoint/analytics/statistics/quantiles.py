"""Medians and quartiles of an amount by one or two dimensions.

Medians do not add up, so every margin needs the amounts of its own cells. PostgreSQL computes
them all in one query: ``percentile_cont`` over the grouping sets of every subset of the
dimensions. SQLite has no percentile aggregate: one query reads the amounts once, sorted, with
the codes of their dimensions; each amount is appended to the cell it belongs to and to each of that
cell's margins, which therefore receive their amounts in order. That costs one sort in the
database and about 8 bytes per amount and margin in memory (a few megabytes for a hundred
thousand fees), against one sort per margin for window functions, which took twice as long on
SQLite. Quartiles interpolate linearly between the two nearest amounts, as PostgreSQL's
``percentile_cont`` and numpy's default do.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from waypoint.analytics.statistics.cube import Axis, code_of
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.table import TOTAL, UNKNOWN, Cell, Dimension, Key, StatTable

#: Measure name → quantile.
QUANTILES = {"median": 0.5, "q1": 0.25, "q3": 0.75}
#: Rows fetched from the database at a time.
CHUNK = 10_000


def quantile(amounts: Sequence[float], p: float) -> float:
    """The ``p`` quantile of amounts in ascending order, interpolating linearly."""
    position = (len(amounts) - 1) * p
    low, high = math.floor(position), math.ceil(position)
    return amounts[low] + (position - low) * (amounts[high] - amounts[low])


#: Per cell, totals included: the number of amounts and each measure of ``QUANTILES``.
Summaries = dict[Key, tuple[int, dict[str, float | None]]]


def tabulate_quantiles(
    table: StandardTable,
    rows: QuerySet[Any],
    axes: tuple[Axis, ...],
    amount: Any,
    footnotes: Sequence[str],
) -> StatTable:
    """The median, first and third quartile of ``amount`` per cell; a cell's count is the number
    of amounts. ``axes`` are single-valued."""
    if connection.vendor == "postgresql":
        summaries = _summaries_in_database(rows, axes, amount)
    else:
        summaries = {
            key: _summary(amounts) for key, amounts in _amounts(rows, axes, amount).items()
        }
    dimensions = tuple(_dimension(axis, index, summaries) for index, axis in enumerate(axes))
    return StatTable(
        table_id=table.id,
        title=str(table.title),
        dimensions=dimensions,
        measures=table.measures,
        unit=str(table.unit),
        cells=_cells(dimensions, summaries),
        footnotes=[str(note) for note in footnotes],
    )


def _summary(amounts: Sequence[float]) -> tuple[int, dict[str, float | None]]:
    values: dict[str, float | None] = {
        name: round(quantile(amounts, p), 2) for name, p in QUANTILES.items()
    }
    return len(amounts), values


def _base(rows: QuerySet[Any], axes: tuple[Axis, ...], amount: Any) -> tuple[str, Any]:
    annotations = {f"a{index}": axis.value for index, axis in enumerate(axes)}
    base = rows.order_by().annotate(**annotations, v=amount).values(*annotations, "v")
    return base.query.sql_with_params()


def amounts_sql(rows: QuerySet[Any], axes: tuple[Axis, ...], amount: Any) -> tuple[str, Any]:
    """The one query: every amount with its dimensions' codes, in ascending order. Raises
    ``EmptyResultSet`` when the scope holds nothing at all."""
    base_sql, params = _base(rows, axes, amount)
    columns = ", ".join([*(f"b.a{index}" for index in range(len(axes))), "b.v"])
    return f"SELECT {columns} FROM ({base_sql}) b WHERE b.v IS NOT NULL ORDER BY b.v", params


def summaries_sql(rows: QuerySet[Any], axes: tuple[Axis, ...], amount: Any) -> tuple[str, Any]:
    """PostgreSQL's one query: every cell and every margin (``GROUPING SETS`` of each subset
    of the dimensions), with its number of amounts and ``percentile_cont`` of the quantiles.
    Codes are grouped as the table keys them (``code_of``: NULL and blank are ``unknown``), so
    that no cell is split in two. Raises ``EmptyResultSet`` when the scope holds nothing."""
    base_sql, params = _base(rows, axes, amount)
    codes = [
        f"COALESCE(NULLIF(CAST(b.a{index} AS text), ''), '{UNKNOWN}')" for index in range(len(axes))
    ]
    sets = ", ".join(
        "(" + ", ".join(f"c{index}" for index in subset) + ")"
        for size in range(len(axes), -1, -1)
        for subset in itertools.combinations(range(len(axes)), size)
    )
    flags = ", ".join(f"GROUPING(c{index})" for index in range(len(axes)))
    fractions = ", ".join(str(p) for p in QUANTILES.values())
    inner = ", ".join(f"{code} AS c{index}" for index, code in enumerate(codes))
    sql = (
        f"SELECT {', '.join(f'c{index}' for index in range(len(axes)))}, {flags}, COUNT(*), "
        f"percentile_cont(ARRAY[{fractions}]) WITHIN GROUP (ORDER BY v) "
        f"FROM (SELECT {inner}, CAST(b.v AS double precision) AS v FROM ({base_sql}) b "
        f"WHERE b.v IS NOT NULL) q GROUP BY GROUPING SETS ({sets})"
    )
    return sql, params


def _summaries_in_database(rows: QuerySet[Any], axes: tuple[Axis, ...], amount: Any) -> Summaries:
    try:
        sql, params = summaries_sql(rows, axes, amount)
    except EmptyResultSet:
        return {}  # a scope that can see nothing: no query to run
    width = len(axes)
    found: Summaries = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            codes, totalled = row[:width], row[width : 2 * width]
            count, quantiles = row[2 * width], row[2 * width + 1]
            if not count:
                continue  # the grand total of no amounts at all
            key = tuple(TOTAL if flag else code for code, flag in zip(codes, totalled, strict=True))
            values: dict[str, float | None] = {
                name: round(value, 2) for name, value in zip(QUANTILES, quantiles, strict=True)
            }
            found[key] = (count, values)
    return found


def _amounts(rows: QuerySet[Any], axes: tuple[Axis, ...], amount: Any) -> dict[Key, array[float]]:
    """Per cell, totals included, its amounts in ascending order (SQLite, which has no
    percentile aggregate)."""

    try:
        sql, params = amounts_sql(rows, axes, amount)
    except EmptyResultSet:
        return {}  # a scope that can see nothing: no query to run
    groups: dict[Key, array[float]] = {}
    # Per combination of codes, the appends of the cell and of each of its margins: worked out
    # at the first amount of a combination, then reused for every amount after it.
    appends: dict[tuple[Any, ...], list[Callable[[float], None]]] = {}
    width = len(axes)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while found := cursor.fetchmany(CHUNK):
            for row in found:
                codes = row[:width]
                adds = appends.get(codes)
                if adds is None:
                    keys = itertools.product(*((code_of(code), TOTAL) for code in codes))
                    adds = appends[codes] = [
                        groups.setdefault(key, array("d")).append for key in keys
                    ]
                value = float(row[width])
                for add in adds:
                    add(value)
    return groups


def _dimension(axis: Axis, index: int, summaries: Summaries) -> Dimension:
    found = {key[index] for key in summaries if key[index] != TOTAL}
    categories, labels = axis.categories(found)
    strays = sorted(found - set(categories))
    return Dimension(
        name=axis.name,
        label=str(axis.label),
        categories=(*categories, *strays),
        labels=labels | {code: code for code in strays},
    )


def _cells(dimensions: tuple[Dimension, ...], summaries: Summaries) -> dict[Key, Cell]:
    cells = {}
    for key in itertools.product(*((*d.categories, TOTAL) for d in dimensions)):
        summary = summaries.get(key)
        if summary is None:
            cells[key] = Cell(key=key, count=0, values=dict.fromkeys(QUANTILES))
        else:
            count, values = summary
            cells[key] = Cell(key=key, count=count, values=dict(values))
    return cells
