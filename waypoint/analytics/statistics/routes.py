"""The route of an incident, as the statistics name it.

A route is the **named migration route** the record gives (``central_mediterranean``, from the
IOM Missing Migrants and Frontex names in the ``migration_route`` vocabulary); otherwise the
**ends of its legs**: the country the first leg leaves and the country the last leg reaches,
written ``AFG>ITA`` (``unknown`` for an end the leg does not give); otherwise ``unknown``. Each
incident has exactly one route, so route tables add up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, Func, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from waypoint.cases.models import RouteLeg
from waypoint.reference import catalogue
from waypoint.reference.models import MISSING_ANSWERS, UNKNOWN

SEPARATOR = ">"


def route_of(incident_key: str = "pk", named_route: str = "migration_route") -> Any:
    """The route expression for rows whose incident is ``incident_key`` (``pk`` on incidents,
    ``incident_id`` on rows under one) and whose named route is the field ``named_route``."""
    named = NullIf(NullIf(F(named_route), Value("")), Value(UNKNOWN))
    ends = Func(
        _end(incident_key, "sequence", "from_country"),
        _end(incident_key, "-sequence", "to_country"),
        template="(%(expressions)s)",
        arg_joiner=f" || '{SEPARATOR}' || ",
        output_field=CharField(),
    )
    return Coalesce(named, NullIf(ends, Value(f"{UNKNOWN}{SEPARATOR}{UNKNOWN}")), Value(UNKNOWN))


def _end(incident_key: str, order: str, country: str) -> Subquery:
    """The country one end of the route: the first leg's departure or the last leg's arrival,
    with every missing answer as ``unknown``; NULL when the incident has no legs."""
    legs = RouteLeg.objects.filter(incident_id=OuterRef(incident_key)).order_by(order)
    normalised = Case(
        When(**{f"{country}__in": MISSING_ANSWERS}, then=Value(UNKNOWN)),
        default=F(country),
        output_field=CharField(),
    )
    return Subquery(legs.annotate(end=normalised).values("end")[:1], output_field=CharField())


def is_pair(code: str) -> bool:
    return SEPARATOR in code


def route_label(code: str) -> str:
    """``Central Mediterranean``, or ``Afghanistan → Italy`` for the ends of legs."""
    if not is_pair(code):
        return catalogue.term_label("migration_route", code)
    origin, destination = code.split(SEPARATOR, 1)
    return _("%(origin)s → %(destination)s") % {
        "origin": catalogue.country_label(origin),
        "destination": catalogue.country_label(destination),
    }
