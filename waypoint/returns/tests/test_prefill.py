"""Pre-filling a return from the organisation's own records: equal to the standard tables on
the same data, and a return that passes its checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from waypoint.analytics.statistics import Scope, StatSpec
from waypoint.analytics.statistics import run as statistics_run
from waypoint.analytics.table import TOTAL
from waypoint.analytics.tests.test_statistics_base import SOM, TIP, StatisticsTestCase
from waypoint.orgs.models import Role
from waypoint.returns import actions, prefill
from waypoint.returns.models import Indicator, Questionnaire
from waypoint.returns.periods import Period
from waypoint.returns.validation import errors


class PrefillTests(StatisticsTestCase):
    rita: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        victim, offender = cls.victim, cls.offender
        cls.record(
            "T-1",
            kinds=[TIP],
            year=2022,
            persons=[
                victim("female", age_group="18-24", exploitation_forms=["sexual_exploitation"]),
                victim(
                    "female",
                    age_group="10-14",
                    others=["GHA"],
                    exploitation_forms=["forced_labour", "forced_begging"],
                ),
                victim("male", citizenship="NER"),
                offender("male", stages=["suspected", "prosecuted", "convicted"]),
            ],
        )
        cls.record(
            "S-1",
            kinds=[SOM],
            year=2022,
            migrants_involved=30,
            migration_route="central_mediterranean",
            dead=2,
            missing=3,
            persons=[
                offender("male", stages=["suspected", "arrested"]),
                offender("female", citizenship="LBY", stages=None),
            ],
        )
        cls.record(
            "S-2",
            kinds=[SOM],
            year=2022,
            persons=[victim(role="smuggled_migrant") for _ in range(4)],
        )
        cls.record("T-2021", kinds=[TIP], year=2021, persons=[victim("female")])
        withdrawn = cls.record("T-W", kinds=[TIP], year=2022, persons=[victim("female")])
        cls.withdraw(withdrawn)
        cls.record("B-1", kinds=[TIP], year=2022, owner=cls.org_b, persons=[victim("female")])
        cls.rita = cls.make_user("rita", cls.org_a, Role.REPORTER)

    def figures(self, code: str) -> dict[str, Decimal | None]:
        entries = prefill.prefill(
            Indicator.objects.get(code=code), self.org_a, Period.parse("2022")
        )
        return {
            ";".join(f"{k}={v}" for k, v in sorted(e.categories.items())): e.value for e in entries
        }

    def test_victims_equal_the_standard_table_of_the_same_records(self) -> None:
        # Amara sees Org A's records and nothing of Org B's: the same records as the return.
        table = statistics_run(
            StatSpec("victims_by_sex_age_year", Scope.of(self.amara), year_from=2022, year_to=2022)
        )
        figures = self.figures("tip_victims_detected")
        self.assertEqual(figures[""], table.cell(TOTAL, TOTAL, "2022").count)
        for sex in ("female", "male"):
            self.assertEqual(figures[f"sex={sex}"], table.cell(sex, TOTAL, "2022").count)
        self.assertEqual(figures[""], 3)
        self.assertEqual(figures["age_group=adult"], 1)
        self.assertEqual(figures["age_group=child"], 1)
        self.assertEqual(figures["age_group=unknown"], 1)
        self.assertEqual(figures["citizenship=GHA"], 1)  # each citizenship counted
        self.assertEqual(figures["exploitation=forced_begging"], 1)

    def test_offenders_count_under_the_stage_their_record_reached(self) -> None:
        self.assertEqual(
            self.figures("som_smugglers_arrested"), {"": 1, "sex=male": 1, "citizenship=NGA": 1}
        )
        self.assertEqual(self.figures("som_smugglers_convicted"), {"": 0})
        self.assertEqual(
            self.figures("tip_persons_convicted"), {"": 1, "sex=male": 1, "citizenship=NGA": 1}
        )

    def test_sums_over_incidents_put_what_no_category_gives_under_unknown(self) -> None:
        self.assertEqual(
            self.figures("som_smuggled_migrants_detected"),
            {"": 34, "route=central_mediterranean": 30, "route=unknown": 4},
        )
        self.assertEqual(
            self.figures("som_migrant_deaths"), {"": 5, "route=central_mediterranean": 5}
        )

    def test_indicators_records_cannot_give_are_left_to_the_officer(self) -> None:
        self.assertEqual(self.figures("som_irregular_migrants_detected"), {})
        self.assertEqual(self.figures("tip_offences"), {})

    def test_a_prefilled_return_passes_its_checks_and_says_how_each_figure_was_derived(
        self,
    ) -> None:
        ret = actions.start(
            actor=self.bruno,
            organisation=self.org_a,
            questionnaire=Questionnaire.objects.get(code="annual"),
            period="2022",
        )
        found = prefill.fill(actor=self.bruno, ret=ret)
        self.assertEqual(errors(found), [])
        value = ret.values.get(indicator__code="tip_victims_detected", key="")
        self.assertEqual(value.value, 3)
        self.assertIn("Victims recorded in the organisation's incidents", value.derivation)
        actions.submit(actor=self.bruno, ret=ret)
        actions.approve(actor=self.rita, ret=ret)
