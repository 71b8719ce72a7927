"""Writing incidents in bulk: one prepared INSERT per table through ``executemany``.

``bulk_create`` would do the same work, but compiles SQL for every value it inserts: on SQLite it
takes about half as long for 100,000 bare incident rows as this writer takes for 100,000
incidents with their 1.6 million rows beneath (``bench/bench_demo.py``). Values are prepared with
the backend's own adapters, so the rows are what ``bulk_create`` would have written. Owner-only
values are sealed and identifiers indexed here with the vault's own functions, since ``save()``
is bypassed. Used by the demo generator and by imports; call inside a transaction.

Primary keys are given explicitly. On SQLite the write transaction holds the database's one
write lock, so the next free id is the largest plus one; on PostgreSQL ids are drawn from each
table's sequence in blocks, so concurrent writers never collide.
"""

from __future__ import annotations

import datetime
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db import connection, models

from waypoint.cases.models import (
    Incident,
    IncidentStatusChange,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    StageChange,
    Victimisation,
)
from waypoint.vault import crypto
from waypoint.vault.fields import BlindIndexField, SealedTextField
from waypoint.vault.sealing import BulkSealer

#: In the order rows must be inserted (a table after those it refers to).
MODELS: tuple[type[models.Model], ...] = (
    Incident,
    IncidentStatusChange,
    Person,
    PersonIdentifier,
    Victimisation,
    OffenderRecord,
    StageChange,
    RouteLeg,
    Selector,
)
BATCH = 2000
#: Ids drawn from a PostgreSQL sequence at a time.
ID_BLOCK = 1000


Row = dict[str, Any]


@dataclass(slots=True)
class PersonRecord:
    person: Row
    identifiers: list[Row] = field(default_factory=list)
    victimisation: Row | None = None
    offender: Row | None = None
    #: ``StageChange`` rows in order; the last one's ``to_stage`` is the offender's stage.
    stages: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class IncidentRecord:
    incident: Row
    #: ``IncidentStatusChange`` rows in order.
    history: list[Row]
    persons: list[PersonRecord] = field(default_factory=list)
    legs: list[Row] = field(default_factory=list)
    #: (``Selector`` row, index into ``persons`` or None).
    selectors: list[tuple[Row, int | None]] = field(default_factory=list)
    #: What produced it (a route or scenario key); not written.
    scenario: str = ""


