"""Reading the values of one part of a record (an incident, a person, a leg) from a row, column
by column.

The columns of a table are fixed, so what reading a cell needs besides the cell — which of the
layout's columns the table has, the header as written for the report, the converter and what it
answered before — is worked out once per table rather than once per cell. Files repeat a few
values in each column (codes, dates, counts): each distinct cell is converted once, and its
value, or the reason it was rejected, reused. The cell behind a value is found only when a
broken rule asks for it (``mapping.PartCells``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from waypoint.bulk import mapping
from waypoint.bulk.mapping import PartCells, PartialDate, RecordBuilder, Rejected
from waypoint.bulk.sources import Row


class ColumnReader:
    """One column of a table: where its values go and what its cells were converted to."""

    __slots__ = ("convert", "field", "name", "outcomes", "unwrap_dates", "written")

    outcomes: dict[Any, Any] | None

    def __init__(
        self,
        name: str,
        field: str,
        convert: Callable[[Any], Any],
        written: str,
        *,
        keep_partial_dates: bool,
        unique: bool = False,
    ) -> None:
        self.name, self.field, self.convert, self.written = name, field, convert, written
        #: None for a column whose values differ on every row: remembering them would only
        #: cost time and memory.
        self.outcomes = None if unique else mapping.outcomes_of(convert)
        #: A partial date stays one only where the record reads its precision (the incident's
        #: start and end); elsewhere the field takes the first day it names.
        self.unwrap_dates = not keep_partial_dates


class PartReader:
    """The columns a table has of one part of the layout, in the layout's order."""

    def __init__(self, columns: Iterable[ColumnReader]) -> None:
        self.columns = tuple(columns)
        #: What reading each column needs, unpacked faster than attributes.
        self._plan = tuple(
            (
                column.name,
                column.field,
                column.written,
                column.convert,
                column.outcomes,
                column.unwrap_dates,
            )
            for column in self.columns
        )
        self._cells = {column.field: (column.name, column.written) for column in self.columns}

    def read(self, builder: RecordBuilder, row: Row, path: str, *, note: bool) -> dict[str, Any]:
        """The part's values in ``row`` by field name, the rejected cells reported to
        ``builder`` and left out.

        Where the part was read is remembered under ``path`` (``persons[2]``) for the cells of
        its values (``persons[2].sex``); with ``note``, the part's first filled cell also
        answers for the part as a whole, so that a rule about it (a victimisation recorded for
        a witness) points at the part's row. A cell noted beneath ``path`` later takes
        precedence, as it would over a value read earlier.
        """
        values: dict[str, Any] = {}
        if not self.columns:
            return values
        builder.parts[path] = PartCells(row, self._cells, note)
        cells = row.values
        for name, field, written, convert, outcomes, unwrap in self._plan:
            raw = cells.get(name)
            if type(raw) is str:
                # mapping.is_blank, for the cells of text files, without a call.
                if not raw or raw.isspace():
                    continue
                # Text is remembered by itself (mapping.converted): looked up here at once.
                outcome = outcomes.get(raw, _UNSEEN) if outcomes is not None else _UNSEEN
            elif raw is None or mapping.is_blank(raw):
                continue
            else:
                outcome = _UNSEEN
            if outcome is _UNSEEN:
                outcome = mapping.converted(convert, raw, outcomes)
            elif type(outcome) is list:
                outcome = list(outcome)  # the record's own to change
            if isinstance(outcome, Rejected):
                builder.reject(row, written, raw, outcome.reason, outcome.accepted, outcome.code)
            elif outcome is not None:
                if unwrap and type(outcome) is PartialDate:
                    outcome = outcome.value
                values[field] = outcome
        return values


_UNSEEN = object()


def part_reader(
    columns: Iterable[Any],
    written: Mapping[str, str],
    *,
    partial_dates: frozenset[str] = frozenset(),
    unique: frozenset[str] = frozenset(),
) -> PartReader:
    """A reader of the layout's ``columns`` (``layout.Column``) that the table has; ``written``
    maps each of the table's columns to its header as written, ``partial_dates`` names the
    fields that keep a ``PartialDate``, ``unique`` the columns whose values differ on every
    row."""
    return PartReader(
        ColumnReader(
            column.name,
            column.field,
            column.convert,
            written.get(column.name, column.name),
            keep_partial_dates=column.field in partial_dates,
            unique=column.name in unique,
        )
        for column in columns
        if column.name in written
    )
