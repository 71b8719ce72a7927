"""The filters and orderings of the incident list, applied to what the user may see.

Each filter narrows ``Incident.objects.visible_to(user)``; none of them reads a field the user may
not see, so that a filter cannot tell a user anything the records would not (text search skips
protected fields, and skips places where the owner coarsens them for partners).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _

from waypoint.api.errors import Invalid
from waypoint.api.schemas.incidents import IncidentQuery
from waypoint.cases.models import INCIDENT_PLACE_ANSWERS, IncidentQuerySet
from waypoint.cases.validation import Problem
from waypoint.orgs.access import member_organisations
from waypoint.reference import catalogue

ORDERINGS = {
    "date_start": "date_start",
    "-date_start": "date_start",
    "reference": "reference",
    "-reference": "reference",
    "created_at": "created_at",
    "-created_at": "created_at",
}


def filtered(incidents: IncidentQuerySet, query: IncidentQuery, user: Any) -> IncidentQuerySet:
    """``incidents`` narrowed by the query's filters; raises ``Invalid`` for unknown codes."""
    _check_codes(query)
    if query.year is not None:
        incidents = incidents.occurred_in(query.year)
    if query.kind:
        incidents = incidents.of_kind(query.kind)
    if query.country:
        incidents = incidents.filter(country=_country(query.country))
    if query.label:
        incidents = incidents.filter(label=query.label)
    if query.route:
        incidents = _on_route(incidents, query.route)
    if query.q:
        incidents = incidents.filter(_text(query.q, user))
    return incidents


def ordered(incidents: IncidentQuerySet, ordering: str) -> IncidentQuerySet:
    """Ordered as asked, with incidents without a date last and the newest first among equals,
    the same on every database."""
    field = F(ORDERINGS[ordering])
    key: OrderBy = (
        field.desc(nulls_last=True) if ordering.startswith("-") else field.asc(nulls_last=True)
    )
    return incidents.order_by(key, "-id")


def _on_route(incidents: IncidentQuerySet, route: str) -> IncidentQuerySet:
    """A country (a leg leaves from or arrives in it) or ``FROM-TO`` (one leg between them)."""
    origin, __, destination = route.upper().partition("-")
    if destination:
        legs = Q(legs__from_country=origin, legs__to_country=destination)
    else:
        legs = Q(legs__from_country=origin) | Q(legs__to_country=origin)
    # Through a subquery of the same incidents, so that an incident with several matching legs
    # comes once (no DISTINCT, which would fight with the ordering).
    return incidents.filter(pk__in=incidents.filter(legs).values("pk"))


def _text(text: str, user: Any) -> Q:
    own = [organisation.pk for organisation in member_organisations(user)]
    place_seen = Q(owner_id__in=own) | Q(coarsen_for_partners=False)
    return (
        Q(reference__icontains=text)
        | Q(national_provisions__icontains=text)
        | Q(admin_area__icontains=text)
        | (Q(place__icontains=text) & place_seen)
    )


def _country(code: str) -> str:
    return code if code in INCIDENT_PLACE_ANSWERS else code.upper()


def _check_codes(query: IncidentQuery) -> None:
    problems = []
    countries = catalogue.country_codes()
    if query.kind and query.kind not in catalogue.vocabulary_codes("incident_kind"):
        problems.append(_unknown("kind", query.kind, catalogue.vocabulary_codes("incident_kind")))
    accepted = countries | frozenset(INCIDENT_PLACE_ANSWERS)
    if query.country and _country(query.country) not in accepted:
        problems.append(_unknown("country", query.country, accepted))
    if query.route:
        for code in query.route.upper().split("-"):
            if code not in countries:
                problems.append(_unknown("route", code, countries))
    if problems:
        raise Invalid(_("The filters were not understood: see the details."), problems)


def _unknown(path: str, value: str, accepted: frozenset[str]) -> Problem:
    closest = catalogue.closest(value, accepted)
    if closest:
        message = _("“%(value)s” is not a known code; did you mean %(suggestions)s?") % {
            "value": value,
            "suggestions": ", ".join(closest),
        }
    else:
        message = _("“%(value)s” is not a known code.") % {"value": value}
    return Problem(path, message, "invalid_code")
