"""Victims of trafficking in persons by sex, age group and year."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, summary
from waypoint.analytics.statistics.cube import Axis, Counting
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
                "Age group: the age at the incident; “child” and “adult” are victims known only "
                "to be under or over 18."
            )
        ],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    return Counting(
        rows=common.victims_of_trafficking(spec),
        axes=(
            common.sex_axis(),
            Axis(
                "age_group",
                gettext_lazy("age group"),
                F(f"{common.PERSON}age_group"),
                categories.vocabulary("age_group"),
            ),
            common.year_axis(spec, common.incident_year()),
        ),
    )


TABLE = StandardTable(
    id="victims_by_sex_age_year",
    title=gettext_lazy("Victims of trafficking in persons by sex, age group and year"),
    unit=gettext_lazy("victims"),
    dimensions=("sex", "age_group", "year"),
    measures=("count",),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct victims of trafficking in persons, by sex, age group at the incident and year "
        "of the incident."
    ),
)
