"""Offenders and suspects by criminal-justice stage reached, sex, citizenship and year."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, scope, summary
from waypoint.analytics.statistics.cube import Axis, Counting
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import StatTable
from waypoint.cases.models import Incident, Stage

#: The stages an offender whose record has reached a stage has passed through: whoever is
#: prosecuted was first a suspect, whoever is convicted or acquitted was prosecuted.
REACHED: dict[str, tuple[str, ...]] = {
    Stage.SUSPECTED: (Stage.SUSPECTED,),
    Stage.ARRESTED: (Stage.SUSPECTED, Stage.ARRESTED),
    Stage.PROSECUTED: (Stage.SUSPECTED, Stage.PROSECUTED),
    Stage.CONVICTED: (Stage.SUSPECTED, Stage.PROSECUTED, Stage.CONVICTED),
    Stage.ACQUITTED: (Stage.SUSPECTED, Stage.PROSECUTED, Stage.ACQUITTED),
    Stage.DISCONTINUED: (Stage.SUSPECTED, Stage.DISCONTINUED),
}


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_(
            "Counts distinct offenders and suspects: the persons recorded in the role “offender” "
            "in incidents of any kind. The same person in two incidents is two records and is "
            "counted twice."
        ),
        dated=footnotes.by_incident_date(),
        also=[
            _(
                "Stage: every stage the offender's record has reached, counting the stages it "
                "implies: a convicted or acquitted offender was also prosecuted, and everyone "
                "prosecuted, arrested or whose case was discontinued was first suspected. The "
                "total counts each offender once. An offender without a criminal-justice record "
                "is counted under “unknown”."
            ),
            _(
                "An offender with several citizenships is counted under each of them; the total "
                "counts each offender once."
            ),
        ],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    return Counting(
        rows=_offenders(spec),
        axes=(
            Axis(
                "stage",
                gettext_lazy("stage reached"),
                F(f"{common.PERSON}offender__stage"),
                categories.fixed([(str(code), str(label)) for code, label in Stage.choices]),
                expand=stages_reached,
            ),
            common.sex_axis(),
            common.citizenship_axis(),
            common.year_axis(spec, common.incident_year()),
        ),
    )


def _offenders(spec: StatSpec) -> QuerySet[Incident]:
    """One row per person in the role “offender” (rooted on the incident, see ``common``)."""
    return scope.counted(spec).filter(persons__role="offender")


def stages_reached(stage: str) -> tuple[str, ...]:
    """The stages an offender whose record is at ``stage`` has reached (``unknown`` for an
    offender without a criminal-justice record)."""
    return tuple(str(reached) for reached in REACHED.get(stage, (stage,)))


TABLE = StandardTable(
    id="offenders_by_stage_sex_citizenship_year",
    title=gettext_lazy("Offenders and suspects by stage reached, sex, citizenship and year"),
    unit=gettext_lazy("offenders"),
    dimensions=("stage", "sex", "citizenship", "year"),
    measures=("count",),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct offenders and suspects, by each criminal-justice stage reached (suspected, "
        "arrested, prosecuted, convicted, acquitted, discontinued), sex, each citizenship and "
        "year of the incident."
    ),
)