class Table:
    """The INSERT into one table and the rows waiting for it."""

    def __init__(self, model: type[models.Model], sealer: BulkSealer) -> None:
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(field.column)) for field in fields)
        self.insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
        self.sql = self.insert + "(" + ", ".join(["%s"] * len(fields)) + ")"
        self.defaults = {field.attname: _default(field) for field in fields}
        self.quote_value = connection.schema_editor().quote_value
        #: Position → (default text, its literal) of the columns whose default is text (a
        #: sealed column's only when empty: its rows hold tokens, never the plaintext).
        self.default_texts: dict[int, tuple[str, str]] = {}
        for index, model_field in enumerate(fields):
            default = self.defaults[model_field.attname]
            sealed = isinstance(model_field, SealedTextField)
            if isinstance(default, str) and not (sealed and default):
                self.default_texts[index] = (default, self._sql_literal(default))
        self.values = itemgetter(*(field.attname for field in fields))
        self.adapters = [
            (index, adapter)
            for index, field in enumerate(fields)
            if (adapter := _adapter(field)) is not None
        ]
        self.sealer = sealer
        self.table = model._meta.db_table
        position = {field.name: index for index, field in enumerate(fields)}
        self.sealed = [
            (index, str(field.column))
            for index, field in enumerate(fields)
            if isinstance(field, SealedTextField)
        ]
        self.indexes = [
            (index, position[field.source], position[field.kind_field])
            for index, field in enumerate(fields)
            if isinstance(field, BlindIndexField)
        ]
        self.public_id = position.get("public_id", -1)
        self.rows: list[list[Any]] = []
        self.written = 0
        self.ids = _id_source(model)

    def add(self, row: dict[str, Any], owner: int) -> int:
        """Queue a row of the ``owner`` organisation under the next free id (its links to rows
        queued before are set in it); answer the id."""
        row_id = next(self.ids)
        row["id"] = row_id
        try:
            values = list(self.values(row))
        except KeyError:
            values = list(self.values(self.defaults | row))
        if self.sealed:
            self._seal(values, owner)
        for index, adapt in self.adapters:
            value = values[index]
            if value is not None:
                values[index] = adapt(value)
        self.rows.append(values)
        return row_id

    def _seal(self, values: list[Any], owner: int) -> None:
        for index, source, kind in self.indexes:
            text = values[source]
            values[index] = self.sealer.index(values[kind], text) if text else ""
        row = ""
        for index, column in self.sealed:
            text = values[index]
            if text:
                row = row or str(values[self.public_id])
                aad = crypto.field_aad(self.table, column, row)
                values[index] = crypto.seal(self.sealer.key_for(owner), text, aad)

    def flush(self, cursor: Any) -> None:
        if self.rows:
            cursor.executemany(*self._statement(self.rows))
            self.written += len(self.rows)
            self.rows = []

    def _statement(self, rows: list[list[Any]]) -> tuple[str, Sequence[Sequence[Any]]]:
        """The INSERT of ``rows`` and the values to bind: a column holding the same number,
        flag or nothing in every row, or its field's default text, is written into the
        statement once instead.

        Most of a record's columns hold such values, and binding one to the statement for
        each row cost about as much as inserting it. Text read from a file is always bound.
        """
        columns = list(zip(*rows, strict=True))
        literals = {}
        for index, column in enumerate(columns):
            literal = self._literal(index, column[0])
            if (
                literal is not None
                and column.count(column[0]) == len(column)
                # Equal is not enough: 0 == False, but a flag is written as a flag.
                and len(set(map(type, column))) == 1
            ):
                literals[index] = literal
        if not literals:
            return self.sql, rows
        marks = ", ".join(literals.get(index, "%s") for index in range(len(columns)))
        bound = [column for index, column in enumerate(columns) if index not in literals]
        return f"{self.insert}({marks})", list(zip(*bound, strict=True))

    def _literal(self, index: int, value: Any) -> str | None:
        """``value`` as SQL, when it is a number, a flag, nothing or the default text of the
        column at ``index``; None otherwise."""
        if value is None:
            return "NULL"
        kind = type(value)
        if kind is int or kind is bool:
            return self._sql_literal(value)
        if kind is str and index in self.default_texts:
            default, literal = self.default_texts[index]
            if value == default:
                return literal
        return None

    def _sql_literal(self, value: Any) -> str:
        # The backend's own quoting, as migrations write defaults; a % doubled, as in any
        # statement that is given parameters.
        return str(self.quote_value(value)).replace("%", "%%")


def _id_source(model: type[models.Model]) -> Iterator[int]:
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        return _sequence_ids(table)
    largest = model._default_manager.aggregate(largest=models.Max("id"))["largest"]
    return itertools.count((largest or 0) + 1)


def _sequence_ids(table: str) -> Iterator[int]:
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, ID_BLOCK],
            )
            yield from (row[0] for row in cursor.fetchall())


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return _json_adapter(field)
    if isinstance(field, models.UUIDField):
        return None if connection.features.has_native_uuid_field else lambda value: value.hex
    if isinstance(field, models.DateTimeField):
        return _datetime_adapter()
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


def _json_adapter(field: models.JSONField) -> Callable[[Any], Any]:
    adapt = connection.ops.adapt_json_value
    if not isinstance(adapt([], field.encoder), str):
        return lambda value: adapt(value, field.encoder)
    # Where JSON is stored as text (SQLite), the same few code lists recur: encode each once.
    encoded: dict[tuple[Any, ...], str] = {}

    def cached(value: Any) -> Any:
        if type(value) is not list:
            return adapt(value, field.encoder)
        key = tuple(value)
        text = encoded.get(key)
        if text is None:
            text = encoded[key] = adapt(value, field.encoder)
        return text

    return cached


