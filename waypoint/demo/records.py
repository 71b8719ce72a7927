"""Generated incidents as plain rows, and their form as an unsaved ``IncidentDraft``.

Rows are dicts keyed by model field attname. The writer turns the very same dicts into database
rows, so a draft built here is exactly what gets written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


def as_draft(record: IncidentRecord) -> IncidentDraft:
    """The record as unsaved model instances, ready for ``validation.validate``."""
    return IncidentDraft(
        incident=Incident(**record.incident),
        persons=[_person_draft(person) for person in record.persons],
        legs=[RouteLeg(**leg) for leg in record.legs],
        selectors=[SelectorDraft(Selector(**row), index) for row, index in record.selectors],
    )


def _person_draft(record: PersonRecord) -> PersonDraft:
    return PersonDraft(
        person=Person(**record.person),
        identifiers=[PersonIdentifier(**row) for row in record.identifiers],
        victimisation=Victimisation(**record.victimisation) if record.victimisation else None,
        offender=OffenderRecord(**record.offender) if record.offender else None,
        stages=[
            StageStep(row["to_stage"], row["effective_on"], row["note"]) for row in record.stages
        ],
    )
