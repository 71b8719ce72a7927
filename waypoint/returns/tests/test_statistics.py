"""Regional tables over returns: one source per organisation and period, reciprocity, censored
figures withheld, and the disclosure gate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from waypoint.analytics.table import TOTAL, CellStatus
from waypoint.analytics.tests.test_statistics_base import TIP, StatisticsTestCase
from waypoint.orgs.models import Role
from waypoint.returns import actions
from waypoint.returns.actions import Entry
from waypoint.returns.models import Indicator, Questionnaire, ReportingCommunity, Return
from waypoint.returns.statistics import Source, coverage, regional_table

VICTIMS = "tip_victims_detected"


def entry(value: Any, censored_below: int | None = None, **categories: str) -> Entry:
    number = None if value is None else Decimal(value)
    return Entry(VICTIMS, categories, number, censored_below)


class RegionalTableTests(StatisticsTestCase):
    annual: Questionnaire
    indicator: Indicator
    rita: Any
    bianca: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.annual = Questionnaire.objects.get(code="annual")
        cls.indicator = Indicator.objects.get(code=VICTIMS)
        cls.rita = cls.make_user("rita", cls.org_a, Role.REPORTER)
        cls.bianca = cls.make_user("bianca", cls.org_b, Role.ORG_ADMIN)
        community = ReportingCommunity.objects.create(code="med", name="Mediterranean")
        community.members.set([cls.org_a, cls.org_b])
        # Org A records three victims of trafficking in 2022 in its own incidents.
        cls.record(
            "A-1",
            kinds=[TIP],
            year=2022,
            persons=[cls.victim("female"), cls.victim("female"), cls.victim("male")],
        )
        # Org B reports by return only: 10 victims in 2022, the female ones censored.
        cls.submit(
            cls.beatriz,
            cls.bianca,
            cls.org_b,
            "2022",
            [entry(10), entry(None, 5, sex="female"), entry(7, sex="male")],
        )

    @classmethod
    def submit(
        cls, drafter: Any, approver: Any, organisation: Any, period: str, entries: list[Entry]
    ) -> Return:
        ret = actions.start(
            actor=drafter, organisation=organisation, questionnaire=cls.annual, period=period
        )
        actions.set_figures(actor=drafter, ret=ret, entries=entries)
        actions.submit(actor=drafter, ret=ret)
        actions.approve(actor=approver, ret=ret)
        return ret

    def regional(self, user: Any = None, breakdown: str | None = None) -> Any:
        return regional_table(user or self.amara, self.annual, self.indicator, ["2022"], breakdown)

    def sources(self, user: Any = None) -> dict[str, Source]:
        return {
            c.organisation.code: c.source
            for c in coverage(user or self.amara, self.annual, ["2022"])
        }

    def test_an_organisation_that_has_not_submitted_sees_only_its_own_records(self) -> None:
        self.assertEqual(self.sources(), {"ORG-A": Source.RECORDS, "ORG-B": Source.NONE})
        self.assertEqual(self.regional().cell("2022").count, 3)
        self.assertIn("ORG-B, 2022: not reported.", self.regional().footnotes)

    def test_a_return_replaces_the_records_of_its_organisation_never_adds_to_them(self) -> None:
        self.submit(
            self.bruno,
            self.rita,
            self.org_a,
            "2022",
            [entry(5), entry(3, sex="female"), entry(2, sex="male")],
        )
        self.assertEqual(self.sources(), {"ORG-A": Source.RETURN, "ORG-B": Source.RETURN})
        table = self.regional()
        self.assertEqual(table.cell("2022").count, 15)  # 5 + 10, not 3 + 5 + 10
        self.assertIn("ORG-A, 2022: its return (version 1).", table.footnotes)

    def test_a_sum_with_a_censored_figure_is_withheld_not_shown_as_a_number(self) -> None:
        self.submit(
            self.bruno,
            self.rita,
            self.org_a,
            "2022",
            [entry(5), entry(3, sex="female"), entry(2, sex="male")],
        )
        table = self.regional(breakdown="sex")
        self.assertEqual(table.cell("female", "2022").status, CellStatus.PRIMARY)
        self.assertEqual(table.cell("male", "2022").count, 9)
        self.assertEqual(table.cell("male", "2022").status, CellStatus.PUBLISHED)
        self.assertEqual(table.cell(TOTAL, "2022").count, 15)

    def test_nobody_outside_the_community_sees_a_return(self) -> None:
        outsider = self.make_user("olga", self.make_org("ORG-C"), Role.ANALYST)
        self.assertEqual(self.sources(outsider), {"ORG-C": Source.RECORDS})

    @staticmethod
    def make_org(code: str) -> Any:
        from waypoint.orgs.models import Organisation

        return Organisation.objects.create(
            code=code, name=code, type="national_authority", country="FRA"
        )

    def test_the_table_passes_the_disclosure_gate_with_the_censored_sums_hidden(self) -> None:
        from waypoint.analytics.disclosure import protect

        self.submit(
            self.bruno,
            self.rita,
            self.org_a,
            "2022",
            [entry(5), entry(3, sex="female"), entry(2, sex="male")],
        )
        protected = protect(self.regional(breakdown="sex"), actor=self.amara)
        self.assertTrue(protected.cell("female", "2022").suppressed)
        self.assertIsNone(protected.cell("female", "2022").count)
        # The female figure would follow from the total and the others: another one goes too.
        line = [protected.cell(code, "2022") for code in ("female", "male", "unknown", TOTAL)]
        self.assertGreaterEqual(sum(cell.suppressed for cell in line), 2)


class RegionalPageTests(RegionalTableTests):
    def page(self, query: str, user: Any = None) -> Any:
        self.client.force_login(user or self.amara)
        response = self.client.get(f"/returns/regional/{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_shows_the_table_and_who_reported_how(self) -> None:
        self.submit(
            self.bruno,
            self.rita,
            self.org_a,
            "2022",
            [entry(5), entry(3, sex="female"), entry(2, sex="male")],
        )
        query = "?questionnaire=annual&indicator=tip_victims_detected&breakdown=sex&period_from=2021&period_to=2022"
        response = self.page(query)
        protected = response.context["protected"]
        self.assertTrue(protected.cell("female", "2022").suppressed)
        self.assertTrue(response.context["grid"].rows)
        self.assertContains(response, "return, version 1")
        self.assertContains(response, "not reported")  # ORG-B in 2021

    def test_it_says_what_it_cannot_answer(self) -> None:
        response = self.page(
            "?questionnaire=annual&indicator=tip_victims_detected&breakdown=border_type"
            "&period_from=2022&period_to=2022"
        )
        self.assertIsNone(response.context.get("protected"))
        self.assertContains(response, "This indicator is not broken down by border type.")
        response = self.page(
            "?questionnaire=annual&indicator=tip_victims_detected&period_from=2022-Q1&period_to=2022-Q2"
        )
        self.assertContains(response, "Give two periods of the questionnaire")

    def test_the_first_visit_asks_what_to_count(self) -> None:
        response = self.page("")
        self.assertContains(response, "Choose an indicator and the periods above.")
