"""The generator's output, in memory: deterministic for a seed, and shaped like real data."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from decimal import Decimal

from django.test import SimpleTestCase

from waypoint.cases.models import INCIDENT_WORKFLOW, STAGE_WORKFLOW
from waypoint.demo.generate import STATUS_PATHS, generate
from waypoint.demo.offenders import STAGE_PATHS
from waypoint.demo.personas import offline_world
from waypoint.demo.records import IncidentRecord
from waypoint.demo.routes import ROUTES

TODAY = datetime.date(2026, 11, 23)
MINORS = {"0-4", "5-9", "10-14", "15-17", "child"}
MIGRANTS = {"smuggled_migrant", "victim"}


def records(seed: int, count: int, today: datetime.date = TODAY) -> list[IncidentRecord]:
    return list(generate(offline_world(), seed=seed, count=count, today=today))


def dump(found: list[IncidentRecord]) -> str:
    return "\n".join(repr(record) for record in found)


class DeterminismTests(SimpleTestCase):
    def test_it_generates_the_same_data_for_the_same_seed(self) -> None:
        self.assertEqual(dump(records(11, 150)), dump(records(11, 150)))

    def test_it_generates_other_data_for_another_seed(self) -> None:
        first, second = records(11, 150), records(12, 150)
        self.assertNotEqual(dump(first), dump(second))
        self.assertNotEqual(
            [r.incident["public_id"] for r in first], [r.incident["public_id"] for r in second]
        )

    def test_it_continues_differently_after_existing_incidents(self) -> None:
        again = list(generate(offline_world(), seed=11, count=50, today=TODAY, salt=150))
        self.assertNotEqual(dump(records(11, 50)), dump(again))

    def test_it_never_dates_anything_after_today(self) -> None:
        today = datetime.date(2019, 6, 30)
        now = datetime.datetime(2019, 6, 30, tzinfo=datetime.UTC)
        for record in records(3, 300, today=today):
            for value in _values(record):
                if isinstance(value, datetime.datetime):
                    self.assertLessEqual(value, now)
                elif isinstance(value, datetime.date):
                    self.assertLessEqual(value, today)


def _values(record: IncidentRecord) -> list[object]:
    rows = [record.incident, *record.history, *record.legs]
    for person in record.persons:
        rows += [person.person, *person.stages]
        rows += [row for row in (person.victimisation, person.offender) if row]
    values: list[object] = [value for row in rows for value in row.values()]
    for person in record.persons:
        values += [
            datetime.date.fromisoformat(row["value"])
            for row in person.identifiers
            if row["kind"] == "date_of_birth"
        ]
    return values


class RealismTests(SimpleTestCase):
    found: list[IncidentRecord]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.found = records(5, 1500)

    def persons(self, *roles: str) -> list[dict]:
        return [p.person for r in self.found for p in r.persons if p.person["role"] in roles]

    def test_it_draws_every_route_scenario(self) -> None:
        scenarios = {record.scenario for record in self.found}
        for route in ROUTES:
            self.assertIn(route.key, scenarios)

    def test_it_joins_up_every_route(self) -> None:
        for record in self.found:
            legs = record.legs
            self.assertEqual([leg["sequence"] for leg in legs], list(range(1, len(legs) + 1)))
            for before, after in itertools.pairwise(legs):
                self.assertEqual(before["to_country"], after["from_country"])
                self.assertEqual(before["to_place"], after["from_place"])
                self.assertEqual(before["to_role"], after["from_role"])
                if before["arrived_on"] and after["departed_on"]:
                    self.assertLessEqual(before["arrived_on"], after["departed_on"])
            for leg in legs:
                if leg["departed_on"] and leg["arrived_on"]:
                    self.assertLessEqual(leg["departed_on"], leg["arrived_on"])

    def test_it_never_counts_more_dead_and_missing_than_involved(self) -> None:
        for record in self.found:
            incident = record.incident
            if incident["migrants_involved"] is not None:
                lost = (incident["dead"] or 0) + (incident["missing"] or 0)
                self.assertLessEqual(lost, incident["migrants_involved"])

    def test_it_makes_deaths_rare_but_sometimes_many(self) -> None:
        lost = [(r.incident["dead"] or 0) + (r.incident["missing"] or 0) for r in self.found]
        self.assertGreater(sum(1 for n in lost if n == 0), 0.85 * len(lost))
        self.assertTrue(any(n >= 10 for n in lost))

    def test_it_uses_all_four_labels_greens_and_ambers_most(self) -> None:
        labels = Counter(record.incident["label"] for record in self.found)
        self.assertEqual(set(labels), {"red", "amber_strict", "amber", "green"})
        self.assertGreater(labels["green"] + labels["amber"], labels["red"] * 3)
        published = sum(1 for record in self.found if record.incident["publish_in_statistics"])
        self.assertGreater(published, 0.8 * len(self.found))

    def test_it_dates_criminal_justice_stages_in_order_after_the_incident(self) -> None:
        stages = 0
        for record in self.found:
            start = record.incident["date_start"]
            for person in record.persons:
                if person.offender is None:
                    continue
                self.assertEqual(person.stages[-1]["to_stage"], person.offender["stage"])
                dates = [row["effective_on"] for row in person.stages if row["effective_on"]]
                self.assertEqual(dates, sorted(dates))
                if start and dates:
                    self.assertGreaterEqual(dates[0], start)
                sentenced = person.offender["sentence_type"] or person.offender["sentence_months"]
                if sentenced:
                    self.assertEqual(person.offender["stage"], "convicted")
                stages += len(person.stages)
        self.assertGreater(stages, 500)

    def test_it_mixes_sexes_and_ages(self) -> None:
        migrants = self.persons("smuggled_migrant")
        sexes = Counter(person["sex"] for person in migrants)
        self.assertGreater(sexes["male"], sexes["female"])
        self.assertGreater(sexes["female"], 0.1 * len(migrants))
        self.assertTrue({"unknown", "not_stated"} <= set(sexes))
        groups = Counter(person["age_group"] for person in migrants)
        self.assertGreaterEqual(len(set(groups) - {"unknown", "not_stated"}), 6)
        self.assertTrue(MINORS & set(groups))
        self.assertIn("unknown", groups)

    def test_it_records_unaccompanied_children_and_families_travelling_together(self) -> None:
        migrants = self.persons("smuggled_migrant")
        accompaniment = Counter(person["accompaniment"] for person in migrants)
        self.assertGreater(accompaniment["unaccompanied"], 0)
        self.assertGreater(accompaniment["accompanied"], 0)
        self.assertGreater(accompaniment["not_applicable"], accompaniment["unaccompanied"])
        families = [r for r in self.found if any(p.person.get("travel_group") for p in r.persons)]
        self.assertTrue(families)
        for record in families:
            grouped = [p for p in record.persons if p.person.get("travel_group")]
            self.assertGreaterEqual(len(grouped), 2)

    def test_it_itemises_migrants_in_some_smuggling_incidents_and_counts_them_in_others(
        self,
    ) -> None:
        smuggling = [r for r in self.found if "smuggling_of_migrants" in r.incident["kinds"]]
        itemised = [r for r in smuggling if any(p.person["role"] in MIGRANTS for p in r.persons)]
        self.assertGreater(len(itemised), 0.2 * len(smuggling))
        self.assertLess(len(itemised), 0.8 * len(smuggling))

    def test_it_exploits_nigerian_women_sexually_in_italy(self) -> None:
        victims = [
            p
            for r in self.found
            if r.scenario == "sexual_exploitation_nigeria_italy"
            for p in r.persons
            if p.person["role"] == "victim"
        ]
        self.assertTrue(victims)
        for victim in victims:
            assert victim.victimisation is not None
            self.assertEqual(victim.victimisation["exploitation_forms"], ["sexual_exploitation"])
        female = sum(1 for victim in victims if victim.person["sex"] == "female")
        self.assertGreater(female, 0.8 * len(victims))

    def test_it_records_forms_of_exploitation_with_sectors(self) -> None:
        victimisations = [p.victimisation for r in self.found for p in r.persons if p.victimisation]
        forms = Counter(f for v in victimisations for f in v["exploitation_forms"])
        for form in (
            "sexual_exploitation",
            "forced_labour",
            "domestic_servitude",
            "forced_criminality",
            "forced_begging",
        ):
            self.assertIn(form, forms)
        sectors = Counter(s for v in victimisations for s in v["labour_sectors"])
        self.assertTrue({"A", "C", "F", "T"} <= set(sectors))

    def test_it_charges_fees_in_the_currencies_of_the_routes(self) -> None:
        legs = [leg for record in self.found for leg in record.legs if leg["fee_amount"]]
        currencies = {leg["fee_currency"] for leg in legs}
        self.assertTrue({"USD", "EUR", "XOF", "LYD"} <= currencies)
        methods = {leg["payment_method"] for leg in legs}
        self.assertTrue({"cash", "hawala", "mobile_money"} <= methods)
        self.assertTrue(all(isinstance(leg["fee_amount"], Decimal) for leg in legs))

    def test_it_reuses_selectors_across_incidents(self) -> None:
        seen: dict[tuple[str, str], set[int]] = {}
        for index, record in enumerate(self.found):
            for row, _ in record.selectors:
                seen.setdefault((row["kind"], row["value"]), set()).add(index)
        shared = [key for key, incidents in seen.items() if len(incidents) > 1]
        self.assertGreater(len(shared), 10)
        self.assertTrue({"phone", "vehicle_plate", "vessel"} <= {kind for kind, _ in seen})

    def test_it_walks_the_workflows(self) -> None:
        for statuses in STATUS_PATHS.items:
            current = ""
            for status in statuses:
                self.assertTrue(INCIDENT_WORKFLOW.allows(current, status), statuses)
                current = status
        for stages in STAGE_PATHS.items:
            current = ""
            for stage in stages:
                self.assertTrue(STAGE_WORKFLOW.allows(current, stage), stages)
                current = stage
