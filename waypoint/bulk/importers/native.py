"""The native layout (``waypoint/bulk/layout.py``; docs/formats.md): persons in incidents, one
row each, with route legs in a ``legs`` table or the ``route`` column.

Rows of one incident follow each other, so the main table streams: an incident is complete
when the reference changes. The ``legs`` table (a sheet or a ZIP member) is read first and kept
by reference; it holds a few rows per incident.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from waypoint.bulk import layout, mapping
from waypoint.bulk.formats import Format, ReadContext
from waypoint.bulk.mapping import RecordBuilder, Rejected, SourceRecord
from waypoint.bulk.sources import Row, SourceError, Table
from waypoint.cases.instances import build
from waypoint.cases.models import (
    Incident,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    Victimisation,
)
from waypoint.cases.validation import IncidentDraft, PersonDraft, SelectorDraft, StageStep

PART_MODELS = {
    "incident": Incident,
    "person": Person,
    "victimisation": Victimisation,
    "offender": OffenderRecord,
    "leg": RouteLeg,
}
ROUTE_ARROW = re.compile(r"\s*(?:>|→|->|–|—)\s*")


def recognise(tables: list[Table]) -> float:
    known = {column.name for column in layout.record_columns()} | {
        layout.ROUTE,
        layout.PERSON_KEY,
    }
    best = 0.0
    for table in tables:
        columns = {layout.canonical(column) for column in table.headers}
        if layout.REFERENCE not in columns:
            continue
        share = len(columns & known) / max(len(columns), 1)
        has_own = bool(columns & {"kinds", "person_role", "label", "sequence"})
        best = max(best, share if has_own else share / 2)
    return best


def read(tables: list[Table], context: ReadContext) -> Iterator[SourceRecord]:
    main, legs = _split(tables)
    legs_by_reference = _read_legs(legs, context) if legs else {}
    leg_columns = _written(legs) if legs else Columns.empty()
    yield from _records(main, legs_by_reference, leg_columns, context)
    for reference in legs_by_reference:
        context.notice(
            _("Legs of %(reference)s were ignored: no incident row has that reference.")
            % {"reference": reference}
        )


def _split(tables: list[Table]) -> tuple[Table, Table | None]:
    legs = [t for t in tables if t.sheet.lower() == layout.LEGS_TABLE or _is_legs(t)]
    main = [t for t in tables if t not in legs and layout.REFERENCE in _canonical_columns(t)]
    if not main:
        raise SourceError(
            tables[0].file,
            _("no table has a reference column; the native layout starts with “reference”"),
        )
    return main[0], (legs[0] if legs else None)


def _is_legs(table: Table) -> bool:
    columns = _canonical_columns(table)
    return "sequence" in columns and "from_country" in columns and "person_role" not in columns


def _canonical_columns(table: Table) -> set[str]:
    return {layout.canonical(column) for column in table.headers}


def _rows(table: Table) -> Iterator[Row]:
    """Rows with their cells keyed by the layout's own column names."""
    renames = {column: layout.canonical(column) for column in table.headers}
    renames = {old: new for old, new in renames.items() if old != new}
    for row in table.rows:
        if renames:
            row.values = {renames.get(key, key): value for key, value in row.values.items()}
        yield row


class Columns(dict[str, str]):
    """A table's columns (layout name → header as written), with the layout's columns it has
    by part, worked out once per table rather than once per row."""

    def __init__(self, table: Table) -> None:
        super().__init__(
            (layout.canonical(column), written) for column, written in table.headers.items()
        )
        self.present: dict[str, list[layout.Column]] = {}

    @classmethod
    def empty(cls) -> Columns:
        columns = cls.__new__(cls)
        columns.present = {}
        return columns


def _present(part: str, columns: dict[str, str]) -> list[layout.Column]:
    cached = columns.present.get(part) if isinstance(columns, Columns) else None
    if cached is not None:
        return cached
    source = layout.leg_columns() if part == "leg" else layout.record_columns()
    found = [column for column in source if column.part == part and column.name in columns]
    if isinstance(columns, Columns):
        columns.present[part] = found
    return found


def _written(table: Table) -> Columns:
    return Columns(table)


# Legs ---------------------------------------------------------------------------------------


def _read_legs(table: Table, context: ReadContext) -> dict[str, list[Row]]:
    context.report_extra_columns(
        table, {c for c in table.headers if layout.canonical(c) in set(layout.leg_headers())}
    )
    by_reference: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(table):
        by_reference[mapping.text_of(row.get(layout.REFERENCE))].append(row)
    return dict(by_reference)


