"""Offenders, violence, smuggling routes, casualties, fees, modes and methods, and links between
crimes, against figures counted by hand on small fixtures."""

from __future__ import annotations

from decimal import Decimal

from waypoint.analytics.statistics import SpecError
from waypoint.analytics.tests.test_statistics_base import (
    DEATH,
    SOM,
    TIP,
    VAM,
    StatisticsTestCase,
    T,
)
from waypoint.cases.models import RouteLeg


class OffendersTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        o = cls.offender
        cls.record(
            "S-1",
            kinds=[SOM],
            persons=[
                o(
                    "male",
                    citizenship="NGA",
                    others=["GHA"],
                    stages=["suspected", "prosecuted", "convicted"],
                ),
                o("female", citizenship="ITA", stages=["prosecuted"]),
                o("male", citizenship="unknown", stages=None),
            ],
        )
        cls.record(
            "T-1",
            year=2023,
            persons=[o("male", citizenship="unknown", stages=["suspected", "discontinued"])],
        )

    def test_it_counts_offenders_under_every_stage_reached(self) -> None:
        table = self.table("offenders_by_stage_sex_citizenship_year")
        self.assertFigures(
            table,
            {
                ("suspected", T, T, T): 3,
                ("arrested", T, T, T): 0,
                ("prosecuted", T, T, T): 2,
                ("convicted", T, T, T): 1,
                ("discontinued", T, T, T): 1,
                ("unknown", T, T, T): 1,
                (T, T, T, T): 4,
            },
        )
        self.assertFalse(table.additive)

    def test_it_crosses_stage_sex_citizenship_and_year_counting_each_offender_once_in_totals(
        self,
    ) -> None:
        table = self.table("offenders_by_stage_sex_citizenship_year")
        self.assertFigures(
            table,
            {
                ("convicted", "male", "NGA", "2022"): 1,
                ("convicted", "male", "GHA", "2022"): 1,
                ("convicted", "male", T, "2022"): 1,
                ("prosecuted", T, T, "2022"): 2,
                ("suspected", "male", "unknown", "2023"): 1,
                ("discontinued", "male", "unknown", T): 1,
                (T, "male", T, T): 3,
                (T, "male", "unknown", T): 2,
                (T, T, "NGA", T): 1,
                (T, T, "GHA", T): 1,
                (T, T, T, "2022"): 3,
                (T, "female", "ITA", "2022"): 1,
            },
        )
        # The convicted offender with two citizenships: 3 stages × 2 citizenships.
        self.assertEqual(table.contributions, 6)
        self.assertEqual(
            table.dimensions[0].categories,
            (
                "suspected",
                "arrested",
                "prosecuted",
                "convicted",
                "acquitted",
                "discontinued",
                "unknown",
            ),
        )


class ViolenceTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        v = cls.victim
        cls.record(
            "V-1",
            kinds=[VAM],
            bias_motivations=["racism_xenophobia", "anti_muslim"],
            persons=[
                v(violence_forms=["physical_assault", "threats"]),
                v(violence_forms=["physical_assault"]),
            ],
        )
        cls.record("V-2", kinds=[VAM], persons=[v()])
        cls.record(
            "V-3",
            kinds=[VAM],
            year=2023,
            bias_motivations=["none"],
            persons=[v(violence_forms=["robbery"])],
        )
        # Not violence against migrants, though a migrant was assaulted.
        cls.record(
            "S-1",
            kinds=[SOM],
            persons=[v(role="smuggled_migrant", violence_forms=["extortion"])],
        )

    def test_it_counts_an_incident_spanning_several_forms_and_motivations_once_in_totals(
        self,
    ) -> None:
        table = self.table("violence_by_form_bias_year")
        self.assertEqual(
            self.inner(table),
            {
                ("physical_assault", "racism_xenophobia", "2022"): 1,
                ("physical_assault", "anti_muslim", "2022"): 1,
                ("threats", "racism_xenophobia", "2022"): 1,
                ("threats", "anti_muslim", "2022"): 1,
                ("unknown", "unknown", "2022"): 1,
                ("robbery", "none", "2023"): 1,
            },
        )
        self.assertFigures(
            table,
            {
                ("physical_assault", T, "2022"): 1,
                (T, "racism_xenophobia", "2022"): 1,
                (T, T, "2022"): 2,
                ("physical_assault", T, T): 1,
                (T, "none", T): 1,
                ("extortion", T, T): 0,
                (T, T, T): 3,
            },
        )
        self.assertEqual(table.contributions, 4)


class SmugglingByRouteTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        leg, migrant = cls.leg, cls.victim
        cls.record(
            "S-1",
            kinds=[SOM],
            migrants_involved=30,
            legs=[leg(1, "NGA", "NER"), leg(2, "NER", "LBY"), leg(3, "LBY", "ITA")],
            persons=[migrant(role="smuggled_migrant"), migrant(role="smuggled_migrant")],
        )
        cls.record(
            "S-2",
            kinds=[SOM],
            migration_route="central_mediterranean",
            legs=[leg(1, "TUN", "ITA")],
            persons=[migrant(role="smuggled_migrant") for _ in range(3)],
        )
        cls.record(
            "S-3", kinds=[SOM], year=2023, migrants_involved=10, legs=[leg(1, "unknown", "GRC")]
        )
        cls.record("S-4", kinds=[SOM], year=2023)
        cls.record("T-1", kinds=[TIP], migrants_involved=5, legs=[leg(1, "NGA", "ITA")])

    def test_it_counts_incidents_and_migrants_by_named_route_or_the_ends_of_the_legs(self) -> None:
        table = self.table("smuggling_by_route_year")
        self.assertEqual(table.measures, ("incidents", "smuggled_migrants"))
        self.assertValues(
            table,
            {
                ("NGA>ITA", "2022"): {"incidents": 1, "smuggled_migrants": 30},
                ("central_mediterranean", "2022"): {"incidents": 1, "smuggled_migrants": 3},
                ("unknown>GRC", "2023"): {"incidents": 1, "smuggled_migrants": 10},
                ("unknown", "2023"): {"incidents": 1, "smuggled_migrants": 0},
                (T, "2022"): {"incidents": 2, "smuggled_migrants": 33},
                ("NGA>ITA", T): {"incidents": 1, "smuggled_migrants": 30},
                (T, T): {"incidents": 4, "smuggled_migrants": 43},
            },
        )
        self.assertEqual(table.cell(T, T).count, 4)

    def test_it_lists_named_routes_then_the_ends_of_legs_then_unknown(self) -> None:
        route = self.table("smuggling_by_route_year").dimensions[0]
        self.assertEqual(
            route.categories, ("central_mediterranean", "NGA>ITA", "unknown>GRC", "unknown")
        )
        self.assertEqual(route.label_of("NGA>ITA"), "Nigeria → Italy")
        self.assertEqual(route.label_of("central_mediterranean"), "Central Mediterranean")

    def test_it_filters_any_table_by_route(self) -> None:
        table = self.table("smuggling_by_route_year", routes=("NGA>ITA", "unknown"))
        self.assertEqual(self.inner(table), {("NGA>ITA", "2022"): 1, ("unknown", "2023"): 1})
        links = self.table("crime_links_year", routes=("NGA>ITA",))
        self.assertEqual(self.inner(links), {(SOM, "2022"): 1, (TIP, "2022"): 1})

    def test_it_refuses_a_route_written_wrong(self) -> None:
        with self.assertRaises(SpecError):
            self.table("smuggling_by_route_year", routes=("NGA-ITA>",))


class FlowsByPathTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        leg, migrant = cls.leg, cls.victim
        cls.record(
            "P-1",
            kinds=[SOM],
            migrants_involved=30,
            legs=[leg(1, "NGA", "NER"), leg(2, "NER", "LBY"), leg(3, "LBY", "ITA")],
        )
        cls.record(
            "P-2",
            kinds=[SOM, TIP],
            legs=[
                leg(1, "NGA", "NER"),
                leg(2, "NER", "NER"),
                leg(3, "NER", "LBY"),
                leg(4, "LBY", "ITA"),
            ],
            persons=[migrant(role="smuggled_migrant") for _ in range(2)],
        )
        # An unknown country inside the path is left out; at an end it stays.
        cls.record("P-3", kinds=[TIP], legs=[leg(1, "NGA", "unknown"), leg(2, "not_stated", "ITA")])
        cls.record("P-4", kinds=[SOM], year=2023, legs=[leg(1, "unknown", "GRC")])
        cls.record("P-5", kinds=[VAM], year=2023)
        cls.record("P-6", kinds=[SOM], legs=[leg(1, "NGA", "ITA")], owner=cls.org_b)

    def test_it_counts_incidents_and_migrants_by_the_countries_of_their_legs_in_order(
        self,
    ) -> None:
        table = self.table("flows_by_path_year")
        self.assertEqual(table.measures, ("incidents", "migrants"))
        self.assertValues(
            table,
            {
                ("NGA>NER>LBY>ITA", "2022"): {"incidents": 2, "migrants": 32},
                ("NGA>ITA", "2022"): {"incidents": 1, "migrants": 0},
                ("unknown>GRC", "2023"): {"incidents": 1, "migrants": 0},
                ("unknown", "2023"): {"incidents": 1, "migrants": 0},
                (T, "2022"): {"incidents": 3, "migrants": 32},
                (T, T): {"incidents": 5, "migrants": 32},
            },
        )

    def test_it_names_a_path_by_its_countries(self) -> None:
        path = self.table("flows_by_path_year").dimensions[0]
        self.assertEqual(path.categories, ("NGA>ITA", "NGA>NER>LBY>ITA", "unknown>GRC", "unknown"))
        self.assertEqual(path.label_of("NGA>NER>LBY>ITA"), "Nigeria → Niger → Libya → Italy")
        self.assertEqual(path.categories[-1], "unknown")

    def test_it_counts_only_the_paths_of_incidents_of_the_kinds_asked_for(self) -> None:
        table = self.table("flows_by_path_year", kinds=(TIP,))
        self.assertEqual(
            self.inner(table), {("NGA>NER>LBY>ITA", "2022"): 1, ("NGA>ITA", "2022"): 1}
        )

    def test_its_chart_is_a_flow_map_through_the_transit_countries(self) -> None:
        from waypoint.analytics import answers, charts
        from waypoint.analytics.disclosure import protect

        with self.settings(WAYPOINT_STATS_THRESHOLD=1):
            protected = protect(self.table("flows_by_path_year"), actor=self.amara)
        routes = charts.routes_from_table(protected, route="path")
        self.assertIn(("NGA", "NER", "LBY", "ITA"), [route.countries for route in routes])
        graph = charts.flows(routes).graph
        self.assertEqual(graph.node("NER").as_transit.known, 2)
        spec = answers.default_chart(protected)
        self.assertIn("Niger", str(spec))


class CasualtiesTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        leg = cls.leg
        cls.record(
            "D-1",
            kinds=[DEATH],
            migration_route="central_mediterranean",
            dead=3,
            missing=5,
            death_causes=["drowning"],
        )
        cls.record(
            "S-1",
            kinds=[SOM],
            legs=[leg(1, "NGA", "LBY")],
            dead=1,
            injured=2,
            death_causes=["violence", "harsh_conditions"],
        )
        cls.record("S-2", kinds=[SOM], migration_route="central_mediterranean", injured=4)
        cls.record("S-3", kinds=[SOM], migration_route="central_mediterranean", dead=0)

    def test_it_sums_the_dead_missing_and_injured_by_route_and_cause_once_in_totals(self) -> None:
        table = self.table("casualties_by_route_cause_year")
        zero = {"dead": 0, "missing": 0, "injured": 0}
        self.assertValues(
            table,
            {
                ("central_mediterranean", "drowning", "2022"): {**zero, "dead": 3, "missing": 5},
                ("central_mediterranean", "not_applicable", "2022"): {**zero, "injured": 4},
                ("central_mediterranean", T, "2022"): {"dead": 3, "missing": 5, "injured": 4},
                ("NGA>LBY", "violence", "2022"): {**zero, "dead": 1, "injured": 2},
                ("NGA>LBY", "harsh_conditions", "2022"): {**zero, "dead": 1, "injured": 2},
                ("NGA>LBY", T, "2022"): {**zero, "dead": 1, "injured": 2},
                (T, "violence", T): {**zero, "dead": 1, "injured": 2},
                (T, T, T): {"dead": 4, "missing": 5, "injured": 6},
            },
        )
        self.assertFigures(
            table,
            {
                ("central_mediterranean", T, T): 2,
                ("NGA>LBY", T, T): 1,
                ("NGA>LBY", "violence", T): 1,
                (T, T, T): 3,
            },
        )
        self.assertEqual(table.dimensions[1].label_of("not_applicable"), "not applicable")


class FeesTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def leg(
            n: int, a: str, b: str, amount: int, currency: str = "USD", basis: str = ""
        ) -> RouteLeg:
            return cls.leg(
                n, a, b, fee_amount=Decimal(amount), fee_currency=currency, fee_basis=basis
            )

        cls.record(
            "S-1",
            kinds=[SOM],
            legs=[
                leg(1, "NGA", "NER", 300, basis="per_person"),
                leg(2, "NER", "LBY", 1000),
                leg(3, "LBY", "ITA", 2000, currency="EUR"),
            ],
        )
        cls.record(
            "S-2",
            kinds=[SOM],
            legs=[
                leg(1, "NGA", "NER", 500, basis="per_group"),
                leg(2, "NER", "ITA", 700, basis="unknown"),
            ],
        )
        cls.record("S-3", kinds=[SOM], year=2023, legs=[leg(1, "AFG", "IRN", 100)])

    def test_it_gives_the_median_and_quartiles_of_fees_in_the_most_used_currency(self) -> None:
        table = self.table("fees_by_route_year")
        self.assertEqual(table.measures, ("median", "q1", "q3"))
        self.assertIn("(USD)", table.title)
        self.assertValues(
            table,
            {
                ("NGA>ITA", "2022"): {"median": 700.0, "q1": 500.0, "q3": 850.0},
                ("AFG>IRN", "2023"): {"median": 100.0, "q1": 100.0, "q3": 100.0},
                (T, T): {"median": 500.0, "q1": 250.0, "q3": 775.0},
                ("AFG>IRN", "2022"): {"median": None, "q1": None, "q3": None},
            },
        )
        self.assertFigures(table, {("NGA>ITA", "2022"): 3, (T, "2022"): 3, (T, T): 4})

    def test_it_counts_fees_in_the_currency_asked_for(self) -> None:
        table = self.table("fees_by_route_year", currency="EUR")
        self.assertEqual(self.inner(table), {("NGA>ITA", "2022"): 1})
        self.assertEqual(table.cell("NGA>ITA", "2022").values["median"], 2000.0)

    def test_it_refuses_an_unknown_currency(self) -> None:
        with self.assertRaises(SpecError):
            self.table("fees_by_route_year", currency="XXY")


class ModesMethodsTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        leg = cls.leg
        cls.record(
            "S-1",
            kinds=[SOM],
            legs=[
                leg(1, "NGA", "LBY", mode="land", methods=["concealment_in_vehicle"]),
                leg(2, "LBY", "ITA", mode="sea", methods=["sea_crossing"]),
            ],
        )
        cls.record(
            "S-2",
            kinds=[SOM],
            legs=[leg(1, "NGA", "ITA", mode="air", methods=["fraudulent_documents"])],
        )
        cls.record("S-3", kinds=[SOM])

    def test_it_counts_incidents_under_every_mode_and_method_their_legs_used(self) -> None:
        table = self.table("modes_methods_year")
        self.assertEqual(
            self.inner(table),
            {
                ("land", "concealment_in_vehicle", "2022"): 1,
                ("land", "sea_crossing", "2022"): 1,
                ("sea", "concealment_in_vehicle", "2022"): 1,
                ("sea", "sea_crossing", "2022"): 1,
                ("air", "fraudulent_documents", "2022"): 1,
                ("unknown", "unknown", "2022"): 1,
            },
        )
        self.assertFigures(
            table,
            {
                ("land", T, "2022"): 1,
                ("sea", T, T): 1,
                (T, "sea_crossing", T): 1,
                (T, "fraudulent_documents", "2022"): 1,
                (T, T, "2022"): 3,
            },
        )


class CrimeLinksTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record("L-1", kinds=[SOM])
        cls.record("L-2", kinds=[SOM, TIP])
        cls.record("L-3", kinds=[TIP, SOM])
        cls.record("L-4", kinds=[VAM], year=2023)
        cls.record("L-5", kinds=[VAM, TIP, SOM], year=2023)

    def test_it_counts_incidents_by_the_combination_of_kinds_whatever_their_order(self) -> None:
        table = self.table("crime_links_year")
        self.assertEqual(
            self.counts(table),
            {
                (SOM, "2022"): 1,
                (f"{SOM}+{TIP}", "2022"): 2,
                (VAM, "2023"): 1,
                (f"{SOM}+{TIP}+{VAM}", "2023"): 1,
                (SOM, T): 1,
                (f"{SOM}+{TIP}", T): 2,
                (VAM, T): 1,
                (f"{SOM}+{TIP}+{VAM}", T): 1,
                (T, "2022"): 3,
                (T, "2023"): 2,
                (T, T): 5,
            },
        )
        kinds = table.dimensions[0]
        self.assertEqual(len(kinds.categories), 15)
        self.assertEqual(
            kinds.label_of(f"{SOM}+{TIP}"), "Smuggling of migrants + Trafficking in persons"
        )

    def test_it_filters_by_kind(self) -> None:
        table = self.table("crime_links_year", kinds=(VAM,))
        self.assertEqual(table.cell(T, T).count, 2)
