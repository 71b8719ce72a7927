"""Incidents and the migrants in them by path (origin → transit countries → destination) and
year: the flow table the flow map draws."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, summary
from waypoint.analytics.statistics.cube import Axis, Counting, Measure
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.routes import SEPARATOR, legs_text, path_of
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import UNKNOWN, StatTable


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_(
            "Counts distinct incidents of every kind (the cell's count) and the migrants in "
            "them: the number of migrants involved the "
            "incident records, or where it gives none the smuggled migrants it itemises. An "
            "incident that gives neither adds no migrants, so the migrants are a minimum."
        ),
        dated=footnotes.by_incident_date(),
        also=[path_note()],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    return Counting(
        rows=common.incidents_of_kind(spec),
        axes=(
            Axis("path", gettext_lazy("path"), legs_text(), categories.paths, expand=path_code),
            common.year_axis(spec, common.incident_year()),
        ),
        measures=(Measure("migrants", common.migrants_smuggled()),),
        count_as="incidents",
    )


def path_code(text: str) -> tuple[str]:
    """The one path category of an incident, from its legs (``legs_text``)."""
    return (SEPARATOR.join(path_of(text)) or UNKNOWN,)


def path_note() -> str:
    return _(
        "Path: the countries the incident's legs leave and reach, in the order of the legs, "
        "from the origin through the transit countries to the destination; an unknown country "
        "inside the path is left out. An incident without legs, or whose legs name no country, "
        "is counted under “unknown”."
    )


TABLE = StandardTable(
    id="flows_by_path_year",
    title=gettext_lazy("Flows by path (origin, transit countries, destination) and year"),
    unit=gettext_lazy("incidents"),
    dimensions=("path", "year"),
    measures=("incidents", "migrants"),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct incidents of every kind and the migrants in them, by the countries their legs "
        "went through from origin to destination, and year of the incident."
    ),
)
