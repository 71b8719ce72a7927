"""Generated incidents as plain rows, and their form as an unsaved ``IncidentDraft``.

Rows are dicts keyed by model field attname. The writer turns the very same dicts into database
rows, so a draft built here is exactly what gets written.
"""

from __future__ import annotations

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
from waypoint.cases.writing import IncidentRecord, PersonRecord, Row

__all__ = ["IncidentRecord", "PersonRecord", "Row", "as_draft"]


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
