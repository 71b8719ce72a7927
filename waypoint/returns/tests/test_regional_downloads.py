"""The regional table as CSV, XLSX, a chart and through the API: the page's table, from the same
query, through the same disclosure gate; reciprocity decides every figure in it."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

from waypoint.api.actions import create_token
from waypoint.api.tests.base import ApiTestCase
from waypoint.orgs.models import Organisation, Role
from waypoint.returns import actions
from waypoint.returns.tests.test_pages import VICTIMS, ReturnsPageTestCase, entry

TOTAL_2023 = "?questionnaire=annual&indicator=tip_victims_detected&period_from=2023&period_to=2023"
BY_SEX = (
    "?questionnaire=annual&indicator=tip_victims_detected&breakdown=sex"
    "&period_from=2022&period_to=2023"
)


class RegionalDownloadTestCase(ApiTestCase, ReturnsPageTestCase):
    """Org B has submitted 41 victims for 2023 (female ones censored) and has a draft for 2024
    with 19; Org A (which records no incidents) has not submitted anything yet; Org C, outside
    the community, submitted 2023 too."""

    cyril: Any
    cora: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cyril = cls.make_user("cyril", cls.org_c, Role.REPORTER)
        cls.cora = cls.make_user("cora", cls.org_c, Role.ORG_ADMIN)
        cls.tokens["carla"] = create_token(actor=cls.carla, name="tests")[1]

    def setUp(self) -> None:
        super().setUp()
        figures = [
            entry(VICTIMS, 41),
            entry(VICTIMS, None, censored_below=5, sex="female"),
            entry(VICTIMS, 37, sex="male"),
        ]
        self.theirs = self.submitted("2023", figures, organisation=self.org_b)
        self.drafted("2024", self.org_b, [entry(VICTIMS, 19)])
        self.submitted("2023", [entry(VICTIMS, 53)], organisation=self.org_c)

    def pair(self, organisation: Organisation) -> tuple[Any, Any]:
        if organisation == self.org_c:
            return self.cyril, self.cora
        return super().pair(organisation)

    def get(self, user: Any, url: str) -> Any:
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def csv_total(self, user: Any, query: str = TOTAL_2023) -> dict[str, str]:
        response = self.get(user, "/returns/regional/table.csv" + query)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        return next(row for row in rows if row["period"] == "2023")

    def open_2023(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 6)])


class DownloadTests(RegionalDownloadTestCase):
    def test_the_csv_and_xlsx_hold_partners_figures_only_after_submitting(self) -> None:
        self.assertEqual(self.csv_total(self.amara)["count"], "0")
        xlsx = self.get(self.amara, "/returns/regional/table.xlsx" + TOTAL_2023)
        self.assertNotIn(41, [row.get("count") for row in self.workbook(xlsx)])
        self.open_2023()
        self.assertEqual(self.csv_total(self.amara)["count"], "47")  # 41 + 6, never Org C's
        xlsx = self.get(self.amara, "/returns/regional/table.xlsx" + TOTAL_2023)
        self.assertIn(47, [row.get("count") for row in self.workbook(xlsx)])

    def test_drafts_of_others_and_organisations_outside_never_count(self) -> None:
        self.submitted("2024", [entry(VICTIMS, 6)])
        query = TOTAL_2023.replace("2023", "2024")
        response = self.get(self.amara, "/returns/regional/table.csv" + query)
        self.assertNotIn("25", response.content.decode())  # 6 + Org B's draft of 19
        self.assertEqual(self.csv_total(self.carla)["count"], "53")  # Org C's own only
        self.open_2023()
        self.assertEqual(self.csv_total(self.carla)["count"], "53")

    def test_a_censored_sum_is_suppressed_not_zero(self) -> None:
        self.open_2023()
        response = self.get(self.amara, "/returns/regional/table.csv" + BY_SEX)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        female = next(r for r in rows if r["sex"] == "female" and r["period"] == "2023")
        self.assertEqual((female["count"], female["suppressed"]), ("", "true"))

    def test_the_chart_draws_partners_figures_only_after_submitting(self) -> None:
        before = self.get(self.amara, "/returns/regional/chart.svg" + TOTAL_2023)
        self.assertEqual(before["Content-Type"], "image/svg+xml; charset=utf-8")
        self.assertNotIn(">41<", before.content.decode())
        self.open_2023()
        after = self.get(self.amara, "/returns/regional/chart.svg" + TOTAL_2023).content.decode()
        self.assertIn(">47<", after)
        png = self.get(self.amara, "/returns/regional/chart.png" + TOTAL_2023)
        self.assertTrue(png.content.startswith(b"\x89PNG"))

    def test_the_chart_shows_suppressed_figures_as_hatched_not_as_zero(self) -> None:
        self.open_2023()
        svg = self.get(self.amara, "/returns/regional/chart.svg" + BY_SEX).content.decode()
        self.assertIn("waypoint-suppressed", svg)
        self.assertIn("suppressed", svg.lower())

    def test_a_query_the_page_cannot_answer_answers_404(self) -> None:
        self.client.force_login(self.amara)
        for url in (
            "/returns/regional/table.csv",
            "/returns/regional/chart.svg" + TOTAL_2023.replace("annual", "nothing"),
            "/returns/regional/table.xlsx" + TOTAL_2023.replace("2023&", "2023-Q1&"),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_the_page_links_to_its_downloads_and_chart(self) -> None:
        response = self.get(self.amara, "/returns/regional/" + TOTAL_2023)
        self.assertWellFormed(response)
        query = TOTAL_2023[1:].replace("&", "&amp;")
        for path in ("table.csv", "table.xlsx", "chart.svg", "chart.png"):
            self.assertContains(response, f"/returns/regional/{path}?{query}")

    @staticmethod
    def workbook(response: Any) -> list[dict[str, Any]]:
        """The table's rows, read back with openpyxl (its first row is the title, then the
        header)."""
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        return [dict(zip(rows[1], row, strict=False)) for row in rows[2:]]


class RegionalApiTests(RegionalDownloadTestCase):
    def regional(self, user: Any, query: str = TOTAL_2023) -> Any:
        return self.api("GET", "/returns/regional" + query, as_user=user)

    @staticmethod
    def covered(code: str, source: str) -> dict[str, Any]:
        return {
            "organisation": code,
            "period": "2023",
            "source": source,
            "version": None,
            "return_id": None,
        }

    def total(self, answer: dict[str, Any]) -> Any:
        return next(row for row in answer["rows"] if row["period"] == "2023")["count"]

    def test_it_answers_the_table_and_who_reported_how(self) -> None:
        response = self.regional(self.amara)
        self.assertEqual(response.status_code, 200, response.content)
        answer = response.json()
        self.assertEqual(self.total(answer), 0)
        self.assertEqual(
            answer["coverage"], [self.covered("ORG-A", "records"), self.covered("ORG-B", "none")]
        )
        self.assertEqual((answer["questionnaire"], answer["indicator"]), ("annual", VICTIMS))
        self.open_2023()
        answer = self.regional(self.amara).json()
        self.assertEqual(self.total(answer), 47)
        coverage = {item["organisation"]: item for item in answer["coverage"]}
        self.assertEqual(coverage["ORG-B"]["source"], "return")
        self.assertEqual(coverage["ORG-B"]["return_id"], str(self.theirs.public_id))
        self.assertEqual(coverage["ORG-B"]["version"], 1)

    def test_it_suppresses_censored_sums_and_answers_files(self) -> None:
        self.open_2023()
        answer = self.regional(self.amara, BY_SEX).json()
        female = next(r for r in answer["rows"] if r["sex"] == "female" and r["period"] == "2023")
        self.assertEqual((female["count"], female["suppressed"]), (None, True))
        response = self.regional(self.amara, BY_SEX + "&format=csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("sex,period,count,suppressed", response.content.decode())
        response = self.regional(self.amara, BY_SEX + "&format=xlsx")
        self.assertTrue(response.content.startswith(b"PK"))

    def test_an_outsider_and_a_partner_that_has_not_submitted_read_nothing_of_it(self) -> None:
        answer = self.regional(self.carla).json()
        self.assertEqual(self.total(answer), 53)
        self.assertEqual([c["organisation"] for c in answer["coverage"]], ["ORG-C"])
        draft_year = self.regional(self.chen, TOTAL_2023.replace("2023", "2024")).json()
        self.assertEqual(draft_year["coverage"][1]["source"], "records")  # Org B's own draft
        self.submitted("2024", [entry(VICTIMS, 6)])
        answer = self.regional(self.amara, TOTAL_2023.replace("2023", "2024")).json()
        self.assertEqual(
            {c["organisation"]: c["source"] for c in answer["coverage"]},
            {"ORG-A": "return", "ORG-B": "none"},
        )

    def test_it_names_what_it_cannot_answer(self) -> None:
        error = self.assertError(
            self.regional(self.amara, TOTAL_2023 + "&breakdown=border_type"), 422, "invalid"
        )
        self.assertEqual(error["message"], "This indicator is not broken down by border type.")
        error = self.assertError(
            self.regional(self.amara, TOTAL_2023.replace("annual", "nothing")), 422, "invalid"
        )
        self.assertEqual(error["details"][0]["path"], "questionnaire")
        self.assertEqual(self.api("GET", "/returns/regional" + TOTAL_2023).status_code, 401)

    def test_drafts_and_pending_returns_of_others_never_count(self) -> None:
        pending = self.drafted("2022", self.org_b, [entry(VICTIMS, 23)])
        actions.submit(actor=self.basil, ret=pending)
        self.submitted("2022", [entry(VICTIMS, 6)])
        answer = self.regional(self.amara, TOTAL_2023.replace("2023", "2022")).json()
        self.assertEqual(next(r for r in answer["rows"] if r["period"] == "2022")["count"], 6)
