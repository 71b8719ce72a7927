"""The dead, missing and injured by route, cause of death and year."""

from __future__ import annotations

from django.db.models import Case, F, JSONField, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, summary
from waypoint.analytics.statistics.cube import Axis, Counting, Measure
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import StatTable
from waypoint.reference.models import NOT_APPLICABLE

DIED = Q(dead__gt=0) | Q(missing__gt=0)


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_(
            "Counts the dead, the missing and the injured the incidents record, over incidents "
            "of any kind with at least one of them; the cell's count is the number of those "
            "incidents. A count the incident leaves empty (unknown) adds nothing, so the "
            "figures are a minimum."
        ),
        dated=footnotes.by_incident_date(),
        also=[
            common.route_note(),
            _(
                "Cause of death: every cause the incident records; the dead, missing and injured "
                "of an incident with several causes are counted under each, and once in the "
                "total. An incident with dead or missing and no cause recorded is counted under "
                "“unknown”; one with only injured under “not applicable”."
            ),
        ],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    return Counting(
        rows=common.incidents_of_kind(spec).filter(DIED | Q(injured__gt=0)),
        axes=(
            common.route_axis(),
            Axis(
                "cause",
                gettext_lazy("cause of death"),
                _causes(),
                categories.vocabulary("death_cause"),
                listed=True,
            ),
            common.year_axis(spec, common.incident_year()),
        ),
        measures=(
            Measure("dead", F("dead")),
            Measure("missing", F("missing")),
            Measure("injured", F("injured")),
        ),
        count_as=None,
    )


def _causes() -> Case:
    return Case(
        When(DIED, then=F("death_causes")),
        default=Value([NOT_APPLICABLE], output_field=JSONField()),
        output_field=JSONField(),
    )


TABLE = StandardTable(
    id="casualties_by_route_cause_year",
    title=gettext_lazy("Dead, missing and injured by route, cause of death and year"),
    unit=gettext_lazy("persons"),
    dimensions=("route", "cause", "year"),
    measures=("dead", "missing", "injured"),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "The dead, missing and injured recorded in incidents, by route, each cause of death and "
        "year of the incident."
    ),
)
