"""The native layout (``waypoint/bulk/layout.py``; docs/formats.md): persons in incidents, one
row each, with route legs in a ``legs`` table or the ``route`` column.

Rows of one incident follow each other, so the main table streams: an incident is complete
when the reference changes. The ``legs`` table (a sheet or a ZIP member) is read first and kept
by reference; it holds a few rows per incident.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from waypoint.bulk import layout, mapping
from waypoint.bulk.columns import PartReader, part_reader
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
    return _renamed(table.rows, renames) if renames else table.rows


def _renamed(rows: Iterator[Row], renames: dict[str, str]) -> Iterator[Row]:
    for row in rows:
        row.values = {renames.get(key, key): value for key, value in row.values.items()}
        yield row


class Columns(dict[str, str]):
    """A table's columns (layout name → header as written), with the layout's columns it has
    by part and their readers, worked out once per table rather than once per row."""

    def __init__(self, table: Table) -> None:
        super().__init__(
            (layout.canonical(column), written) for column, written in table.headers.items()
        )
        self.present: dict[str, list[layout.Column]] = {}
        self.readers: dict[str, PartReader] = {}
        #: The language of the reasons of rejected cells, asked for once.
        self.language = get_language()

    @classmethod
    def empty(cls) -> Columns:
        columns = cls.__new__(cls)
        columns.present, columns.readers, columns.language = {}, {}, get_language()
        return columns

    def reader(self, part: str) -> PartReader:
        found = self.readers.get(part)
        if found is None:
            kept = INCIDENT_DATES if part == "incident" else frozenset()
            found = self.readers[part] = part_reader(
                _present(part, self), self, partial_dates=kept, unique=UNIQUE_COLUMNS
            )
        return found

    @functools.cached_property
    def incident_fields(self) -> frozenset[str]:
        """The incident fields the table has columns for (an update changes only those)."""
        return frozenset(column.field for column in _present("incident", self)) | {"date_precision"}

    @functools.cached_property
    def repeated(self) -> tuple[str, ...]:
        """The incident columns the table has, which repeat on each person's row."""
        return tuple(name for name in _repeated_columns() if name in self)

    @functools.cached_property
    def repeated_values(self) -> Callable[[dict[str, Any]], Any] | None:
        """The values of a row's repeated columns, to compare at once (None: it has none)."""
        return operator.itemgetter(*self.repeated) if self.repeated else None

    @functools.cached_property
    def person_columns(self) -> tuple[str, ...]:
        """The table's columns about a person."""
        return tuple(name for name in self if name.startswith(("person_", "victim_", "offender_")))


#: The incident's dates stay partial when read: their precision is a field of its own.
INCIDENT_DATES = frozenset({"date_start", "date_end"})
#: Columns whose values differ on every record.
UNIQUE_COLUMNS = frozenset({layout.REFERENCE})


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


def _legs(builder: RecordBuilder, rows: list[Row], columns: Columns) -> list[RouteLeg]:
    legs = []
    if rows:
        # The numbering of the legs as a whole is reported at the first leg's number.
        builder.note("legs", rows[0], columns.get("sequence", "sequence"), rows[0].get("sequence"))
    reader = columns.reader("leg")
    for index, row in enumerate(rows, start=1):
        builder.add_row(row)
        values = reader.read(builder, row, f"legs[{index}]", note=True)
        legs.append(build(RouteLeg, values))
    return legs


def _route_legs(builder: RecordBuilder, row: Row, columns: Columns) -> list[RouteLeg]:
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
    outcomes = mapping.outcomes_of(mapping.country, builder.language)
    for stop in stops:
        code = mapping.converted(mapping.country, stop, outcomes)
        if isinstance(code, Rejected):
            builder.reject(row, written, stop, code.reason, code.accepted)
            return []
        codes.append(code)
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
    current = ""
    for row in _rows(table):
        reference = mapping.text_of(row.get(layout.REFERENCE))
        if group and reference != current:
            yield _record(group, legs_by_reference, columns, leg_columns, finished, context)
            group = []
        if not group:
            current = reference
        group.append(row)
    if group:
        yield _record(group, legs_by_reference, columns, leg_columns, finished, context)


