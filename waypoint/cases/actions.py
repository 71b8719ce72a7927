"""State changes of incidents, each in one transaction with the acting user."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.audit.log import record
from waypoint.audit.models import Action
from waypoint.cases.history import Difference, differences
from waypoint.cases.models import (
    INCIDENT_WORKFLOW,
    STAGE_WORKFLOW,
    FieldChange,
    Incident,
    IncidentRevision,
    IncidentStatusChange,
    Label,
    LabelChange,
    LabelChangeStatus,
    OffenderRecord,
    Revision,
    StageChange,
)
from waypoint.cases.validation import (
    IncidentDraft,
    IncidentInvalid,
    Problem,
    StageStep,
    check,
    validate,
)
from waypoint.lib.workflow import TransitionError
from waypoint.orgs.access import AccessDenied, member_organisations, require_recorder
from waypoint.orgs.models import Organisation
from waypoint.vault.sealing import Sealed


def record_incident(
    *,
    actor: Any,
    organisation: Organisation,
    draft: IncidentDraft,
    reason: str = "",
    partners: Iterable[Organisation] = (),
    named_users: Iterable[Any] = (),
) -> Incident:
    """Validate a whole incident and write it with everything under it, or write nothing.

    ``partners`` are the organisations named on a TLP:AMBER record; ``named_users`` the users
    of the owner organisation who may see a TLP:AMBER+STRICT one, besides the recorder. Nobody
    saw the record before, so naming them widens nothing and needs no second person.
    """
    require_recorder(actor, organisation)
    incident = draft.incident
    incident.owner = organisation
    incident.created_by = actor
    named = _named_users(organisation, named_users) if incident.label == Label.AMBER_STRICT else []
    sharing = [org for org in partners if org.pk != organisation.pk]
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
        if incident.label == Label.AMBER_STRICT:
            # Whoever records a strictly shared incident is among its named users.
            incident.named_users.add(actor, *named)
        if sharing and incident.label == Label.AMBER:
            incident.shared_with.add(*sharing)
        IncidentRevision.objects.create(incident=incident, kind=Revision.CREATED, actor=actor)
        details: dict[str, Any] = {
            "persons": len(draft.persons),
            "legs": len(draft.legs),
            "selectors": len(draft.selectors),
        }
        if sharing and incident.label == Label.AMBER:
            details["partners"] = [org.code for org in sharing]
        record(
            actor=actor,
            action=Action.CREATE,
            organisation=organisation,
            target=incident,
            details=details,
        )
    return incident


def _named_users(organisation: Organisation, users: Iterable[Any]) -> list[Any]:
    chosen = list(users)
    outsiders = [user for user in chosen if organisation not in member_organisations(user)]
    if outsiders:
        names = ", ".join(str(user) for user in outsiders)
        raise AccessDenied(f"only users of {organisation.code} can be named: {names}")
    return chosen


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
        recorded = step.recorded() if isinstance(step, KeptStep) else {"actor": actor}
        StageChange.objects.create(
            offender=offender,
            from_stage=previous,
            to_stage=step.stage,
            effective_on=step.effective_on,
            note=step.note,
            **recorded,
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
        previous = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action=Action.STATUS_CHANGE,
            organisation=incident.owner,
            target=incident,
            details={"from_status": previous, "to_status": status},
        )
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
        previous = locked.stage
        locked.stage = stage
        locked.save(update_fields=["stage"])
        record(
            actor=actor,
            action=Action.UPDATE,
            organisation=incident.owner,
            target=offender.person,
            details={"fields": ["offender.stage"], "from_stage": previous, "to_stage": stage},
        )
    offender.stage = stage
    return offender


#: How far each label reaches; moving up the scale widens who may see a record.
LABEL_BREADTH = {Label.AMBER_STRICT: 0, Label.RED: 1, Label.AMBER: 2, Label.GREEN: 3}


def request_label_change(
    *,
    actor: Any,
    incident: Incident,
    label: str,
    partners: Iterable[Organisation] = (),
    reason: str = "",
) -> LabelChange:
    """Ask to change who may see an incident.

    Narrowing (or keeping the breadth) takes effect at once. Widening — a broader label or more
    partner organisations — waits for a second person of the owner organisation to approve.
    Only the owner decides: a partner that sees the record can never pass it on.
    """
    require_recorder(actor, incident.owner)
    added = [org for org in partners if org.pk != incident.owner_id]
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if LabelChange.objects.filter(incident=locked, status=LabelChangeStatus.PENDING).exists():
            raise TransitionError("a change of label is already awaiting approval")
        change = LabelChange.objects.create(
            incident=locked,
            from_label=locked.label,
            to_label=label,
            reason=reason,
            requested_by=actor,
        )
        change.partners_added.set(added)
        already = set(locked.shared_with.values_list("pk", flat=True))
        widens = LABEL_BREADTH[Label(label)] > LABEL_BREADTH[Label(locked.label)] or any(
            org.pk not in already for org in added
        )
        if not widens:
            _apply_label_change(change, decided_by=actor)
        record(
            actor=actor,
            action=Action.LABEL_CHANGE_REQUESTED if widens else Action.LABEL_CHANGED,
            organisation=incident.owner,
            target=incident,
            details={
                "from_label": change.from_label,
                "to_label": change.to_label,
                "partners": [org.code for org in added],
            },
        )
    incident.refresh_from_db()
    return change


def decide_label_change(
    *, actor: Any, change: LabelChange, approve: bool, note: str = ""
) -> LabelChange:
    """Approve or reject a widening; the decider must be another person of the owner."""
    incident = change.incident
    require_recorder(actor, incident.owner)
    with transaction.atomic():
        locked = LabelChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != LabelChangeStatus.PENDING:
            raise TransitionError(f"this change is already {locked.status}")
        if locked.requested_by_id == actor.pk:
            raise AccessDenied("a widening must be approved by a second person")
        locked.decision_note = note
        if approve:
            _apply_label_change(locked, decided_by=actor)
        else:
            locked.status = LabelChangeStatus.REJECTED
            locked.decided_by, locked.decided_at = actor, timezone.now()
            locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record(
            actor=actor,
            action=Action.LABEL_CHANGE_APPROVED if approve else Action.LABEL_CHANGE_REJECTED,
            organisation=incident.owner,
            target=incident,
            details={"from_label": locked.from_label, "to_label": locked.to_label},
        )
    change.refresh_from_db()
    return change


def withdraw_label_change(*, actor: Any, change: LabelChange) -> LabelChange:
    if change.requested_by_id != actor.pk:
        raise AccessDenied("only the requester can withdraw a request")
    with transaction.atomic():
        locked = LabelChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != LabelChangeStatus.PENDING:
            raise TransitionError(f"this change is already {locked.status}")
        locked.status = LabelChangeStatus.WITHDRAWN
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            actor=actor,
            action=Action.LABEL_CHANGE_WITHDRAWN,
            organisation=change.incident.owner,
            target=change.incident,
            details={"from_label": locked.from_label, "to_label": locked.to_label},
        )
    change.refresh_from_db()
    return change


def _apply_label_change(change: LabelChange, *, decided_by: Any) -> None:
    incident = change.incident
    incident.label = change.to_label
    incident.save(update_fields=["label", "updated_at"])
    incident.shared_with.add(*change.partners_added.all())
    change.status = LabelChangeStatus.APPROVED
    change.decided_by, change.decided_at = decided_by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def set_named_users(*, actor: Any, incident: Incident, users: Iterable[Any]) -> Incident:
    """Name the users of the owner organisation who may see a TLP:AMBER+STRICT record."""
    require_recorder(actor, incident.owner)
    chosen = list(users)
    outsiders = [user for user in chosen if incident.owner not in member_organisations(user)]
    if outsiders:
        names = ", ".join(str(user) for user in outsiders)
        raise AccessDenied(f"only users of {incident.owner.code} can be named: {names}")
    with transaction.atomic():
        before = {user.get_username() for user in incident.named_users.all()}
        incident.named_users.set(chosen)
        after = {user.get_username() for user in chosen}
        for action, users in (
            (Action.NAMED_USER_ADDED, after - before),
            (Action.NAMED_USER_REMOVED, before - after),
        ):
            if users:
                record(
                    actor=actor,
                    action=action,
                    organisation=incident.owner,
                    target=incident,
                    details={"users": sorted(users)},
                )
    return incident


@dataclass
class KeptStep(StageStep):
    """A step of an offender's stored history carried into an update as it was recorded: its
    public id (to which its sealed note is bound), who recorded it and when."""

    public_id: uuid.UUID | None = None
    recorded_by_id: int | None = None
    recorded_at: datetime.datetime | None = None

    def recorded(self) -> dict[str, Any]:
        kept = {"public_id": self.public_id, "recorded_at": self.recorded_at}
        return {"actor_id": self.recorded_by_id, **{k: v for k, v in kept.items() if v}}


def update_incident(
    *, actor: Any, incident: Incident, draft: IncidentDraft, reason: str = ""
) -> Incident:
    """Replace what is recorded about an incident with a whole new draft, validated first.

    The incident keeps its public id, owner, creator, status history, sharing and label and
    status (which change through their own workflows); its fields, persons, route legs,
    selectors and outcomes become the draft's, in one transaction. Rows of the draft that carry
    the public id of a stored row keep it, so their sealed values (bound to it) stay readable.
    """
    require_recorder(actor, incident.owner)
    new = draft.incident
    problems = _workflow_fields_problems(incident, new)
    new.pk, new.public_id, new.owner = incident.pk, incident.public_id, incident.owner
    new.created_by_id, new.created_at = incident.created_by_id, incident.created_at
    # The stored row, not a new one: uniqueness checks leave it out, and saving updates it.
    new._state.adding, new._state.db = False, incident._state.db
    problems += validate(draft)
    if problems:
        raise IncidentInvalid(problems)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        changed = _changed_fields(locked, new)
        found = differences(locked, draft)
        for rows in (locked.selectors, locked.persons, locked.legs):
            rows.all().delete()
        _write(draft, actor)
        _write_revision(new, actor, found)
        record(
            actor=actor,
            action=Action.UPDATE,
            organisation=incident.owner,
            target=new,
            details={
                "fields": changed,
                "persons": len(draft.persons),
                "legs": len(draft.legs),
                "selectors": len(draft.selectors),
            },
            justification=reason,
        )
    return new


def _write_revision(incident: Incident, actor: Any, found: list[Difference]) -> None:
    """Keep what a save changed, value by value, for the incident's history."""
    if not found:
        return
    revision = IncidentRevision.objects.create(
        incident=incident, kind=Revision.UPDATED, actor=actor
    )
    FieldChange.objects.bulk_create(
        FieldChange(
            revision=revision,
            path=difference.path,
            kind=difference.kind,
            before=difference.before,
            after=difference.after,
            withheld=difference.withheld,
        )
        for difference in found
    )


