"""/api/v1/stats: the standard tables over what the token's user may see, through the
disclosure gate, as ``waypoint stats`` gives them."""

from __future__ import annotations

import contextlib
import io
import json
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from waypoint.analytics import answers, statistics
from waypoint.analytics.models import PrivacyBudget, PrivacySpend
from waypoint.analytics.statistics import Scope, StatSpec
from waypoint.analytics.tests.test_statistics_base import SOM, TIP, StatisticsTestCase
from waypoint.api.tests.base import ApiTestCase
from waypoint.cases.models import Label
from waypoint.orgs.models import Membership

TABLE = "victims_by_sex_age_year"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatsApiTests(ApiTestCase, StatisticsTestCase):
    """Org A records 6 victims in Greece in 2022 (AMBER, not for publication) and 11 in Italy in
    2023 (RED, for publication); Org B records 12 male victims in Italy in 2022 (RED, for
    publication), which nobody in Org A sees."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record(
            "A-1",
            year=2022,
            country="GRC",
            label=Label.AMBER,
            persons=[cls.victim("female") for _ in range(6)],
        )
        cls.record(
            "A-2",
            year=2023,
            publish_in_statistics=True,
            persons=[cls.victim("female") for _ in range(11)],
        )
        cls.record(
            "B-1",
            year=2022,
            owner=cls.org_b,
            publish_in_statistics=True,
            persons=[cls.victim("male") for _ in range(12)],
        )

    def stats(self, path: str = "", user: Any = None) -> Any:
        return self.api("GET", f"/stats{path}", as_user=user or self.amara)

    def fetch(self, query: str = "", user: Any = None, table: str = TABLE) -> dict[str, Any]:
        response = self.stats(f"/{table}?{query}", user)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()  # type: ignore[no-any-return]

    @staticmethod
    def row(body: dict[str, Any], **key: str) -> dict[str, Any]:
        """The row of the cell named by its categories, ``total`` for the others."""
        names = [dimension["name"] for dimension in body["dimensions"]]
        wanted = {name: key.get(name, "total") for name in names}
        return next(row for row in body["rows"] if all(row[n] == wanted[n] for n in names))

    def total(self, body: dict[str, Any], **key: str) -> int | None:
        return self.row(body, **key)["count"]  # type: ignore[no-any-return]

    # Listing --------------------------------------------------------------------------------

    def test_it_lists_the_standard_tables(self) -> None:
        response = self.stats()
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["count"], len(statistics.REGISTRY))
        self.assertEqual([item["id"] for item in body["items"]], list(statistics.IDS))
        first = body["items"][0]
        self.assertEqual(
            first,
            {
                "id": TABLE,
                "title": "Victims of trafficking in persons by sex, age group and year",
                "description": str(statistics.get(TABLE).description),
                "unit": "victims",
                "dimensions": ["sex", "age_group", "year"],
                "measures": ["count"],
            },
        )

    def test_it_lists_the_tables_a_page_at_a_time(self) -> None:
        body = self.stats("?limit=2&offset=10").json()
        self.assertEqual(body["count"], len(statistics.REGISTRY))
        self.assertEqual([item["id"] for item in body["items"]], list(statistics.IDS[10:12]))

    def test_it_lists_the_tables_without_reading_case_data(self) -> None:
        self.stats()  # the token's last use is written once a minute
        with self.assertNumQueries(2):  # the token and the membership check
            self.stats()

    # Figures --------------------------------------------------------------------------------

    def test_it_answers_the_figures_the_command_line_gives_the_same_user(self) -> None:
        for table_id in statistics.IDS:
            with self.subTest(table_id):
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    call_command("stats", table_id, user="amara", format="json")
                self.assertEqual(self.fetch(table=table_id), json.loads(out.getvalue()))

    def test_it_answers_what_the_disclosure_gate_gives_for_the_request(self) -> None:
        spec = StatSpec(TABLE, Scope.of(self.amara), year_from=2022, kinds=(TIP,))
        expected = answers.as_json(answers.answer(spec, actor=self.amara))
        self.assertEqual(self.fetch("year_from=2022&kind=trafficking_in_persons"), expected)

    def test_it_computes_a_table_in_a_number_of_queries_that_does_not_grow_with_the_records(
        self,
    ) -> None:
        def queries() -> int:
            self.fetch()  # warm the reference caches
            with CaptureQueriesContext(connection) as counted:
                self.fetch()
            return len(counted.captured_queries)

        before = queries()
        for number in range(10):
            self.record(f"A-N{number}", year=2020 + number % 4, persons=[self.victim("male")])
        self.assertEqual(queries(), before)

    def test_it_counts_only_what_the_user_may_see(self) -> None:
        amara = self.fetch()
        self.assertEqual(self.total(amara), 17)
        self.assertEqual(self.total(amara, sex="female"), 17)
        self.assertEqual(self.total(amara, sex="male"), 0)  # Org B's RED incident
        chen = self.fetch(user=self.chen)
        self.assertEqual(self.total(chen), 12)
        self.assertEqual(self.total(chen, sex="female"), 0)
        self.assertIn("Only incidents you may see are counted.", amara["footnotes"])

    def test_it_counts_only_incidents_agreed_for_publication_in_public_statistics(self) -> None:
        public = self.fetch("public=true")
        self.assertEqual(self.total(public), 23)
        self.assertEqual(self.total(public, sex="female"), 11)
        self.assertEqual(self.total(public, sex="male"), 12)
        self.assertEqual(public["protection"]["threshold"], 10)
        self.assertTrue(public["protection"]["public"])
        self.assertEqual(public, self.fetch("public=true", user=self.chen))

    def test_it_shows_a_suppressed_figure_as_null_never_as_zero(self) -> None:
        body = self.fetch("threshold=7")
        self.assertEqual(body["protection"]["method"], "suppression")
        self.assertEqual(body["protection"]["threshold"], 7)
        hidden = self.row(body, sex="female", age_group="unknown", year="2022")
        self.assertIsNone(hidden["count"])
        self.assertTrue(hidden["suppressed"])
        self.assertGreaterEqual(body["protection"]["suppressed_cells"], 2)
        shown = self.row(body, sex="male", age_group="unknown", year="2022")
        self.assertEqual((shown["count"], shown["suppressed"]), (0, False))
        for row in body["rows"]:
            self.assertEqual(row["count"] is None, row["suppressed"], row)

    def test_it_suppresses_small_cells_with_the_public_threshold(self) -> None:
        body = self.fetch("public=true&threshold=12")
        self.assertIsNone(self.total(body, sex="female"))
        self.assertTrue(self.row(body, sex="female")["suppressed"])

    def test_it_counts_the_years_asked_for(self) -> None:
        body = self.fetch("year_from=2023&year_to=2023")
        years = next(d for d in body["dimensions"] if d["name"] == "year")
        self.assertEqual([c["code"] for c in years["categories"]], ["2023"])
        self.assertEqual(self.total(body), 11)
        self.assertEqual(self.total(self.fetch("year_to=2022")), 6)

    def test_it_filters_by_country_region_kind_and_label(self) -> None:
        self.assertEqual(self.total(self.fetch("country=grc")), 6)
        self.assertEqual(self.total(self.fetch("country=GRC&country=ITA")), 17)
        self.assertEqual(self.total(self.fetch("region=150")), 17)
        self.assertEqual(self.total(self.fetch("region=002")), 0)
        self.assertEqual(self.total(self.fetch(f"kind={SOM}")), 0)
        self.assertEqual(self.total(self.fetch("label=amber")), 6)
        self.assertEqual(self.total(self.fetch("label=red&label=amber")), 17)

    def test_it_filters_by_route(self) -> None:
        for number in range(5):
            self.record(
                f"A-S{number}",
                kinds=[SOM],
                legs=[self.leg(1, "LBY", "ITA", mode="sea")],
                migrants_involved=30,
            )
        self.record("A-S9", kinds=[SOM], legs=[self.leg(1, "TUN", "ITA", mode="sea")])
        body = self.fetch("route=LBY>ITA", table="smuggling_by_route_year")
        self.assertEqual(self.total(body), 5)
        self.assertEqual(self.row(body)["smuggled_migrants"], 150)
        routes = [category["code"] for category in body["dimensions"][0]["categories"]]
        self.assertEqual((routes[0], "TUN>ITA" in routes), ("LBY>ITA", False))
        self.assertEqual(self.total(self.fetch(table="smuggling_by_route_year")), 6)
        empty = self.fetch("route=central_mediterranean", table="smuggling_by_route_year")
        self.assertEqual(self.total(empty), 0)

    # Files ----------------------------------------------------------------------------------

    def test_it_downloads_a_table_as_csv(self) -> None:
        response = self.stats(f"/{TABLE}?format=csv&threshold=7")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{TABLE}.csv"')
        spec = StatSpec(TABLE, Scope.of(self.amara))
        expected = answers.as_csv(answers.answer(spec, actor=self.amara, threshold=7))
        self.assertEqual(response.content.decode("utf-8"), expected)
        lines = response.content.decode("utf-8").splitlines()
        self.assertEqual(lines[0], "sex,age_group,year,count,suppressed")
        self.assertIn("female,unknown,2022,,true", lines)

    def test_it_downloads_a_table_as_a_workbook(self) -> None:
        response = self.stats(f"/{TABLE}?format=xlsx&public=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{TABLE}.xlsx"')
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Victims of trafficking in persons by sex, age group and year")
        self.assertEqual(rows[-1][:4], ("Total", "Total", "Total", 23))

    # Differential privacy -------------------------------------------------------------------

    def test_it_releases_a_public_table_with_differential_privacy_from_a_budget(self) -> None:
        PrivacyBudget.objects.create(dataset="national-2025", epsilon=Decimal("1"))
        query = "public=true&epsilon=0.6&dataset=national-2025"
        body = self.fetch(query)
        protection = body["protection"]
        self.assertEqual(protection["method"], "differential_privacy")
        self.assertEqual((protection["dataset"], protection["epsilon"]), ("national-2025", 0.6))
        self.assertTrue(all(row["margin"] is not None for row in body["rows"]))
        spend = PrivacySpend.objects.get()
        self.assertEqual((spend.dataset, spend.table_id), ("national-2025", TABLE))
        self.assertEqual((spend.epsilon, spend.actor), (Decimal("0.6"), self.amara))

        error = self.assertError(self.stats(f"/{TABLE}?{query}"), 409, "budget_exceeded")
        self.assertIn("ε = 0.4 left", error["message"])
        self.assertEqual(PrivacySpend.objects.count(), 1)

    def test_it_refuses_a_release_from_a_dataset_without_a_budget(self) -> None:
        response = self.stats(f"/{TABLE}?public=true&epsilon=0.1&dataset=made-up")
        error = self.assertError(response, 422, "invalid")
        self.assertEqual(error["details"][0]["path"], "dataset")
        self.assertEqual(error["details"][0]["code"], "unknown_dataset")
        self.assertFalse(PrivacySpend.objects.exists())
        self.assertFalse(PrivacyBudget.objects.exists())

    def test_it_refuses_differential_privacy_outside_a_public_release(self) -> None:
        PrivacyBudget.objects.create(dataset="national-2025")
        cases = {
            "epsilon=0.1&dataset=national-2025": "public",
            "public=true&epsilon=0.1": "dataset",
            "public=true&dataset=national-2025": "epsilon",
            "public=true&epsilon=0.1&dataset=national-2025&threshold=20": "threshold",
        }
        for query, path in cases.items():
            with self.subTest(query):
                error = self.assertError(self.stats(f"/{TABLE}?{query}"), 422, "invalid")
                self.assertEqual(error["details"][0]["path"], path)
        self.assertFalse(PrivacySpend.objects.exists())

    def test_it_refuses_differential_privacy_for_a_table_of_medians(self) -> None:
        PrivacyBudget.objects.create(dataset="national-2025")
        query = "public=true&epsilon=0.1&dataset=national-2025"
        error = self.assertError(self.stats(f"/fees_by_route_year?{query}"), 422, "invalid")
        self.assertIn("small-cell suppression", error["message"])
        self.assertFalse(PrivacySpend.objects.exists())

    # Errors ---------------------------------------------------------------------------------

    def test_it_answers_an_unknown_table_as_missing(self) -> None:
        self.assertError(self.stats("/victims_by_planet"), 404, "not_found")

    def test_it_refuses_a_threshold_below_the_configured_one(self) -> None:
        error = self.assertError(self.stats(f"/{TABLE}?threshold=2"), 422, "invalid")
        self.assertEqual(error["details"][0]["path"], "threshold")
        self.assertIn("below the configured minimum of 5", error["message"])
        self.assertError(self.stats(f"/{TABLE}?public=true&threshold=7"), 422, "invalid")

    def test_it_refuses_requests_it_cannot_answer_with_a_clear_message(self) -> None:
        cases = {
            "year_from=2024&year_to=2020": "The years run backwards: from 2024 to 2020.",
            "country=XXA": "Unknown country or region: XXA.",
            "region=999": "Unknown country or region: 999.",
            "kind=piracy": "Unknown incident kind: piracy.",
            "currency=ZZZ": "Unknown currency: ZZZ.",
        }
        for query, message in cases.items():
            with self.subTest(query):
                table = "fees_by_route_year" if "currency" in query else TABLE
                error = self.assertError(self.stats(f"/{table}?{query}"), 422, "invalid")
                self.assertEqual(error["message"], message)

    def test_it_refuses_values_of_the_wrong_shape(self) -> None:
        cases = {
            "year_from=1800": "year_from",
            "year_to=2101": "year_to",
            "country=Italy": "country[1]",
            "label=secret": "label[1]",
            "route=LBY-ITA": "route[1]",
            "format=pdf": "format",
            "epsilon=0": "epsilon",
            "threshold=0": "threshold",
        }
        for query, path in cases.items():
            with self.subTest(query):
                error = self.assertError(self.stats(f"/{TABLE}?{query}"), 422, "invalid")
                # A list's item is named with the parameter model's prefix (query.country[1]).
                self.assertTrue(error["details"][0]["path"].endswith(path), error)

    # The explorer ----------------------------------------------------------------------------

    def test_it_counts_any_subject_by_the_breakdowns_asked_for(self) -> None:
        body = self.fetch("subject=victims&by=country&by=year&threshold=6", table="explorer")
        self.assertEqual(body["table"], "victims_by_country_year")
        self.assertEqual([d["name"] for d in body["dimensions"]], ["country", "year"])
        self.assertEqual(self.total(body, country="GRC", year="2022"), 6)
        self.assertEqual(self.total(body, country="ITA", year="2023"), 11)
        self.assertEqual(self.total(body), 17)  # Org B's red victims are not counted

    def test_it_answers_the_explorer_as_a_file(self) -> None:
        response = self.stats("/explorer?subject=incidents&by=year&format=csv")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="incidents_by_year.csv"'
        )
        lines = response.content.decode("utf-8").splitlines()
        self.assertEqual(
            lines[0], "year,count,incidents,migrants,dead,missing,injured,rescued,suppressed"
        )

    def test_it_refuses_a_breakdown_the_subject_does_not_have(self) -> None:
        error = self.assertError(self.stats("/explorer?subject=incidents&by=sex"), 422, "invalid")
        self.assertEqual(error["message"], "Incidents cannot be broken down by sex.")
        error = self.assertError(self.stats("/explorer?subject=victims"), 422, "invalid")

    def test_it_answers_no_statistics_to_a_user_whose_last_membership_ended(self) -> None:
        # Without an organisation a user holds no working token (and would see no records).
        Membership.objects.filter(user=self.chen).delete()
        response = self.stats(f"/{TABLE}", user=self.chen)
        self.assertError(response, 401, "not_authenticated")

    def test_it_asks_for_a_token(self) -> None:
        self.assertError(self.api("GET", "/stats"), 401, "not_authenticated")
        self.assertError(self.api("GET", f"/stats/{TABLE}"), 401, "not_authenticated")
