"""Victims and smuggled migrants returned, by the country they were returned from and to, and
year of the return."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, scope, summary
from waypoint.analytics.statistics.cube import Axis, Counting
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.dialect import Year
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import StatTable
from waypoint.cases.models import Incident, Victimisation


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_(
            "Counts distinct persons returned: victims and smuggled migrants whose record says "
            "from which country they were returned, in incidents of any kind."
        ),
        dated=_(
            "Year: the calendar year of the return; where the record does not date the return, "
            "the year of the incident."
        ),
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    # Rooted on the returns, each checked by its incident, on SQLite; on PostgreSQL rooted on
    # the incidents, the returns reached through the join, which it runs twice as fast there.
    by_incident = connection.vendor == "postgresql"
    to, date = (RETURN, "date_start") if by_incident else ("", "person__incident__date_start")
    year = Coalesce(Year(F(f"{to}repatriated_on")), Year(F(date)))
    return Counting(
        rows=_by_incident(spec, year) if by_incident else _returns(spec, year),
        incident="" if by_incident else "person__incident__",
        axes=(
            Axis(
                "country_from",
                gettext_lazy("returned from"),
                F(f"{to}repatriated_from"),
                categories.countries,
            ),
            Axis(
                "country_to",
                gettext_lazy("returned to"),
                F(f"{to}repatriated_to"),
                categories.countries,
            ),
            common.year_axis(spec, year),
        ),
    )


#: The path from an incident to what happened to its persons.
RETURN = "persons__victimisation__"


def _by_incident(spec: StatSpec, year: Coalesce) -> QuerySet[Incident]:
    """One row per person returned, rooted on the incident (see ``common``); the years asked
    for are those of the returns."""
    # Any country code is greater than the empty string: the one join, with a plain condition.
    returns = scope.incidents(spec).filter(persons__victimisation__repatriated_from__gt="")
    return _in_years(returns, spec, year)


def _returns(spec: StatSpec, year: Coalesce) -> QuerySet[Victimisation]:
    """One row per person returned, checked by incident (see ``scope.within``); the years
    asked for are those of the returns."""
    returns = scope.within(
        Victimisation, spec, incident="person__incident", dated_by_incident=False
    )
    return _in_years(returns.exclude(repatriated_from=""), spec, year)


def _in_years(returns: QuerySet[Any], spec: StatSpec, year: Coalesce) -> QuerySet[Any]:
    if spec.year_from is not None:
        returns = returns.alias(_year=year).filter(_year__gte=spec.year_from)
    if spec.year_to is not None:
        returns = returns.alias(_year=year).filter(_year__lte=spec.year_to)
    return returns


TABLE = StandardTable(
    id="repatriations_by_country_year",
    title=gettext_lazy("Persons returned by country returned from and to, and year"),
    unit=gettext_lazy("persons returned"),
    dimensions=("country_from", "country_to", "year"),
    measures=("count",),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct victims and smuggled migrants returned, by the country they were returned "
        "from and the country they were returned to, and year of the return."
    ),
)
