"""Regional tables over returns: an indicator summed across organisations and periods.

Each organisation's figure for a period comes from **one** source, so nothing is counted twice:

1. its current submitted return for that period, if the user may see it (reciprocity decides,
   through ``Return.objects.visible_to``);
2. otherwise, for the user's own organisations, the figure derived from their incident records
   (``prefill``), for an indicator that can be derived;
3. otherwise nothing: the organisation did not report, and the completeness table says so.

A figure the publisher censored ("fewer than 5") makes every sum it enters unknown: those cells
are withheld as suppressed, never shown as a number that pretends to be exact. The table then
passes the one disclosure gate (``analytics.disclosure.protect``), like every statistic.
"""

from __future__ import annotations

import enum
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from waypoint.analytics.table import TOTAL, UNKNOWN, Cell, CellStatus, Dimension, StatTable
from waypoint.orgs.access import member_organisations
from waypoint.orgs.models import Organisation
from waypoint.returns import prefill
from waypoint.returns.breakdowns import BREAKDOWNS
from waypoint.returns.models import Indicator, Questionnaire, ReportingCommunity, Return
from waypoint.returns.periods import Period


class Source(enum.StrEnum):
    RETURN = "return"
    RECORDS = "records"
    NONE = "none"


@dataclass(frozen=True)
class Coverage:
    """Where one organisation's figure for one period came from."""

    organisation: Organisation
    period: str
    source: Source
    #: The return the figures come from, for the source ``RETURN``.
    ret: Return | None = None

    @property
    def version(self) -> int | None:
        return self.ret.version if self.ret is not None else None

    def describe(self) -> str:
        values = {"organisation": self.organisation.code, "period": self.period}
        if self.source is Source.RETURN:
            return _("%(organisation)s, %(period)s: its return (version %(version)d).") % {
                **values,
                "version": self.version,
            }
        if self.source is Source.RECORDS:
            return _("%(organisation)s, %(period)s: derived from its incident records.") % values
        return _("%(organisation)s, %(period)s: not reported.") % values


@dataclass(frozen=True)
class _Figure:
    categories: dict[str, str]
    value: Decimal | None
    censored: bool


def organisations_in_view(user: Any) -> list[Organisation]:
    """The user's organisations and the other members of their reporting communities."""
    own = member_organisations(user)
    members = Organisation.objects.filter(
        reporting_communities__in=ReportingCommunity.objects.filter(members__in=own),
        is_active=True,
    )
    found = {org.pk: org for org in [*own, *members]}
    return sorted(found.values(), key=lambda org: org.code)


def coverage(user: Any, questionnaire: Questionnaire, periods: Sequence[str]) -> list[Coverage]:
    """For each organisation in view and each period, the source its figures come from."""
    own = {org.pk for org in member_organisations(user)}
    returns = {
        (ret.organisation_id, ret.period): ret
        for ret in Return.objects.visible_to(user)
        .current()
        .filter(questionnaire=questionnaire, period__in=list(periods))
    }
    found = []
    for organisation, period in itertools.product(organisations_in_view(user), periods):
        ret = returns.get((organisation.pk, period))
        if ret is not None:
            found.append(Coverage(organisation, period, Source.RETURN, ret))
        elif organisation.pk in own:
            found.append(Coverage(organisation, period, Source.RECORDS))
        else:
            found.append(Coverage(organisation, period, Source.NONE))
    return found


def regional_table(
    user: Any,
    questionnaire: Questionnaire,
    indicator: Indicator,
    periods: Sequence[str],
    breakdown: str | None = None,
) -> StatTable:
    """The indicator by ``breakdown`` (if any) and period, summed over the organisations in
    view, each from one source (see the module's docstring); unprotected: pass it through
    ``protect``."""
    periods = [str(Period.parse(period)) for period in periods]
    covered = coverage(user, questionnaire, periods)
    sums: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    censored: set[tuple[str, ...]] = set()
    for item in covered:
        for figure in _figures(item, indicator):
            keys: list[tuple[str, ...]]
            if breakdown is None:
                if figure.categories:
                    continue
                keys = [(item.period,), (TOTAL,)]
            elif set(figure.categories) == {breakdown}:
                code = figure.categories[breakdown]
                keys = [(code, item.period), (code, TOTAL)]
            elif not figure.categories:
                keys = [(TOTAL, item.period), (TOTAL, TOTAL)]
            else:
                continue
            for key in keys:
                sums[key] += figure.value or Decimal(0)
                if figure.censored:
                    censored.add(key)
    return _table(indicator, breakdown, periods, sums, censored, covered)


def _figures(item: Coverage, indicator: Indicator) -> list[_Figure]:
    if item.source is Source.RETURN and item.ret is not None:
        values = item.ret.values.filter(indicator=indicator)
        return [_Figure(v.categories, v.value, v.censored_below is not None) for v in values]
    if item.source is Source.RECORDS:
        entries = prefill.prefill(indicator, item.organisation, Period.parse(item.period))
        return [_Figure(e.categories, e.value, False) for e in entries]
    return []


def _table(
    indicator: Indicator,
    breakdown: str | None,
    periods: list[str],
    sums: dict[tuple[str, ...], Decimal],
    censored: set[tuple[str, ...]],
    covered: list[Coverage],
) -> StatTable:
    dimensions = []
    if breakdown is not None:
        described = BREAKDOWNS[breakdown]
        codes = sorted({key[0] for key in sums if key[0] not in (TOTAL, UNKNOWN)})
        codes.append(UNKNOWN)
        labels = {code: described.label_of(code) for code in codes}
        dimensions.append(Dimension(breakdown, str(described.label), tuple(codes), labels))
    dimensions.append(Dimension("period", _("period"), tuple(periods), {p: p for p in periods}))
    cells = {}
    for key in itertools.product(*((*d.categories, TOTAL) for d in dimensions)):
        count = int(sums.get(key, Decimal(0)))
        status = CellStatus.PRIMARY if key in censored else CellStatus.PUBLISHED
        cells[key] = Cell(key, count, {"count": count}, status)
    notes = [
        _(
            "Each organisation's figure for a period comes from one source: its submitted return "
            "where you may see it, else, for your own organisations, its incident records; "
            "nothing is counted twice."
        ),
        *(item.describe() for item in covered),
    ]
    if censored:
        notes.append(
            _(
                "Sums that include a figure its publisher censored (“fewer than”) are withheld: "
                "their exact value is not known."
            )
        )
    return StatTable(
        table_id=f"returns_{indicator.code}",
        title=indicator.name,
        dimensions=tuple(dimensions),
        measures=("count",),
        unit=indicator.get_unit_display(),
        cells=cells,
        footnotes=notes,
    )
