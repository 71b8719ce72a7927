"""Every cell of every standard table against an independent count made in Python, record by
record, over generated demo data, for users of several organisations and for public statistics.

The expected figures here share nothing with the runners but the visibility rule: each
contributor's values are read from model instances and every cell it belongs to, totals
included, is counted once."""

from __future__ import annotations

import collections
import itertools
import statistics as pystats
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import User
from django.test import TestCase, tag
from django.utils import timezone

from waypoint.analytics import statistics
from waypoint.analytics.statistics import Scope, StatSpec
from waypoint.analytics.table import TOTAL, StatTable
from waypoint.cases.models import Incident, Person
from waypoint.demo.generate import generate
from waypoint.demo.write import ensure_world, write_incidents

MISSING = {"unknown", "not_stated", "not_applicable"}
KIND_ORDER = (
    "smuggling_of_migrants",
    "trafficking_in_persons",
    "violence_against_migrants",
    "death_or_disappearance",
)
IMPLIED = {
    "suspected": {"suspected"},
    "arrested": {"suspected", "arrested"},
    "prosecuted": {"suspected", "prosecuted"},
    "convicted": {"suspected", "prosecuted", "convicted"},
    "acquitted": {"suspected", "prosecuted", "acquitted"},
    "discontinued": {"suspected", "discontinued"},
}
#: A contributor: its values per dimension, and its measures.
Contributor = tuple[list[set[str]], dict[str, int]]


def counted(incidents: Iterable[Incident]) -> list[Incident]:
    return [i for i in incidents if i.status != "withdrawn" and i.verification_status != "rejected"]


def year(incident: Incident) -> str:
    return str(incident.date_start.year) if incident.date_start else "unknown"


def code(value: str | None) -> str:
    return value or "unknown"


def citizenships(person: Person) -> set[str]:
    return {code(person.citizenship), *person.other_citizenships}


def victimisation(person: Person) -> Any:
    return getattr(person, "victimisation", None)


def route(incident: Incident) -> str:
    if incident.migration_route not in ("", "unknown"):
        return incident.migration_route
    legs = sorted(incident.legs.all(), key=lambda leg: leg.sequence)
    if not legs:
        return "unknown"
    ends = [legs[0].from_country, legs[-1].to_country]
    ends = ["unknown" if end in MISSING else end for end in ends]
    return "unknown" if ends == ["unknown", "unknown"] else ">".join(ends)


def path(incident: Incident) -> str:
    """Every country of the legs in order, each change of country once, unknown ones kept only
    at the ends."""
    stops = []
    for leg in sorted(incident.legs.all(), key=lambda leg: leg.sequence):
        stops += ["unknown" if c in MISSING else c for c in (leg.from_country, leg.to_country)]
    kept = [c for n, c in enumerate(stops) if c != "unknown" or n in (0, len(stops) - 1)]
    countries = [c for n, c in enumerate(kept) if n == 0 or kept[n - 1] != c]
    return "unknown" if set(countries) <= {"unknown"} else ">".join(countries)


def known(values: Iterable[str]) -> set[str]:
    return {value for value in values if value not in MISSING} or {"unknown"}


