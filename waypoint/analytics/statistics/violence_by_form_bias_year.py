"""Incidents of violence against migrants by form of violence, bias motivation and year."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, summary
from waypoint.analytics.statistics.cube import Axis, Counting
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.dialect import RelatedText
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import StatTable
from waypoint.cases.models import Person, Victimisation


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_("Counts distinct incidents of the kind “violence against migrants”."),
        dated=footnotes.by_incident_date(),
        also=[
            _(
                "Form of violence: every form recorded for any victim or migrant of the incident; "
                "an incident with none recorded is counted under “unknown”."
            ),
            _(
                "Bias motivation: as recorded on the incident; an incident with none recorded is "
                "counted under “unknown”, one recorded as without bias under “no bias "
                "motivation”."
            ),
            _(
                "An incident of several forms or motivations is counted under each of them; every "
                "total counts each incident once."
            ),
        ],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    persons, victimisations = Person._meta.db_table, Victimisation._meta.db_table
    forms = RelatedText(
        F("pk"),
        source=f"{persons} p JOIN {victimisations} v ON v.person_id = p.id",
        key="p.incident_id",
        value="v.violence_forms",
    )
    return Counting(
        rows=common.incidents_of_kind(spec, common.VIOLENCE),
        axes=(
            Axis(
                "form",
                gettext_lazy("form of violence"),
                forms,
                categories.vocabulary("violence_form"),
                expand=common.codes_in_lists,
            ),
            Axis(
                "bias",
                gettext_lazy("bias motivation"),
                F("bias_motivations"),
                categories.vocabulary("bias_motivation"),
                listed=True,
            ),
            common.year_axis(spec, common.incident_year()),
        ),
    )


TABLE = StandardTable(
    id="violence_by_form_bias_year",
    title=gettext_lazy(
        "Incidents of violence against migrants by form of violence, bias motivation and year"
    ),
    unit=gettext_lazy("incidents"),
    dimensions=("form", "bias", "year"),
    measures=("count",),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct incidents of violence against migrants, by each form of violence recorded for "
        "their victims, each bias motivation and year of the incident."
    ),
)
