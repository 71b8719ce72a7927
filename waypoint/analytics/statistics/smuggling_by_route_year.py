"""Smuggling incidents and smuggled migrants by route and year."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import common, footnotes, summary
from waypoint.analytics.statistics.cube import Counting, Measure
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import StatTable


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_(
            "Counts distinct incidents of the kind “smuggling of migrants” (the cell's count) "
            "and the migrants smuggled in them: the number of migrants involved the incident "
            "records, or where it gives none the smuggled migrants it itemises. An incident "
            "that gives neither adds no migrants, so the migrants are a minimum."
        ),
        dated=footnotes.by_incident_date(),
        also=[common.route_note()],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    return Counting(
        rows=common.incidents_of_kind(spec, common.SMUGGLING),
        axes=(common.route_axis(), common.year_axis(spec, common.incident_year())),
        measures=(Measure("smuggled_migrants", common.migrants_smuggled()),),
        count_as="incidents",
    )


TABLE = StandardTable(
    id="smuggling_by_route_year",
    title=gettext_lazy("Smuggling incidents and smuggled migrants by route and year"),
    unit=gettext_lazy("incidents"),
    dimensions=("route", "year"),
    measures=("incidents", "smuggled_migrants"),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct incidents of smuggling of migrants and the migrants smuggled in them, by route "
        "(named route, or origin → destination of the legs) and year of the incident."
    ),
)
