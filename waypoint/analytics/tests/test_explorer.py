"""The explorer: any subject by one to three breakdowns, and the incidents behind a cell."""

from __future__ import annotations

from typing import Any

from waypoint.analytics.statistics import Scope, SpecError, StatSpec, explorer
from waypoint.analytics.statistics.explorer import BREAKDOWNS, SUBJECTS, Question
from waypoint.analytics.table import StatTable
from waypoint.analytics.tests.test_statistics_base import SOM, TIP, VAM, StatisticsTestCase, T
from waypoint.cases.models import Incident, Label
from waypoint.lib.fieldclasses import FieldClass


class ExplorerTestCase(StatisticsTestCase):
    def explore(self, subject: str, *breakdowns: str, user: Any = None, **spec: Any) -> StatTable:
        request = StatSpec("explorer", Scope.of(user or self.amara), **spec)
        return explorer.explore(request, Question(subject, breakdowns))

    def behind(self, subject: str, breakdowns: tuple[str, ...], key: tuple[str, ...]) -> list[str]:
        request = StatSpec("explorer", Scope.of(self.amara))
        keys = explorer.incidents_behind(request, Question(subject, breakdowns), key)
        references = dict(Incident.objects.filter(pk__in=keys).values_list("pk", "reference"))
        return [references[pk] for pk in keys]


