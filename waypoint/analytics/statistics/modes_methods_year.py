"""Smuggling incidents by the modes of transport and the methods their legs used, and year."""

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
from waypoint.cases.models import RouteLeg


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_("Counts distinct incidents of the kind “smuggling of migrants”."),
        dated=footnotes.by_incident_date(),
        also=[
            _(
                "Mode and method: every mode of transport and every method recorded on the "
                "incident's legs. An incident is counted under each mode and each method it "
                "used, and so under each pairing of them, whether or not they were used on the "
                "same leg; the totals count each incident once. An incident without legs, or "
                "whose legs give none, is counted under “unknown”."
            )
        ],
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    # One text per incident, its legs' modes each followed by the leg's methods: read twice.
    legs = RelatedText(
        F("pk"),
        source=f"{RouteLeg._meta.db_table} l",
        key="l.incident_id",
        value="l.mode || l.methods",
    )
    return Counting(
        rows=common.incidents_of_kind(spec, common.SMUGGLING),
        axes=(
            Axis(
                "mode",
                gettext_lazy("mode of transport"),
                legs,
                categories.vocabulary("transport_mode"),
                expand=modes_of_legs,
            ),
            Axis(
                "method",
                gettext_lazy("method"),
                legs,
                categories.vocabulary("smuggling_method"),
                expand=methods_of_legs,
            ),
            common.year_axis(spec, common.incident_year()),
        ),
    )


def modes_of_legs(text: str) -> tuple[str, ...]:
    """The modes in a text of legs (``land["guided_crossing"]|sea["sea_crossing"]``)."""
    return common.known(leg.partition("[")[0] for leg in text.split(RelatedText.SEPARATOR))


def methods_of_legs(text: str) -> tuple[str, ...]:
    """The methods in a text of legs."""
    return common.codes_in_lists(text)


TABLE = StandardTable(
    id="modes_methods_year",
    title=gettext_lazy("Smuggling incidents by mode of transport, method and year"),
    unit=gettext_lazy("incidents"),
    dimensions=("mode", "method", "year"),
    measures=("count",),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct incidents of smuggling of migrants, by each mode of transport and each method "
        "(concealment, fraudulent documents, corruption …) recorded on their legs, and year of "
        "the incident."
    ),
)
