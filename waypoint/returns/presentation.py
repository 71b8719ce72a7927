"""What the returns pages and the API show of a return: the questionnaire laid out in parts with
each indicator's figures and what the checks found about them, the versions of a return, and the
periods a user's organisation is at work on but has not opened yet.

Reads go through ``Return.objects.visible_to`` (passed in as ``visible``, so that a page builds
the reciprocity condition once); ``get_return_for`` answers alike for a missing return and one
the user may not see.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from waypoint.orgs.access import RECORDING_ROLES
from waypoint.orgs.models import Membership, Organisation
from waypoint.reference.models import UNKNOWN
from waypoint.returns.breakdowns import BREAKDOWNS
from waypoint.returns.models import (
    Indicator,
    Questionnaire,
    QuestionnaireItem,
    Return,
    ReturnQuerySet,
    ReturnValue,
    Status,
)
from waypoint.returns.periods import Period
from waypoint.returns.validation import Finding, Severity

NOT_FOUND = "No return matches the given query."
#: Dimensions whose codes are countries (ISO 3166-1 alpha-3).
COUNTRY_DIMENSIONS = frozenset({"country", "citizenship", "country_of_repatriation"})


# Who the user is to the returns' organisations ---------------------------------------------------


@dataclass(frozen=True)
class Member:
    """An active organisation of the user and the roles they hold in it."""

    organisation: Organisation
    roles: frozenset[str]

    @property
    def records(self) -> bool:
        return bool(self.roles & RECORDING_ROLES)


def memberships(user: Any) -> dict[int, Member]:
    """The user's active organisations by id, each with the user's roles (one query)."""
    roles: dict[int, set[str]] = defaultdict(set)
    organisations: dict[int, Organisation] = {}
    rows = Membership.objects.filter(user_id=user.pk, organisation__is_active=True)
    for membership in rows.select_related("organisation").order_by("organisation__code"):
        organisations[membership.organisation_id] = membership.organisation
        roles[membership.organisation_id].add(membership.role)
    return {pk: Member(org, frozenset(roles[pk])) for pk, org in organisations.items()}


def get_return_for(visible: ReturnQuerySet, return_id: Any) -> Return:
    """The return with this public id among ``visible``; 404 alike for missing and unseen."""
    try:
        return visible.select_related("organisation", "questionnaire").get(
            public_id=uuid.UUID(str(return_id))
        )
    except (Return.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def awaits_approval_by(user: Any, ret: Return, member: Member | None) -> bool:
    """Whether ``user`` is the second pair of eyes this return waits for."""
    return (
        ret.status == Status.AWAITING_APPROVAL
        and member is not None
        and member.records
        and ret.submitted_by_id != user.pk
    )


# Figures -----------------------------------------------------------------------------------------


def number(value: Decimal | int) -> str:
    """A figure in the reader's locale: whole numbers without decimals."""
    if Decimal(value) == Decimal(value).to_integral_value():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=2, force_grouping=True)


def figure_text(value: Decimal | None, censored_below: int | None) -> str:
    """A figure as a person reads it: a censored one is "fewer than 5", never 0."""
    if value is not None:
        return number(value)
    if censored_below is not None:
        return _("fewer than %(bound)s") % {"bound": number(censored_below)}
    return _("not available")


def category_label(dimension: str, code: str) -> str:
    breakdown = BREAKDOWNS.get(dimension)
    label = breakdown.label_of(code) if breakdown else code
    return _("unknown") if code == UNKNOWN and label == code else label


def dimension_label(dimension: str) -> str:
    breakdown = BREAKDOWNS.get(dimension)
    return str(breakdown.label) if breakdown else dimension


def ordered_categories(indicator: Indicator, categories: dict[str, str]) -> list[tuple[str, str]]:
    """The categories in the order of the indicator's breakdowns (unknown dimensions last)."""
    order = {name: index for index, name in enumerate(indicator.breakdowns)}
    return sorted(categories.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0]))