def _workflow_fields_problems(stored: Incident, new: Incident) -> list[Problem]:
    problems = []
    if new.label != stored.label:
        problems.append(
            Problem(
                "incident.label",
                _(
                    "The sharing label changes through a label change request (widening needs "
                    "a second person's approval), not by replacing the record."
                ),
                "label_by_request",
            )
        )
    if new.status != stored.status:
        problems.append(
            Problem(
                "incident.status",
                _("The status changes along its workflow, not by replacing the record."),
                "status_by_workflow",
            )
        )
    return problems


#: Fields an update never reports as changed: keys and bookkeeping.
UNREPORTED = frozenset({"id", "public_id", "owner", "created_by", "created_at", "updated_at"})


def _changed_fields(stored: Incident, new: Incident) -> list[str]:
    """The names (never the values) of the incident's own fields that the update changes."""
    changed = []
    for field in Incident._meta.concrete_fields:
        if field.name in UNREPORTED:
            continue
        before, after = getattr(stored, field.attname), getattr(new, field.attname)
        if isinstance(after, str) and isinstance(before, Sealed):
            differs = True  # new plaintext for a sealed field
        else:
            differs = before != after and not (before in ("", None) and after in ("", None))
        if differs:
            changed.append(field.name)
    return changed


def delete_incident(*, actor: Any, incident: Incident, reason: str = "") -> None:
    """Delete an incident with everything recorded under it; the audit log keeps the event."""
    require_recorder(actor, incident.owner)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        record(
            actor=actor,
            action=Action.DELETE,
            organisation=incident.owner,
            target=locked,
            details={
                "persons": locked.persons.count(),
                "legs": locked.legs.count(),
                "selectors": locked.selectors.count(),
            },
            justification=reason,
        )
        locked.delete()
