"""Cached look-ups of reference codes, shared by model fields, importers and the demo generator.

Reference data changes only through data migrations and the admin; both clear the cache
(see ``signals``).
"""

from __future__ import annotations

import difflib
from functools import cache

from django.utils.translation import gettext_lazy as _

from waypoint.reference.models import Country, Currency, IccsCode, Term

#: Answers a country field accepts besides ISO codes.
SPECIAL_COUNTRY_ANSWERS = {
    "unknown": _("unknown"),
    "not_stated": _("not stated"),
    "not_applicable": _("not applicable"),
    "stateless": _("stateless"),
    "international_waters": _("international waters"),
}


@cache
def vocabulary_codes(vocabulary: str, include_deprecated: bool = True) -> frozenset[str]:
    terms = Term.objects.filter(vocabulary=vocabulary)
    if not include_deprecated:
        terms = terms.filter(deprecated=False)
    return frozenset(terms.values_list("code", flat=True))


@cache
def vocabulary_labels(vocabulary: str) -> dict[str, Term]:
    return {term.code: term for term in Term.objects.filter(vocabulary=vocabulary)}


@cache
def country_codes() -> frozenset[str]:
    return frozenset(Country.objects.values_list("alpha3", flat=True))


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(Currency.objects.values_list("code", flat=True))


@cache
def iccs_codes() -> frozenset[str]:
    return frozenset(IccsCode.objects.values_list("code", flat=True))


def closest(value: str, candidates: frozenset[str] | set[str], n: int = 3) -> list[str]:
    """Suggest the accepted codes nearest to a rejected value, for error messages.

    Equally similar codes are ranked by the prefix they share with the value, since slips tend to
    come at the end of a code ("ITL" suggests "ITA" before "TLS"), then alphabetically.
    """
    wanted = str(value).lower()
    ranked = []
    for candidate in candidates:
        lowered = candidate.lower()
        ratio = difflib.SequenceMatcher(None, wanted, lowered).ratio()
        if ratio >= 0.5:
            ranked.append((-ratio, -_shared_prefix(wanted, lowered), candidate))
    return [candidate for _, _, candidate in sorted(ranked)[:n]]


def _shared_prefix(a: str, b: str) -> int:
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))


@cache
def _countries() -> dict[str, Country]:
    return {country.alpha3: country for country in Country.objects.all()}


def country_label(code: str) -> str:
    """A country's name in the active language; missing answers as their vocabulary label."""
    country = _countries().get(code)
    if country is not None:
        return country.label()
    return str(SPECIAL_COUNTRY_ANSWERS.get(code, code))


def term_label(vocabulary: str, code: str) -> str:
    term = vocabulary_labels(vocabulary).get(code)
    return term.label() if term else code


def clear() -> None:
    for function in (
        vocabulary_codes,
        vocabulary_labels,
        country_codes,
        currency_codes,
        iccs_codes,
        _countries,
    ):
        function.cache_clear()
