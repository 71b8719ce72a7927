"""Revealing one protected value to a member of the owner organisation, on purpose.

A protected field (personal, restricted or firewalled) is shown only when a user of the owner
organisation asks for that one value and says why; the reason goes into the audit log with the
event, in the same transaction as the decryption is allowed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models, transaction
from django.http import Http404

from waypoint.audit.log import record
from waypoint.audit.models import Action
from waypoint.cases.models import Incident
from waypoint.cases.presentation import revealed
from waypoint.lib.fieldclasses import OWNER_ONLY
from waypoint.orgs.access import is_owner_member


def locate(incident: Incident, target: str) -> models.Model:
    """The row of ``incident`` that ``target`` names: ``incident``, ``person:<id>``,
    ``identifier:<id>``, ``selector:<id>``, ``status:<id>`` or ``stage:<id>``.

    Rows are looked up only under the incident the user may see, never across the database.
    """
    kind, _, raw = target.partition(":")
    if kind == "incident" and not raw:
        return incident
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        raise Http404("No such value.") from None
    for row in _candidates(incident, kind, public_id):
        return row
    raise Http404("No such value.")


def _candidates(incident: Incident, kind: str, public_id: uuid.UUID) -> list[models.Model]:
    direct: dict[str, models.Manager[Any]] = {
        "person": incident.persons,
        "selector": incident.selectors,
        "status": incident.status_history,
    }
    if kind in direct:
        return list(direct[kind].filter(public_id=public_id))
    if kind == "identifier":
        return [
            identifier
            for person in incident.persons.all()
            for identifier in person.identifiers.filter(public_id=public_id)
        ]
    if kind == "stage":
        return [
            step
            for person in incident.persons.filter(role="offender").select_related("offender")
            if hasattr(person, "offender")
            for step in person.offender.stage_history.filter(public_id=public_id)
        ]
    return []


def protected_field(row: models.Model, name: str) -> str:
    classes = type(row).field_classes  # type: ignore[attr-defined]
    if classes.get(name) not in OWNER_ONLY:
        raise Http404("No such value.")
    return name


def reveal_value(
    *, actor: Any, incident: Incident, target: str, field: str, justification: str, request: Any
) -> tuple[models.Model, str]:
    """Decrypt one protected value for a member of the owner, recording why."""
    if not is_owner_member(actor, incident):
        raise Http404("No such value.")
    row = locate(incident, target)
    name = protected_field(row, field)
    with transaction.atomic():
        record(
            actor=actor,
            action=Action.REVEAL,
            organisation=incident.owner,
            target=row,
            details={"field": f"{row._meta.model_name}.{name}"},
            justification=justification,
            request=request,
        )
    return row, revealed(row, name)
