"""Who may read which audit events.

Auditors see the events of the organisations they audit: events of someone acting for one of
them, and events about one of their records. The platform administrator sees the administration
of the platform (organisations, users, keys, the log itself) and nothing about case content.
Everyone else sees nothing, and the audit page answers them as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from waypoint.audit.models import CASE_CONTENT_ACTIONS, PLATFORM_TARGET_TYPES
from waypoint.orgs.models import Organisation, Role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def audited_organisations(user: Any) -> list[Organisation]:
    """The active organisations where the user holds the auditor role, looked up once per user
    object (request)."""
    if not _active(user):
        return []
    cached = getattr(user, "_waypoint_audited_organisations", None)
    if cached is None:
        cached = list(
            Organisation.objects.active()
            .filter(memberships__user=user, memberships__role=Role.AUDITOR)
            .distinct()
        )
        user._waypoint_audited_organisations = cached
    return list(cached)


def is_platform_administrator(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser)


def visibility_condition(user: Any) -> Q | None:
    """The audit events a user may read, or None for none at all."""
    conditions = []
    audited = audited_organisations(user)
    if audited:
        conditions.append(Q(organisation__in=audited) | Q(target_organisation__in=audited))
    if is_platform_administrator(user):
        conditions.append(
            Q(target_type__in=PLATFORM_TARGET_TYPES) & ~Q(action__in=CASE_CONTENT_ACTIONS)
        )
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def may_read_audit_log(user: Any) -> bool:
    return is_platform_administrator(user) or bool(audited_organisations(user))
