"""The victim tables and returns, against figures counted by hand on small fixtures."""

from __future__ import annotations

import datetime

from waypoint.analytics.tests.test_statistics_base import SOM, VAM, StatisticsTestCase, T
from waypoint.cases.models import Status


class VictimsBySexAgeYearTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        v = cls.victim
        cls.record(
            "T-1",
            persons=[v("female", age=27), v("female", age=16), v("male"), cls.offender()],
        )
        cls.record("T-2", year=2023, persons=[v("female", age_group="25-34")])
        cls.record("T-3", year=None, persons=[v("male", age_group="adult")])
        # Not counted: withdrawn, found false, not trafficking, not a victim.
        withdrawn = cls.record("T-4", persons=[v("female", age=30)])
        cls.withdraw(withdrawn)
        cls.record("T-5", persons=[v("female", age=30)], verification_status="rejected")
        cls.record("V-1", kinds=[VAM], persons=[v("female", age=30)])
        cls.record("S-1", kinds=[SOM], persons=[v("female", age=30, role="smuggled_migrant")])

    def test_it_counts_victims_of_trafficking_by_sex_age_group_and_year(self) -> None:
        table = self.table("victims_by_sex_age_year")
        self.assertEqual(
            self.inner(table),
            {
                ("female", "25-34", "2022"): 1,
                ("female", "15-17", "2022"): 1,
                ("male", "unknown", "2022"): 1,
                ("female", "25-34", "2023"): 1,
                ("male", "adult", "unknown"): 1,
            },
        )

    def test_it_totals_every_line(self) -> None:
        table = self.table("victims_by_sex_age_year")
        self.assertFigures(
            table,
            {
                ("female", T, T): 3,
                ("male", T, T): 2,
                (T, "25-34", T): 2,
                (T, T, "2022"): 3,
                (T, T, "unknown"): 1,
                ("female", T, "2022"): 2,
                (T, T, T): 5,
            },
        )
        self.assertTrue(table.additive)
        self.assertEqual(table.contributions, 1)

    def test_it_shows_every_category_with_zeros_and_unknowns(self) -> None:
        table = self.table("victims_by_sex_age_year")
        sex, age, year = table.dimensions
        self.assertEqual(sex.categories, ("female", "male", "other", "unknown", "not_stated"))
        self.assertEqual(age.categories[:4], ("0-4", "5-9", "10-14", "15-17"))
        self.assertIn("unknown", age.categories)
        self.assertEqual(year.categories, ("2022", "2023", "unknown"))
        self.assertEqual(table.cell("other", "0-4", "2022").count, 0)
        self.assertEqual(len(table.cells), 6 * 15 * 4)
        self.assertEqual(sex.label_of("female"), "Female")
        self.assertEqual(year.label_of(T), "Total")

    def test_it_counts_any_year_range_and_leaves_out_undated_records(self) -> None:
        table = self.table("victims_by_sex_age_year", year_from=2022, year_to=2023)
        self.assertEqual(table.dimensions[2].categories, ("2022", "2023"))
        self.assertEqual(table.cell(T, T, T).count, 4)
        only = self.table("victims_by_sex_age_year", year_from=2023)
        self.assertEqual(only.dimensions[2].categories, ("2023",))
        self.assertEqual(only.cell(T, T, T).count, 1)
        empty = self.table("victims_by_sex_age_year", year_from=2019, year_to=2020)
        self.assertEqual(empty.dimensions[2].categories, ("2019", "2020"))
        self.assertEqual(self.counts(empty), {})

    def test_it_says_in_footnotes_what_it_counted_by_which_date_and_what_it_left_out(
        self,
    ) -> None:
        notes = " ".join(self.table("victims_by_sex_age_year").footnotes)
        self.assertIn("distinct victims of trafficking in persons", notes)
        self.assertIn("calendar year of the incident's date", notes)
        self.assertIn("without a date are counted under the year “unknown”", notes)
        self.assertIn("withdrawn", notes)
        self.assertIn("Only incidents you may see", notes)
        ranged = " ".join(self.table("victims_by_sex_age_year", year_from=2022).footnotes)
        self.assertIn("without a date are left out", ranged)
        self.assertIn("Counted only: years 2022–", ranged)


class VictimsByCitizenshipYearTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        v = cls.victim
        cls.record(
            "T-1",
            persons=[
                v(citizenship="NGA", others=["GHA", "BEN"]),
                v(citizenship="NGA"),
                v(citizenship="unknown"),
                v(citizenship="stateless"),
            ],
        )
        cls.record("T-2", year=2023, persons=[v(citizenship="GHA")])

    def test_it_counts_a_person_with_several_citizenships_under_each_and_once_in_the_total(
        self,
    ) -> None:
        table = self.table("victims_by_citizenship_year")
        self.assertEqual(
            self.counts(table),
            {
                ("NGA", "2022"): 2,
                ("GHA", "2022"): 1,
                ("BEN", "2022"): 1,
                ("unknown", "2022"): 1,
                ("stateless", "2022"): 1,
                ("GHA", "2023"): 1,
                ("NGA", T): 2,
                ("GHA", T): 2,
                ("BEN", T): 1,
                ("unknown", T): 1,
                ("stateless", T): 1,
                (T, "2022"): 4,
                (T, "2023"): 1,
                (T, T): 5,
            },
        )
        self.assertFalse(table.additive)
        self.assertEqual(table.contributions, 3)

    def test_it_lists_countries_by_name_then_the_other_answers(self) -> None:
        citizenship = self.table("victims_by_citizenship_year").dimensions[0]
        self.assertEqual(citizenship.categories, ("BEN", "GHA", "NGA", "stateless", "unknown"))
        self.assertEqual(citizenship.label_of("GHA"), "Ghana")


class VictimsByExploitationYearTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        v = cls.victim
        cls.record(
            "T-1",
            persons=[
                v(exploitation_forms=["sexual_exploitation", "forced_labour"]),
                v(exploitation_forms=["forced_labour"]),
                v(),  # nothing recorded about what happened
                v(exploitation_forms=["not_stated"]),
            ],
        )
        cls.record(
            "T-2", year=2023, persons=[v(exploitation_forms=[], country_of_exploitation="ITA")]
        )

    def test_it_counts_a_victim_of_several_forms_under_each_and_once_in_the_total(self) -> None:
        table = self.table("victims_by_exploitation_year")
        self.assertEqual(
            self.counts(table),
            {
                ("sexual_exploitation", "2022"): 1,
                ("forced_labour", "2022"): 2,
                ("unknown", "2022"): 1,
                ("not_stated", "2022"): 1,
                ("unknown", "2023"): 1,
                ("sexual_exploitation", T): 1,
                ("forced_labour", T): 2,
                ("unknown", T): 2,
                ("not_stated", T): 1,
                (T, "2022"): 4,
                (T, "2023"): 1,
                (T, T): 5,
            },
        )
        self.assertEqual(table.contributions, 2)


class VictimsByCountryOfExploitationYearTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        v = cls.victim
        cls.record(
            "T-1",
            country="GRC",
            persons=[
                v(country_of_exploitation="ITA"),
                v(country_of_exploitation="ITA"),
                v(),
                v(country_of_exploitation="GRC"),
            ],
        )

    def test_it_counts_victims_by_the_country_they_were_exploited_in(self) -> None:
        table = self.table("victims_by_country_of_exploitation_year")
        self.assertEqual(
            self.counts(table),
            {
                ("ITA", "2022"): 2,
                ("GRC", "2022"): 1,
                ("unknown", "2022"): 1,
                ("ITA", T): 2,
                ("GRC", T): 1,
                ("unknown", T): 1,
                (T, "2022"): 4,
                (T, T): 4,
            },
        )
        self.assertEqual(table.dimensions[0].categories, ("GRC", "ITA", "unknown"))


class RepatriationsByCountryYearTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        v = cls.victim
        cls.record(
            "T-1",
            persons=[
                v(
                    repatriated_from="ITA",
                    repatriated_to="NGA",
                    repatriated_on=datetime.date(2023, 3, 1),
                ),
                v(repatriated_from="ITA", repatriated_to="GHA"),
                v(),
            ],
        )
        cls.record(
            "S-1",
            kinds=[SOM],
            year=2021,
            persons=[v(role="smuggled_migrant", repatriated_from="LBY", repatriated_to="NER")],
        )
        cls.record("S-2", kinds=[SOM], year=None, persons=[v(role="smuggled_migrant")])

    def test_it_counts_returns_by_country_from_and_to_in_the_year_of_the_return(self) -> None:
        table = self.table("repatriations_by_country_year")
        self.assertEqual(
            self.inner(table),
            {("ITA", "NGA", "2023"): 1, ("ITA", "GHA", "2022"): 1, ("LBY", "NER", "2021"): 1},
        )
        self.assertFigures(
            table,
            {("ITA", T, T): 2, (T, "NER", T): 1, (T, T, "2023"): 1, (T, T, T): 3},
        )
        self.assertEqual(table.dimensions[2].categories, ("2021", "2022", "2023"))

    def test_it_picks_returns_by_the_year_of_the_return(self) -> None:
        table = self.table("repatriations_by_country_year", year_from=2023, year_to=2023)
        self.assertEqual(self.inner(table), {("ITA", "NGA", "2023"): 1})


class StatusTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record("T-1", persons=[cls.victim()], status=Status.SUBMITTED)
        cls.record("T-2", persons=[cls.victim()])

    def test_it_counts_drafts_and_submitted_incidents(self) -> None:
        self.assertEqual(self.table("victims_by_sex_age_year").cell(T, T, T).count, 2)

    def test_it_stops_counting_an_incident_once_withdrawn(self) -> None:
        from waypoint.cases.models import Incident

        self.withdraw(Incident.objects.get(reference="T-1"))
        self.assertEqual(self.table("victims_by_sex_age_year").cell(T, T, T).count, 1)
