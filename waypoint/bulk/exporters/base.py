"""What every exporter is given, and the one place that decides what an export may hold.

``export_rows(user, incidents)`` reads the incidents the user may see, in chunks of bounded size,
and turns each into an ``ExportIncident``: plain values (codes, dates, numbers) of exactly the
fields the user may see. The decision is the record page's (``waypoint.cases.presentation``):

- members of the owner organisation get every field but the sealed ones (personal, restricted,
  firewalled: narrative, sources, identifiers, selectors, migration status, notes); with
  ``reveal=True`` they get those too, for their own organisation's records only;
- everyone else who may see a record (partners) gets the de-identified view: sealed fields never
  leave, and where the owner asked, dates are coarsened to the month (``Month``, written
  ``2024-05``) and precise places (place names, coordinates, border crossing points) are left out.

Exporters only format what they are given: an ``ExportIncident`` holds no model row, so a format
cannot reach a value the user may not see. ``neutralise`` keeps spreadsheet programs from running
text as a formula; the CSV and XLSX writers pass every text cell through it.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any

from django.db import models
from django.db.models import Count, prefetch_related_objects

from waypoint.bulk import layout
from waypoint.cases.models import (
    Incident,
    IncidentQuerySet,
    Person,
    RouteLeg,
    StageChange,
)
from waypoint.cases.presentation import fields_of
from waypoint.lib.fieldclasses import OWNER_ONLY
from waypoint.orgs.access import member_organisations
from waypoint.vault.sealing import reveal_each

# Values --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    """A date coarsened to its month for a partner; written ``2024-05`` in every format (the
    importer reads it back as a date precise to the month)."""

    year: int
    month: int

    @classmethod
    def of(cls, date: datetime.date) -> Month:
        return cls(date.year, date.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


#: Between the codes of a list, and between the pairs of a compound column.
LIST_SEPARATOR = "; "
#: A value as exported: a code or text, a list of codes, a number, a flag, a date or a month.
Value = str | list[str] | int | float | decimal.Decimal | bool | datetime.date | Month | None


@dataclass(frozen=True)
class Protected:
    """An identifier of a person, or a selector of the incident, as its owner sees it: its kind
    always, its value only in a revealed export. A selector names the person it belongs to by
    their number in the incident (1, 2, 3 …), as the API's incident document does."""

    id: str
    kind: str
    value: str | None = None
    person: int | None = None


@dataclass(frozen=True)
class Stage:
    """One step of an offender's criminal-justice history."""

    id: str
    stage: str
    effective_on: Value = None
    #: The step's note, only in a revealed export.
    note: str | None = None


@dataclass
class ExportPerson:
    #: The person's public id: ``person_ref`` in the table layout.
    id: str
    #: The person's fields this viewer sees, by model field name.
    values: dict[str, Value]
    victimisation: dict[str, Value] | None = None
    offender: dict[str, Value] | None = None
    #: The offender's criminal-justice history in order.
    stages: list[Stage] = field(default_factory=list)
    #: Names, dates of birth, documents, contacts: for the owner only (None for partners).
    identifiers: list[Protected] | None = None

    @property
    def stage_date(self) -> Value:
        """The date the offender reached the current stage, when known."""
        if not self.offender or not self.stages or self.stages[-1].stage != self.offender["stage"]:
            return None
        return self.stages[-1].effective_on


@dataclass
class ExportIncident:
    """One incident exactly as the exporting user may see it."""

    #: The incident's public id (UUID).
    id: str
    #: The owner organisation's code.
    owner: str
    label: str
    #: Seen as a member of the owner organisation (otherwise the de-identified view).
    as_owner: bool
    #: Dates coarsened to the month and precise places left out, as the owner asked.
    coarsened: bool
    #: Sealed values included (an owner's export with ``reveal``).
    revealed: bool
    #: The incident's fields this viewer sees, by model field name.
    values: dict[str, Value]
    persons: list[ExportPerson]
    legs: list[dict[str, Value]]
    #: For the owner only (None for partners).
    selectors: list[Protected] | None = None

    @property
    def deidentified(self) -> bool:
        return not self.as_owner

    @property
    def route(self) -> list[str]:
        """The countries of the route in order: where the first leg left, then each arrival."""
        if not self.legs:
            return []
        return [str(self.legs[0]["from_country"]), *(str(leg["to_country"]) for leg in self.legs)]


# Exporters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exporter:
    """An export format: ``write`` writes the incidents to ``out`` (left open) and answers the
    number of data rows written (table rows for CSV and XLSX, incident objects for JSON).

    It is given an ``ExportRows``: an iterable of ``ExportIncident`` that also says whether the
    sealed columns are part of the export and whether the tables need an ``owner`` column
    (``main_headers`` and ``leg_headers`` read both).
    """

    name: str
    title: str
    extension: str
    content_type: str
    write: Callable[[ExportRows, IO[bytes]], int]
    description: str = ""