class Expected:
    """Contributors of each table, read from the model instances in scope."""

    def __init__(self, incidents: list[Incident]) -> None:
        self.incidents = incidents

    def persons(self, role: str, kind: str | None = None) -> Iterator[tuple[Incident, Person]]:
        for incident in self.incidents:
            if kind is None or kind in incident.kinds:
                for person in incident.persons.all():
                    if person.role == role:
                        yield incident, person

    def victims_by_sex_age_year(self) -> Iterator[Contributor]:
        for i, p in self.persons("victim", "trafficking_in_persons"):
            yield [{code(p.sex)}, {code(p.age_group)}, {year(i)}], {}

    def victims_by_citizenship_year(self) -> Iterator[Contributor]:
        for i, p in self.persons("victim", "trafficking_in_persons"):
            yield [citizenships(p), {year(i)}], {}

    def victims_by_exploitation_year(self) -> Iterator[Contributor]:
        for i, p in self.persons("victim", "trafficking_in_persons"):
            v = victimisation(p)
            forms = set(v.exploitation_forms) if v else set()
            yield [forms or {"unknown"}, {year(i)}], {}

    def victims_by_country_of_exploitation_year(self) -> Iterator[Contributor]:
        for i, p in self.persons("victim", "trafficking_in_persons"):
            v = victimisation(p)
            yield [{code(v.country_of_exploitation if v else None)}, {year(i)}], {}

    def repatriations_by_country_year(self) -> Iterator[Contributor]:
        for i in self.incidents:
            for p in i.persons.all():
                v = victimisation(p)
                if v and v.repatriated_from:
                    when = str(v.repatriated_on.year) if v.repatriated_on else year(i)
                    yield [{v.repatriated_from}, {code(v.repatriated_to)}, {when}], {}

    def offenders_by_stage_sex_citizenship_year(self) -> Iterator[Contributor]:
        for i, p in self.persons("offender"):
            record = getattr(p, "offender", None)
            stages = IMPLIED[record.stage] if record else {"unknown"}
            yield [stages, {code(p.sex)}, citizenships(p), {year(i)}], {}

    def violence_by_form_bias_year(self) -> Iterator[Contributor]:
        for i in self.incidents:
            if "violence_against_migrants" in i.kinds:
                forms = [
                    form
                    for p in i.persons.all()
                    if victimisation(p)
                    for form in victimisation(p).violence_forms
                ]
                bias = set(i.bias_motivations) or {"unknown"}
                yield [known(forms), bias, {year(i)}], {}

    def smuggling_by_route_year(self) -> Iterator[Contributor]:
        for i in self.incidents:
            if "smuggling_of_migrants" in i.kinds:
                migrants = i.migrants_involved
                if migrants is None:
                    migrants = sum(p.role == "smuggled_migrant" for p in i.persons.all())
                yield [{route(i)}, {year(i)}], {"smuggled_migrants": migrants}

    def flows_by_path_year(self) -> Iterator[Contributor]:
        for i in self.incidents:
            migrants = i.migrants_involved
            if migrants is None:
                migrants = sum(p.role == "smuggled_migrant" for p in i.persons.all())
            yield [{path(i)}, {year(i)}], {"migrants": migrants}

    def casualties_by_route_cause_year(self) -> Iterator[Contributor]:
        for i in self.incidents:
            died = bool(i.dead or i.missing)
            if died or i.injured:
                causes = (set(i.death_causes) or {"unknown"}) if died else {"not_applicable"}
                measures = {
                    "dead": i.dead or 0,
                    "missing": i.missing or 0,
                    "injured": i.injured or 0,
                }
                yield [{route(i)}, causes, {year(i)}], measures

    def modes_methods_year(self) -> Iterator[Contributor]:
        for i in self.incidents:
            if "smuggling_of_migrants" in i.kinds:
                legs = list(i.legs.all())
                modes = known(leg.mode for leg in legs)
                methods = known(method for leg in legs for method in leg.methods)
                yield [modes, methods, {year(i)}], {}

    def crime_links_year(self) -> Iterator[Contributor]:
        for i in self.incidents:
            combination = "+".join(kind for kind in KIND_ORDER if kind in i.kinds)
            yield [{combination}, {year(i)}], {}

    def fees(self, currency: str) -> dict[tuple[str, ...], list[float]]:
        found: dict[tuple[str, ...], list[float]] = collections.defaultdict(list)
        for i in self.incidents:
            if "smuggling_of_migrants" not in i.kinds:
                continue
            for leg in i.legs.all():
                amount = leg.fee_amount
                if (
                    amount is not None
                    and leg.fee_currency == currency
                    and leg.fee_basis != "per_group"
                ):
                    for key in itertools.product((route(i), TOTAL), (year(i), TOTAL)):
                        found[key].append(float(amount))
        return found


