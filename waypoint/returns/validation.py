"""The checks a return passes before it is submitted, with the messages a user sees.

Errors stop a submission: a breakdown the indicator does not take, a code its dimension does not
know, a negative figure, a period of the wrong kind, or breakdowns that do not add up to the
figure they break down (the part nobody knows is declared under ``unknown``). A warning does not:
a figure that moved by more than ``WAYPOINT_RETURNS_CHANGE_FACTOR`` from the previous period
asks the officer to make sure.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from waypoint.returns.breakdowns import BREAKDOWNS
from waypoint.returns.models import Indicator, Questionnaire, Return, ReturnValue
from waypoint.returns.periods import Period, PeriodError, PeriodKind


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing a check found: where (indicator and categories), what, and how serious."""

    indicator: str
    key: str
    message: str
    code: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.indicator} [{self.key}]" if self.key else self.indicator
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Figure:
    """A value as the checks read it (a saved ``ReturnValue`` or one about to be)."""

    indicator: Indicator
    categories: dict[str, str]
    value: Decimal | None
    censored_below: int | None = None

    @property
    def key(self) -> str:
        return ReturnValue.key_of(self.categories)

    @property
    def low(self) -> Decimal:
        """The least the figure can be."""
        return self.value if self.value is not None else Decimal(0)

    @property
    def high(self) -> Decimal | None:
        """The most it can be (None: unbounded, a figure not available)."""
        if self.value is not None:
            return self.value
        if self.censored_below is not None:
            return Decimal(self.censored_below - 1)
        return None


def check(
    questionnaire: Questionnaire,
    period: str,
    figures: Sequence[Figure],
    previous: Sequence[Figure] = (),
) -> list[Finding]:
    """Every finding about ``figures`` for ``period``; ``previous`` are the figures of the same
    organisation's last submitted return for the period before."""
    findings = _period(questionnaire, period)
    allowed = {item.indicator_id for item in questionnaire.items.all()}
    for figure in figures:
        findings += _figure(figure, allowed)
    if any(f.severity is Severity.ERROR for f in findings):
        return findings  # sums over unknown codes would only repeat the same errors
    findings += _sums(figures)
    findings += _changes(figures, previous)
    return findings


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity is Severity.ERROR]


def _period(questionnaire: Questionnaire, text: str) -> list[Finding]:
    try:
        period = Period.parse(text)
    except PeriodError as error:
        return [Finding("", "", str(error), "period")]
    if period.kind != questionnaire.period_kind:
        message = _("This questionnaire is answered per %(kind)s; %(period)s is not one.") % {
            "kind": PeriodKind(questionnaire.period_kind).label,
            "period": text,
        }
        return [Finding("", "", message, "period_kind")]
    return []


def _figure(figure: Figure, allowed: set[int]) -> list[Finding]:
    indicator, key = figure.indicator, figure.key
    found = []
    if indicator.pk not in allowed:
        found.append(
            Finding(indicator.code, key, _("This questionnaire does not ask for it."), "indicator")
        )
    for name, code in figure.categories.items():
        breakdown = BREAKDOWNS.get(name)
        if breakdown is None or name not in indicator.breakdowns:
            accepted = ", ".join(indicator.breakdowns) or _("none")
            message = _("It is not broken down by %(name)s; it takes %(accepted)s.") % {
                "name": name,
                "accepted": accepted,
            }
            found.append(Finding(indicator.code, key, message, "breakdown"))
        elif not breakdown.accepts(code):
            message = _("%(code)s is not a code of %(dimension)s.") % {
                "code": code,
                "dimension": breakdown.label,
            }
            closest = breakdown.closest(code)
            if closest:
                message += " " + _("Did you mean %(codes)s?") % {"codes": ", ".join(closest)}
            found.append(Finding(indicator.code, key, message, "code"))
    if figure.value is not None and figure.value < 0:
        message = _("A figure cannot be negative: %(value)s.") % {"value": figure.value}
        found.append(Finding(indicator.code, key, message, "negative"))
    if figure.value is not None and figure.censored_below is not None:
        message = _("A figure is either given or censored (“fewer than”), not both.")
        found.append(Finding(indicator.code, key, message, "censored_and_given"))
    return found


def _sums(figures: Sequence[Figure]) -> list[Finding]:
    """Each figure against the figures that break it down one dimension further: their sum
    must be the figure, within what censored parts allow (at least the figure, for a dimension
    where a contributor may count under several categories)."""
    by_key = {(f.indicator.code, f.key): f for f in figures}
    parts: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    for figure in figures:
        for name in figure.categories:
            rest = {n: c for n, c in figure.categories.items() if n != name}
            parts[(figure.indicator.code, ReturnValue.key_of(rest), name)].append(figure)
    found = []
    for (code, key, name), children in sorted(parts.items()):
        whole = by_key.get((code, key))
        if whole is None or whole.value is None:
            continue
        low = sum((child.low for child in children), Decimal(0))
        bounds = [child.high for child in children]
        high = sum(b for b in bounds if b is not None) if None not in bounds else None
        several = BREAKDOWNS[name].several  # parts may count a contributor twice
        if (low <= whole.value or several) and (high is None or whole.value <= high):
            continue
        values = {"dimension": BREAKDOWNS[name].label, "total": _number(whole.value)}
        if low > whole.value:
            message = _(
                "The figures by %(dimension)s add up to %(sum)s, more than the figure they break "
                "down (%(total)s)."
            ) % {**values, "sum": _number(low)}
        else:
            message = _(
                "The figures by %(dimension)s add up to %(sum)s, less than the figure they break "
                "down (%(total)s): declare the difference as “unknown”."
            ) % {**values, "sum": _number(high or low)}
        found.append(Finding(code, key, message, "sum"))
    return found


def _changes(figures: Sequence[Figure], previous: Sequence[Figure]) -> list[Finding]:
    factor = Decimal(str(settings.WAYPOINT_RETURNS_CHANGE_FACTOR))
    before = {(f.indicator.code, f.key): f.value for f in previous if f.value}
    found = []
    for figure in figures:
        old = before.get((figure.indicator.code, figure.key))
        if old is None or figure.value is None:
            continue
        if figure.value > old * factor or figure.value * factor < old:
            message = _(
                "%(value)s is more than %(factor)s times %(direction)s the previous period's "
                "%(old)s: please make sure."
            ) % {
                "value": _number(figure.value),
                "factor": _number(factor),
                "direction": _("above") if figure.value > old else _("below"),
                "old": _number(old),
            }
            found.append(
                Finding(figure.indicator.code, figure.key, message, "change", Severity.WARNING)
            )
    return found


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def figures_of(ret: Return) -> list[Figure]:
    return [
        Figure(v.indicator, v.categories, v.value, v.censored_below)
        for v in ret.values.select_related("indicator")
    ]