def _legs(builder: RecordBuilder, rows: list[Row], columns: dict[str, str]) -> list[RouteLeg]:
    legs = []
    if rows:
        # The numbering of the legs as a whole is reported at the first leg's number.
        builder.note("legs", rows[0], columns.get("sequence", "sequence"), rows[0].get("sequence"))
    for index, row in enumerate(rows, start=1):
        builder.add_row(row)
        values = _part_values(builder, row, "leg", f"legs[{index}]", columns)
        legs.append(build(RouteLeg, values))
    return legs


def _route_legs(builder: RecordBuilder, row: Row, columns: dict[str, str]) -> list[RouteLeg]:
    raw = row.get(layout.ROUTE)
    if mapping.is_blank(raw):
        return []
    stops = [stop for stop in ROUTE_ARROW.split(mapping.text_of(raw)) if stop]
    written = columns.get(layout.ROUTE, layout.ROUTE)
    if len(stops) < 2:
        builder.reject(
            row, written, raw, _("A route needs at least two countries."), "LBY > ITA > DEU"
        )
        return []
    codes = []
    for stop in stops:
        try:
            codes.append(mapping.country(stop))
        except Rejected as rejection:
            builder.reject(row, written, stop, rejection.reason, rejection.accepted)
            return []
    legs = []
    for index, (start, end) in enumerate(itertools.pairwise(codes), start=1):
        builder.note(f"legs[{index}]", row, written, raw)
        legs.append(build(RouteLeg, {"sequence": index, "from_country": start, "to_country": end}))
    return legs


# Records ------------------------------------------------------------------------------------


def _records(
    table: Table,
    legs_by_reference: dict[str, list[Row]],
    leg_columns: Columns,
    context: ReadContext,
) -> Iterator[SourceRecord]:
    known = set(layout.main_headers())
    context.report_extra_columns(table, {c for c in table.headers if layout.canonical(c) in known})
    columns = _written(table)
    finished: dict[str, int] = {}
    group: list[Row] = []
    for row in _rows(table):
        reference = mapping.text_of(row.get(layout.REFERENCE))
        if group and reference != mapping.text_of(group[0].get(layout.REFERENCE)):
            yield _record(group, legs_by_reference, columns, leg_columns, finished, context)
            group = []
        group.append(row)
    if group:
        yield _record(group, legs_by_reference, columns, leg_columns, finished, context)


def _record(
    rows: list[Row],
    legs_by_reference: dict[str, list[Row]],
    columns: dict[str, str],
    leg_columns: Columns,
    finished: dict[str, int],
    context: ReadContext,
) -> SourceRecord:
    first = rows[0]
    reference = mapping.text_of(first.get(layout.REFERENCE))
    builder = RecordBuilder(reference)
    for row in rows:
        builder.add_row(row)
    written = columns.get(layout.REFERENCE, layout.REFERENCE)
    if not reference:
        builder.reject(
            first,
            written,
            "",
            _("Every row needs a reference."),
            _("the incident's own reference"),
            "required",
        )
        return builder.finish(None)
    if len(reference) > 64:
        builder.reject(
            first, written, reference, _("A reference has at most 64 characters."), "", "too_long"
        )
        return builder.finish(None)
    if reference in finished:
        builder.reject(
            first,
            written,
            reference,
            _(
                "The rows of an incident must follow each other; this reference was used before, on row %(row)s."
            )
            % {"row": finished[reference]},
            _("the rows of each incident together"),
            "duplicate_reference",
        )
        return builder.finish(None)
    finished[reference] = first.number
    person_rows = _person_rows(rows)
    draft = _draft(builder, rows, person_rows, columns, context)
    leg_rows = legs_by_reference.pop(reference, [])
    route_legs = _route_legs(builder, first, columns)
    if leg_rows and route_legs:
        builder.reject(
            first,
            columns.get(layout.ROUTE, layout.ROUTE),
            first.get(layout.ROUTE),
            _("The route is given twice: in this column and in the legs table."),
            _("one of the two"),
        )
    draft.legs = _legs(builder, leg_rows, leg_columns) if leg_rows else route_legs
    record = builder.finish(
        draft,
        person_keys=[mapping.text_of(row.get(layout.PERSON_KEY)) for row in person_rows],
    )
    record.incident_fields = frozenset(column.field for column in _present("incident", columns)) | {
        "date_precision"
    }
    return record


