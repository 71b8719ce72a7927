"""The categories of a dimension, in display order, with their labels in the active language.

A rule is given the codes the query found and answers the categories to show. Short reference
vocabularies (sex, age group, forms …) are shown whole, so that a table has the same shape
whatever it counts and a zero is visible; open-ended ones (countries, routes, years) show what was
found. ``unknown`` is always a category where a record may not say.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from django.utils.translation import gettext as _

from waypoint.analytics.statistics.routes import is_pair, path_label, route_label
from waypoint.analytics.table import TOTAL, UNKNOWN
from waypoint.reference import catalogue
from waypoint.reference.models import MISSING_ANSWERS

Categories = tuple[tuple[str, ...], dict[str, str]]
CategoryRule = Callable[[Collection[str]], Categories]

#: Answers of a country field that are not countries, in the order they close a list.
COUNTRY_ANSWERS = ("stateless", "international_waters", "not_applicable", "not_stated", UNKNOWN)


def vocabulary(name: str) -> CategoryRule:
    """Every current term of a reference vocabulary in its order, and any other code found
    (a deprecated term still on old records), with ``unknown`` last if the vocabulary lacks it."""

    def rule(found: Collection[str]) -> Categories:
        known = catalogue.vocabulary_labels(name)
        terms = sorted(known.values(), key=lambda t: t.position)
        codes = [t.code for t in terms if not t.deprecated or t.code in found]
        extra = sorted(set(found) - set(codes) - {UNKNOWN})
        return _with_total(
            _closed([*codes, *extra]),
            lambda code: (
                catalogue.term_label(name, code) if code in known else _missing_label(code)
            ),
        )

    return rule


def fixed(choices: Sequence[tuple[str, str]], unknown: bool = True) -> CategoryRule:
    """A fixed list of (code, label), with ``unknown`` last when a record may not say."""
    labels = {code: str(label) for code, label in choices}

    def rule(found: Collection[str]) -> Categories:
        codes = [code for code, _label in choices]
        codes += sorted(set(found) - set(codes) - {UNKNOWN})
        if unknown or UNKNOWN in found:
            codes = _closed(codes)
        return _with_total(codes, lambda code: labels.get(code) or _missing_label(code))

    return rule


def countries(found: Collection[str]) -> Categories:
    """The countries found, by name, then the other answers found, then ``unknown``."""
    named = sorted(
        (code for code in found if code not in COUNTRY_ANSWERS),
        key=lambda code: catalogue.country_label(code).casefold(),
    )
    answers = [code for code in COUNTRY_ANSWERS if code in found or code == UNKNOWN]
    return _with_total([*named, *answers], catalogue.country_label)


def routes(found: Collection[str]) -> Categories:
    """Named routes in their vocabulary's order, then routes by the ends of their legs by name,
    then ``unknown``."""
    order = {
        term.code: term.position for term in catalogue.vocabulary_labels("migration_route").values()
    }
    named = sorted(
        (c for c in found if not is_pair(c) and c != UNKNOWN), key=lambda c: order.get(c, 999)
    )
    pairs = sorted((c for c in found if is_pair(c)), key=lambda c: route_label(c).casefold())
    return _with_total([*named, *pairs, UNKNOWN], route_label)


def paths(found: Collection[str]) -> Categories:
    """Paths (``AFG>IRN>TUR``) by the names of their countries, then ``unknown``."""
    named = sorted((c for c in found if c != UNKNOWN), key=lambda c: path_label(c).casefold())
    return _with_total([*named, UNKNOWN], path_label)


#: The transit category of a journey that went straight from its origin to its destination.
DIRECT = "direct"


def transits(found: Collection[str]) -> Categories:
    """Transit countries by name, then journeys without one, then ``unknown``."""
    named, labels = countries(set(found) - {DIRECT})
    codes = [code for code in named if code != UNKNOWN]
    labels[DIRECT] = _("none (direct)")
    return (*codes, DIRECT, UNKNOWN), labels


def years(first: int | None, last: int | None) -> CategoryRule:
    """Every year from ``first`` to ``last`` when the request names them, else every year from
    the earliest found to the latest (a year with nothing counted shows as zero), then
    ``unknown`` when records without a date were counted."""

    def rule(found: Collection[str]) -> Categories:
        numbers = [int(code) for code in found if code != UNKNOWN]
        low = first if first is not None else min(numbers, default=last)
        high = last if last is not None else max(numbers, default=first)
        codes = []
        if low is not None and high is not None:
            codes = [str(year) for year in range(low, high + 1)]
        if UNKNOWN in found:
            codes.append(UNKNOWN)
        return _with_total(codes, lambda code: _missing_label(code) if code == UNKNOWN else code)

    return rule


def _closed(codes: Iterable[str]) -> list[str]:
    """The codes with ``unknown`` present, and last unless the vocabulary places it."""
    codes = list(codes)
    return codes if UNKNOWN in codes else [*codes, UNKNOWN]


def _with_total(codes: Sequence[str], label: Callable[[str], str]) -> Categories:
    labels = {code: str(label(code)) for code in codes}
    labels[TOTAL] = _("Total")
    return tuple(codes), labels


def _missing_label(code: str) -> str:
    if code in MISSING_ANSWERS:
        return catalogue.country_label(code)  # the shared labels of missing answers
    return code
