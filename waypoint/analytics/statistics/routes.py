"""The route of an incident, as the statistics name it.

A route is the **named migration route** the record gives (``central_mediterranean``, from the
IOM Missing Migrants and Frontex names in the ``migration_route`` vocabulary); otherwise the
**ends of its legs**: the country the first leg leaves and the country the last leg reaches,
written ``AFG>ITA`` (``unknown`` for an end the leg does not give); otherwise ``unknown``. Each
incident has exactly one route, so route tables add up.

A **path** follows every leg instead: the countries the legs leave and reach, in the order of
the legs (``AFG>IRN>TUR>GRC``), from which the flow tables read an origin, the transit countries
and a destination.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, CharField, F, Func, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from waypoint.analytics.statistics.dialect import RelatedText
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
    """``Central Mediterranean``, or ``Afghanistan → Italy`` for the ends of legs (and
    ``Afghanistan → Iran → Türkiye`` for a path)."""
    if not is_pair(code):
        return catalogue.term_label("migration_route", code)
    return path_label(code)


def path_label(code: str) -> str:
    """The countries of a route or path by name, joined by arrows."""
    if code == UNKNOWN:
        return _("unknown")
    names = [catalogue.country_label(country) for country in code.split(SEPARATOR)]
    return " → ".join(names)


#: Between the parts of one leg, and between legs, in ``legs_text``.
_PART, _LEG = ":", RelatedText.SEPARATOR


def legs_text(incident_key: str = "pk") -> RelatedText:
    """Every leg of the row's incident as ``sequence:from:to``, joined in one text (NULL without
    legs), for ``path_of`` to read; incidents with the same legs group together."""
    return RelatedText(
        F(incident_key),
        source=f"{RouteLeg._meta.db_table} l",
        key="l.incident_id",
        value=f"l.sequence || '{_PART}' || l.from_country || '{_PART}' || l.to_country",
    )


def path_of(text: str | None) -> tuple[str, ...]:
    """The countries of an incident's path from its ``legs_text``: each leg's departure and
    arrival in the order of the legs, a country repeated in a row once (a leg within one
    country, or legs that join up). An unknown country inside the path is left out; at an end
    it stays ``unknown``. No legs, or none naming a country: ``()``."""
    legs = []
    for leg in (text or "").split(_LEG):
        parts = leg.split(_PART)
        if len(parts) == 3 and parts[0].lstrip("-").isdigit():
            legs.append((int(parts[0]), _country(parts[1]), _country(parts[2])))
    countries = _collapsed(c for _sequence, *ends in sorted(legs) for c in ends)
    if len(countries) > 2:
        inner = [country for country in countries[1:-1] if country != UNKNOWN]
        countries = _collapsed([countries[0], *inner, countries[-1]])
    return () if all(country == UNKNOWN for country in countries) else countries


def _collapsed(countries: Iterable[str]) -> tuple[str, ...]:
    path: list[str] = []
    for country in countries:
        if not path or path[-1] != country:
            path.append(country)
    return tuple(path)


def _country(code: str) -> str:
    return UNKNOWN if not code or code in MISSING_ANSWERS else code
