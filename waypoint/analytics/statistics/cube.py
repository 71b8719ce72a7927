"""One GROUP BY in the database, turned into a full marginal cube.

A runner describes its contributors (persons, incidents or fees) as a queryset with one row per
contributor and, for each dimension, an expression giving the contributor's code there. Where one
contributor may take several values (a person's citizenships, an incident's bias motivations) the
expression gives them all at once: a JSON list of codes (``listed``), or a code that stands for
several categories (``expand``, such as an offender's stage for the stages it implies).

One query groups the contributors by those expressions, lists included as they are: few
contributors have the same citizenships in a different combination, so the groups stay few. In
Python, each group is then counted under every combination of its values, and in every total:
in a total over a multi-valued dimension, a group whose contributors have n values there weighs
1/n under each of them, so the total counts each contributor once. Every total is therefore a
count of distinct contributors, from one pass over the data; measures that are sums (the dead,
the migrants smuggled) are shared out the same way.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce

from waypoint.analytics.statistics.categories import CategoryRule
from waypoint.analytics.statistics.definition import StandardTable, Text
from waypoint.analytics.statistics.dialect import AsText
from waypoint.analytics.table import TOTAL, UNKNOWN, Cell, Dimension, Key, StatTable

#: Per cell: the count of contributors, then each measure's sum.
Sums = dict[Key, list[float]]


@dataclass(frozen=True)
class Axis:
    """A dimension as a runner computes it: ``value`` is an expression over the rows giving a
    code (NULL or blank for ``unknown``), or with ``listed`` a JSON list of codes (empty or NULL
    for ``unknown``); ``categories`` decides what is shown and how it is labelled.

    ``expand`` maps the code the database groups by to the several categories it stands for."""

    name: str
    label: Text
    value: Any
    categories: CategoryRule
    listed: bool = False
    expand: Callable[[str], Sequence[str]] | None = None

    @property
    def several(self) -> bool:
        """Whether one contributor may count under several categories."""
        return self.listed or self.expand is not None

    def options(self, value: Any) -> Sequence[str]:
        """The categories a contributor with this database value counts under."""
        if self.listed:
            return _codes_of_list(value)
        if self.expand is not None:
            return self.expand(code_of(value))
        return (code_of(value),)


@dataclass(frozen=True)
class Measure:
    """A measure summed over the contributors of a cell (NULL counts as 0)."""

    name: str
    value: Any


@dataclass(frozen=True)
class Counting:
    """What a runner counts: one row per contributor, the dimensions and the summed measures.

    ``count_as`` names the measure that is the number of contributors itself (``count`` for a
    plain count table, ``incidents`` beside the migrants smuggled), or None when the table's
    measures are only the sums."""

    rows: QuerySet[Any]
    axes: tuple[Axis, ...]
    measures: tuple[Measure, ...] = ()
    count_as: str | None = "count"
    #: The path from a row to its incident (``person__incident__``), empty for incidents.
    incident: str = ""


def tabulate(
    table: StandardTable,
    counting: Counting,
    footnotes: Sequence[str],
    grouped: Sequence[tuple[Any, ...]] | None = None,
) -> StatTable:
    """Run the counting in the database and build the table with every margin; or build it
    from ``grouped``, rows as the counting's query gives them (``grouping_sql``), which may
    repeat a group: its figures add up."""
    rows = grouped if grouped is not None else run_grouping(counting)
    sums, contributions = _margins(rows, counting)
    dimensions = tuple(_dimension(axis, index, sums) for index, axis in enumerate(counting.axes))
    return StatTable(
        table_id=table.id,
        title=str(table.title),
        dimensions=dimensions,
        measures=table.measures,
        unit=str(table.unit),
        cells=_cells(dimensions, sums, counting),
        footnotes=[str(note) for note in footnotes],
        additive=not any(axis.several for axis in counting.axes),
        contributions=contributions,
    )


def grouping_sql(counting: Counting) -> tuple[str, Any]:
    """The one query: the contributors' rows as a subquery, grouped by every dimension's
    expression, with the number of contributors and each measure's sum. Raises
    ``EmptyResultSet`` when the scope holds nothing at all."""
    axes, measures = counting.axes, counting.measures
    # Axes that read the very same expression (two dimensions taken from one text) share its
    # column, so that it is computed once.
    first = [next(i for i, other in enumerate(axes) if other.value is axis.value) for axis in axes]
    annotations = {f"a{index}": _grouped_by(axes[index]) for index in dict.fromkeys(first)}
    annotations |= {f"m{index}": Coalesce(m.value, Value(0)) for index, m in enumerate(measures)}
    base = counting.rows.order_by().annotate(**annotations).values(*annotations)
    base_sql, params = base.query.sql_with_params()
    columns = [f"b.a{index}" for index in first]
    sums = ["COUNT(*)", *(f"SUM(b.m{index})" for index in range(len(measures)))]
    positions = ", ".join(str(position) for position in range(1, len(axes) + 1))
    sql = f"SELECT {', '.join(columns + sums)} FROM ({base_sql}) b GROUP BY {positions}"
    return sql, params


def _grouped_by(axis: Axis) -> Any:
    return AsText(axis.value) if axis.listed else axis.value


def run_grouping(counting: Counting) -> list[tuple[Any, ...]]:
    """The rows of the counting's one query (``grouping_sql``)."""
    try:
        sql, params = grouping_sql(counting)
    except EmptyResultSet:
        return []  # a scope that can see nothing: no query to run
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def code_of(value: Any) -> str:
    """A dimension's code as the table keys it: NULL and blank read as ``unknown``."""
    if value is None or value == "":
        return UNKNOWN
    return str(value)


