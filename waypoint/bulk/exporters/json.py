"""JSON: a list of incident documents, the shape the API answers for an incident
(``waypoint.cases.documents.incident_document``), so that what reads one reads the other.

Each object starts with ``id`` (the public UUID), ``owner`` (the organisation's code), ``label``,
``deidentified`` and ``coarsened``, then the incident's fields under their model names, then
``persons`` (each with ``identifiers`` for the owner, ``victimisation`` and ``offender`` with its
``stages``), ``legs`` and, for the owner, ``selectors`` (kinds, and the person they belong to by
number). A field the user may not see is absent, not empty. Dates are ISO dates; a date coarsened
for a partner is the first day of its month (the incident's ``date_precision`` then says
``month``); amounts are text (``"1500.00"``) so that no digit is lost to floating point.

In a revealed export the sealed values are there as well: ``narrative``, ``sources``,
``migration_status``, and a ``value`` for each identifier and selector and a ``note`` for each
stage.

The list streams: objects are written one at a time, so memory holds one chunk of incidents.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
from typing import IO, Any

from waypoint.bulk.exporters.base import (
    Exporter,
    ExportIncident,
    ExportPerson,
    ExportRows,
    Month,
    Protected,
    Stage,
)


def document(incident: ExportIncident) -> dict[str, Any]:
    """One incident as a JSON-ready object."""
    body: dict[str, Any] = {
        "id": incident.id,
        "owner": incident.owner,
        "label": incident.label,
        "deidentified": incident.deidentified,
        "coarsened": incident.coarsened,
        **incident.values,
        "persons": [_person(person) for person in incident.persons],
        "legs": incident.legs,
    }
    if incident.selectors is not None:
        body["selectors"] = [_protected(row, person=True) for row in incident.selectors]
    return body


def _person(person: ExportPerson) -> dict[str, Any]:
    body: dict[str, Any] = {"id": person.id, **person.values}
    if person.identifiers is not None:
        body["identifiers"] = [_protected(row) for row in person.identifiers]
    body["victimisation"] = person.victimisation
    body["offender"] = None
    if person.offender is not None:
        body["offender"] = {**person.offender, "stages": [_stage(step) for step in person.stages]}
    return body


def _protected(row: Protected, person: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"id": row.id, "kind": row.kind}
    if person:
        body["person"] = row.person
    if row.value is not None:
        body["value"] = row.value
    return body


def _stage(step: Stage) -> dict[str, Any]:
    body = {"id": step.id, "stage": step.stage, "effective_on": step.effective_on}
    return body if step.note is None else body | {"note": step.note}


def encode(value: Any) -> Any:
    """JSON for the values json does not know: dates, months (their first day) and amounts."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Month):
        return datetime.date(value.year, value.month, 1).isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not exported")


def write(incidents: ExportRows, out: IO[bytes]) -> int:
    """The list of incidents; answers the number of objects written."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    count = 0
    try:
        text.write("[")
        for incident in incidents:
            text.write(",\n" if count else "\n")
            text.write(json.dumps(document(incident), ensure_ascii=False, default=encode))
            count += 1
        text.write("\n]\n" if count else "]\n")
        text.flush()
    finally:
        text.detach()
    return count


EXPORTER = Exporter(
    name="json",
    title="JSON (the API's incident documents)",
    extension="json",
    content_type="application/json",
    write=write,
    description="A list of incident documents with persons, victimisation, outcomes and legs.",
)
