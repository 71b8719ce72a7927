"""The footnotes every standard table carries: what was counted, by which date, what was left
out and why, whose records, and the request's filters.

Footnotes are computed text, not figures: they never give a count, so nothing in them needs the
disclosure gate.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from waypoint.analytics.statistics.routes import route_label
from waypoint.analytics.statistics.spec import StatSpec
from waypoint.cases.models import Label
from waypoint.reference import catalogue
from waypoint.reference.models import Region


def by_incident_date() -> str:
    return _(
        "Year: the calendar year of the incident's date (the start of the period, for an incident "
        "that lasted a while)."
    )


def standard(spec: StatSpec, *, counted: str, dated: str, also: Iterable[str] = ()) -> list[str]:
    """The table's own notes (``counted``, ``dated``, ``also``) among the shared ones."""
    notes = [counted, dated, undated(spec), excluded(), spec.scope.describe(), *also]
    filters = filtered(spec)
    if filters:
        notes.append(filters)
    return notes


def undated(spec: StatSpec) -> str:
    if spec.dated:
        return _("Records without a date are left out, as only the years asked for are counted.")
    return _("Records without a date are counted under the year “unknown”.")


def excluded() -> str:
    return _(
        "Not counted: withdrawn incidents (duplicates, entries in error) and incidents whose "
        "verification found them false or out of scope. Drafts are counted, as imported records "
        "start as drafts."
    )


def filtered(spec: StatSpec) -> str:
    """The request's years and filters in words, or an empty string when there are none."""
    parts = []
    if spec.dated:
        parts.append(_("years %(years)s") % {"years": _years(spec)})
    if spec.countries:
        names = ", ".join(catalogue.country_label(code) for code in spec.countries)
        parts.append(_("incidents in %(countries)s") % {"countries": names})
    if spec.regions:
        names = ", ".join(_region_label(code) for code in spec.regions)
        parts.append(_("incidents in %(regions)s") % {"regions": names})
    if spec.kinds:
        names = ", ".join(catalogue.term_label("incident_kind", kind) for kind in spec.kinds)
        parts.append(_("incidents of the kinds %(kinds)s") % {"kinds": names})
    if spec.labels:
        names = ", ".join(str(Label(label).label) for label in spec.labels)
        parts.append(_("incidents labelled %(labels)s") % {"labels": names})
    if spec.routes:
        names = ", ".join(route_label(code) for code in spec.routes)
        parts.append(_("routes %(routes)s") % {"routes": names})
    if not parts:
        return ""
    return _("Counted only: %(filters)s.") % {"filters": "; ".join(parts)}


def _years(spec: StatSpec) -> str:
    if spec.year_from == spec.year_to:
        return str(spec.year_from)
    start = "" if spec.year_from is None else str(spec.year_from)
    end = "" if spec.year_to is None else str(spec.year_to)
    return f"{start}–{end}"


def _region_label(code: str) -> str:
    region = Region.objects.filter(m49=code).first()
    return region.label() if region else code
