"""Country names as publishers write them, to the codes a breakdown takes.

A name is looked up, in this order: in ``returns/data/country_names.csv`` (names the reference
data does not spell that way: UN-style long names, names in other languages, nationalities,
"Nationals" for the reporting country's own, and known non-countries with the reason they are
left out), then in the reference data (ISO codes and the countries' names in the six UN
languages, ``bulk.mapping.country``). Footnote markers (``Kosovo*``, ``Palestine^``) are taken
off and text that was UTF-8 read as Windows-1252 (``CÃ´te d'Ivoire``) is read again first; a
name with letters lost to a wrong encoding (``T�rkiye``) that the table does not list is
reported as damaged. The answer must be a code the dimension accepts (an ISO 3166-1 alpha-3
code, ``unknown`` or ``stateless``), else the name is reported.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from waypoint.bulk import mapping
from waypoint.bulk.mapping import Rejected, fold
from waypoint.returns.breakdowns import BREAKDOWNS

DATA = Path(__file__).resolve().parent.parent / "data"
#: The code of the table that stands for the reporting country (``Nationals``).
REPORTING_COUNTRY = "@reporting_country"
#: Footnote markers publishers put after a name.
_FOOTNOTES = re.compile(r"[\s*^†‡§¹²³]+$")


@cache
def table() -> dict[str, tuple[str, str]]:
    """Folded name → (code, note); a blank code is a name left out, the note saying why."""
    with (DATA / "country_names.csv").open(encoding="utf-8", newline="") as file:
        return {
            fold(row["name"]): (row["code"].strip(), row["note"].strip())
            for row in csv.DictReader(file)
        }


def repaired(text: str) -> str:
    """Text that was UTF-8 read as Windows-1252 (``TÃ¼rkiye``), read again; else as it is."""
    if "Ã" not in text and "Â" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def bare(text: str) -> str:
    """The name without footnote markers: ``Kosovo*`` → ``Kosovo``."""
    return _FOOTNOTES.sub("", repaired(text.strip()))


class CountryNames:
    """Reads the names of one country dimension (``citizenship``…), remembering each answer."""

    def __init__(self, dimension: str) -> None:
        self.dimension = dimension
        self.breakdown = BREAKDOWNS[dimension]
        self.known: dict[tuple[str, str | None], str | Rejected] = {}

    def code(self, text: str, reporting: str | None = None) -> str:
        """The code of ``text``; ``reporting`` is the code "Nationals" stands for (None where it
        means nothing). Raises ``Rejected`` with the reason."""
        key = (text, reporting)
        outcome = self.known.get(key)
        if outcome is None:
            try:
                outcome = self._code(text, reporting)
            except Rejected as rejection:
                outcome = rejection
            self.known[key] = outcome
        if isinstance(outcome, Rejected):
            raise outcome.with_traceback(None)  # a traceback would grow with each raise
        return outcome

    def _code(self, text: str, reporting: str | None) -> str:
        name = bare(text)
        if not name:
            raise Rejected(_("No country is given."), _("a country name or code"), "blank")
        listed = table().get(fold(name))
        if listed is not None:
            code = self._listed(text, *listed, reporting)
        elif "\ufffd" in name:
            raise Rejected(
                _(
                    "“%(value)s” is damaged in the file: “%(mark)s” stands for letters lost to a "
                    "wrong text encoding."
                )
                % {"value": text, "mark": "\ufffd"},
                code="damaged_name",
            )
        else:
            try:
                code = mapping.country(name)
            except Rejected as rejection:
                raise Rejected(rejection.reason, rejection.accepted, "unknown_country") from None
        if not self.breakdown.accepts(code):
            raise Rejected(
                _("“%(value)s” (%(code)s) is not an answer for %(dimension)s.")
                % {"value": text, "code": code, "dimension": self.breakdown.label},
                _("a country, unknown or stateless"),
                "not_a_country",
            )
        return code

    def _listed(self, text: str, code: str, note: str, reporting: str | None) -> str:
        if code == REPORTING_COUNTRY:
            if reporting is None:
                raise Rejected(
                    _(
                        "“%(value)s” means the reporting country's own nationals, not a %(dimension)s."
                    )
                    % {"value": text, "dimension": self.breakdown.label},
                    code="not_a_country",
                )
            return reporting
        if not code:
            raise Rejected(
                _("“%(value)s” is not one country: %(why)s.") % {"value": text, "why": note},
                code="not_a_country",
            )
        return code
