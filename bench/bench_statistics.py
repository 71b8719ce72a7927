"""Standard tables: every table of ``waypoint.analytics.statistics`` computed for an analyst over
1,000,000 incidents and about 3,000,000 persons, each against a hand-written SQL ``GROUP BY`` of
the same count over the same rows in the same run.

The data: 20,000 demo incidents (seed 1, dated up to a fixed day) with everything beneath them,
copied in SQL to reach the size (incidents, persons, victimisations, offender records and legs;
a sixth of the copies also carry their persons twice, so that there are about three persons per
incident). The user is the demo's Amara (Organisation A), who sees her organisation's records,
its partners' TLP:AMBER ones and everyone's TLP:GREEN ones.

The candidate is ``statistics.run``: the table with every margin, categories and labels, as the
pages and exports get it (before the disclosure gate). The baseline is one SQL statement written
by hand giving the inner cells of the same table (the finest ``GROUP BY``) for the same user,
with the visibility rule written as plain conditions on organisation ids looked up beforehand;
the two must count the same, or the benchmark fails. Targets: under 2 s per table, within 1.5×
of its baseline.

``WAYPOINT_BENCH_INCIDENTS`` sets the size (e.g. 20000 for a quick run), ``WAYPOINT_BENCH_TABLES``
the tables to time (comma-separated ids; all by default). SQLite by default (the
runner's in-memory test database); for PostgreSQL run
``scripts/with-postgres .venv/bin/python bench/run.py statistics``.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable
from typing import Any

from timing import best_of, ratio

NEEDS_DATABASE = True

INCIDENTS = int(os.environ.get("WAYPOINT_BENCH_INCIDENTS", "1000000"))
#: The tables to time (comma-separated ids), all when unset.
TABLES = {name for name in os.environ.get("WAYPOINT_BENCH_TABLES", "").split(",") if name}
BASE = 20_000
SEED = 1
TODAY = datetime.date(2025, 6, 30)
USER = "amara"
REPEAT = 3
#: Every n-th base incident's persons are copied twice.
EXTRA_PERSONS_EVERY = 6


def run() -> dict[str, object]:
    from django.db import connection

    started = time.perf_counter()
    rows = build(INCIDENTS)
    results: dict[str, object] = {
        "database": connection.vendor,
        "incidents": rows["incidents"],
        "persons": rows["persons"],
        "build_s": round(time.perf_counter() - started, 1),
    }
    try:
        results |= refresh_summary()
        for table_id, (candidate, live, baseline) in measure().items():
            results[f"{table_id}_s"] = round(candidate, 3)
            results[f"{table_id}_live_s"] = round(live, 3)
            results[f"{table_id}_baseline_s"] = round(baseline, 3)
            results[f"{table_id}_ratio"] = ratio(candidate, baseline)
            results[f"{table_id}_live_ratio"] = ratio(live, baseline)
    finally:
        clear()
    return results


def refresh_summary() -> dict[str, object]:
    """Count the statistics summary of every organisation (all out of date after the copy)."""
    from waypoint.analytics.models import SummaryRow
    from waypoint.analytics.statistics import summary

    started = time.perf_counter()
    done = summary.refresh()
    return {
        "summary_refresh_s": round(time.perf_counter() - started, 1),
        "summary_organisations": done.organisations,
        "summary_rows": SummaryRow.objects.count(),
    }


# The data ----------------------------------------------------------------------------------------


def build(incidents: int) -> dict[str, int]:
    """Demo incidents, copied in SQL to ``incidents``; answer the rows there are."""
    from django.db import connection, transaction

    from waypoint.cases.models import Incident, Person
    from waypoint.demo.generate import generate
    from waypoint.demo.write import ensure_world, write_incidents

    base = min(BASE, incidents)
    with transaction.atomic():
        world = ensure_world()
        write_incidents(generate(world, seed=SEED, count=base, today=TODAY))
        copies = max(1, incidents // base)
        with connection.cursor() as cursor:
            _copy(cursor, copies)
            cursor.execute("ANALYZE")
    return {"incidents": Incident.objects.count(), "persons": Person.objects.count()}


def _copy(cursor: Any, copies: int) -> None:
    from waypoint.cases.models import Incident, OffenderRecord, Person, RouteLeg, Victimisation

    top = {
        model: _max_id(cursor, model)
        for model in (Incident, Person, Victimisation, OffenderRecord, RouteLeg)
    }
    shift = {
        "incident_id": top[Incident],
        "person_id": top[Person],
    }
    for k in range(1, copies):
        for model in (Incident, Person, Victimisation, OffenderRecord, RouteLeg):
            _insert(cursor, model, k, {name: k * step for name, step in shift.items()}, top[model])
    # Extra persons: a copy of the persons of every sixth incident, in each copy of it.
    for k in range(copies):
        offsets = {"incident_id": k * top[Incident], "person_id": (copies + k) * top[Person]}
        where = f"incident_id %% {EXTRA_PERSONS_EVERY} = 0"
        _insert(cursor, Person, copies + k, offsets, top[Person], where, person_offset=True)
        persons = f"person_id IN (SELECT id FROM {Person._meta.db_table} WHERE {where})"
        _insert(cursor, Victimisation, copies + k, offsets, top[Victimisation], persons)
        _insert(cursor, OffenderRecord, copies + k, offsets, top[OffenderRecord], persons)


def _max_id(cursor: Any, model: Any) -> int:
    cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
    return int(cursor.fetchone()[0] or 0)


def _insert(
    cursor: Any,
    model: Any,
    k: int,
    offsets: dict[str, int],
    top: int,
    where: str = "",
    person_offset: bool = False,
) -> None:
    """Copy the base rows of ``model`` as copy number ``k``: new ids, new public ids and
    references, the rows they refer to shifted by ``offsets``."""
    from django.db import connection

    table = model._meta.db_table
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        columns.append(connection.ops.quote_name(column))
        if column == "id":
            values.append(f"id + {k * top}")
        elif column == "public_id":
            values.append(_uuid(f"id + {k * top}"))
        elif column == "reference":
            values.append(f"reference || '-{k}'")
        elif column in offsets:
            values.append(f"{column} + {offsets[column]}")
        else:
            values.append(connection.ops.quote_name(column))
    condition = f"id <= {top}" + (f" AND {where}" if where else "")
    # Parameters, though none, make both drivers read "%%" as "%".
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {table} WHERE {condition}",
        (),
    )


def _uuid(number: str) -> str:
    """A public id made from a row number: unique, and the same in every run."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"printf('%%032x', {number})"
    return f"CAST(LPAD(TO_HEX({number}), 32, '0') AS uuid)"


