"""Pre-filling a return from the organisation's own incident records.

An indicator whose ``derivation`` names one of ``DERIVATIONS`` can be computed from the records an
organisation owns for the period (by the incident's date; withdrawn incidents and those found
false are left out, as in the statistics): its total, and its figure for each category of each
breakdown the records can give. The counting is the statistics' own (``cube.tabulate``: one
GROUP BY), over the organisation's records only, whoever asks. Every figure says how it was
derived; the officer confirms or corrects it before submitting.

Where the records give the total but not every contributor's category (migrants counted on the
incident but not itemised, a citizenship not recorded), the rest is put under ``unknown``, so
that each breakdown adds up to its total as the checks require.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from waypoint.analytics.statistics import categories, common
from waypoint.analytics.statistics.cube import Axis, Counting, tabulate
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.dialect import RelatedText
from waypoint.analytics.statistics.modes_methods_year import methods_of_legs, modes_of_legs
from waypoint.analytics.statistics.offenders_by_stage_sex_citizenship_year import stages_reached
from waypoint.analytics.table import TOTAL, UNKNOWN, StatTable
from waypoint.cases.models import Incident, RouteLeg, Stage, Status
from waypoint.orgs.models import Organisation
from waypoint.reference import catalogue
from waypoint.reference.models import MISSING_ANSWERS
from waypoint.returns.actions import Entry
from waypoint.returns.breakdowns import BREAKDOWNS
from waypoint.returns.models import Indicator
from waypoint.returns.periods import Period

P, VICTIM = common.PERSON, f"{common.PERSON}victimisation__"

#: The verification status of incidents found false or out of scope (not counted).
REJECTED = "rejected"


@dataclass(frozen=True)
class Derivation:
    """How an indicator is counted from records: the rows (one per contributor, rooted on the
    incident), the axes for the breakdowns the records give, an optional axis whose one
    category is counted (an offender's stage), an optional measure summed instead of counting
    rows, and in words what was counted."""

    rows: Callable[[QuerySet[Incident]], QuerySet[Incident]]
    described: Callable[[], str]
    axes: dict[str, Callable[[], Axis]] = field(default_factory=dict)
    fixed: tuple[Callable[[], Axis], str] | None = None
    measure: Callable[[], Any] | None = None


def _sex() -> Axis:
    return common.sex_axis()


def _age_group() -> Axis:
    return Axis("age_group", "", F(f"{P}age_group"), categories.fixed([]), expand=_adult_or_child)


def _citizenship() -> Axis:
    return common.citizenship_axis()


def _exploitation() -> Axis:
    field_ = F(f"{VICTIM}exploitation_forms")
    return Axis("exploitation", "", field_, categories.fixed([]), listed=True)


def _repatriation() -> Axis:
    return Axis("country_of_repatriation", "", F(f"{VICTIM}repatriated_to"), categories.countries)


def _route() -> Axis:
    return Axis("route", "", F("migration_route"), categories.fixed([]))


def _bias() -> Axis:
    return Axis("bias_motivation", "", F("bias_motivations"), categories.fixed([]), listed=True)


def _offence() -> Axis:
    return Axis("offence", "", F("offence_codes"), categories.fixed([]), listed=True)


def _legs() -> RelatedText:
    return RelatedText(
        F("pk"),
        source=f"{RouteLeg._meta.db_table} l",
        key="l.incident_id",
        value="l.mode || l.methods",
    )


def _modes() -> Axis:
    return Axis("transport_mode", "", _legs(), categories.fixed([]), expand=modes_of_legs)


def _methods() -> Axis:
    return Axis("smuggling_method", "", _legs(), categories.fixed([]), expand=methods_of_legs)


def _stage() -> Axis:
    return Axis("stage", "", F(f"{P}offender__stage"), categories.fixed([]), expand=stages_reached)


def _adult_or_child(code: str) -> tuple[str]:
    """The return's age group (adult, child or unknown) of a recorded age group."""
    if code in ("adult", "child"):
        return (code,)
    term = catalogue.vocabulary_labels("age_group").get(code)
    parent = getattr(term, "parent_code", "") if term else ""
    return (parent if parent in ("adult", "child") else UNKNOWN,)


def _persons(kind: str, role: str) -> Callable[[QuerySet[Incident]], QuerySet[Incident]]:
    return lambda incidents: incidents.of_kind(kind).filter(persons__role=role)  # type: ignore[attr-defined]


def _incidents(kind: str) -> Callable[[QuerySet[Incident]], QuerySet[Incident]]:
    return lambda incidents: incidents.of_kind(kind)  # type: ignore[attr-defined]


PERSONS = {"sex": _sex, "age_group": _age_group, "citizenship": _citizenship}


def _offenders(kind: str, stage: str, what: Callable[[], str]) -> Derivation:
    return Derivation(
        _persons(kind, "offender"),
        what,
        {"sex": _sex, "citizenship": _citizenship},
        (_stage, stage),
    )


DERIVATIONS: dict[str, Derivation] = {
    "smuggled_migrants": Derivation(
        _incidents(common.SMUGGLING),
        lambda: _(
            "The migrants involved in the organisation's incidents of smuggling of migrants, or "
            "where an incident gives no number the smuggled migrants it itemises, by the "
            "incident's named route."
        ),
        {"route": _route},
        measure=common.migrants_smuggled,
    ),
    "smugglers_arrested": _offenders(
        common.SMUGGLING,
        Stage.ARRESTED,
        lambda: _(
            "Offenders of the organisation's smuggling incidents whose record reached arrest."
        ),
    ),
    "smugglers_prosecuted": _offenders(
        common.SMUGGLING,
        Stage.PROSECUTED,
        lambda: _(
            "Offenders of the organisation's smuggling incidents whose record reached prosecution."
        ),
    ),
    "smugglers_convicted": _offenders(
        common.SMUGGLING,
        Stage.CONVICTED,
        lambda: _(
            "Offenders of the organisation's smuggling incidents whose record reached conviction."
        ),
    ),
    "smuggling_incidents": Derivation(
        _incidents(common.SMUGGLING),
        lambda: _("The organisation's incidents of smuggling of migrants."),
        {"transport_mode": _modes, "smuggling_method": _methods},
    ),
    "migrant_deaths": Derivation(
        _incidents(common.SMUGGLING),
        lambda: _("The dead and missing recorded on the organisation's smuggling incidents."),
        {"route": _route},
        measure=lambda: Coalesce(F("dead"), Value(0)) + Coalesce(F("missing"), Value(0)),
    ),
    "trafficking_victims": Derivation(
        _persons(common.TRAFFICKING, "victim"),
        lambda: _("Victims recorded in the organisation's incidents of trafficking in persons."),
        {**PERSONS, "exploitation": _exploitation},
    ),
    "repatriated_victims": Derivation(
        lambda incidents: _persons(common.TRAFFICKING, "victim")(incidents).exclude(
            persons__victimisation__repatriated_from=""
        ),
        lambda: _(
            "Victims of the organisation's incidents of trafficking in persons recorded as "
            "returned."
        ),
        {"sex": _sex, "age_group": _age_group, "country_of_repatriation": _repatriation},
    ),
    "traffickers_prosecuted": _offenders(
        common.TRAFFICKING,
        Stage.PROSECUTED,
        lambda: _(
            "Offenders of the organisation's trafficking incidents whose record reached "
            "prosecution."
        ),
    ),
    "traffickers_convicted": _offenders(
        common.TRAFFICKING,
        Stage.CONVICTED,
        lambda: _(
            "Offenders of the organisation's trafficking incidents whose record reached conviction."
        ),
    ),
    "violence_incidents": Derivation(
        _incidents(common.VIOLENCE),
        lambda: _("The organisation's incidents of violence against migrants."),
        {"bias_motivation": _bias, "offence": _offence},
    ),
    "violence_victims": Derivation(
        _persons(common.VIOLENCE, "victim"),
        lambda: _("Victims recorded in the organisation's incidents of violence against migrants."),
        PERSONS,
    ),
    "violence_offenders_prosecuted": Derivation(
        _persons(common.VIOLENCE, "offender"),
        lambda: _(
            "Offenders of the organisation's incidents of violence against migrants whose record "
            "reached prosecution."
        ),
        {"sex": _sex},
        (_stage, Stage.PROSECUTED),
    ),
    "violence_offenders_convicted": Derivation(
        _persons(common.VIOLENCE, "offender"),
        lambda: _(
            "Offenders of the organisation's incidents of violence against migrants whose record "
            "reached conviction."
        ),
        {"sex": _sex},
        (_stage, Stage.CONVICTED),
    ),
}

#: A stand-in definition: ``tabulate`` names the table after it.
_TABLE = StandardTable("prefill", "", "", (), ("count",), lambda spec: None)  # type: ignore[arg-type,return-value]


def own_incidents(organisation: Organisation, period: Period) -> QuerySet[Incident]:
    """The organisation's own incidents dated within the period, as the statistics count them."""
    return (
        Incident.objects.filter(  # the organisation's own records, whoever asks
            owner=organisation, date_start__gte=period.start, date_start__lte=period.end
        )
        .exclude(status=Status.WITHDRAWN)
        .exclude(verification_status=REJECTED)
    )


def derivable(indicator: Indicator) -> bool:
    return indicator.derivation in DERIVATIONS


def prefill(indicator: Indicator, organisation: Organisation, period: Period) -> list[Entry]:
    """The indicator's figures from the organisation's records for the period: the total and
    each category of each breakdown the records give (empty when it cannot be derived)."""
    derivation = DERIVATIONS.get(indicator.derivation)
    if derivation is None:
        return []
    rows = derivation.rows(own_incidents(organisation, period))
    names = [name for name in indicator.breakdowns if name in derivation.axes]
    how = derivation.described()
    if derivation.measure is not None:
        return _measured(indicator, derivation, rows, names, how)
    axes = [derivation.axes[name]() for name in names]
    if derivation.fixed is not None:
        axes.insert(0, derivation.fixed[0]())
    table = tabulate(_TABLE, Counting(rows=rows, axes=tuple(axes)), [])
    fixed = (derivation.fixed[1],) if derivation.fixed is not None else ()
    total = _count(table, (*fixed, *(TOTAL for _ in names)))
    entries = [Entry(indicator.code, {}, Decimal(total), derivation=how)]
    for position, name in enumerate(names):
        counts: dict[str, int] = {}
        for code in table.dimensions[len(fixed) + position].categories:
            key = [*fixed, *(TOTAL for _ in names)]
            key[len(fixed) + position] = code
            accepted = _accepted(name, code)
            counts[accepted] = counts.get(accepted, 0) + _count(table, tuple(key))
        several = axes[len(fixed) + position].several
        entries += _breakdown(indicator, name, counts, total, how, several=several)
    return entries


def _measured(
    indicator: Indicator,
    derivation: Derivation,
    rows: QuerySet[Incident],
    names: Sequence[str],
    how: str,
) -> list[Entry]:
    """A sum over incidents (migrants, the dead): the total, and per breakdown category of
    the incident."""
    assert derivation.measure is not None
    value = derivation.measure()
    total = int(rows.aggregate(n=Coalesce(Sum(value), Value(0)))["n"])
    entries = [Entry(indicator.code, {}, Decimal(total), derivation=how)]
    for name in names:
        axis = derivation.axes[name]()
        counts: dict[str, int] = {}
        for found, amount in rows.values_list(axis.value).annotate(
            n=Coalesce(Sum(value), Value(0))
        ):
            for code in axis.options(found):
                accepted = _accepted(name, code)
                counts[accepted] = counts.get(accepted, 0) + int(amount)
        entries += _breakdown(indicator, name, counts, total, how, several=False)
    return entries


def _breakdown(
    indicator: Indicator, name: str, counts: dict[str, int], total: int, how: str, *, several: bool
) -> list[Entry]:
    """One entry per category counted; for a dimension with one category per contributor,
    what the categories leave of the total goes under ``unknown``."""
    counts = {code: n for code, n in counts.items() if n}
    if not several:
        rest = total - sum(counts.values())
        if rest > 0:
            counts[UNKNOWN] = counts.get(UNKNOWN, 0) + rest
    return [
        Entry(indicator.code, {name: code}, Decimal(n), derivation=how)
        for code, n in sorted(counts.items())
    ]


def _count(table: StatTable, key: tuple[str, ...]) -> int:
    cell = table.cells.get(key)
    return cell.count if cell is not None else 0


def _accepted(name: str, code: str) -> str:
    """The code as the return's breakdown takes it: a missing answer, or a code it does not
    know, is ``unknown``."""
    if code in MISSING_ANSWERS or code == "":
        return UNKNOWN
    breakdown = BREAKDOWNS.get(name)
    return code if breakdown is None or breakdown.accepts(code) else UNKNOWN


def fill(*, actor: Any, ret: Any) -> list[Any]:
    """Replace a draft's figures with everything its questionnaire's indicators can take from
    the organisation's records for its period; answers the checks' findings."""
    from waypoint.returns.actions import set_figures

    period = Period.parse(ret.period)
    entries = []
    for item in ret.questionnaire.items.select_related("indicator"):
        entries += prefill(item.indicator, ret.organisation, period)
    return set_figures(actor=actor, ret=ret, entries=entries)
