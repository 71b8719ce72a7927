"""The dimensions an indicator's figures may be broken down by, and the codes each accepts.

Codes come from the reference data wherever it has them (countries, vocabularies, ICCS), so a
return speaks the same language as the records: a citizenship is an ISO 3166-1 alpha-3 code, a
form of exploitation a code of the ``exploitation_form`` vocabulary. ``unknown`` is a category of
every dimension: the part of a total whose breakdown the organisation does not know.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from waypoint.cases.models import Stage
from waypoint.reference import catalogue
from waypoint.reference.models import UNKNOWN

#: Answers of a country dimension that are not countries.
COUNTRY_ANSWERS = frozenset({"stateless", UNKNOWN})

BORDER_TYPES = {
    "land": _("land border"),
    "sea": _("sea border"),
    "air": _("air border"),
    "inland": _("inland"),
}
AGE_GROUPS = {"child": _("child (under 18)"), "adult": _("adult (18 or over)")}


@dataclass(frozen=True)
class Breakdown:
    """A dimension of an indicator: its name (the column of files), its label, and the codes it
    accepts (``unknown`` always among them) with a label for each."""

    name: str
    label: str | Promise
    codes: Callable[[], Collection[str]]
    label_of: Callable[[str], str]
    #: Whether one contributor may count under several categories (a victim exploited in two
    #: forms, an incident of several offences): the parts then add up to at least the total.
    several: bool = False

    def accepts(self, code: str) -> bool:
        return code == UNKNOWN or code in self.codes()

    def closest(self, code: str) -> list[str]:
        return catalogue.closest(code, frozenset(self.codes()))


def _countries() -> Collection[str]:
    return catalogue.country_codes() | COUNTRY_ANSWERS


def _vocabulary(name: str) -> tuple[Callable[[], Collection[str]], Callable[[str], str]]:
    return (
        lambda: catalogue.vocabulary_codes(name, include_deprecated=False),
        lambda code: catalogue.term_label(name, code),
    )


def _fixed(
    labels: Mapping[str, str | Promise],
) -> tuple[Callable[[], Collection[str]], Callable[[str], str]]:
    return (lambda: labels.keys(), lambda code: str(labels.get(code, code)))


def _country_label(code: str) -> str:
    return catalogue.country_label(code)


BREAKDOWNS: dict[str, Breakdown] = {
    breakdown.name: breakdown
    for breakdown in (
        # The country a figure is about, for an organisation that reports for several (a
        # regional body, a publisher of national figures).
        Breakdown("country", _("reporting country"), _countries, _country_label),
        Breakdown("sex", _("sex"), *_vocabulary("sex")),
        Breakdown("age_group", _("age group"), *_fixed(AGE_GROUPS)),
        Breakdown("citizenship", _("citizenship"), _countries, _country_label, several=True),
        Breakdown("border_type", _("border type"), *_fixed(BORDER_TYPES)),
        Breakdown("route", _("route"), *_vocabulary("migration_route")),
        Breakdown("offence", _("offence (ICCS)"), catalogue.iccs_codes, str, several=True),
        Breakdown("stage", _("criminal-justice stage"), *_fixed(dict(Stage.choices))),
        Breakdown(
            "exploitation",
            _("form of exploitation"),
            *_vocabulary("exploitation_form"),
            several=True,
        ),
        Breakdown(
            "bias_motivation", _("bias motivation"), *_vocabulary("bias_motivation"), several=True
        ),
        Breakdown(
            "country_of_repatriation", _("country of repatriation"), _countries, _country_label
        ),
        Breakdown(
            "transport_mode", _("mode of transport"), *_vocabulary("transport_mode"), several=True
        ),
        Breakdown(
            "smuggling_method",
            _("smuggling method"),
            *_vocabulary("smuggling_method"),
            several=True,
        ),
        Breakdown("counterpart", _("other State"), _countries, _country_label),
        Breakdown("month", _("month"), *_fixed({f"{m:02d}": f"{m:02d}" for m in range(1, 13)})),
    )
}