def clear() -> None:
    """Leave the database empty of case data, as the runner gave it."""
    from django.db import connection

    from waypoint.analytics.models import SummaryRow, SummaryState
    from waypoint.cases.writing import MODELS

    with connection.cursor() as cursor:
        for model in reversed(MODELS):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    SummaryRow.objects.all().delete()
    SummaryState.objects.all().delete()


# The measurements --------------------------------------------------------------------------------


def measure() -> dict[str, tuple[float, float, float]]:
    """Per table: the best time of the runner (with the summary up to date), of the runner
    counting from the records alone, and of the baseline."""
    from django.contrib.auth.models import User
    from django.test import override_settings

    from waypoint.analytics import statistics
    from waypoint.analytics.statistics import Scope, StatSpec

    user = User.objects.get(username=USER)
    sql = Baselines(user)
    found = {}
    for definition in statistics.REGISTRY:
        if TABLES and definition.id not in TABLES:
            continue
        spec = StatSpec(definition.id, Scope.of(user), currency="USD")
        table = definition.run(spec)
        baseline = getattr(sql, definition.id)
        _check(definition.id, table, baseline())
        from_records = override_settings(WAYPOINT_STATISTICS_SUMMARY=False)
        with from_records:
            if definition.run(spec) != table:
                raise AssertionError(f"{definition.id}: the summary and the records differ")
        candidate = best_of(lambda spec=spec: statistics.run(spec), repeat=REPEAT)
        with from_records:
            live = best_of(lambda spec=spec: statistics.run(spec), repeat=REPEAT)
        found[definition.id] = (candidate, live, best_of(baseline, repeat=REPEAT))
    return found


def _check(table_id: str, table: Any, baseline: list[tuple[Any, ...]]) -> None:
    """The runner's inner cells equal the baseline's, or the comparison means nothing."""
    from waypoint.analytics.statistics.cube import code_of

    width = len(table.dimensions)
    wanted: dict[tuple[str, ...], int] = {}
    for row in baseline:
        key = tuple(code_of(value) for value in row[:width])
        wanted[key] = wanted.get(key, 0) + int(row[width])
    found = {cell.key: cell.count for cell in table.inner_cells() if cell.count}
    if found != wanted:
        differ = sorted(set(found.items()) ^ set(wanted.items()))[:5]
        raise AssertionError(f"{table_id}: the runner and the baseline differ: {differ}")