def _draft(
    builder: RecordBuilder,
    rows: list[Row],
    person_rows: list[Row],
    columns: dict[str, str],
    context: ReadContext,
) -> IncidentDraft:
    first = rows[0]
    values = _part_values(builder, first, "incident", "incident", columns)
    _check_repeated(builder, rows, columns)
    values.setdefault("label", context.label)
    values["reference"] = mapping.text_of(first.get(layout.REFERENCE))
    start = values.get("date_start")
    if isinstance(start, mapping.PartialDate):
        values["date_start"] = start.value
        values.setdefault("date_precision", start.precision)
    end = values.get("date_end")
    if isinstance(end, mapping.PartialDate):
        values["date_end"] = end.value
    incident = build(Incident, values)
    draft = IncidentDraft(incident=incident)
    draft.selectors = _selectors(builder, first, columns)
    for index, row in enumerate(person_rows, start=1):
        draft.persons.append(_person(builder, row, f"persons[{index}]", columns))
    return draft


def _person_rows(rows: list[Row]) -> list[Row]:
    """The rows that say something about a person (an incident without persons has one row)."""
    return [row for row in rows if any(_filled(row, key) for key in _person_keys(row))]


def _filled(row: Row, key: str) -> bool:
    value = row.values[key]
    return value is not None and value != "" and not mapping.is_blank(value)


_PERSON_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _person_keys(row: Row) -> tuple[str, ...]:
    # The rows of a table share their columns: the person columns among them are found once.
    columns = tuple(row.values)
    keys = _PERSON_KEYS.get(columns)
    if keys is None:
        prefixes = ("person_", "victim_", "offender_")
        keys = _PERSON_KEYS[columns] = tuple(key for key in columns if key.startswith(prefixes))
    return keys


def _check_repeated(builder: RecordBuilder, rows: list[Row], columns: dict[str, str]) -> None:
    """Incident columns repeat on each person's row; a differing value is a mistake to name."""
    first = rows[0]
    for row in rows[1:]:
        for name in _repeated_columns():
            value = row.values.get(name)
            if value == first.values.get(name):
                continue
            if not mapping.is_blank(value) and mapping.text_of(value) != mapping.text_of(
                first.get(name)
            ):
                builder.reject(
                    row,
                    columns.get(name, name),
                    value,
                    _(
                        "Incident columns repeat on every row of the incident; row %(row)s says “%(first)s”."
                    )
                    % {"row": first.number, "first": mapping.text_of(first.get(name))},
                    _("the same value on every row, or blank"),
                    "inconsistent_incident",
                )


@functools.cache
def _repeated_columns() -> tuple[str, ...]:
    incident = [c.name for c in layout.record_columns() if c.part == "incident"]
    return (*incident, layout.ROUTE, layout.SELECTORS)