class ExplorerTests(ExplorerTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        victim, offender, leg = cls.victim, cls.offender, cls.leg
        cls.record(
            "E-1",
            kinds=[TIP, SOM],
            migrants_involved=12,
            legs=[leg(1, "NGA", "NER"), leg(2, "NER", "LBY"), leg(3, "LBY", "ITA")],
            persons=[
                victim("female", exploitation_forms=["sexual_exploitation", "forced_labour"]),
                victim("male", citizenship="NER", others=["NGA"]),
                offender("male", stages=["suspected", "prosecuted", "convicted"]),
            ],
        )
        cls.record(
            "E-2",
            kinds=[VAM],
            year=2023,
            dead=2,
            legs=[leg(1, "SYR", "TUR")],
            persons=[victim("female", citizenship="SYR", violence_forms=["physical_assault"])],
        )
        cls.record("E-3", kinds=[SOM], year=2023, migrants_involved=5)
        # Another organisation's TLP:RED record: nobody in Org A may count it.
        cls.record(
            "E-4",
            kinds=[TIP],
            owner=cls.org_b,
            legs=[leg(1, "NGA", "ITA")],
            persons=[victim("female", exploitation_forms=["sexual_exploitation"])],
            migrants_involved=100,
        )

    def test_it_counts_victims_of_every_kind_by_sex_and_form_of_exploitation(self) -> None:
        table = self.explore("victims", "sex", "exploitation")
        self.assertEqual([d.name for d in table.dimensions], ["sex", "exploitation"])
        self.assertFigures(
            table,
            {
                ("female", "sexual_exploitation"): 1,
                ("female", "forced_labour"): 1,
                ("female", "unknown"): 1,  # the victim of violence, exploited in no form
                ("male", "unknown"): 1,
                ("female", T): 2,
                (T, T): 3,
            },
        )

    def test_it_counts_incidents_and_their_migrants_by_origin_transit_and_destination(
        self,
    ) -> None:
        table = self.explore("incidents", "origin", "transit", "destination")
        self.assertEqual(
            table.measures, ("incidents", "migrants", "dead", "missing", "injured", "rescued")
        )
        self.assertFigures(
            table,
            {
                ("NGA", "NER", "ITA"): 1,
                ("NGA", "LBY", "ITA"): 1,
                ("NGA", T, "ITA"): 1,  # one incident through two transit countries
                ("SYR", "direct", "TUR"): 1,
                ("unknown", "unknown", "unknown"): 1,
                (T, T, T): 3,
            },
        )
        self.assertEqual(table.cell("NGA", T, "ITA").values["migrants"], 12)
        self.assertEqual(table.cell(T, T, T).values["dead"], 2)
        self.assertEqual(table.cell(T, T, T).values["migrants"], 17)

    def test_it_counts_offenders_under_every_stage_they_reached_and_once_in_totals(self) -> None:
        table = self.explore("offenders", "stage", "citizenship")
        self.assertFigures(
            table,
            {
                ("suspected", "NGA"): 1,
                ("prosecuted", "NGA"): 1,
                ("convicted", "NGA"): 1,
                ("acquitted", "NGA"): 0,
                (T, "NGA"): 1,
                (T, T): 1,
            },
        )

    def test_it_counts_a_person_under_each_citizenship_and_once_in_totals(self) -> None:
        table = self.explore("persons", "role", "citizenship")
        self.assertFigures(
            table,
            {
                ("victim", "NGA"): 2,
                ("victim", "NER"): 1,
                ("victim", "SYR"): 1,
                ("victim", T): 3,
                ("offender", T): 1,
                (T, T): 4,
            },
        )

    def test_it_applies_the_filters_of_every_request(self) -> None:
        table = self.explore("incidents", "kind", year_from=2023, year_to=2023)
        self.assertEqual(self.inner(table), {(VAM,): 1, (SOM,): 1})
        table = self.explore("victims", "year", countries=("ITA",), kinds=(VAM,))
        self.assertEqual(self.inner(table), {("2023",): 1})

    def test_another_organisations_red_record_changes_no_figure(self) -> None:
        table = self.explore("incidents", "label", "year")
        self.assertEqual(table.cell(T, T).count, 3)
        self.assertEqual(table.cell(T, T).values["migrants"], 17)
        beatriz_sees = self.explore("incidents", "label", "year", user=self.beatriz)
        self.assertEqual(beatriz_sees.cell(Label.RED, T).count, 1)

    def test_it_refuses_questions_it_cannot_answer(self) -> None:
        for subject, breakdowns in (
            ("victims", ("stage",)),  # an offender's record
            ("incidents", ("sex",)),  # a person's
            ("nobody", ("year",)),
            ("incidents", ()),
            ("incidents", ("year", "kind", "country", "label")),
            ("incidents", ("colour",)),
        ):
            with self.subTest(subject=subject, breakdowns=breakdowns), self.assertRaises(SpecError):
                Question(subject, breakdowns)

    def test_it_lists_the_incidents_behind_a_cell_latest_first(self) -> None:
        self.assertEqual(
            self.behind("victims", ("sex", "exploitation"), ("female", "forced_labour")), ["E-1"]
        )
        self.assertEqual(
            self.behind("victims", ("sex", "exploitation"), ("female", T)), ["E-2", "E-1"]
        )
        self.assertEqual(self.behind("incidents", ("transit",), ("LBY",)), ["E-1"])
        self.assertEqual(self.behind("incidents", ("transit",), ("unknown",)), ["E-3"])
        self.assertEqual(self.behind("offenders", ("stage",), ("prosecuted",)), ["E-1"])
        self.assertEqual(self.behind("victims", ("sex",), ("male",)), ["E-1"])
        # Another organisation's red record is behind no cell.
        self.assertEqual(self.behind("incidents", ("destination",), ("ITA",)), ["E-1"])
        self.assertEqual(self.behind("incidents", ("year",), (T,)), ["E-3", "E-2", "E-1"])
        self.assertEqual(self.behind("incidents", ("year", "kind"), ("2023", T)), ["E-3", "E-2"])
        self.assertEqual(self.behind("incidents", ("year",), ("unknown",)), [])
        self.assertEqual(self.behind("incidents", ("route",), ("unknown",)), ["E-3"])

    def test_a_cell_names_one_category_per_breakdown(self) -> None:
        with self.assertRaises(SpecError):
            self.behind("incidents", ("year",), ("2022", "ITA"))


class CatalogueTests(ExplorerTestCase):
    def test_breakdowns_read_only_what_partners_see(self) -> None:
        for breakdown in BREAKDOWNS.values():
            for model, field in breakdown.reads:
                with self.subTest(breakdown=breakdown.name, field=f"{model.__name__}.{field}"):
                    field_class = model.field_classes[field]  # type: ignore[attr-defined]
                    self.assertIn(field_class, (FieldClass.PUBLIC, FieldClass.INTERNAL))

    def test_every_subject_answers_every_breakdown_it_offers(self) -> None:
        self.record(
            "C-1",
            kinds=[TIP, SOM],
            legs=[self.leg(1, "NGA", "ITA")],
            persons=[self.victim(exploitation_forms=["forced_labour"]), self.offender()],
        )
        for subject in SUBJECTS:
            for breakdown in explorer.applicable(subject):
                with self.subTest(subject=subject, breakdown=breakdown.name):
                    breakdowns = tuple(dict.fromkeys((breakdown.name, "year")))
                    table = self.explore(subject, *breakdowns)
                    self.assertGreater(table.cell(*(T for _ in breakdowns)).count, 0)
                    self.assertTrue(table.footnotes)
