"""Victims of trafficking in persons by citizenship and year."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import common, footnotes, summary
from waypoint.analytics.statistics.cube import Counting
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import StatTable


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=common.victims_counted(),
        dated=footnotes.by_incident_date(),
        also=[
            _(
                "A victim with several citizenships is counted under each of them; the total "
                "counts each victim once."
            )
        ],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    return Counting(
        rows=common.victims_of_trafficking(spec),
        axes=(
            common.citizenship_axis(),
            common.year_axis(spec, common.incident_year()),
        ),
    )


TABLE = StandardTable(
    id="victims_by_citizenship_year",
    title=gettext_lazy("Victims of trafficking in persons by citizenship and year"),
    unit=gettext_lazy("victims"),
    dimensions=("citizenship", "year"),
    measures=("count",),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct victims of trafficking in persons, by each of their citizenships and year of "
        "the incident."
    ),
)
