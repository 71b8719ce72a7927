"""The standard tables: one runner module each, listed in ``REGISTRY`` under a stable id.

    from waypoint.analytics.statistics import Scope, StatSpec, run

    table = run(StatSpec("victims_by_sex_age_year", Scope.of(user), year_from=2020))

A runner computes its table in the database over the incidents the request's scope may count
(``scope``) and answers the unprotected ``StatTable``; it must pass
``waypoint.analytics.disclosure.protect`` before anyone sees it. ``docs/statistics-tables.md``
says what each table counts.
"""

from __future__ import annotations

from waypoint.analytics.statistics import (
    casualties_by_route_cause_year,
    crime_links_year,
    fees_by_route_year,
    flows_by_path_year,
    modes_methods_year,
    offenders_by_stage_sex_citizenship_year,
    repatriations_by_country_year,
    smuggling_by_route_year,
    victims_by_citizenship_year,
    victims_by_country_of_exploitation_year,
    victims_by_exploitation_year,
    victims_by_sex_age_year,
    violence_by_form_bias_year,
)
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.spec import Scope, SpecError, StatSpec
from waypoint.analytics.table import StatTable

__all__ = ["IDS", "REGISTRY", "Scope", "SpecError", "StandardTable", "StatSpec", "get", "run"]

REGISTRY: tuple[StandardTable, ...] = (
    victims_by_sex_age_year.TABLE,
    victims_by_citizenship_year.TABLE,
    victims_by_exploitation_year.TABLE,
    victims_by_country_of_exploitation_year.TABLE,
    repatriations_by_country_year.TABLE,
    offenders_by_stage_sex_citizenship_year.TABLE,
    violence_by_form_bias_year.TABLE,
    smuggling_by_route_year.TABLE,
    flows_by_path_year.TABLE,
    casualties_by_route_cause_year.TABLE,
    fees_by_route_year.TABLE,
    modes_methods_year.TABLE,
    crime_links_year.TABLE,
)
IDS = tuple(table.id for table in REGISTRY)


def get(table_id: str) -> StandardTable:
    """The standard table with this id; KeyError if there is none."""
    for table in REGISTRY:
        if table.id == table_id:
            return table
    raise KeyError(table_id)


def run(spec: StatSpec) -> StatTable:
    """Compute the table a request names (unprotected: pass it through the disclosure gate)."""
    try:
        table = get(spec.table_id)
    except KeyError:
        raise SpecError(f"unknown table {spec.table_id!r}") from None
    return table.run(spec)