def cube(contributors: Iterable[Contributor]) -> dict[tuple[str, ...], list[int]]:
    """Per cell, totals included: the contributors, then each measure's sum."""
    cells: dict[tuple[str, ...], list[int]] = {}
    names: list[str] = []
    for values, measures in contributors:
        names = names or list(measures)
        for key in itertools.product(*({*v, TOTAL} for v in values)):
            cell = cells.setdefault(key, [0] * (1 + len(measures)))
            cell[0] += 1
            for index, name in enumerate(names):
                cell[1 + index] += measures[name]
    return cells


def quartiles(amounts: list[float]) -> dict[str, float]:
    if len(amounts) == 1:
        return dict.fromkeys(("median", "q1", "q3"), amounts[0])
    q1, median, q3 = pystats.quantiles(amounts, n=4, method="inclusive")
    return {"median": round(median, 2), "q1": round(q1, 2), "q3": round(q3, 2)}


@tag("slow")
class CrossCheckTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        world = ensure_world()
        records = generate(world, seed=5, count=400, today=timezone.localdate())
        write_incidents(records)
        # The demo names no migration routes; name some, as Missing Migrants records do.
        every_seventh = list(Incident.objects.order_by("pk").values_list("pk", flat=True))[::7]
        Incident.objects.filter(pk__in=every_seventh).update(
            migration_route="central_mediterranean"
        )

    def scopes(self) -> Iterator[tuple[str, Scope, list[Incident]]]:
        everything = Incident.objects.prefetch_related(
            "persons__victimisation", "persons__offender", "legs"
        )
        for username in ("amara", "chen", "milica"):
            user = User.objects.get(username=username)
            yield username, Scope.of(user), counted(everything.visible_to(user))
        published = everything.filter(publish_in_statistics=True, owner__is_active=True)
        yield "public", Scope.published(), counted(published)

    def test_it_counts_every_cell_as_an_independent_count_does(self) -> None:
        checked = 0
        for who, scope, incidents in self.scopes():
            expected = Expected(incidents)
            for definition in statistics.REGISTRY:
                if definition.id == "fees_by_route_year":
                    continue
                with self.subTest(who=who, table=definition.id):
                    table = definition.run(StatSpec(definition.id, scope))
                    wanted = cube(getattr(expected, definition.id)())
                    self.assertCube(table, wanted)
                    checked += 1
        self.assertEqual(checked, 4 * (len(statistics.REGISTRY) - 1))

    def test_it_gives_the_quartiles_of_fees_an_independent_computation_gives(self) -> None:
        for who, scope, incidents in self.scopes():
            with self.subTest(who=who):
                table = statistics.run(StatSpec("fees_by_route_year", scope, currency="USD"))
                fees = Expected(incidents).fees("USD")
                self.assertGreater(len(fees), 1)
                for key, cell in table.cells.items():
                    amounts = fees.get(key)
                    self.assertEqual(cell.count, len(amounts or []), key)
                    if amounts:
                        self.assertEqual(cell.values, quartiles(amounts), key)

    def test_it_counts_within_a_year_range_as_the_whole_table_does(self) -> None:
        for definition in statistics.REGISTRY:
            with self.subTest(definition.id):
                scope = Scope.published()
                whole = definition.run(StatSpec(definition.id, scope, currency="USD"))
                part = definition.run(
                    StatSpec(definition.id, scope, year_from=2018, year_to=2020, currency="USD")
                )
                for key, cell in part.cells.items():
                    if key[-1] != TOTAL:
                        self.assertEqual(cell.count, whole.cell(*key).count, key)

    def assertCube(self, table: StatTable, wanted: dict[tuple[str, ...], list[int]]) -> None:
        measures = [m for m in table.measures if m not in ("count", "incidents")]
        found = {
            key: [cell.count, *(int(cell.values[m] or 0) for m in measures)]
            for key, cell in table.cells.items()
            if cell.count
        }
        self.assertEqual(found, wanted)
        self.assertGreater(len(found), 1)
