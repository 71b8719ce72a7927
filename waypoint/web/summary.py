"""Figures for the home page, computed only over what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractYear

from waypoint.cases.models import Incident, Person


@dataclass(frozen=True)
class YearRow:
    year: int | None
    incidents: int
    victims: int
    smuggled_migrants: int
    offenders: int


COUNTED_ROLES = {
    "victim": "victims",
    "smuggled_migrant": "smuggled_migrants",
    "offender": "offenders",
}


def counts_by_year(user: Any) -> list[YearRow]:
    """Incidents and itemised victims, smuggled migrants and offenders per year of incident.

    Incidents without a known date are counted under ``None`` (shown as “year unknown”).
    """
    incidents = Incident.objects.visible_to(user)
    table: dict[int | None, dict[str, int]] = {}
    for row in (
        incidents.annotate(period=ExtractYear("date_start"))
        .values("period")
        .annotate(n=Count("id"))
        .order_by()
    ):
        table.setdefault(row["period"], {})["incidents"] = row["n"]
    for row in (
        Person.objects.visible_to(user)
        .filter(role__in=COUNTED_ROLES)
        .annotate(period=ExtractYear("incident__date_start"))
        .values("period", "role")
        .annotate(n=Count("id"))
        .order_by()
    ):
        table.setdefault(row["period"], {})[COUNTED_ROLES[row["role"]]] = row["n"]
    years = sorted(table, key=lambda year: (year is None, -(year or 0)))
    return [
        YearRow(
            year=year,
            incidents=table[year].get("incidents", 0),
            victims=table[year].get("victims", 0),
            smuggled_migrants=table[year].get("smuggled_migrants", 0),
            offenders=table[year].get("offenders", 0),
        )
        for year in years
    ]


def totals(rows: list[YearRow]) -> YearRow:
    return YearRow(
        year=None,
        incidents=sum(r.incidents for r in rows),
        victims=sum(r.victims for r in rows),
        smuggled_migrants=sum(r.smuggled_migrants for r in rows),
        offenders=sum(r.offenders for r in rows),
    )
