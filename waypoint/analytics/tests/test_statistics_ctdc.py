"""On the real CTDC extract, imported with the project's importer, two standard tables equal the
same counts made independently from the raw file with the csv module."""

from __future__ import annotations

import collections
import csv
import os
import unittest
from pathlib import Path

from django.test import tag

from waypoint.analytics.tests.test_statistics_base import StatisticsTestCase, T
from waypoint.bulk.engine import run_import

#: The shared data folder beside the checkout (../shared/data), or WAYPOINT_SHARED_DATA.
SHARED = Path(
    os.environ.get("WAYPOINT_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data")
)
EXTRACT = SHARED / "ctdc" / "ctdc_global_2020-04-14_7col_subset_geocoded.csv"
#: The codebook's gender values; the extract holds only the first two.
GENDERS = {"female": "female", "male": "male", "woman": "female", "man": "male"}
#: The codebook's exploitation flags in this extract, and the forms they stand for.
FLAGS = {"isSexualExploit": "sexual_exploitation", "isForcedLabour": "forced_labour"}


def raised(flag: str) -> bool:
    """A CTDC flag is set when it reads 1 (the 2020 extract writes floats: ``1.0``)."""
    try:
        return float(flag) == 1
    except ValueError:
        return False


def raw_counts() -> tuple[
    collections.Counter[tuple[str, str]], collections.Counter[tuple[str, str]]
]:
    """Victims by (sex, year) and by (form of exploitation, year), straight from the file: one
    row is one victim, registered in ``yearOfRegistration``; a victim with no flag set has an
    unknown form."""
    by_sex: collections.Counter[tuple[str, str]] = collections.Counter()
    by_form: collections.Counter[tuple[str, str]] = collections.Counter()
    with EXTRACT.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            year = row["yearOfRegistration"].strip()
            sex = GENDERS.get(row["gender"].strip().lower(), "unknown")
            by_sex[sex, year] += 1
            forms = [form for flag, form in FLAGS.items() if raised(row[flag])]
            for form in forms or ["unknown"]:
                by_form[form, year] += 1
    return by_sex, by_form


@tag("slow")
@unittest.skipUnless(EXTRACT.is_file(), f"the shared CTDC data is not here ({EXTRACT})")
class CtdcTests(StatisticsTestCase):
    by_sex: collections.Counter[tuple[str, str]]
    by_form: collections.Counter[tuple[str, str]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        report = run_import(actor=cls.bruno, organisation=cls.org_a, path=EXTRACT)
        assert report.written and report.rejected == 0, report.as_dict()
        cls.by_sex, cls.by_form = raw_counts()

    def test_it_counts_victims_by_sex_and_year_as_the_raw_file_does(self) -> None:
        table = self.table("victims_by_sex_age_year")
        found = {
            (sex, year): cell.count
            for (sex, age, year), cell in table.cells.items()
            if age == T and T not in (sex, year) and cell.count
        }
        self.assertEqual(found, dict(self.by_sex))
        self.assertEqual(table.cell(T, T, T).count, sum(self.by_sex.values()))

    def test_it_counts_victims_by_form_of_exploitation_and_year_as_the_raw_file_does(
        self,
    ) -> None:
        table = self.table("victims_by_exploitation_year")
        self.assertEqual(self.inner(table), dict(self.by_form))
        per_year = collections.Counter(year for (_sex, year) in self.by_sex.elements())
        totals = {year: table.cell(T, year).count for year in per_year}
        self.assertEqual(totals, dict(per_year))