def row_order(indicator: Indicator, categories: dict[str, str]) -> tuple[Any, ...]:
    """Total first, then by how many breakdowns, by the breakdowns' order and their codes (the
    unknown part last)."""
    order = {name: index for index, name in enumerate(indicator.breakdowns)}
    pairs = ordered_categories(indicator, categories)
    return (
        len(pairs),
        tuple(order.get(name, len(order)) for name, _code in pairs),
        tuple((code == UNKNOWN, code) for _name, code in pairs),
    )


@dataclass(frozen=True)
class Category:
    dimension: str
    code: str

    @property
    def dimension_label(self) -> str:
        return dimension_label(self.dimension)

    @property
    def label(self) -> str:
        return category_label(self.dimension, self.code)

    @property
    def shows_code(self) -> bool:
        """Whether the code is worth showing beside the name (ISO codes of countries)."""
        return (
            self.dimension in COUNTRY_DIMENSIONS and self.label.casefold() != self.code.casefold()
        )


@dataclass
class FigureRow:
    """One figure of an indicator as the return page shows it."""

    key: str
    categories: list[Category]
    text: str
    censored: bool
    available: bool
    note: str = ""
    derivation: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def is_total(self) -> bool:
        return not self.categories


@dataclass
class IndicatorPart:
    """An indicator of the questionnaire with its figures and what the checks found."""

    number: str
    indicator: Indicator
    rows: list[FigureRow] = field(default_factory=list)
    #: Findings about figures the return does not give (a total its breakdowns miss).
    findings: list[Finding] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"indicator-{self.indicator.code}"


@dataclass
class Part:
    """A part of the questionnaire (the letter of its items' numbers: ``A`` of ``A.1``)."""

    key: str
    title: str
    indicators: list[IndicatorPart]

    @property
    def anchor(self) -> str:
        return f"part-{self.key}" if self.key else "part-figures"


def part_key(number: str) -> str:
    return number.split(".", 1)[0] if "." in number else ""


def part_title(key: str) -> str:
    return _("Part %(part)s") % {"part": key} if key else _("Figures")


def questionnaire_items(questionnaire: Questionnaire) -> list[QuestionnaireItem]:
    return list(questionnaire.items.select_related("indicator").order_by("position"))


def row_of(value: ReturnValue, findings: list[Finding]) -> FigureRow:
    pairs = ordered_categories(value.indicator, value.categories)
    return FigureRow(
        key=value.key,
        categories=[Category(name, code) for name, code in pairs],
        text=figure_text(value.value, value.censored_below),
        censored=value.value is None and value.censored_below is not None,
        available=value.value is not None or value.censored_below is not None,
        note=value.note,
        derivation=value.derivation,
        findings=findings,
    )


def laid_out(
    items: Sequence[QuestionnaireItem],
    values: Iterable[ReturnValue],
    findings: Iterable[Finding] = (),
) -> list[Part]:
    """The questionnaire in parts, each indicator with its figures in order and the findings
    beside the figure they are about (``described`` lists them all, those about the return as a
    whole too). Figures of indicators the questionnaire does not ask for come last, in a part of
    their own."""
    by_place: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_place[(finding.indicator, finding.key)].append(finding)
    by_indicator: dict[int, list[ReturnValue]] = defaultdict(list)
    for value in values:
        by_indicator[value.indicator_id].append(value)
    parts: list[Part] = []
    for key, group in itertools.groupby(items, key=lambda item: part_key(item.number)):
        indicators = [
            _indicator(item.number, item.indicator, by_indicator, by_place) for item in group
        ]
        parts.append(Part(key, part_title(key), indicators))
    asked = {item.indicator_id for item in items}
    extra = [
        _indicator("", values_[0].indicator, by_indicator, by_place)
        for pk, values_ in sorted(by_indicator.items())
        if pk not in asked
    ]
    if extra:
        parts.append(Part("other", _("Figures the questionnaire does not ask for"), extra))
    return parts


