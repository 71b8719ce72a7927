"""Fees paid to smugglers by route and year: median and quartiles."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import common, footnotes, scope
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.quantiles import tabulate_quantiles
from waypoint.analytics.statistics.spec import SpecError, StatSpec
from waypoint.analytics.table import StatTable
from waypoint.cases.models import RouteLeg
from waypoint.reference import catalogue

#: Fees paid for a whole group are not comparable with fees paid per person.
PER_GROUP = "per_group"


def run(spec: StatSpec) -> StatTable:
    currency = spec.currency or _most_used_currency(spec)
    if currency not in catalogue.currency_codes():
        raise SpecError(_("Unknown currency: %(currency)s.") % {"currency": currency})
    axes = (
        common.route_axis("incident_id", "incident__migration_route"),
        common.year_axis(spec, common.incident_year("incident__date_start")),
    )
    notes = footnotes.standard(
        spec,
        counted=_(
            "Median, first and third quartile of the fees paid in %(currency)s for the legs of "
            "incidents of the kind “smuggling of migrants”; the cell's count is the number of "
            "fees. Each fee is one leg's, as recorded: a journey of several paid legs gives "
            "several fees."
        )
        % {"currency": currency},
        dated=footnotes.by_incident_date(),
        also=[
            common.route_note(),
            _(
                "Not counted: fees in other currencies (no conversion is made) and fees paid for "
                "a whole group; fees paid per person or on an unknown basis are counted."
            ),
            _("Quartiles interpolate linearly between the two nearest fees."),
        ],
    )
    table = tabulate_quantiles(TABLE, _fees(spec, currency), axes, F("fee_amount"), notes)
    table.title = f"{table.title} ({currency})"
    return table


def _fees(spec: StatSpec, currency: str | None = None) -> QuerySet[RouteLeg]:
    """The legs with a fee counted, in ``currency`` if given. Rooted on the legs: fees are few
    beside incidents, and each one's incident is checked (see ``scope.within``)."""
    fees = scope.within(RouteLeg, spec, incident="incident", kind=common.SMUGGLING)
    fees = fees.filter(fee_amount__isnull=False).exclude(fee_basis=PER_GROUP)
    if currency is not None:
        fees = fees.filter(fee_currency=currency)
    return fees.order_by()


def _most_used_currency(spec: StatSpec) -> str:
    """The currency most fees were paid in (by code among equals); US dollars when there are
    none, so that an empty table still names one."""
    fees = _fees(spec).values("fee_currency").annotate(n=Count("id"))
    most = fees.order_by("-n", "fee_currency").first()
    return most["fee_currency"] if most else "USD"


TABLE = StandardTable(
    id="fees_by_route_year",
    title=gettext_lazy("Fees paid to smugglers by route and year"),
    unit=gettext_lazy("fees"),
    dimensions=("route", "year"),
    measures=("median", "q1", "q3"),
    compute=run,
    description=gettext_lazy(
        "Median, first and third quartile of the fees paid for legs of smuggling journeys in one "
        "currency, by route and year of the incident; each cell counts the fees."
    ),
)
