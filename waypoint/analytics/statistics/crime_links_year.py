"""Incidents by the combination of kinds of crime they involve, and year: the links between
smuggling, trafficking and violence."""

from __future__ import annotations

import itertools

from django.db.models import Case, CharField, Func, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, summary
from waypoint.analytics.statistics.cube import Axis, Counting
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.analytics.table import StatTable
from waypoint.cases.models import of_kind
from waypoint.reference import catalogue

#: The incident kinds in their vocabulary's order.
KINDS = (
    common.SMUGGLING,
    common.TRAFFICKING,
    common.VIOLENCE,
    "death_or_disappearance",
)
JOINER = "+"


def run(spec: StatSpec) -> StatTable:
    notes = footnotes.standard(
        spec,
        counted=_(
            "Counts distinct incidents of every kind, each under the combination of kinds it "
            "was recorded with (smuggling of migrants + trafficking in persons, …), so the "
            "combinations of more than one kind are the incidents that link them."
        ),
        dated=footnotes.by_incident_date(),
    )
    return summary.tabulate(TABLE, spec, notes)


def counting(spec: StatSpec) -> Counting:
    return Counting(
        rows=common.incidents_of_kind(spec),
        axes=(
            Axis(
                "kinds",
                gettext_lazy("kinds of crime"),
                _combination(),
                categories.fixed(combinations(), unknown=False),
            ),
            common.year_axis(spec, common.incident_year()),
        ),
    )


def combinations() -> list[tuple[str, str]]:
    """Every combination of kinds, the single kinds first, as (code, label)."""
    found = []
    for size in range(1, len(KINDS) + 1):
        for kinds in itertools.combinations(KINDS, size):
            label = " + ".join(catalogue.term_label("incident_kind", kind) for kind in kinds)
            found.append((JOINER.join(kinds), label))
    return found


def _combination() -> Func:
    """The incident's kinds as a combination code, whatever order its list holds them in."""
    parts = [
        Case(
            When(of_kind(kind), then=Value(kind + JOINER)),
            default=Value(""),
            output_field=CharField(),
        )
        for kind in KINDS
    ]
    joined = Func(*parts, template="(%(expressions)s)", arg_joiner=" || ", output_field=CharField())
    return Func(joined, Value(JOINER), function="RTRIM", output_field=CharField())


TABLE = StandardTable(
    id="crime_links_year",
    title=gettext_lazy("Incidents by the kinds of crime they combine, and year"),
    unit=gettext_lazy("incidents"),
    dimensions=("kinds", "year"),
    measures=("count",),
    compute=run,
    counting=counting,
    description=gettext_lazy(
        "Distinct incidents by the combination of kinds they involve (smuggling of migrants, "
        "trafficking in persons, violence against migrants, death or disappearance), and year "
        "of the incident."
    ),
)