# Reading the incidents ----------------------------------------------------------------------

#: Incidents read per chunk, and the persons a chunk may hold (at least one incident is read).
CHUNK_INCIDENTS = 500
CHUNK_PERSONS = 5000
LOOKUPS = ("persons__victimisation", "persons__offender__stage_history", "legs")
#: Rows listed to the owner only: identifiers and selectors (by kind; values when revealed).
OWNER_LOOKUPS = ("persons__identifiers", "selectors")
PART_MODELS: dict[str, type[models.Model]] = {
    part: model for part, model, _prefix in layout.PARTS
} | {"leg": RouteLeg}


@dataclass
class Tally:
    """What one owner organisation's records contributed to an export."""

    incidents: int = 0
    persons: int = 0
    legs: int = 0
    selectors: int = 0
    identifiers: int = 0
    revealed: int = 0


class ExportRows:
    """The incidents of one export as the user may see them, read lazily, once.

    ``reveal`` says whether sealed columns are part of the export; ``owner_column`` whether the
    tables need an ``owner`` column (references are unique only within their owner: an export
    of records of several organisations, or of another organisation's, names each row's owner).
    ``tallies`` counts what was read, by owner organisation code.
    """

    def __init__(
        self, chunks: Iterator[list[ExportIncident]], *, reveal: bool, owner_column: bool
    ) -> None:
        self._chunks = chunks
        self.reveal = reveal
        self.owner_column = owner_column
        self.tallies: dict[str, Tally] = {}
        self.consumed = False

    def __iter__(self) -> Iterator[ExportIncident]:
        if self.consumed:
            raise RuntimeError("the incidents of an export are read once")
        self.consumed = True
        for chunk in self._chunks:
            for incident in chunk:
                self._count(incident)
                yield incident

    def _count(self, incident: ExportIncident) -> None:
        tally = self.tallies.setdefault(incident.owner, Tally())
        tally.incidents += 1
        tally.persons += len(incident.persons)
        tally.legs += len(incident.legs)
        tally.selectors += _revealed_count(incident.selectors)
        tally.identifiers += sum(_revealed_count(person.identifiers) for person in incident.persons)
        tally.revealed += incident.revealed

    def total(self) -> Tally:
        total = Tally()
        for tally in self.tallies.values():
            for name, value in vars(tally).items():
                setattr(total, name, getattr(total, name) + value)
        return total


def _revealed_count(rows: list[Protected] | None) -> int:
    return sum(row.value is not None for row in rows or ())


