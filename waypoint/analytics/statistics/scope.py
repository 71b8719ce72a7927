"""The incidents a statistics request may count.

Two scopes, and nothing else:

- a **user's** statistics count only what that user may see, through the one visibility rule
  (``Incident.objects.visible_to``), so that a record the user cannot see changes no figure;
- **public** statistics count only incidents whose owners agreed to their use in published
  statistics (``publish_in_statistics``), whoever asks, and never an inactive organisation's.

In both, incidents that should not be counted at all are left out: withdrawn ones (duplicates,
entries in error) and those whose verification found them false (``rejected``). Drafts are
counted: imported records start as drafts, and a draft is a record its owner keeps.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_
from typing import TypeVar

from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from waypoint.analytics.statistics.routes import route_of
from waypoint.analytics.statistics.spec import Scope, SpecError, StatSpec
from waypoint.cases.models import Incident, IncidentQuerySet, Status, of_kind
from waypoint.reference import catalogue
from waypoint.reference.models import Country, Region

#: The verification status of an incident found to be false or out of scope.
REJECTED = "rejected"

Rows = TypeVar("Rows", bound=Model)


def counted_incidents(scope: Scope) -> IncidentQuerySet:
    """Every incident the scope may count, before the request's filters."""
    if scope.owners is not None:
        incidents = Incident.objects.filter(owner_id__in=scope.owners)
    elif scope.public:
        incidents = Incident.objects.filter(publish_in_statistics=True, owner__is_active=True)
    else:
        incidents = Incident.objects.visible_to(scope.user, snapshot=True)
    if scope.only is not None:
        incidents = incidents.filter(scope.only)
    return incidents.exclude(status=Status.WITHDRAWN).exclude(verification_status=REJECTED)


def incidents(spec: StatSpec, *, dated_by_incident: bool = False) -> IncidentQuerySet:
    """The incidents a request counts: its scope, then its filters (also the list behind a
    figure, for drill-down).

    With ``dated_by_incident`` the request's years are applied to the incident date; tables
    dated otherwise filter their own year.
    """
    found = counted_incidents(spec.scope)
    conditions = [
        _in_countries(spec.countries, spec.regions),
        _of_kinds(spec.kinds),
        Q(label__in=spec.labels) if spec.labels else None,
        _in_years(spec) if dated_by_incident else None,
    ]
    for condition in conditions:
        if condition is not None:
            found = found.filter(condition)
    if spec.routes:
        found = found.alias(_route=route_of()).filter(_route__in=spec.routes)
    return found


def counted(spec: StatSpec, kind: str | None = None) -> IncidentQuerySet:
    """The incidents a table dated by the incident counts, of ``kind`` if given: the root of its
    query, from which persons, victimisations and legs are reached through joins (one
    ``filter()`` call per relation, so that each is joined once).

    Rooted on the incident, the visibility rule is a condition on each row the database reads,
    rather than a list of visible incidents built first or a check made again for each person.
    """
    found = incidents(spec, dated_by_incident=True)
    return found.of_kind(kind) if kind else found


def counted_alone(spec: StatSpec, kind: str | None = None) -> IncidentQuerySet:
    """``counted``, for a query over incidents alone (nothing joined beneath them).

    With nothing joined, SQLite reads the incidents through the organisations of the visibility
    rule's join on the owner, one organisation after another: on a million incidents that took
    two to three times as long as reading the table in order and checking each incident with a
    correlated EXISTS on its primary key, which this answers on SQLite. PostgreSQL is faster
    with the rule as a plain condition (by a fifth to a half), which this answers there.
    """
    found = counted(spec, kind)
    if connection.vendor != "sqlite" or spec.scope.only is not None:
        # A restricted scope (see ``summary``) keeps few incidents, found through their keys.
        return found
    outer = Incident.objects.filter(_in_years(spec) or Q())
    outer = outer.of_kind(kind) if kind else outer
    return outer.filter(Exists(found.filter(pk=OuterRef("pk"))))


def within(
    model: type[Rows],
    spec: StatSpec,
    *,
    incident: str,
    kind: str | None = None,
    dated_by_incident: bool = True,
) -> QuerySet[Rows]:
    """The rows of ``model`` beneath an incident (legs, victimisations …) whose incident the
    request counts, of ``kind`` if given; ``incident`` is the path from a row to its incident.

    The kind and the years are asked of the row's own incident, then each remaining row's
    incident is checked by a correlated EXISTS on its primary key: for rows that are a small
    part of the data, such as fees or returns, both databases run that faster than reading
    every incident.
    """
    prefix = f"{incident}__"
    rows: QuerySet[Rows] = model._default_manager.all()
    if kind is not None:
        rows = rows.filter(of_kind(kind, prefix))
    if dated_by_incident:
        rows = rows.filter(_in_years(spec, prefix) or Q())
    return rows.filter(Exists(incidents(spec).filter(pk=OuterRef(f"{incident}_id"))))


def _in_countries(countries: tuple[str, ...], regions: tuple[str, ...]) -> Q | None:
    if not countries and not regions:
        return None
    unknown = [code for code in countries if code not in catalogue.country_codes()]
    unknown += [code for code in regions if not Region.objects.filter(m49=code).exists()]
    if unknown:
        raise SpecError(_("Unknown country or region: %(codes)s.") % {"codes": ", ".join(unknown)})
    in_regions = Country.objects.filter(
        Q(region_id__in=regions)
        | Q(subregion_id__in=regions)
        | Q(intermediate_region_id__in=regions)
    ).values_list("alpha3", flat=True)
    return Q(country__in=[*countries, *in_regions])


def _of_kinds(kinds: tuple[str, ...]) -> Q | None:
    if not kinds:
        return None
    unknown = [kind for kind in kinds if kind not in catalogue.vocabulary_codes("incident_kind")]
    if unknown:
        raise SpecError(_("Unknown incident kind: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    # As IncidentQuerySet.of_kind: a kind code is never a substring of another.
    return reduce(or_, (of_kind(kind) for kind in kinds))


def _in_years(spec: StatSpec, prefix: str = "") -> Q | None:
    condition = Q()
    if spec.year_from is not None:
        condition &= Q(**{f"{prefix}date_start__gte": datetime.date(spec.year_from, 1, 1)})
    if spec.year_to is not None:
        condition &= Q(**{f"{prefix}date_start__lt": datetime.date(spec.year_to + 1, 1, 1)})
    return condition or None
