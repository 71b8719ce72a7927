"""The staff site's main navigation: every section, in order, shown to whoever may use it.

A section whose page does not exist in this installation (its URL name does not resolve) is left
out, so the list names the whole site once and pages join it by existing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from waypoint.orgs.models import Membership, Role

Roles = frozenset[str]


def _member(roles: Roles) -> bool:
    return bool(roles)


def _with_role(*wanted: str) -> Callable[[Roles], bool]:
    return lambda roles: not roles.isdisjoint(wanted)


@dataclass(frozen=True)
class Section:
    url_name: str
    label: Promise
    #: Who sees the link, by the roles the user holds in active organisations (the page itself
    #: checks access again).
    shown_to: Callable[[Roles], bool] = _member
    #: Paths under the section's own mark it as the current one.
    prefix: bool = True


SECTIONS = (
    Section("home", _("Dashboard"), shown_to=lambda roles: True, prefix=False),
    Section("incident_list", _("Incidents")),
    Section(
        "incident_new",
        _("New incident"),
        shown_to=_with_role(Role.REPORTER, Role.ORG_ADMIN),
        prefix=False,
    ),
    Section("import_list", _("Imports"), shown_to=_with_role(Role.REPORTER, Role.ORG_ADMIN)),
    Section("statistics", _("Statistics")),
    Section("returns", _("Returns")),
    Section("org_admin", _("Administration"), shown_to=_with_role(Role.ORG_ADMIN)),
    Section("audit:events", _("Audit"), shown_to=_with_role(Role.AUDITOR)),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``nav``, the sections the signed-in user may use, with the current
    one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    roles = frozenset(
        Membership.objects.filter(user=user, organisation__is_active=True).values_list(
            "role", flat=True
        )
    )
    items = []
    for section in SECTIONS:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        if not section.shown_to(roles):
            continue
        current = request.path == url or (
            section.prefix and url != "/" and request.path.startswith(url)
        )
        items.append({"url": url, "label": section.label, "current": current})
    return {"nav": items}
