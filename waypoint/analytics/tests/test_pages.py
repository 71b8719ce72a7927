"""The statistics pages: the list of standard tables, one table with its filters, its protected
figures, its chart and its downloads."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from typing import Any

from django.contrib.auth.models import User
from django.test import override_settings

from waypoint.analytics import statistics
from waypoint.analytics.statistics import summary
from waypoint.analytics.views import Grid, Row
from waypoint.cases.models import Person
from waypoint.test import BaseTestCase
from waypoint.web.tests.helpers import inline_code, unlabelled_fields

SMUGGLING = ["smuggling_of_migrants"]
TRAFFICKING = ["trafficking_in_persons"]
VIOLENCE = ["violence_against_migrants"]
LINKS = "/statistics/crime_links_year/"


def on(year: int) -> dict[str, Any]:
    return {"date_start": datetime.date(year, 6, 1), "date_precision": "month"}


class StatisticsPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Org A in 2024: seven smuggling incidents of 10 migrants, two of trafficking and two of
        # violence (too few to show); in 2023 six smuggling incidents.
        for number in range(7):
            cls.incident(
                cls.org_a, f"A-S{number}", kinds=SMUGGLING, migrants_involved=10, **on(2024)
            )
        for number in range(2):
            victim = cls.incident(cls.org_a, f"A-T{number}", kinds=TRAFFICKING, **on(2024))
            Person.objects.create(incident=victim, role="victim", sex="female")
            cls.incident(cls.org_a, f"A-V{number}", kinds=VIOLENCE, **on(2024))
        for number in range(6):
            cls.incident(cls.org_a, f"A-P{number}", kinds=SMUGGLING, **on(2023))
        # Org B: ten RED incidents of 2022 whose owner agreed to their publication.
        for number in range(10):
            cls.incident(
                cls.org_b, f"B-{number}", kinds=SMUGGLING, publish_in_statistics=True, **on(2022)
            )

    def page(self, path: str, user: User | None = None) -> Any:
        self.client.force_login(user or self.amara)
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return response

    def grid(self, path: str, user: User | None = None) -> Grid:
        grid: Grid = self.page(path, user).context["grid"]
        return grid

    @staticmethod
    def row(grid: Grid, *headers: str) -> Row:
        return next(row for row in grid.rows if tuple(h.text for h in row.headers) == headers)

    @staticmethod
    def figures(row: Row) -> list[str]:
        return ["suppressed" if figure.suppressed else figure.text for figure in row.figures]


class IndexTests(StatisticsPageTestCase):
    def test_it_asks_a_signed_out_visitor_to_sign_in(self) -> None:
        response = self.client.get("/statistics/")
        self.assertRedirects(response, "/login/?next=/statistics/")

    def test_it_lists_every_standard_table_with_its_description(self) -> None:
        response = self.page("/statistics/")
        for table in statistics.REGISTRY:
            self.assertContains(response, f'href="/statistics/{table.id}/"')
            self.assertContains(response, str(table.title))
        self.assertEqual(response.content.count(b"<h1"), 1)


class TablePageTests(StatisticsPageTestCase):
    def test_it_answers_not_found_for_an_unknown_table(self) -> None:
        self.client.force_login(self.amara)
        self.assertEqual(self.client.get("/statistics/no_such_table/").status_code, 404)

    def test_it_shows_the_years_across_and_the_categories_down(self) -> None:
        grid = self.grid(LINKS)
        self.assertEqual(grid.columns, ("2023", "2024", "Total"))
        self.assertEqual(grid.row_dimensions, ("kinds of crime",))
        smuggling = self.row(grid, "Smuggling of migrants")
        self.assertEqual(self.figures(smuggling), ["6", "7", "13"])

    def test_it_shows_a_suppressed_figure_as_suppressed_never_as_zero(self) -> None:
        response = self.page(LINKS)
        trafficking = self.row(response.context["grid"], "Trafficking in persons")
        self.assertEqual(self.figures(trafficking), ["0", "suppressed", "suppressed"])
        self.assertContains(response, '<td class="num suppressed">', html=False)
        self.assertContains(response, "A suppressed figure is not zero.")

    def test_it_marks_the_total_rows(self) -> None:
        total = self.grid(LINKS).rows[-1]
        self.assertTrue(total.grand_total)
        self.assertEqual(self.figures(total), ["6", "11", "17"])

    def test_it_counts_the_years_asked_for(self) -> None:
        grid = self.grid(f"{LINKS}?year_from=2024&year_to=2024")
        self.assertEqual(grid.columns, ("2024", "Total"))

    def test_it_says_why_years_that_run_backwards_cannot_be_counted(self) -> None:
        response = self.page(f"{LINKS}?year_from=2024&year_to=2020")
        self.assertContains(response, "The years run backwards")
        self.assertIsNone(response.context["protected"])

    def test_it_refuses_a_year_that_is_not_a_number_beside_its_field(self) -> None:
        response = self.page(f"{LINKS}?year_from=soon")
        self.assertTrue(response.context["form"].errors["year_from"])
        self.assertContains(response, 'aria-invalid="true"')

    def test_it_filters_by_kind(self) -> None:
        grid = self.grid(f"{LINKS}?kind=trafficking_in_persons&kind=violence_against_migrants")
        self.assertEqual(self.figures(grid.rows[-1])[-1], "suppressed")  # 4 incidents

    def test_it_counts_only_what_the_user_may_see(self) -> None:
        grid = self.grid(LINKS, self.chen)
        self.assertEqual(grid.columns, ("2022", "Total"))  # Org B's own, none of Org A's
        self.assertEqual(self.figures(grid.rows[-1]), ["10", "10"])

    def test_it_counts_published_incidents_for_published_statistics(self) -> None:
        response = self.page(f"{LINKS}?public=on")
        grid = response.context["grid"]
        self.assertEqual(grid.columns, ("2022", "Total"))  # only Org B's published incidents
        self.assertEqual(self.figures(grid.rows[-1]), ["10", "10"])
        self.assertEqual(response.context["protected"].policy.threshold, 10)

    def test_it_shows_the_measure_asked_for(self) -> None:
        path = "/statistics/smuggling_by_route_year/?year_from=2024&year_to=2024"
        self.assertEqual(self.figures(self.grid(path).rows[-1]), ["7", "7"])
        grid = self.grid(f"{path}&measure=smuggled_migrants")
        self.assertEqual(self.figures(grid.rows[-1]), ["70", "70"])

    def test_it_lays_out_a_table_of_three_dimensions_with_subtotals(self) -> None:
        grid = self.grid("/statistics/victims_by_sex_age_year/?year_from=2024&year_to=2024")
        self.assertEqual(grid.row_dimensions, ("sex", "age group"))
        self.assertTrue(any(row.totals == 1 for row in grid.rows))
        self.assertTrue(grid.rows[-1].grand_total)
        self.assertGreater(grid.empty_rows, 0)  # rows where nothing was counted are left out

    def test_it_renders_every_standard_table_accessibly(self) -> None:
        for table_id in statistics.IDS:
            html = self.page(f"/statistics/{table_id}/").content.decode()
            self.assertEqual(html.count("<h1"), 1, table_id)
            self.assertEqual(unlabelled_fields(html), [], table_id)
            self.assertEqual(inline_code(html), [], table_id)

    def test_it_shows_zeros_to_a_user_without_organisation(self) -> None:
        grid = self.grid(LINKS, self.dana)
        self.assertEqual(grid.rows, ())

    def test_it_keeps_the_number_of_queries_fixed(self) -> None:
        summary.refresh()
        self.client.force_login(self.amara)
        self.client.get(LINKS)
        # The session, the user, the device and the roles behind the navigation; then the
        # visibility rule's organisations, the organisations whose statistics summary is up to
        # date, the records seen one by one, the summary's rows, and the visibility rule's
        # organisations again for what the summary does not answer: nothing to count here.
        with self.assertNumQueries(10):
            self.client.get(LINKS)
        # New records: one query more, counting their organisation's from the records until its
        # summary is counted again.
        for number in range(10):
            self.incident(self.org_a, f"MORE-{number}", kinds=VIOLENCE, **on(2021))
        with self.assertNumQueries(11):
            self.client.get(LINKS)
        summary.refresh()
        with self.assertNumQueries(10):
            self.client.get(LINKS)


class DownloadTests(StatisticsPageTestCase):
    def test_it_downloads_the_table_as_csv_with_suppressed_figures_empty(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.get(f"{LINKS}table.csv?year_from=2024&year_to=2024")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('filename="crime_links_year.csv"', response["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        trafficking = next(
            row
            for row in rows
            if row["kinds"] == "trafficking_in_persons" and row["year"] == "2024"
        )
        self.assertEqual((trafficking["count"], trafficking["suppressed"]), ("", "true"))

    def test_it_downloads_the_table_as_xlsx(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.get(f"{LINKS}table.xlsx")
        self.assertTrue(response.content.startswith(b"PK"))
        self.assertIn("attachment", response["Content-Disposition"])

    def test_it_offers_every_download_with_the_filters_of_the_page(self) -> None:
        response = self.page(f"{LINKS}?year_from=2024")
        for name in ("table.csv", "table.xlsx", "chart.svg", "chart.png"):
            self.assertContains(response, f'href="{LINKS}{name}?year_from=2024"')

    def test_it_draws_the_chart_as_svg_and_png(self) -> None:
        self.client.force_login(self.amara)
        with (
            tempfile.TemporaryDirectory() as charts,
            override_settings(WAYPOINT_CHART_CACHE_DIR=charts),
        ):
            svg = self.client.get(f"{LINKS}chart.svg?year_from=2023&year_to=2024")
            png = self.client.get(f"{LINKS}chart.png?year_from=2023&year_to=2024")
        self.assertEqual(svg["Content-Type"], "image/svg+xml; charset=utf-8")
        self.assertIn(b"<svg", svg.content[:200])
        self.assertEqual(png["Content-Type"], "image/png")
        self.assertTrue(png.content.startswith(b"\x89PNG\r\n\x1a\n"))

    def test_it_answers_not_found_for_a_chart_or_file_of_filters_it_cannot_count(self) -> None:
        self.client.force_login(self.amara)
        for name in ("chart.svg", "table.csv"):
            response = self.client.get(f"{LINKS}{name}?year_from=2024&year_to=2020")
            self.assertEqual(response.status_code, 404, name)

    def test_it_hides_another_organisations_records_from_the_files(self) -> None:
        self.client.force_login(self.amara)
        text = self.client.get(f"{LINKS}table.csv").content.decode()
        self.assertNotIn("2022", text)  # Org B's RED incidents


EXPLORER = "/statistics/explorer/"


class ExplorerPageTests(StatisticsPageTestCase):
    def test_the_index_links_to_the_explorer(self) -> None:
        self.assertContains(self.page("/statistics/"), f'href="{EXPLORER}"')

    def test_it_first_shows_victims_by_sex_and_year(self) -> None:
        response = self.page(EXPLORER)
        self.assertEqual(response.context["protected"].table.table_id, "victims_by_sex_year")
        self.assertContains(response, "<h1>Explorer: Victims by sex, year</h1>", html=True)

    def test_it_counts_any_subject_by_the_breakdowns_asked_for(self) -> None:
        grid = self.grid(f"{EXPLORER}?subject=incidents&first=kind&second=year")
        self.assertEqual(grid.row_dimensions, ("kind of incident",))
        self.assertEqual(grid.column_dimension, "year")
        self.assertEqual(self.figures(self.row(grid, "Smuggling of migrants")), ["6", "7", "13"])
        # Two incidents of trafficking in 2024: too few to show, never a zero.
        self.assertEqual(self.figures(self.row(grid, "Trafficking in persons"))[-1], "suppressed")

    def test_each_published_figure_links_to_the_incidents_behind_it(self) -> None:
        grid = self.grid(f"{EXPLORER}?subject=incidents&first=kind&second=year&year_from=2023")
        figure = self.row(grid, "Smuggling of migrants").figures[0]
        self.assertIn("/statistics/explorer/incidents/?", figure.link)
        self.assertIn("cell=smuggling_of_migrants&cell=2023", figure.link)
        response = self.page(figure.link)
        self.assertEqual(response.context["page"].paginator.count, 6)
        self.assertContains(response, "A-P0")
        self.assertNotContains(response, "A-S0")
        suppressed = self.row(grid, "Trafficking in persons").figures[-1]
        self.assertEqual(suppressed.link, "")

    def test_it_lists_nothing_behind_a_suppressed_figure(self) -> None:
        path = (
            f"{EXPLORER}incidents/?subject=incidents&first=kind&second=year"
            "&cell=trafficking_in_persons&cell=2024"
        )
        response = self.page(path)
        self.assertTrue(response.context["cell"].suppressed)
        self.assertNotIn("rows", response.context)
        self.assertNotContains(response, "A-T0")

    def test_published_statistics_list_no_incidents(self) -> None:
        grid = self.grid(f"{EXPLORER}?subject=incidents&first=year&public=on")
        self.assertTrue(all(not f.link for row in grid.rows for f in row.figures))
        self.client.force_login(self.amara)
        path = f"{EXPLORER}incidents/?subject=incidents&first=year&public=on&cell=2022"
        self.assertEqual(self.client.get(path).status_code, 404)

    def test_it_says_why_a_question_cannot_be_answered(self) -> None:
        response = self.page(f"{EXPLORER}?subject=victims&first=stage")
        self.assertIsNone(response.context["protected"])
        self.assertContains(response, "Victims cannot be broken down by stage reached.")

    def test_it_filters_by_region(self) -> None:
        # Every incident happened in Italy (Southern Europe, M49 039).
        grid = self.grid(f"{EXPLORER}?subject=incidents&first=year&region=039")
        self.assertEqual(self.figures(self.row(grid, "Total")), ["17"])
        grid = self.grid(f"{EXPLORER}?subject=incidents&first=year&region=002")  # Africa
        self.assertEqual(grid.rows, ())

    def test_its_downloads_and_chart_hold_the_same_table(self) -> None:
        self.client.force_login(self.amara)
        query = "?subject=incidents&first=year"
        response = self.client.get(f"{EXPLORER}table.csv{query}")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="incidents_by_year.csv"'
        )
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual(
            {row["year"]: row["incidents"] for row in rows},
            {"2023": "6", "2024": "11", "total": "17"},
        )
        with (
            tempfile.TemporaryDirectory() as cache,
            override_settings(WAYPOINT_CHART_CACHE_DIR=cache),
        ):
            chart = self.client.get(f"{EXPLORER}chart.svg{query}")
        self.assertEqual(chart.status_code, 200)
        self.assertIn(b"<svg", chart.content)

    def test_every_control_has_a_label_and_no_inline_code(self) -> None:
        html = self.page(EXPLORER).content.decode()
        self.assertEqual(unlabelled_fields(html), [])
        self.assertEqual(inline_code(html), [])