def _datetime_adapter() -> Callable[[Any], Any]:
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite" or connection.timezone != datetime.UTC:
        return _same_as_last(adapt)

    def utc_text(value: datetime.datetime) -> Any:
        # SQLite stores naive UTC text; the generator's datetimes are in UTC already.
        return str(value.replace(tzinfo=None)) if value.tzinfo is datetime.UTC else adapt(value)

    return _same_as_last(utc_text)


def _same_as_last(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``adapt``, answering at once for the object it was given last: the rows a writer
    queues together share their timestamps (created, updated, the first status change)."""
    last: list[Any] = [None, None]

    def adapted(value: Any) -> Any:
        if value is not last[0]:
            last[:] = value, adapt(value)
        return last[1]

    return adapted


def _default(field: models.Field) -> Any:
    """What ``save()`` would store for a field the row does not give: its default, or the empty
    string for a text field without one (as Django's ``get_default`` answers)."""
    if not field.has_default() and not (field.empty_strings_allowed and not field.null):
        return None
    if isinstance(field, SealedTextField):
        return field.get_default()  # plaintext, sealed row by row
    return field.get_db_prep_save(field.get_default(), connection)


def write_incidents(
    records: Iterable[IncidentRecord],
    *,
    batch: int = BATCH,
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Write the records; answer the rows written per table."""
    sealer = BulkSealer()
    tables = {model: Table(model, sealer) for model in MODELS}
    pending = 0
    with connection.cursor() as cursor, without_cycle_collection(), larger_cache(cursor):
        for record in records:
            add_record(record, tables)
            pending += 1
            if pending == batch:
                flush_tables(tables, cursor)
                if progress:
                    progress(pending)
                pending = 0
        flush_tables(tables, cursor)
        if progress and pending:
            progress(pending)
    return {model._meta.label: table.written for model, table in tables.items()}


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while writing: generated rows hold no reference
    cycles (reference counting frees them), so its passes over millions of new dicts only cost
    time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def larger_cache(cursor: Any) -> Iterator[None]:
    """Give SQLite a page cache of up to 256 MiB while writing: the indexes of public ids and
    blind indexes take random keys, and with the default 2 MiB cache most of their inserts
    read and write pages from disk."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (before,) = cursor.fetchone()
    cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")


def flush_tables(tables: dict[type[models.Model], Table], cursor: Any) -> None:
    for table in tables.values():
        table.flush(cursor)


def add_record(
    record: IncidentRecord,
    tables: dict[type[models.Model], Table],
    incident_id: int | None = None,
) -> int:
    """Queue an incident's rows; answer its id. With ``incident_id``, the incident row exists
    already (an update): only the rows beneath it are queued."""
    owner = record.incident["owner_id"]
    if incident_id is None:
        incident_id = tables[Incident].add(record.incident, owner)
        for row in record.history:
            row["incident_id"] = incident_id
            tables[IncidentStatusChange].add(row, owner)
    person_ids = []
    for person in record.persons:
        person.person["incident_id"] = incident_id
        person_id = tables[Person].add(person.person, owner)
        person_ids.append(person_id)
        for row in person.identifiers:
            row["person_id"] = person_id
            tables[PersonIdentifier].add(row, owner)
        if person.victimisation is not None:
            person.victimisation["person_id"] = person_id
            tables[Victimisation].add(person.victimisation, owner)
        if person.offender is not None:
            person.offender["person_id"] = person_id
            offender_id = tables[OffenderRecord].add(person.offender, owner)
            for row in person.stages:
                row["offender_id"] = offender_id
                tables[StageChange].add(row, owner)
    for row in record.legs:
        row["incident_id"] = incident_id
        tables[RouteLeg].add(row, owner)
    for row, index in record.selectors:
        row["incident_id"] = incident_id
        row["person_id"] = person_ids[index] if index is not None else None
        tables[Selector].add(row, owner)
    return incident_id
