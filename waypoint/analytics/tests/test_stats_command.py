"""``waypoint stats``: the standard tables as a user may see them, protected, in every format."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from waypoint.analytics import statistics
from waypoint.analytics.models import PrivacySpend
from waypoint.analytics.tests.test_statistics_base import SOM, StatisticsTestCase
from waypoint.cases.models import Label


class StatsCommandTests(StatisticsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Org A: 6 female victims in 2021, 2 male victims in 2022 (a cell below the threshold).
        for number in range(6):
            cls.record(f"A-F{number}", year=2021, persons=[cls.victim("female")])
        cls.record("A-M", year=2022, persons=[cls.victim("male"), cls.victim("male")])
        # Org B: a RED incident Amara may not see, with 7 victims.
        cls.record("B-RED", year=2021, owner=cls.org_b, persons=[cls.victim("female")] * 7)

    def stats(self, *args: str) -> str:
        out = io.StringIO()
        call_command("stats", *args, stdout=out)
        return out.getvalue()

    def rows(self, *args: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.stats(*args))))

    def by_sex_year(self, rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
        return {(r["sex"], r["year"]): r for r in rows if r["age_group"] == "total"}

    def test_it_lists_every_standard_table_without_a_table_id(self) -> None:
        listed = [line.split("\t")[0] for line in self.stats("--user", "amara").splitlines()]
        self.assertEqual(listed, list(statistics.IDS))

    def test_it_writes_one_column_per_dimension_then_count_and_suppressed(self) -> None:
        text = self.stats("victims_by_sex_age_year", "--user", "amara")
        self.assertEqual(text.splitlines()[0], "sex,age_group,year,count,suppressed")

    def test_it_counts_only_what_the_user_may_see(self) -> None:
        figures = self.by_sex_year(self.rows("victims_by_sex_age_year", "--user", "amara"))
        # Org A's 8 victims; not Org B's 7 in an incident labelled RED.
        self.assertEqual(figures[("total", "total")]["count"], "8")

    def test_it_suppresses_a_small_cell_as_empty_never_as_zero(self) -> None:
        figures = self.by_sex_year(self.rows("victims_by_sex_age_year", "--user", "amara"))
        male = figures[("male", "2022")]
        self.assertEqual((male["count"], male["suppressed"]), ("", "true"))
        zero = figures[("male", "2021")]
        self.assertEqual((zero["count"], zero["suppressed"]), ("0", "false"))

    def test_it_answers_any_year_range(self) -> None:
        rows = self.rows("victims_by_sex_age_year", "--user", "amara", "--from", "2022")
        self.assertEqual({r["year"] for r in rows}, {"2022", "total"})

    def test_public_statistics_count_only_incidents_published_by_their_owners(self) -> None:
        self.record(
            "A-PUB",
            kinds=(SOM,),
            year=2023,
            label=Label.GREEN,
            publish_in_statistics=True,
            persons=[self.victim("male", role="smuggled_migrant")],
        )
        rows = self.rows("crime_links_year", "--user", "amara", "--public")
        counted = {(r["kinds"], r["year"]): r["count"] for r in rows if r["count"]}
        # One published incident: below the public threshold, so its cells are suppressed.
        self.assertEqual(counted.get(("total", "total")), None)
        self.assertEqual(
            {r["suppressed"] for r in rows if r["kinds"] == "total" and r["year"] == "total"},
            {"true"},
        )
        internal = self.rows("crime_links_year", "--user", "amara")
        total = next(r for r in internal if r["kinds"] == "total" and r["year"] == "total")
        self.assertEqual(total["count"], "8")

    def test_it_writes_json_markdown_and_a_workbook_with_the_footnotes(self) -> None:
        document = json.loads(
            self.stats("victims_by_sex_age_year", "--user", "amara", "--format", "json")
        )
        self.assertEqual(document["table"], "victims_by_sex_age_year")
        self.assertEqual(document["protection"]["method"], "suppression")
        self.assertTrue(document["footnotes"])
        markdown = self.stats("victims_by_sex_age_year", "--user", "amara", "--format", "md")
        self.assertIn("| Total |", markdown.replace("| Total | Total |", "| Total |"))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "table.xlsx"
            self.stats(
                "victims_by_sex_age_year", "--user", "amara", "--format", "xlsx", "--out", str(path)
            )
            book = load_workbook(path, read_only=True)
            notes = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
        self.assertEqual(notes, document["footnotes"])

    def test_it_draws_the_table_it_writes(self) -> None:
        with (
            tempfile.TemporaryDirectory() as folder,
            self.settings(WAYPOINT_CHART_CACHE_DIR=Path(folder) / "cache"),
        ):
            path = Path(folder) / "chart.svg"
            self.stats("victims_by_sex_age_year", "--user", "amara", "--chart", str(path))
            svg = path.read_text(encoding="utf-8")
        self.assertTrue(svg.lstrip().startswith("<svg"))
        self.assertIn("Victims of trafficking in persons by sex, age group and year", svg)

    def test_a_public_release_with_differential_privacy_spends_its_budget(self) -> None:
        args = ["crime_links_year", "--user", "amara", "--public", "--dataset", "open-data"]
        rows = self.rows(*args, "--epsilon", "0.4")
        self.assertIn("margin", rows[0])
        self.assertEqual(PrivacySpend.objects.filter(dataset="open-data").count(), 1)
        with self.assertRaisesMessage(CommandError, "open-data"):
            self.stats(*args, "--epsilon", "0.7")

    def test_it_refuses_unknown_tables_backward_years_and_loose_thresholds(self) -> None:
        cases: list[tuple[list[str], str]] = [
            (["no_such_table"], "unknown table"),
            (["victims_by_sex_age_year", "--from", "2023", "--to", "2021"], "backwards"),
            (["victims_by_sex_age_year", "--threshold", "1"], "below the configured minimum"),
            (["victims_by_sex_age_year", "--epsilon", "1", "--dataset", "x"], "--public"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.stats(*args, "--user", "amara")

    def test_only_a_platform_administrator_may_see_unprotected_figures(self) -> None:
        with self.assertRaisesMessage(CommandError, ""):
            self.stats("victims_by_sex_age_year", "--user", "amara", "--unprotected")
        rows = self.rows("victims_by_sex_age_year", "--user", "eve", "--unprotected")
        self.assertFalse(any(r["suppressed"] == "true" for r in rows))

    def test_it_asks_the_explorer_for_any_breakdown(self) -> None:
        from waypoint.analytics import answers
        from waypoint.analytics.statistics import Scope, StatSpec, explorer

        asked = ("--subject", "victims", "--by", "sex", "--by", "year")
        text = self.stats("explorer", "--user", "amara", *asked)
        self.assertEqual(text.splitlines()[0], "sex,year,count,suppressed")
        question = explorer.Question("victims", ("sex", "year"))
        spec = StatSpec(question.table_id, Scope.of(self.amara))
        self.assertEqual(
            text, answers.as_csv(answers.answer(spec, actor=self.amara, question=question))
        )
        self.assertEqual(explorer.explore(spec, question).cell("female", "2021").count, 6)
        figures = {(r["sex"], r["year"]): r for r in csv.DictReader(io.StringIO(text))}
        self.assertEqual(figures[("male", "2022")]["suppressed"], "true")

    def test_it_refuses_an_explorer_question_it_cannot_answer(self) -> None:
        with self.assertRaisesMessage(CommandError, "Victims cannot be broken down by stage"):
            self.stats("explorer", "--user", "amara", "--subject", "victims", "--by", "stage")
        with self.assertRaisesMessage(CommandError, "--by is for the explorer"):
            self.stats("victims_by_sex_age_year", "--user", "amara", "--by", "sex")
