"""Whose records a table counts, the request's filters, and the registry of tables."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from waypoint.analytics import statistics
from waypoint.analytics.statistics import Scope, SpecError, StatSpec
from waypoint.analytics.table import StatTable
from waypoint.analytics.tests.test_statistics_base import (
    SOM,
    TIP,
    StatisticsTestCase,
    T,
)
from waypoint.cases.models import Label
from waypoint.orgs.models import SharingAgreement

STANDARD_IDS = (
    "victims_by_sex_age_year",
    "victims_by_citizenship_year",
    "victims_by_exploitation_year",
    "victims_by_country_of_exploitation_year",
    "repatriations_by_country_year",
    "offenders_by_stage_sex_citizenship_year",
    "violence_by_form_bias_year",
    "smuggling_by_route_year",
    "flows_by_path_year",
    "casualties_by_route_cause_year",
    "fees_by_route_year",
    "modes_methods_year",
    "crime_links_year",
)


def figures(table: StatTable) -> dict[tuple[str, ...], Any]:
    return {key: (cell.count, cell.values) for key, cell in table.cells.items()}


class ScopeTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.everything("A-1", owner=cls.org_a)
        cls.record("A-2", persons=[cls.victim("male")], publish_in_statistics=True)

    def all_tables(self, user: Any = None, scope: Scope | None = None) -> dict[str, Any]:
        scope = scope or Scope.of(user)
        return {
            table.id: figures(table.run(StatSpec(table.id, scope, currency="USD")))
            for table in statistics.REGISTRY
        }

    def test_it_counts_the_own_organisations_incidents_in_every_table(self) -> None:
        for table_id, found in self.all_tables(self.amara).items():
            with self.subTest(table_id):
                grand = next(count for key, (count, _values) in found.items() if set(key) == {T})
                self.assertGreater(grand, 0)

    def test_it_changes_no_figure_for_another_organisations_red_incident(self) -> None:
        before = self.all_tables(self.amara)
        self.everything("B-1", owner=self.org_b, label=Label.RED, publish_in_statistics=True)
        self.assertEqual(self.all_tables(self.amara), before)

    def test_it_counts_another_organisations_green_incident(self) -> None:
        before = self.all_tables(self.amara)
        self.everything("B-1", owner=self.org_b, label=Label.GREEN)
        after = self.all_tables(self.amara)
        for table_id in STANDARD_IDS:
            with self.subTest(table_id):
                self.assertNotEqual(after[table_id], before[table_id])

    def test_it_counts_amber_incidents_only_for_partners(self) -> None:
        self.record("B-1", owner=self.org_b, label=Label.AMBER, persons=[self.victim()])
        self.assertEqual(self.table("victims_by_sex_age_year").cell(T, T, T).count, 2)
        SharingAgreement.objects.create(owner=self.org_b, partner=self.org_a)
        self.assertEqual(self.table("victims_by_sex_age_year").cell(T, T, T).count, 3)

    def test_it_counts_strictly_shared_incidents_only_for_their_named_users(self) -> None:
        self.record("A-3", label=Label.AMBER_STRICT, persons=[self.victim()])
        self.assertEqual(self.table("victims_by_sex_age_year").cell(T, T, T).count, 2)
        self.assertEqual(
            self.table("victims_by_sex_age_year", user=self.bruno).cell(T, T, T).count, 3
        )

    def test_it_counts_nothing_for_users_who_see_no_case_data(self) -> None:
        for user in (self.dana, self.eve, self.chen):
            for table_id, found in self.all_tables(user).items():
                with self.subTest(user=user.username, table=table_id):
                    self.assertEqual({key: c for key, (c, _v) in found.items() if c}, {})

    def test_it_counts_only_incidents_agreed_for_publication_in_public_statistics(self) -> None:
        public = Scope.published()
        table = self.table("victims_by_sex_age_year", scope=public)
        self.assertEqual(
            self.counts(table),
            {("male", "unknown", "2022"): 1}
            | {
                ("male", T, "2022"): 1,
                ("male", "unknown", T): 1,
                (T, "unknown", "2022"): 1,
                ("male", T, T): 1,
                (T, "unknown", T): 1,
                (T, T, "2022"): 1,
                (T, T, T): 1,
            },
        )
        self.assertIn("published statistics", " ".join(table.footnotes))

    def test_it_counts_published_incidents_of_every_organisation_whoever_asks(self) -> None:
        self.record("B-1", owner=self.org_b, publish_in_statistics=True, persons=[self.victim()])
        self.record("B-2", owner=self.org_b, persons=[self.victim()])
        public = self.all_tables(scope=Scope.published())
        self.assertEqual(public["victims_by_sex_age_year"][(T, T, T)][0], 2)
        self.org_b.is_active = False
        self.org_b.save()
        after = self.all_tables(scope=Scope.published())
        self.assertEqual(after["victims_by_sex_age_year"][(T, T, T)][0], 1)


class FilterTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        v = cls.victim
        cls.record("T-1", country="ITA", persons=[v()])
        cls.record("T-2", country="GRC", label=Label.GREEN, persons=[v(), v()])
        cls.record("T-3", country="NGA", kinds=[TIP, SOM], persons=[v()])

    def total(self, **spec: Any) -> int:
        return self.table("victims_by_sex_age_year", **spec).cell(T, T, T).count

    def test_it_filters_by_country_of_the_incident(self) -> None:
        self.assertEqual(self.total(countries=("GRC", "NGA")), 3)

    def test_it_filters_by_un_region(self) -> None:
        self.assertEqual(self.total(regions=("150",)), 3)  # Europe
        self.assertEqual(self.total(regions=("202",)), 1)  # Sub-Saharan Africa

    def test_it_filters_by_kind_and_label(self) -> None:
        self.assertEqual(self.total(kinds=(SOM,)), 1)
        self.assertEqual(self.total(labels=("green",)), 2)
        self.assertEqual(self.total(labels=("green",), countries=("ITA",)), 0)

    def test_it_names_the_filters_in_a_footnote(self) -> None:
        notes = self.table(
            "victims_by_sex_age_year",
            countries=("GRC",),
            kinds=(SOM,),
            year_from=2020,
            year_to=2022,
        ).footnotes
        self.assertIn(
            "Counted only: years 2020–2022; incidents in Greece; incidents of the kinds "
            "Smuggling of migrants.",
            notes,
        )

    def test_it_refuses_requests_it_cannot_answer(self) -> None:
        wrong: list[dict[str, Any]] = [
            {"year_from": 2024, "year_to": 2020},
            {"year_from": 20},
            {"labels": ("pink",)},
            {"kinds": ("piracy",)},
            {"countries": ("XXX",)},
            {"regions": ("999",)},
        ]
        for spec in wrong:
            with self.subTest(**spec), self.assertRaises(SpecError):
                self.total(**spec)
        with self.assertRaises(SpecError):
            statistics.run(StatSpec("victims_by_colour", Scope.of(self.amara)))


class RegistryTests(StatisticsTestCase):
    def test_it_lists_every_standard_table_under_its_stable_id(self) -> None:
        self.assertEqual(statistics.IDS, STANDARD_IDS)
        self.assertEqual(statistics.get("crime_links_year").id, "crime_links_year")
        with self.assertRaises(KeyError):
            statistics.get("nothing")

    def test_it_answers_tables_with_the_dimensions_and_measures_it_declares(self) -> None:
        for definition in statistics.REGISTRY:
            with self.subTest(definition.id):
                table = definition.run(StatSpec(definition.id, Scope.of(self.amara)))
                self.assertEqual(table.table_id, definition.id)
                self.assertEqual(tuple(d.name for d in table.dimensions), definition.dimensions)
                self.assertEqual(table.measures, definition.measures)
                self.assertTrue(table.title and table.unit and table.footnotes)
                self.assertEqual(set(table.dimensions[-1].categories), set())  # nothing yet
                self.assertTrue(
                    all(set(c.values) == set(table.measures) for c in table.cells.values())
                )

    @override_settings(WAYPOINT_STATISTICS_SUMMARY=False)
    def test_it_computes_each_table_in_one_query(self) -> None:
        """Counted from the records: one query for the table, after one that looks up the
        user's organisations for the visibility rule (with the statistics summary, see
        ``test_statistics_summary``)."""
        self.record("T-1", persons=[self.victim()])
        for definition in statistics.REGISTRY:
            spec = StatSpec(definition.id, Scope.of(self.amara), currency="USD")
            definition.run(spec)  # reference look-ups are cached after the first run
            with self.subTest(definition.id), self.assertNumQueries(2):
                definition.run(spec)
