"""What a statistics request asks for: the table, the years, the filters and whose view."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from waypoint.cases.models import Label

#: Years a request may name; dates outside them cannot be recorded anyway.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
#: A route given by its ends: ``AFG>ITA`` (``unknown`` for an end the record does not give).
ROUTE_PAIR = re.compile(r"^([A-Z]{3}|unknown)>([A-Z]{3}|unknown)$")


@dataclass(frozen=True)
class Scope:
    """Whose statistics: a user's (``Scope.of(user)``) or the public ones (``Scope.published()``)."""

    user: Any = None
    public: bool = False
    #: Of the incidents the scope may count, only those meeting this condition (the part of a
    #: table that the statistics summary does not answer, see ``summary``).
    only: Any = field(default=None, compare=False)
    #: Not a user's view: every record of these organisations, for the summary's builder, whose
    #: counts are kept per owner and label and read back only through the visibility rule.
    owners: tuple[int, ...] | None = None

    @classmethod
    def of(cls, user: Any) -> Scope:
        return cls(user=user)

    @classmethod
    def published(cls) -> Scope:
        return cls(public=True)

    def restricted(self, condition: Any) -> Scope:
        """The same scope, counting only the incidents that also meet ``condition``."""
        return replace(self, only=condition)

    def describe(self) -> str:
        if self.public:
            return _(
                "Only incidents whose owners agreed to their use in published statistics are "
                "counted."
            )
        return _("Only incidents you may see are counted.")


class SpecError(ValueError):
    """The request cannot be answered as asked; the message says why, for the user."""


@dataclass(frozen=True)
class StatSpec:
    """A request for one standard table.

    ``year_from``/``year_to`` bound the years counted, inclusive (either may be open; without both
    every year present is counted, and records without a date under ``unknown``). The filters keep
    incidents that match any of the values given for a filter, and every filter given:

    - ``countries``: ISO 3166-1 alpha-3 codes of the country where the incident happened;
    - ``regions``: UN M49 codes of regions, sub-regions or intermediate regions, the same way;
    - ``kinds``: incident kinds (``smuggling_of_migrants``, …); an incident of several kinds
      matches each of them;
    - ``labels``: sharing labels (``red``, ``amber_strict``, ``amber``, ``green``);
    - ``routes``: routes as the route dimension names them: a named migration route
      (``central_mediterranean``) or the ends of the legs (``AFG>ITA``).

    ``currency`` is for fee tables: fees in that ISO 4217 currency (by default the one most fees
    in the scope were paid in).
    """

    table_id: str
    scope: Scope
    year_from: int | None = None
    year_to: int | None = None
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    currency: str | None = None

    def __post_init__(self) -> None:
        for name in ("countries", "regions", "kinds", "labels", "routes"):
            object.__setattr__(self, name, tuple(dict.fromkeys(getattr(self, name))))
        self._check_years()
        self._check_codes()

    def _check_years(self) -> None:
        for year in (self.year_from, self.year_to):
            if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
                raise SpecError(
                    _("%(year)s is not a year statistics can be asked for.") % {"year": year}
                )
        start, end = self.year_from, self.year_to
        if start is not None and end is not None and start > end:
            raise SpecError(
                _("The years run backwards: from %(start)s to %(end)s.")
                % {"start": start, "end": end}
            )

    def _check_codes(self) -> None:
        wrong_labels = [label for label in self.labels if label not in Label.values]
        if wrong_labels:
            raise SpecError(
                _("Unknown sharing label: %(labels)s; use %(accepted)s.")
                % {"labels": ", ".join(wrong_labels), "accepted": ", ".join(Label.values)}
            )
        wrong_routes = [r for r in self.routes if ">" in r and not ROUTE_PAIR.match(r)]
        if wrong_routes:
            raise SpecError(
                _(
                    "A route between countries is written ORIGIN>DESTINATION, such as AFG>ITA: %(routes)s"
                )
                % {"routes": ", ".join(wrong_routes)}
            )

    @property
    def dated(self) -> bool:
        """Whether the request names years: then records without a date cannot be counted."""
        return self.year_from is not None or self.year_to is not None