def _codes_of_list(value: Any) -> Sequence[str]:
    """The distinct codes of a JSON list (text on SQLite, already read on PostgreSQL), or
    ``unknown`` alone for an empty or NULL one."""
    codes = json.loads(value) if isinstance(value, str) else value or []
    return tuple(dict.fromkeys(code_of(code) for code in codes)) or (UNKNOWN,)


def _masks(indexes: Sequence[int]) -> range:
    return range(2 ** len(indexes))


def _bits(mask: int) -> Iterator[int]:
    return (bit for bit in range(mask.bit_length()) if mask >> bit & 1)


def _margins(rows: Sequence[tuple[Any, ...]], counting: Counting) -> tuple[Sums, int]:
    """Every cell of the cube that has contributors, totals included, with its sums; and the
    most inner cells one contributor counts in."""
    axes = counting.axes
    width = len(axes)
    several = [index for index, axis in enumerate(axes) if axis.several]
    single = [index for index, axis in enumerate(axes) if not axis.several]
    # Each plan totals some multi-valued dimensions (``shared``) and some single-valued ones;
    # it reads its key from a group's codes followed by TOTAL, taking TOTAL where it totals.
    plans = []
    for shared in _masks(several):
        for mask in _masks(single):
            totalled = {*(several[b] for b in _bits(shared)), *(single[b] for b in _bits(mask))}
            positions = [width if i in totalled else i for i in range(width)]
            plans.append((tuple(_bits(shared)), _picker(positions)))
    sums: Sums = {}
    contributions = 1
    for row in rows:
        options = [axis.options(value) for axis, value in zip(axes, row, strict=False)]
        sizes = [len(options[index]) for index in several]
        figures = [float(figure or 0) for figure in row[width:]]
        # What the row adds under each plan: in a total over multi-valued dimensions, its
        # figures shared out among the values it has there.
        adds = []
        for shared_bits, pick in plans:
            share = math.prod(sizes[bit] for bit in shared_bits)
            adds.append((pick, [figure / share for figure in figures]))
        for combination in itertools.product(*options):
            codes = (*combination, TOTAL)
            for pick, add in adds:
                key = pick(codes)
                cell = sums.get(key)
                if cell is None:
                    sums[key] = [0.0 + figure for figure in add]
                else:
                    for index, figure in enumerate(add):
                        cell[index] += figure
        contributions = max(contributions, math.prod(sizes))
    return sums, contributions


def _picker(positions: list[int]) -> Callable[[tuple[str, ...]], Key]:
    """A function taking the items at ``positions`` of a tuple, as a tuple."""
    if len(positions) == 1:
        (position,) = positions
        return lambda codes: (codes[position],)
    return operator.itemgetter(*positions)


def _dimension(axis: Axis, index: int, sums: Sums) -> Dimension:
    found = {key[index] for key in sums if key[index] != TOTAL}
    categories, labels = axis.categories(found)
    # A rule shows at least what was found; otherwise a total would count what no cell shows.
    strays = sorted(found - set(categories))
    categories = (*categories, *strays)
    labels = labels | {code: code for code in strays}
    return Dimension(name=axis.name, label=str(axis.label), categories=categories, labels=labels)


def _cells(dimensions: tuple[Dimension, ...], sums: Sums, counting: Counting) -> dict[Key, Cell]:
    cells = {}
    empty = [0.0] * (1 + len(counting.measures))
    for key in itertools.product(*((*d.categories, TOTAL) for d in dimensions)):
        found = sums.get(key, empty)
        count = round(found[0])
        values: dict[str, float | None] = {}
        if counting.count_as:
            values[counting.count_as] = count
        for index, measure in enumerate(counting.measures):
            values[measure.name] = round(found[1 + index])
        cells[key] = Cell(key=key, count=count, values=values)
    return cells