def _indicator(
    number_: str,
    indicator: Indicator,
    by_indicator: dict[int, list[ReturnValue]],
    by_place: dict[tuple[str, str], list[Finding]],
) -> IndicatorPart:
    values = sorted(
        by_indicator.get(indicator.pk, []), key=lambda v: row_order(indicator, v.categories)
    )
    for value in values:
        value.indicator = indicator  # one object for every figure: no query per figure
    keys = {value.key for value in values}
    part = IndicatorPart(number_, indicator)
    part.rows = [row_of(value, by_place.get((indicator.code, value.key), [])) for value in values]
    part.findings = [
        finding
        for (code, key), found in by_place.items()
        if code == indicator.code and key not in keys
        for finding in found
    ]
    return part


# Versions and periods ----------------------------------------------------------------------------


def versions(visible: ReturnQuerySet, ret: Return) -> list[Return]:
    """Every version of the return the user may see, the latest first."""
    return list(
        visible.filter(
            organisation_id=ret.organisation_id,
            questionnaire_id=ret.questionnaire_id,
            period=ret.period,
        )
        .select_related("created_by", "submitted_by", "approved_by")
        .order_by("-version")
    )


@dataclass(frozen=True)
class ClosedPeriod:
    """A period the user's organisation has a return in the works for, and none submitted: the
    other members' returns for it stay closed until that return is submitted and approved."""

    questionnaire: Questionnaire
    period: str
    #: The latest version of the organisation's return for the period.
    own: Return


def closed_periods(own: Sequence[Return], window: int) -> list[ClosedPeriod]:
    """The periods still closed to the user although their organisation is at work on them,
    newest first, read from the organisation's own returns alone (what other members submitted
    stays unknown to it). A submitted return opens its period and the ``window`` after it."""
    opened = {
        (r.organisation_id, r.questionnaire_id, str(later))
        for r in own
        if r.status == Status.SUBMITTED
        for later in _following(r.period, window)
    }
    latest: dict[tuple[int, int, str], Return] = {}
    for ret in sorted(own, key=lambda r: r.version):
        latest[(ret.organisation_id, ret.questionnaire_id, ret.period)] = ret
    closed = [
        ClosedPeriod(ret.questionnaire, ret.period, ret)
        for key, ret in latest.items()
        if ret.status != Status.SUBMITTED and key not in opened
    ]
    return sorted(closed, key=lambda item: (item.period, item.questionnaire.code), reverse=True)


def _following(period: str, steps: int) -> list[Period]:
    """The period and the ``steps`` after it."""
    found = [Period.parse(period)]
    for _step in range(steps):
        found.append(found[-1].following())
    return found


def by_period(returns: Iterable[Return]) -> list[tuple[str, list[Return]]]:
    """Returns grouped by period, in the order given."""
    return [
        (period, list(group)) for period, group in itertools.groupby(returns, lambda r: r.period)
    ]


@dataclass(frozen=True)
class Described:
    """A finding with the place it is about in words, and the anchor of that place."""

    finding: Finding
    where: str
    anchor: str

    @property
    def message(self) -> str:
        return self.finding.message

    @property
    def is_error(self) -> bool:
        return self.finding.severity is Severity.ERROR


def described(findings: Iterable[Finding], parts: Sequence[Part]) -> list[Described]:
    """The findings in words, in the order of the questionnaire (the return as a whole first)."""
    places = {block.indicator.code: block for part in parts for block in part.indicators}
    order = {code: index for index, code in enumerate(places)}
    found = []
    for finding in sorted(findings, key=lambda f: (order.get(f.indicator, -1), f.key)):
        block = places.get(finding.indicator)
        if block is None:
            found.append(Described(finding, finding.indicator, "checks-heading"))
            continue
        where = f"{block.number} {block.indicator.name}".strip()
        if finding.key:
            categories = [
                Category(*pair.split("=", 1)) for pair in finding.key.split(";") if "=" in pair
            ]
            where += " — " + ", ".join(f"{c.dimension_label}: {c.label}" for c in categories)
        found.append(Described(finding, where, block.anchor))
    return found
