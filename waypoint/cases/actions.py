"""State changes of incidents, each in one transaction with the acting user."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from waypoint.cases.models import (
    INCIDENT_WORKFLOW,
    STAGE_WORKFLOW,
    Incident,
    IncidentStatusChange,
    OffenderRecord,
    StageChange,
)
from waypoint.cases.validation import IncidentDraft, StageStep, check
from waypoint.lib.workflow import TransitionError
from waypoint.orgs.access import require_recorder
from waypoint.orgs.models import Organisation


def record_incident(
    *, actor: Any, organisation: Organisation, draft: IncidentDraft, reason: str = ""
) -> Incident:
    """Validate a whole incident and write it with everything under it, or write nothing."""
    require_recorder(actor, organisation)
    incident = draft.incident
    incident.owner = organisation
    incident.created_by = actor
    check(draft)
    with transaction.atomic():
        _write(draft, actor)
        IncidentStatusChange.objects.create(
            incident=incident,
            from_status="",
            to_status=incident.status,
            actor=actor,
            reason=reason,
        )
    return incident


def _write(draft: IncidentDraft, actor: Any) -> None:
    incident = draft.incident
    incident.save()
    for person_draft in draft.persons:
        person = person_draft.person
        person.incident = incident
        person.save()
        for identifier in person_draft.identifiers:
            identifier.person = person
            identifier.save()
        if person_draft.victimisation is not None:
            person_draft.victimisation.person = person
            person_draft.victimisation.save()
        if person_draft.offender is not None:
            _write_offender(person_draft.offender, person, person_draft.stages, actor)
    for leg in draft.legs:
        leg.incident = incident
        leg.save()
    for selector_draft in draft.selectors:
        selector = selector_draft.selector
        selector.incident = incident
        if selector_draft.person_index is not None:
            selector.person = draft.persons[selector_draft.person_index].person
        selector.save()


def _write_offender(
    offender: OffenderRecord, person: Any, stages: list[StageStep], actor: Any
) -> None:
    offender.person = person
    offender.save()
    previous = ""
    for step in stages or [StageStep(offender.stage)]:
        StageChange.objects.create(
            offender=offender,
            from_stage=previous,
            to_stage=step.stage,
            effective_on=step.effective_on,
            actor=actor,
            note=step.note,
        )
        previous = step.stage


def change_status(*, actor: Any, incident: Incident, status: str, reason: str = "") -> Incident:
    """Move an incident along its workflow, keeping the history."""
    require_recorder(actor, incident.owner)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        INCIDENT_WORKFLOW.check(locked.status, status)
        IncidentStatusChange.objects.create(
            incident=locked,
            from_status=locked.status,
            to_status=status,
            actor=actor,
            reason=reason,
        )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
    incident.status = status
    return incident


def advance_offender(
    *,
    actor: Any,
    offender: OffenderRecord,
    stage: str,
    effective_on: datetime.date | None = None,
    note: str = "",
) -> OffenderRecord:
    """Record the next criminal-justice stage an offender reached."""
    incident = offender.person.incident
    require_recorder(actor, incident.owner)
    with transaction.atomic():
        locked = OffenderRecord.objects.select_for_update().get(pk=offender.pk)
        STAGE_WORKFLOW.check(locked.stage, stage)
        last = locked.stage_history.exclude(effective_on=None).order_by("-effective_on").first()
        if effective_on and last and last.effective_on and effective_on < last.effective_on:
            raise TransitionError(
                f"{effective_on.isoformat()} is before the previous stage "
                f"({last.effective_on.isoformat()})"
            )
        StageChange.objects.create(
            offender=locked,
            from_stage=locked.stage,
            to_stage=stage,
            effective_on=effective_on,
            actor=actor,
            note=note,
        )
        locked.stage = stage
        locked.save(update_fields=["stage"])
    offender.stage = stage
    return offender