def _record(
    rows: list[Row],
    legs_by_reference: dict[str, list[Row]],
    columns: Columns,
    leg_columns: Columns,
    finished: dict[str, int],
    context: ReadContext,
) -> SourceRecord:
    first = rows[0]
    reference = mapping.text_of(first.get(layout.REFERENCE))
    builder = RecordBuilder(reference, columns.language)
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
    person_rows = _person_rows(rows, columns)
    draft = _draft(builder, rows, person_rows, columns, context)
    leg_rows = legs_by_reference.pop(reference, [])
    route_legs = _route_legs(builder, first, columns) if layout.ROUTE in columns else []
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
    record.incident_fields = columns.incident_fields
    return record


def _draft(
    builder: RecordBuilder,
    rows: list[Row],
    person_rows: list[Row],
    columns: Columns,
    context: ReadContext,
) -> IncidentDraft:
    first = rows[0]
    values = columns.reader("incident").read(builder, first, "incident", note=False)
    _check_repeated(builder, rows, columns)
    values.setdefault("label", context.label)
    values["reference"] = builder.reference
    start = values.get("date_start")
    if isinstance(start, mapping.PartialDate):
        values["date_start"] = start.value
        values.setdefault("date_precision", start.precision)
    end = values.get("date_end")
    if isinstance(end, mapping.PartialDate):
        values["date_end"] = end.value
    incident = build(Incident, values)
    draft = IncidentDraft(incident=incident)
    draft.selectors = _selectors(builder, first, columns) if layout.SELECTORS in columns else []
    for index, row in enumerate(person_rows, start=1):
        draft.persons.append(_person(builder, row, f"persons[{index}]", columns))
    return draft


def _person_rows(rows: list[Row], columns: Columns) -> list[Row]:
    """The rows that say something about a person (an incident without persons has one row)."""
    keys = columns.person_columns
    return [row for row in rows if any(map(_filled, map(row.values.get, keys)))]


def _filled(value: Any) -> bool:
    return value is not None and value != "" and not mapping.is_blank(value)


def _check_repeated(builder: RecordBuilder, rows: list[Row], columns: Columns) -> None:
    """Incident columns repeat on each person's row; a differing value is a mistake to name."""
    first = rows[0]
    expected = _repeated_values(first, columns)
    for row in rows[1:]:
        if expected is not None and _repeated_values(row, columns) == expected:
            continue
        for name in columns.repeated:
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


def _repeated_values(row: Row, columns: Columns) -> Any:
    """The row's values of the repeated columns, or None when they cannot be compared at once
    (the table has none, or a short row of a text file lacks some)."""
    values = columns.repeated_values
    try:
        return values(row.values) if values is not None else None
    except KeyError:
        return None


@functools.cache
def _repeated_columns() -> tuple[str, ...]:
    incident = [c.name for c in layout.record_columns() if c.part == "incident"]
    return (*incident, layout.ROUTE, layout.SELECTORS)


def _person(builder: RecordBuilder, row: Row, path: str, columns: Columns) -> PersonDraft:
    person = build(Person, columns.reader("person").read(builder, row, path, note=True))
    if mapping.is_blank(row.get("person_role")):
        builder.note(f"{path}.role", row, columns.get("person_role", "person_role"))
    victim_values = columns.reader("victimisation").read(
        builder, row, f"{path}.victimisation", note=True
    )
    offender_values = columns.reader("offender").read(builder, row, f"{path}.offender", note=True)
    draft = PersonDraft(
        person=person,
        identifiers=_identifiers(builder, row, path, columns)
        if layout.IDENTIFIERS in columns
        else [],
        victimisation=build(Victimisation, victim_values) if victim_values else None,
    )
    stage = stage_date = None
    if layout.STAGE in columns:
        stage = builder.take(
            row, layout.STAGE, _stage, path=f"{path}.offender.stage", columns=columns
        )
    if layout.STAGE_DATE in columns:
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
