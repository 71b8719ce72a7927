"""``/incidents``: the incidents a user may see, as they may see them; writes for recorders.

Reads go through ``Incident.objects.visible_to`` and ``get_incident_for`` only: a record the user
may not see answers 404 exactly like one that does not exist. A user who sees a record but may not
change it (a partner, an analyst) gets 403 for a write.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from waypoint.api import filters
from waypoint.api.auth import actor
from waypoint.api.errors import BadRequest, Forbidden, Invalid
from waypoint.api.schemas.common import errors, links
from waypoint.api.schemas.incidents import IncidentIn, IncidentOut, IncidentPage, IncidentQuery
from waypoint.cases import actions
from waypoint.cases.documents import draft_from_document, incident_document
from waypoint.cases.models import Incident
from waypoint.cases.validation import Problem
from waypoint.orgs.access import (
    get_incident_for,
    is_owner_member,
    member_organisations,
    recording_organisations,
    require_recorder,
)
from waypoint.orgs.models import Organisation

# Fields a viewer may not see are left out of answers, not given as null.
router = Router(tags=["incidents"], exclude_unset=True)


FIRST = "$response.body#/items/0/id"
CREATED = "$response.body#/id"


@router.get(
    "",
    response={200: IncidentPage, **errors(401, 422, 429)},
    summary="List incidents",
    openapi_extra=links(200, GetFirstIncident=("get_incident", "incident_id", FIRST)),
)
def list_incidents(request: HttpRequest, query: Query[IncidentQuery]) -> dict[str, Any]:
    """The incidents the user may see, filtered, a page at a time; each with the incident's own
    fields as the user may see them (persons and route come with each record)."""
    user = actor(request)
    incidents = filters.filtered(Incident.objects.visible_to(user), query, user)
    page = filters.ordered(incidents, query.ordering).select_related("owner")
    own = {organisation.pk for organisation in member_organisations(user)}
    items = [
        incident_document(incident, as_owner=incident.owner_id in own, detail=False)
        for incident in page[query.offset : query.offset + query.limit]
    ]
    return {"items": items, "count": incidents.count()}


@router.get(
    "/{uuid:incident_id}",
    response={200: IncidentOut, **errors(401, 404, 429)},
    summary="Read an incident",
)
def get_incident(request: HttpRequest, incident_id: uuid.UUID) -> dict[str, Any]:
    """One incident with its persons, outcomes and route as the user may see it: partners get
    the de-identified view; owner-only values never leave in an answer."""
    user = actor(request)
    incident = get_incident_for(user, incident_id)
    return incident_document(incident, as_owner=is_owner_member(user, incident))


@router.post(
    "",
    response={201: IncidentOut, **errors(400, 401, 403, 422, 429)},
    summary="Record an incident",
    openapi_extra=links(
        201,
        GetIncident=("get_incident", "incident_id", CREATED),
        ReplaceIncident=("replace_incident", "incident_id", CREATED),
        DeleteIncident=("delete_incident", "incident_id", CREATED),
    ),
)
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    """Record a new incident for the user's organisation (``owner`` when they record for
    several). The whole document is checked first; nothing is written when any rule is broken."""
    user = actor(request)
    document = payload.model_dump(exclude_unset=True)
    organisation = _recording_organisation(user, document.get("owner"))
    incident = actions.record_incident(
        actor=user, organisation=organisation, draft=draft_from_document(document)
    )
    return Status(201, incident_document(incident, as_owner=True))


@router.put(
    "/{uuid:incident_id}",
    response={200: IncidentOut, **errors(400, 401, 403, 404, 422, 429)},
    summary="Replace an incident",
)
def replace_incident(
    request: HttpRequest, incident_id: uuid.UUID, payload: IncidentIn
) -> dict[str, Any]:
    """Replace what is recorded with the document: everything it leaves out takes its default,
    except write-only values, which are kept (see the field descriptions). The incident keeps its
    id, owner, label, status and history."""
    user = actor(request)
    incident = get_incident_for(user, incident_id)
    require_recorder(user, incident.owner)
    document = payload.model_dump(exclude_unset=True)
    if document.get("owner") not in (None, incident.owner.code):
        message = _("An incident stays with the organisation that recorded it.")
        raise Invalid(message, [Problem("owner", message, "owner_fixed")])
    draft = draft_from_document(document, existing=incident)
    updated = actions.update_incident(actor=user, incident=incident, draft=draft)
    return incident_document(updated, as_owner=True)


@router.delete(
    "/{uuid:incident_id}",
    response={204: None, **errors(401, 403, 404, 429)},
    summary="Delete an incident",
)
def delete_incident(request: HttpRequest, incident_id: uuid.UUID) -> Status[None]:
    """Delete an incident with everything recorded under it (reporting officers and
    organisation administrators of the owner). The audit log keeps the event."""
    user = actor(request)
    incident = get_incident_for(user, incident_id)
    actions.delete_incident(actor=user, incident=incident)
    return Status(204, None)


def _recording_organisation(user: Any, code: str | None) -> Organisation:
    """The organisation a new incident belongs to: the one named, or the only one the user
    records for."""
    organisations = member_organisations(user)
    recording = recording_organisations(user)
    if code is None:
        if len(recording) == 1:
            return recording[0]
        if not recording:
            raise Forbidden(_("You record incidents for no organisation."))
        message = _("You record for several organisations: name the owner.")
        raise BadRequest(message, [Problem("owner", message, "owner_needed")])
    named = next((org for org in organisations if org.code == code), None)
    if named is None:
        message = _("“%(code)s” is not one of your organisations.") % {"code": code}
        raise BadRequest(message, [Problem("owner", message, "not_your_organisation")])
    if named not in recording:
        raise Forbidden(_("You do not record incidents for %(code)s.") % {"code": code})
    return named