def _part_values(
    builder: RecordBuilder, row: Row, part: str, path: str, columns: dict[str, str]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    present = _present(part, columns)
    cells = row.values
    for column in present:
        if cells.get(column.name) in (None, ""):
            continue
        value = builder.take(
            row, column.name, column.convert, path=f"{path}.{column.field}", columns=columns
        )
        if value is not None:
            values[column.field] = value
    if part != "incident":
        _note_part(builder, row, path, present, columns)
    for name, value in values.items():
        if type(value) is mapping.PartialDate and not (
            part == "incident" and name in ("date_start", "date_end")
        ):
            values[name] = value.value
    return values


def _note_part(
    builder: RecordBuilder,
    row: Row,
    path: str,
    present: list[layout.Column],
    columns: dict[str, str],
) -> None:
    """Point a rule about a whole part (a victimisation recorded for a witness, legs out of
    order) at the part's row and its first filled column, rather than at the incident's first
    row."""
    for column in present:
        if not mapping.is_blank(row.get(column.name)):
            builder.note(path, row, columns.get(column.name, column.name), row.get(column.name))
            return


def _person(builder: RecordBuilder, row: Row, path: str, columns: dict[str, str]) -> PersonDraft:
    person = build(Person, _part_values(builder, row, "person", path, columns))
    if mapping.is_blank(row.get("person_role")):
        builder.note(f"{path}.role", row, columns.get("person_role", "person_role"))
    victim_values = _part_values(builder, row, "victimisation", f"{path}.victimisation", columns)
    offender_values = _part_values(builder, row, "offender", f"{path}.offender", columns)
    draft = PersonDraft(
        person=person,
        identifiers=_identifiers(builder, row, path, columns),
        victimisation=build(Victimisation, victim_values) if victim_values else None,
    )
    stage = builder.take(row, layout.STAGE, _stage, path=f"{path}.offender.stage", columns=columns)
    stage_date = builder.take(
        row, layout.STAGE_DATE, mapping.date, path=f"{path}.offender.stages[1]", columns=columns
    )
    if stage and stage_date is None:
        # The stage history is this one step: its rules point at the stage.
        written = columns.get(layout.STAGE, layout.STAGE)
        builder.note(f"{path}.offender.stages[1]", row, written, row.get(layout.STAGE))
    if offender_values or stage:
        offender = build(OffenderRecord, offender_values)
        if stage:
            offender.stage = stage
            draft.stages = _stage_steps(stage, stage_date.value if stage_date else None)
        draft.offender = offender
    return draft


def _stage_steps(stage: str, effective_on: Any) -> list[StageStep]:
    """The stage the file gives, after the stage it must have followed when it cannot be the
    first (proceedings are discontinued against a suspect)."""
    from waypoint.cases.models import STAGE_WORKFLOW, Stage

    step = StageStep(stage, effective_on)
    if STAGE_WORKFLOW.allows("", stage):
        return [step]
    before = next(
        (
            first
            for first in Stage.values
            if STAGE_WORKFLOW.allows("", first) and STAGE_WORKFLOW.allows(first, stage)
        ),
        None,
    )
    return [StageStep(before), step] if before else [step]


def _stage(raw: Any) -> str:
    from waypoint.cases.models import Stage

    key = mapping.key_of(raw)
    codes = [str(code) for code in Stage.values]
    if key not in codes:
        raise Rejected(
            _("“%(value)s” is not a criminal-justice stage.") % {"value": mapping.text_of(raw)},
            ", ".join(codes),
            "invalid_code",
        )
    return key


def _pairs(raw: Any) -> list[tuple[str, str]]:
    """``"passport_number: AB123; phone: +39 06 1234"`` → [(kind, value), …]."""
    pairs = []
    for item in re.split(r";|\n", mapping.text_of(raw)):
        if not item.strip():
            continue
        kind, separator, value = item.partition(":")
        if not separator or not value.strip():
            raise Rejected(
                _("“%(item)s” is not a kind: value pair.") % {"item": item.strip()},
                "passport_number: AB123456; phone: +39 06 1234",
            )
        pairs.append((kind.strip(), value.strip()))
    return pairs


def _identifiers(
    builder: RecordBuilder, row: Row, path: str, columns: dict[str, str]
) -> list[PersonIdentifier]:
    pairs = (
        builder.take(row, layout.IDENTIFIERS, _pairs, path=f"{path}.identifiers", columns=columns)
        or []
    )
    if not pairs:
        return []
    written = columns.get(layout.IDENTIFIERS, layout.IDENTIFIERS)
    identifiers = []
    convert = mapping.term("identifier_kind")
    for index, (kind, value) in enumerate(pairs, start=1):
        builder.note(f"{path}.identifiers[{index}]", row, written, kind)
        try:
            identifiers.append(PersonIdentifier(kind=convert(kind), value=value))
        except Rejected as rejection:
            builder.reject(row, written, kind, rejection.reason, rejection.accepted, rejection.code)
    return identifiers


def _selectors(builder: RecordBuilder, row: Row, columns: dict[str, str]) -> list[SelectorDraft]:
    pairs = builder.take(row, layout.SELECTORS, _pairs, path="selectors", columns=columns) or []
    if not pairs:
        return []
    written = columns.get(layout.SELECTORS, layout.SELECTORS)
    selectors = []
    convert = mapping.term("selector_kind")
    for index, (kind, value) in enumerate(pairs, start=1):
        builder.note(f"selectors[{index}]", row, written, kind)
        try:
            selectors.append(SelectorDraft(Selector(kind=convert(kind), value=value)))
        except Rejected as rejection:
            builder.reject(row, written, kind, rejection.reason, rejection.accepted, rejection.code)
    return selectors


FORMAT = Format(
    name="waypoint",
    title="Waypoint native layout (CSV, XLSX, ZIP of CSV)",
    recognise=recognise,
    read=read,
    description="One row per person in an incident; route legs in a legs table or the route column.",
)
