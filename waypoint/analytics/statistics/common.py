"""Contributors and dimensions that several standard tables share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, scope
from waypoint.analytics.statistics.cube import Axis
from waypoint.analytics.statistics.dialect import JsonAppend, Year
from waypoint.analytics.statistics.routes import route_of
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import UNKNOWN
from waypoint.cases.models import Incident, Person
from waypoint.reference.models import MISSING_ANSWERS

TRAFFICKING = "trafficking_in_persons"
SMUGGLING = "smuggling_of_migrants"
VIOLENCE = "violence_against_migrants"


#: The path from an incident to its persons: persons' values are read through the join.
PERSON = "persons__"


def victims_of_trafficking(spec: StatSpec) -> QuerySet[Incident]:
    """One row per person in the role “victim” in the incidents of trafficking in persons the
    request counts (rooted on the incident: persons' values are read through ``PERSON``)."""
    return scope.counted(spec, TRAFFICKING).filter(persons__role="victim")


def victims_counted() -> str:
    return _(
        "Counts distinct victims of trafficking in persons: the persons recorded in the role "
        "“victim” in incidents of trafficking in persons. The same person in two incidents is "
        "two records and is counted twice."
    )


def incidents_of_kind(spec: StatSpec, kind: str | None = None) -> QuerySet[Incident]:
    """The incidents the request counts (of ``kind`` if given), dated by their date, for a
    table of incidents alone."""
    return scope.counted_alone(spec, kind)


def year_axis(spec: StatSpec, value: Any) -> Axis:
    return Axis("year", gettext_lazy("year"), value, categories.years(spec.year_from, spec.year_to))


def incident_year(path: str = "date_start") -> Year:
    return Year(F(path))


def sex_axis() -> Axis:
    return Axis("sex", gettext_lazy("sex"), F(f"{PERSON}sex"), categories.vocabulary("sex"))


def citizenship_axis() -> Axis:
    """A person's citizenships: the main one and any others, each a category."""
    main = Coalesce(NullIf(F(f"{PERSON}citizenship"), Value("")), Value(UNKNOWN))
    return Axis(
        "citizenship",
        gettext_lazy("citizenship"),
        JsonAppend(F(f"{PERSON}other_citizenships"), main),
        categories.countries,
        listed=True,
    )


def route_axis(incident_key: str = "pk", named_route: str = "migration_route") -> Axis:
    return Axis(
        "route", gettext_lazy("route"), route_of(incident_key, named_route), categories.routes
    )


def route_note() -> str:
    return _(
        "Route: the named migration route the incident records; otherwise the country its first "
        "leg leaves and the country its last leg reaches (origin → destination); otherwise "
        "“unknown”. Each incident has one route."
    )


#: A code inside a JSON list's text.
QUOTED_CODE = re.compile(r'"([^"]+)"')


def known(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes once each, in order, without missing answers; ``unknown`` alone if nothing
    else is left (missing answers never stand beside real ones)."""
    found = dict.fromkeys(code for code in codes if code not in MISSING_ANSWERS)
    return tuple(found) or (UNKNOWN,)


def codes_in_lists(text: str) -> tuple[str, ...]:
    """The codes of the JSON lists joined in a text (see ``dialect.RelatedText``)."""
    return known(QUOTED_CODE.findall(text))


def migrants_smuggled() -> Coalesce:
    """Per incident: the number of migrants involved it records, or where it gives none the
    smuggled migrants it itemises (NULL when it gives neither)."""
    itemised = (
        Person.objects.filter(incident_id=OuterRef("pk"), role="smuggled_migrant")
        .order_by()
        .values("incident_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(F("migrants_involved"), Subquery(itemised, output_field=IntegerField()))
