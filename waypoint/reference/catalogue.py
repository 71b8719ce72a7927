"""Cached look-ups of reference codes, shared by model fields, importers and the demo generator.

Reference data changes only through data migrations and the admin; both clear the cache
(see ``signals``).
"""

from __future__ import annotations

import difflib
from functools import cache

from waypoint.reference.models import Country, Currency, IccsCode, Term


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
    """Suggest the accepted codes nearest to a rejected value, for error messages."""
    lowered = {candidate.lower(): candidate for candidate in candidates}
    matches = difflib.get_close_matches(str(value).lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[match] for match in matches]


def term_label(vocabulary: str, code: str) -> str:
    term = vocabulary_labels(vocabulary).get(code)
    return term.label() if term else code


def clear() -> None:
    for function in (
        vocabulary_codes, vocabulary_labels, country_codes, currency_codes, iccs_codes
    ):
        function.cache_clear()
