"""The one way in to organisation-owned data: who may see and record what.

Every read of case data goes through ``visible_incidents`` (exposed as
``Incident.objects.visible_to(user)``) or a ``get_<thing>_for`` helper; a record the user may not
see answers exactly like a record that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from waypoint.orgs.models import Membership, Organisation, Role

if TYPE_CHECKING:
    from waypoint.cases.models import Incident, IncidentQuerySet

RECORDING_ROLES = frozenset({Role.REPORTER, Role.ORG_ADMIN})


class AccessDenied(Exception):
    """The actor may not perform this action for this organisation."""


def member_organisations(user: Any) -> list[Organisation]:
    """The active organisations the user belongs to, looked up once per user object (request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_waypoint_organisations", None)
    if cached is None:
        cached = list(Organisation.objects.active().filter(memberships__user=user).distinct())
        user._waypoint_organisations = cached
    return list(cached)


def roles_in(user: Any, organisation: Organisation) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def visibility_condition(user: Any) -> Q | None:
    """The rows of ``Incident`` a user may see, or None for none at all.

    A platform administrator without a membership reads no case content. Members see every
    record of their own organisations and the records other organisations shared with all
    participants (TLP:GREEN).
    """
    from waypoint.cases.models import Label

    organisations = member_organisations(user)
    if not organisations:
        return None
    own = Q(owner__in=organisations)
    shared_with_all = Q(label=Label.GREEN, owner__is_active=True)
    return own | shared_with_all


def visible_incidents(queryset: IncidentQuerySet, user: Any) -> IncidentQuerySet:
    condition = visibility_condition(user)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def get_incident_for(user: Any, public_id: Any) -> Incident:
    from waypoint.cases.models import Incident

    try:
        return Incident.objects.visible_to(user).get(public_id=public_id)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404("No incident matches the given query.") from None


def require_recorder(user: Any, organisation: Organisation) -> None:
    if not roles_in(user, organisation) & RECORDING_ROLES or not organisation.is_active:
        raise AccessDenied(f"{user} may not record incidents for {organisation.code}")