def export_rows(
    user: Any,
    incidents: IncidentQuerySet,
    *,
    reveal: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> ExportRows:
    """The incidents of ``incidents`` that ``user`` may see, as they may see them.

    The query set is narrowed by ``visible_to(user)`` whatever it was. Incidents are read in
    primary-key order, a chunk at a time, with a fixed number of queries per chunk. With
    ``reveal``, the sealed values of the records of the user's own organisations are included;
    the caller has the user's justification and records the audit event. ``on_chunk`` is told
    how many incidents each chunk read (for progress bars).
    """
    scoped = incidents.visible_to(user).order_by("pk")
    own = frozenset(organisation.pk for organisation in member_organisations(user))
    owners = list(scoped.order_by().values_list("owner_id", flat=True).distinct()[:2])
    owner_column = len(owners) > 1 or any(owner not in own for owner in owners)
    reveal = reveal and bool(own)
    chunks = _read(scoped, own, reveal=reveal, on_chunk=on_chunk)
    return ExportRows(chunks, reveal=reveal, owner_column=owner_column)


def _read(
    scoped: IncidentQuerySet,
    own: frozenset[int],
    *,
    reveal: bool,
    on_chunk: Callable[[int], None] | None,
) -> Iterator[list[ExportIncident]]:
    last = 0
    while True:
        ids, more = _next_ids(scoped, last)
        if not ids:
            return
        batch = list(scoped.filter(pk__in=ids).select_related("owner").prefetch_related(*LOOKUPS))
        owned = [incident for incident in batch if incident.owner_id in own]
        if owned:
            prefetch_related_objects(owned, *OWNER_LOOKUPS)
        revealed = _reveal_chunk(owned) if reveal else {}
        yield [
            _export_incident(incident, _viewer(incident, own, reveal, revealed))
            for incident in batch
        ]
        if on_chunk is not None:
            on_chunk(len(batch))
        last = ids[-1]
        if not more:
            return


def _viewer(incident: Incident, own: frozenset[int], reveal: bool, revealed: Revealed) -> Viewer:
    as_owner = incident.owner_id in own
    return Viewer(
        as_owner=as_owner,
        coarsen=not as_owner and incident.coarsen_for_partners,
        reveals=reveal and as_owner,
        revealed=revealed if reveal and as_owner else {},
    )


def _next_ids(scoped: IncidentQuerySet, last: int) -> tuple[list[int], bool]:
    """The primary keys of the next chunk, and whether more incidents may follow it."""
    sizes = list(
        scoped.filter(pk__gt=last)
        .values_list("pk")
        .annotate(persons_count=Count("persons"))
        .values_list("pk", "persons_count")[:CHUNK_INCIDENTS]
    )
    ids: list[int] = []
    persons = 0
    for pk, count in sizes:
        if ids and persons + count > CHUNK_PERSONS:
            return ids, True
        ids.append(pk)
        persons += count
    return ids, len(sizes) == CHUNK_INCIDENTS


# Revealing ----------------------------------------------------------------------------------

#: Plaintext of sealed values, by (row, field name); rows are keyed by identity.
Revealed = dict[tuple[int, str], str]


def _reveal_chunk(owned: list[Incident]) -> Revealed:
    """Decrypt the sealed values of the owner's records of one chunk, fetching each key once
    per field."""
    persons = [person for incident in owned for person in incident.persons.all()]
    offenders = [p.offender for p in persons if getattr(p, "offender", None) is not None]
    rows: list[tuple[Sequence[models.Model], str]] = [
        (owned, "narrative"),
        (owned, "sources"),
        (persons, "migration_status"),
        ([i for p in persons for i in p.identifiers.all()], "value"),
        ([s for incident in owned for s in incident.selectors.all()], "value"),
        ([step for o in offenders for step in o.stage_history.all()], "note"),
    ]
    revealed: Revealed = {}
    for instances, name in rows:
        for instance, text in zip(instances, reveal_each(instances, name), strict=True):
            revealed[(id(instance), name)] = text
    return revealed


# Building the view --------------------------------------------------------------------------


@cache
def shown_fields(
    model: type[models.Model], as_owner: bool, coarsen: bool
) -> tuple[tuple[str, bool], ...]:
    """(name, sealed) of the fields the record page shows this viewer, in model order.

    ``fields_of`` decides by the model's fields and the viewer, never by a row's values, so its
    answer for a blank row holds for every row and is computed once.
    """
    return tuple((view.name, view.withheld) for view in fields_of(model(), as_owner, coarsen))


@dataclass(frozen=True)
class Viewer:
    """How the exporting user sees one incident."""

    as_owner: bool
    coarsen: bool
    #: The sealed values of this record are part of the export (the owner's, revealed).
    reveals: bool
    #: Sealed values decrypted for this export, by (row, field name).
    revealed: Revealed

    def values(self, row: models.Model) -> dict[str, Value]:
        """The fields of ``row`` this viewer sees (sealed ones only when revealed)."""
        values: dict[str, Value] = {}
        for name, sealed in shown_fields(type(row), self.as_owner, self.coarsen):
            if not sealed:
                values[name] = _plain(name, getattr(row, name), self.coarsen)
            elif self.reveals:
                values[name] = self.revealed[(id(row), name)]
        return values

    def sealed(self, row: models.Model, name: str) -> str | None:
        return self.revealed[(id(row), name)] if self.reveals else None


def _plain(name: str, value: Any, coarsen: bool) -> Value:
    if coarsen and isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return Month.of(value)
    if coarsen and name == "date_precision" and value == "day":
        return "month"  # the date says the month only now
    if isinstance(value, list):
        return list(value)
    return value


def _export_incident(incident: Incident, viewer: Viewer) -> ExportIncident:
    persons = list(incident.persons.all())
    return ExportIncident(
        id=str(incident.public_id),
        owner=incident.owner.code,
        label=incident.label,
        as_owner=viewer.as_owner,
        coarsened=viewer.coarsen,
        revealed=viewer.reveals,
        values=viewer.values(incident),
        persons=[_export_person(person, viewer) for person in persons],
        legs=[viewer.values(leg) for leg in incident.legs.all()],
        selectors=_selectors(incident, persons, viewer) if viewer.as_owner else None,
    )


def _export_person(person: Person, viewer: Viewer) -> ExportPerson:
    view = ExportPerson(id=str(person.public_id), values=viewer.values(person))
    victimisation = getattr(person, "victimisation", None)
    if victimisation is not None:
        view.victimisation = viewer.values(victimisation)
    offender = getattr(person, "offender", None)
    if offender is not None:
        view.offender = viewer.values(offender)
        view.stages = [_stage(step, viewer) for step in offender.stage_history.all()]
    if viewer.as_owner:
        view.identifiers = [
            Protected(str(row.public_id), row.kind, viewer.sealed(row, "value"))
            for row in sorted(person.identifiers.all(), key=lambda row: row.pk)
        ]
    return view


def _stage(step: StageChange, viewer: Viewer) -> Stage:
    values = viewer.values(step)
    return Stage(
        id=str(step.public_id),
        stage=step.to_stage,
        effective_on=values.get("effective_on"),
        note=viewer.sealed(step, "note"),
    )


def _selectors(incident: Incident, persons: list[Person], viewer: Viewer) -> list[Protected]:
    numbers = {person.pk: number for number, person in enumerate(persons, start=1)}
    return [
        Protected(
            str(row.public_id),
            row.kind,
            viewer.sealed(row, "value"),
            numbers.get(row.person_id) if row.person_id else None,
        )
        for row in sorted(incident.selectors.all(), key=lambda row: row.pk)
    ]


# The table layout ---------------------------------------------------------------------------

OWNER = "owner"


@cache
def sealed_columns() -> frozenset[str]:
    """Columns of the main table that hold sealed values: written only in a revealed export."""
    sealed = {layout.SELECTORS, layout.IDENTIFIERS}
    for column in layout.record_columns():
        classes = PART_MODELS[column.part].field_classes  # type: ignore[attr-defined]
        if classes.get(column.field) in OWNER_ONLY:
            sealed.add(column.name)
    return frozenset(sealed)


def main_headers(rows: ExportRows, *, route: bool = True) -> list[str]:
    """The header of the main table of this export: the layout's, without the sealed columns
    unless revealed, with ``owner`` after ``reference`` when the export needs it.

    ``route=False`` leaves out the ``route`` column, for files that carry the ``legs`` table:
    the importer refuses a route given twice.
    """
    left_out = set() if rows.reveal else set(sealed_columns())
    if not route:
        left_out.add(layout.ROUTE)
    headers = [name for name in layout.main_headers() if name not in left_out]
    return _with_owner(headers, rows)


def leg_headers(rows: ExportRows) -> list[str]:
    return _with_owner(layout.leg_headers(), rows)


def _with_owner(headers: list[str], rows: ExportRows) -> list[str]:
    if rows.owner_column:
        headers.insert(headers.index(layout.REFERENCE) + 1, OWNER)
    return headers


@cache
def _columns() -> dict[str, layout.Column]:
    return {column.name: column for column in (*layout.record_columns(), *layout.leg_columns())}


def main_rows(incident: ExportIncident, headers: Sequence[str]) -> Iterator[list[Value]]:
    """The incident's rows of the main table: one per person, or one with the person columns
    blank when no person is itemised."""
    persons: list[ExportPerson | None] = list(incident.persons) or [None]
    for person in persons:
        yield [_main_cell(incident, person, name) for name in headers]


def _main_cell(incident: ExportIncident, person: ExportPerson | None, name: str) -> Value:
    if name == OWNER:
        return incident.owner
    if name == layout.ROUTE:
        return " > ".join(incident.route) or None
    if name == layout.SELECTORS:
        return _listing(incident.selectors)
    if person is None:
        column = _columns().get(name)
        return incident.values.get(column.field) if column and column.part == "incident" else None
    return _person_cell(incident, person, name)


def _person_cell(incident: ExportIncident, person: ExportPerson, name: str) -> Value:
    if name == layout.PERSON_KEY:
        return person.id
    if name == layout.IDENTIFIERS:
        return _listing(person.identifiers)
    if name == layout.STAGE:
        return person.offender.get("stage") if person.offender else None
    if name == layout.STAGE_DATE:
        return person.stage_date
    column = _columns()[name]
    part: dict[str, Value] | None = {
        "incident": incident.values,
        "person": person.values,
        "victimisation": person.victimisation,
        "offender": person.offender,
    }[column.part]
    return part.get(column.field) if part else None


def _listing(protected: list[Protected] | None) -> Value:
    """``kind: value; kind: value`` for the compound columns (revealed values only)."""
    if not protected:
        return None
    pairs = [f"{row.kind}: {row.value}" for row in protected if row.value is not None]
    return LIST_SEPARATOR.join(pairs) or None


def leg_rows(incident: ExportIncident, headers: Sequence[str]) -> Iterator[list[Value]]:
    for leg in incident.legs:
        yield [_leg_cell(incident, leg, name) for name in headers]


def _leg_cell(incident: ExportIncident, leg: dict[str, Value], name: str) -> Value:
    if name == layout.REFERENCE:
        return incident.values.get("reference")
    if name == OWNER:
        return incident.owner
    return leg.get(_columns()[name].field)