def _path(text: str | None) -> str:
    """The countries of legs written ``FROM:TO|FROM:TO`` in order: a change of country once,
    unknown countries kept only at the ends."""
    missing = ("unknown", "not_stated", "not_applicable")
    stops = [
        "unknown" if country in missing else country
        for leg in (text or "").split("|")
        if leg
        for country in leg.split(":")
    ]
    kept = [c for n, c in enumerate(stops) if c != "unknown" or n in (0, len(stops) - 1)]
    countries = [c for n, c in enumerate(kept) if n == 0 or kept[n - 1] != c]
    return "unknown" if set(countries) <= {"unknown"} else ">".join(countries)


class Baselines:
    """Hand-written SQL for each table's inner cells."""

    def __init__(self, user: Any) -> None:
        from django.db import connection

        from waypoint.orgs.models import Membership, Organisation, SharingAgreement

        self.sqlite = connection.vendor == "sqlite"
        own = list(
            Membership.objects.filter(user=user, organisation__is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
        partners = list(
            SharingAgreement.objects.active()
            .filter(partner_id__in=own)
            .values_list("owner_id", flat=True)
        )
        active = list(Organisation.objects.filter(is_active=True).values_list("id", flat=True))
        ids = lambda values: ", ".join(str(v) for v in values) or "NULL"  # noqa: E731
        self.visible = (
            f"i.owner_id IN ({ids(active)}) AND i.status <> 'withdrawn' "
            f"AND i.verification_status <> 'rejected' AND ("
            f"(i.owner_id IN ({ids(own)}) AND (i.label <> 'amber_strict' OR EXISTS (SELECT 1 "
            f"FROM cases_incident_named_users n WHERE n.incident_id = i.id "
            f"AND n.user_id = {user.pk}))) "
            f"OR (i.label = 'amber' AND (i.owner_id IN ({ids(partners)}) OR EXISTS (SELECT 1 "
            f"FROM cases_incident_shared_with s WHERE s.incident_id = i.id "
            f"AND s.organisation_id IN ({ids(own)})))) "
            f"OR i.label = 'green')"
        )

    # Dialect pieces.

    def year(self, column: str) -> str:
        if self.sqlite:
            return f"CAST(SUBSTR({column}, 1, 4) AS INTEGER)"
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"

    def kind(self, kind: str) -> str:
        text = "i.kinds" if self.sqlite else "i.kinds::text"
        return f"{text} LIKE '%%\"{kind}\"%%'"

    def each(self, json: str, alias: str, left: bool = True) -> str:
        if self.sqlite:
            return f"{'LEFT JOIN' if left else 'JOIN'} json_each({json}) {alias} ON true"
        function = f"jsonb_array_elements_text({json}) {alias}(value)"
        return f"{'LEFT JOIN' if left else 'JOIN'} LATERAL {function} ON true"

    def citizenships(self) -> str:
        if self.sqlite:
            return "json_insert(p.other_citizenships, '$[#]', p.citizenship)"
        return "(p.other_citizenships || to_jsonb(p.citizenship))"

    def route(self) -> str:
        missing = "('unknown', 'not_stated', 'not_applicable')"
        first = (
            f"(SELECT CASE WHEN l.from_country IN {missing} THEN 'unknown' ELSE l.from_country "
            "END FROM cases_routeleg l WHERE l.incident_id = i.id ORDER BY l.sequence LIMIT 1)"
        )
        last = (
            f"(SELECT CASE WHEN l.to_country IN {missing} THEN 'unknown' ELSE l.to_country "
            "END FROM cases_routeleg l WHERE l.incident_id = i.id ORDER BY l.sequence DESC "
            "LIMIT 1)"
        )
        return (
            "COALESCE(NULLIF(NULLIF(i.migration_route, ''), 'unknown'), "
            f"NULLIF({first} || '>' || {last}, 'unknown>unknown'), 'unknown')"
        )

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, ())  # parameters, though none, make "%%" read as "%"
            return cursor.fetchall()

    def victims(self, select: str, joins: str = "", group: str = "1, 2") -> Callable[[], Any]:
        year = self.year("i.date_start")
        sql = (
            f"SELECT {select.format(year=year)}, COUNT(*) FROM cases_person p "
            f"JOIN cases_incident i ON i.id = p.incident_id {joins} "
            f"WHERE p.role = 'victim' AND {self.kind('trafficking_in_persons')} AND {self.visible} "
            f"GROUP BY {group}"
        )
        return lambda: self.fetch(sql)

    # The tables.

    def victims_by_sex_age_year(self) -> Any:
        return self.victims("p.sex, p.age_group, {year}", group="1, 2, 3")()

    def victims_by_citizenship_year(self) -> Any:
        return self.victims("c.value, {year}", self.each(self.citizenships(), "c"))()

    def victims_by_exploitation_year(self) -> Any:
        joins = "LEFT JOIN cases_victimisation v ON v.person_id = p.id " + self.each(
            "v.exploitation_forms", "f"
        )
        return self.victims("f.value, {year}", joins)()

    def victims_by_country_of_exploitation_year(self) -> Any:
        joins = "LEFT JOIN cases_victimisation v ON v.person_id = p.id"
        return self.victims("v.country_of_exploitation, {year}", joins)()

    def repatriations_by_country_year(self) -> Any:
        year = f"COALESCE({self.year('v.repatriated_on')}, {self.year('i.date_start')})"
        return self.fetch(
            f"SELECT v.repatriated_from, v.repatriated_to, {year}, COUNT(*) "
            "FROM cases_victimisation v JOIN cases_person p ON p.id = v.person_id "
            "JOIN cases_incident i ON i.id = p.incident_id "
            f"WHERE v.repatriated_from <> '' AND {self.visible} GROUP BY 1, 2, 3"
        )

    def offenders_by_stage_sex_citizenship_year(self) -> Any:
        reached = (
            "CASE o.stage WHEN 'suspected' THEN '[\"suspected\"]' "
            "WHEN 'arrested' THEN '[\"suspected\", \"arrested\"]' "
            "WHEN 'prosecuted' THEN '[\"suspected\", \"prosecuted\"]' "
            'WHEN \'convicted\' THEN \'["suspected", "prosecuted", "convicted"]\' '
            'WHEN \'acquitted\' THEN \'["suspected", "prosecuted", "acquitted"]\' '
            "WHEN 'discontinued' THEN '[\"suspected\", \"discontinued\"]' END"
        )
        if not self.sqlite:
            reached = f"CAST({reached} AS jsonb)"
        return self.fetch(
            f"SELECT s.value, p.sex, c.value, {self.year('i.date_start')}, COUNT(*) "
            "FROM cases_person p JOIN cases_incident i ON i.id = p.incident_id "
            "LEFT JOIN cases_offenderrecord o ON o.person_id = p.id "
            f"{self.each(reached, 's')} {self.each(self.citizenships(), 'c')} "
            f"WHERE p.role = 'offender' AND {self.visible} GROUP BY 1, 2, 3, 4"
        )

    def violence_by_form_bias_year(self) -> Any:
        forms = (
            "(SELECT DISTINCT p.incident_id, f.value FROM cases_person p "
            "JOIN cases_victimisation v ON v.person_id = p.id "
            f"{self.each('v.violence_forms', 'f', left=False)} "
            "WHERE f.value NOT IN ('unknown', 'not_stated', 'not_applicable'))"
        )
        return self.fetch(
            f"SELECT f.value, b.value, {self.year('i.date_start')}, COUNT(*) "
            f"FROM cases_incident i LEFT JOIN {forms} f ON f.incident_id = i.id "
            f"{self.each('i.bias_motivations', 'b')} "
            f"WHERE {self.kind('violence_against_migrants')} AND {self.visible} "
            "GROUP BY 1, 2, 3"
        )

    def migrants(self) -> str:
        """The migrants of an incident: the number it records, else its smuggled migrants."""
        return (
            "COALESCE(i.migrants_involved, (SELECT COUNT(*) FROM cases_person p "
            "WHERE p.incident_id = i.id AND p.role = 'smuggled_migrant'))"
        )

    def smuggling_by_route_year(self) -> Any:
        return self.fetch(
            f"SELECT {self.route()}, {self.year('i.date_start')}, COUNT(*), SUM({self.migrants()}) "
            f"FROM cases_incident i WHERE {self.kind('smuggling_of_migrants')} AND {self.visible} "
            "GROUP BY 1, 2"
        )

    def flows_by_path_year(self) -> Any:
        """The legs of each incident in order as one text, grouped with the year in SQL; the
        path of each text worked out in Python."""
        if self.sqlite:  # SQLite 3.40 has no ORDER BY inside an aggregate: order a subquery
            legs = (
                "(SELECT group_concat(c, '|') FROM (SELECT l.from_country || ':' || "
                "l.to_country AS c FROM cases_routeleg l WHERE l.incident_id = i.id "
                "ORDER BY l.sequence))"
            )
        else:
            legs = (
                "(SELECT string_agg(l.from_country || ':' || l.to_country, '|' "
                "ORDER BY l.sequence) FROM cases_routeleg l WHERE l.incident_id = i.id)"
            )
        rows = self.fetch(
            f"SELECT {legs}, {self.year('i.date_start')}, COUNT(*), SUM({self.migrants()}) "
            f"FROM cases_incident i WHERE {self.visible} GROUP BY 1, 2"
        )
        paths: dict[tuple[str, Any], list[int]] = {}
        for text, year, count, migrants in rows:
            found = paths.setdefault((_path(text), year), [0, 0])
            found[0] += count
            found[1] += migrants or 0
        return [(path, year, count, migrants) for (path, year), (count, migrants) in paths.items()]

    def casualties_by_route_cause_year(self) -> Any:
        died = "(i.dead > 0 OR i.missing > 0)"
        causes = f"CASE WHEN {died} THEN i.death_causes ELSE '[\"not_applicable\"]' END"
        if not self.sqlite:
            causes = f"CASE WHEN {died} THEN i.death_causes ELSE '[\"not_applicable\"]'::jsonb END"
        return self.fetch(
            f"SELECT {self.route()}, c.value, {self.year('i.date_start')}, COUNT(*), "
            "SUM(i.dead), SUM(i.missing), SUM(i.injured) "
            f"FROM cases_incident i {self.each(causes, 'c')} "
            f"WHERE ({died} OR i.injured > 0) AND {self.visible} GROUP BY 1, 2, 3"
        )

    def fees_by_route_year(self) -> Any:
        """The count and quartiles of fees per route and year: PostgreSQL's own percentile
        aggregate, or on SQLite the amounts near each quartile by window functions."""
        fees = (
            f"SELECT {self.route()} AS route, {self.year('i.date_start')} AS year, "
            "f.fee_amount AS v FROM cases_routeleg f JOIN cases_incident i ON i.id = f.incident_id "
            "WHERE f.fee_amount IS NOT NULL AND f.fee_currency = 'USD' "
            f"AND f.fee_basis <> 'per_group' AND {self.kind('smuggling_of_migrants')} "
            f"AND {self.visible}"
        )
        if not self.sqlite:
            quartiles = "percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v)"
            return self.fetch(
                f"SELECT route, year, COUNT(*), {quartiles} FROM ({fees}) b GROUP BY 1, 2"
            )
        near = "(n - 1) / 4, (n + 2) / 4, (n - 1) / 2, n / 2, (3 * n - 3) / 4, (3 * n) / 4"
        rows = self.fetch(
            f"SELECT route, year, n, rn, v FROM (SELECT route, year, v, ROW_NUMBER() OVER "
            "(PARTITION BY route, year ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY route, "
            f"year) AS n FROM ({fees}) b) q WHERE rn - 1 IN ({near})"
        )
        counts = {(route, year): n for route, year, n, _rn, _v in rows}
        return [(route, year, n) for (route, year), n in counts.items()]

    def modes_methods_year(self) -> Any:
        missing = "('unknown', 'not_stated', 'not_applicable')"
        modes = (
            "(SELECT DISTINCT l.incident_id, l.mode AS value FROM cases_routeleg l "
            f"WHERE l.mode NOT IN {missing})"
        )
        methods = (
            "(SELECT DISTINCT l.incident_id, m.value FROM cases_routeleg l "
            f"{self.each('l.methods', 'm', left=False)} WHERE m.value NOT IN {missing})"
        )
        return self.fetch(
            f"SELECT md.value, mt.value, {self.year('i.date_start')}, COUNT(*) "
            f"FROM cases_incident i LEFT JOIN {modes} md ON md.incident_id = i.id "
            f"LEFT JOIN {methods} mt ON mt.incident_id = i.id "
            f"WHERE {self.kind('smuggling_of_migrants')} AND {self.visible} GROUP BY 1, 2, 3"
        )

    def crime_links_year(self) -> Any:
        kinds = (
            "smuggling_of_migrants",
            "trafficking_in_persons",
            "violence_against_migrants",
            "death_or_disappearance",
        )
        parts = " || ".join(
            f"CASE WHEN {self.kind(kind)} THEN '{kind}+' ELSE '' END" for kind in kinds
        )
        return self.fetch(
            f"SELECT RTRIM({parts}, '+'), {self.year('i.date_start')}, COUNT(*) "
            f"FROM cases_incident i WHERE {self.visible} GROUP BY 1, 2"
        )


if __name__ == "__main__":
    import json
    import sys

    sys.exit(
        "run through the runner: .venv/bin/python bench/run.py statistics "
        + json.dumps({"incidents": INCIDENTS})
    )
