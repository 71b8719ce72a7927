"""Importing aggregate returns from files: the native layout, UNODC GLOTIP and Frontex; all of a
file or nothing, re-imports that change nothing, and rows that cannot be mapped reported."""

from __future__ import annotations

import csv
import io
import tempfile
import unittest
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
from django.core.management import call_command
from django.test import TestCase, tag

from waypoint.audit.models import AuditEvent
from waypoint.bulk.sources import SourceError
from waypoint.orgs.access import AccessDenied
from waypoint.orgs.models import Role
from waypoint.reference.models import Country
from waypoint.returns import actions, importers
from waypoint.returns.importers import names, native
from waypoint.returns.importers.engine import REPEATED, ImportOptions, ImportReport, run_import
from waypoint.returns.importers.formats import figure_value
from waypoint.returns.models import Return, ReturnValue, Status
from waypoint.test import BaseTestCase

DATA = Path(__file__).resolve().parent.parent / "data"
SHARED = Path("/work/shared/data")
GLOTIP = SHARED / "unodc-glotip" / "data_glotip.xlsx"
FRONTEX = SHARED / "frontex-ibc" / "Monthly_detections_of_IBC_FRAN_2025-06-03.xlsx"

NATIVE_HEADER = ["questionnaire", "period", "indicator", "value", "censored_below", "note", "sex"]
GLOTIP_HEADER = [
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
]
VICTIMS = "Detected trafficking victims"


def glotip_row(
    iso3: str,
    indicator: str,
    dimension: str,
    category: str,
    sex: str,
    age: str,
    year: int,
    value: str,
) -> list[Any]:
    country = {"NLD": "Netherlands (Kingdom of the)"}.get(iso3, "")
    region = "Europe" if country else None
    return [iso3, country or None, region, region, indicator, dimension, category, sex, age, year, "Counts", value, "GLOTIP"]  # fmt: skip


#: A GLOTIP extract: the data rows start on row 2 of the sheet.
GLOTIP_ROWS = [
    glotip_row("NLD", VICTIMS, "Total", "Total", "Total", "Total", 2020, "1,282"),  # row 2
    glotip_row("NLD", VICTIMS, "Total", "Total", "Female", "Total", 2020, "1,000"),
    glotip_row("NLD", VICTIMS, "Total", "Total", "Male", "Total", 2020, "280"),
    glotip_row("NLD", VICTIMS, "Total", "Total", "Other", "Total", 2020, "<5"),  # row 5
    glotip_row("NLD", VICTIMS, "by citizenship", "Nationals", "Total", "Total", 2020, "600"),
    glotip_row("NLD", VICTIMS, "by citizenship", "Romania", "Total", "Total", 2020, "679"),
    glotip_row("NLD", VICTIMS, "by citizenship", "CÃ´te d'Ivoire", "Total", "Total", 2020, "3"),
    glotip_row("CAR", VICTIMS, "Total", "Total", "Total", "Total", 2020, "55"),  # row 9
    glotip_row("NLD", VICTIMS, "by country of repatriation", "Abroad", "Total", "Total", 2020, "12"),
    glotip_row("NLD", VICTIMS, "by form of exploitation", "Sexual exploitation", "Total", "Total", 2020, "900"),
    glotip_row("NLD", VICTIMS, "by form of exploitation", "Other forms of exploitation", "Total", "Total", 2020, "63"),
    glotip_row("NLD", VICTIMS, "by form of exploitation", "Other forms of exploitation", "Total", "Total", 2020, "37"),
    glotip_row("NLD", "Persons convicted", "Total", "Total", "Male", "18 years or over", 2020, "<5"),  # row 14
    glotip_row("NLD", "Persons convicted", "by form of exploitation", "Forced labour", "Total", "Total", 2020, "6"),
    glotip_row("NLD", "Offences of trafficking in persons", "Total", "Total", "Total", "Total", 2019, "17"),
]  # fmt: skip

FRONTEX_HEADER = ["Route", "Border type or inland", "Nationality", "JAN2024", "FEB2024", "MAR2024"]
FRONTEX_ROWS = [
    ["Central Mediterranean Route", "Sea", "Tunisia", 10, 0, 5],  # row 2
    ["Eastern Mediterranean Route", "Land", "Palestine^", 3, 4, 1],
    ["Western Balkan Route", "Land", "Kosovo*", 2, 2, 2],  # row 4
    ["Arctic Route", "Sea", "Syria", 1, 1, 1],  # row 5
    ["Eastern Borders Route", "Land", "Unknown", 7, 0, 0],
    ["Black Sea Route", "Sea", "Stateless", 0, 1, 0],
]


class ImportTestCase(BaseTestCase):
    rita: Any  # a second reporting officer of Org A, who approves what Bruno submits

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rita = cls.make_user("rita", cls.org_a, Role.REPORTER)

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def csv_file(self, name: str, rows: list[list[Any]]) -> Path:
        path = self.folder / name
        with path.open("w", newline="", encoding="utf-8") as file:
            csv.writer(file).writerows(rows)
        return path

    def xlsx_file(self, name: str, sheets: dict[str, list[list[Any]]]) -> Path:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = self.folder / name
        workbook.save(path)
        return path

    def run_import(self, path: Path, **options: Any) -> ImportReport:
        return run_import(
            actor=self.bruno, organisation=self.org_a, path=path, options=ImportOptions(**options)
        )

    def value(self, period: str, indicator: str, **categories: str) -> ReturnValue:
        ret = Return.objects.filter(organisation=self.org_a, period=period).latest("version")
        return ret.values.get(indicator__code=indicator, key=ReturnValue.key_of(categories))

    def database(self) -> tuple[Any, ...]:
        """What an import could change: returns, their figures, the audit log."""
        return (
            sorted(Return.objects.values_list("period", "version", "status", "origin")),
            sorted(ReturnValue.objects.values_list("of_return__period", "key", "value")),
            AuditEvent.objects.count(),
        )


class ValueTests(unittest.TestCase):
    def test_it_reads_numbers_thousands_separators_and_censored_figures(self) -> None:
        self.assertEqual(figure_value("1,282"), (Decimal(1282), None))
        self.assertEqual(figure_value("12 400"), (Decimal(12400), None))
        self.assertEqual(figure_value(7), (Decimal(7), None))
        self.assertEqual(figure_value(2.5), (Decimal("2.5"), None))
        self.assertEqual(figure_value("<5"), (None, 5))
        self.assertEqual(figure_value(""), (None, None))

    def test_it_refuses_what_is_not_a_figure(self) -> None:
        for raw in ("abc", "1,28", "-3", "1.234", "<0", True):
            with self.subTest(raw=raw), self.assertRaises(ValueError):
                figure_value(raw)


class CountryNameTests(TestCase):
    def test_every_code_in_the_names_table_is_one_a_breakdown_takes(self) -> None:
        countries = set(Country.objects.values_list("alpha3", flat=True))
        answers = countries | {"unknown", "stateless", names.REPORTING_COUNTRY, ""}
        for name, (code, _note) in names.table().items():
            with self.subTest(name=name):
                self.assertIn(code, answers)

    def test_it_reads_kosovo_as_publishers_write_it(self) -> None:
        citizenship = names.CountryNames("citizenship")
        spellings = (
            "Kosovo",
            "Kosovo*",
            "Kosovo (under UNSC res. 1244)",
            "Kosovo under UNSCR 1244",
            "Kosovo under UNSC resolution 1244 (1999)",
            "XK",
            "Косово",
        )
        for spelling in spellings:
            with self.subTest(spelling=spelling):
                self.assertEqual(citizenship.code(spelling), "XKX")


class NativeTests(ImportTestCase):
    def test_the_template_has_every_column_of_the_layout(self) -> None:
        with (DATA / "template.csv").open(encoding="utf-8") as file:
            self.assertEqual(next(csv.reader(file)), list(native.COLUMNS))

    def test_the_guide_names_every_layout_and_column(self) -> None:
        guide = (DATA.parents[2] / "docs" / "returns-formats.md").read_text(encoding="utf-8")
        for name in (*importers.NAMES, *native.COLUMNS):
            with self.subTest(name):
                self.assertIn(f"`{name}`", guide)

    def test_it_imports_the_worked_example_and_its_returns_pass_the_checks(self) -> None:
        report = self.run_import(DATA / "example.csv")
        self.assertEqual(report.format, "native")
        self.assertEqual((report.count("created"), report.figures_written), (2, 22))
        self.assertEqual([r.findings for r in report.returns], [[], []])
        ret = Return.objects.get(period="2024")
        self.assertEqual((ret.status, ret.origin), (Status.DRAFT, "imported:example.csv"))
        female = self.value("2024", "som_smugglers_arrested", sex="female")
        self.assertEqual((female.value, female.censored_below), (None, 5))
        self.assertEqual(female.note, "published as <5")
        crossings = self.value("2024-01", "ibc_detections", citizenship="SYR", border_type="sea", route="central_mediterranean")  # fmt: skip
        self.assertEqual(crossings.value, 310)

    def test_it_names_the_file_row_and_column_of_each_problem_and_writes_nothing(self) -> None:
        path = self.csv_file(
            "returns.csv",
            [
                [*NATIVE_HEADER, "nationality"],
                ["annual", "2023", "tip_victims_detected", "12", "", "", "female", ""],
                ["annual", "2023-03", "tip_victims_detected", "abc", "", "", "femal", ""],
                ["annual", "2023", "tip_victims_detectd", "<5", "", "", "", ""],
                ["annual", "2023", "som_smugglers_arrested", "3", "5", "", "", ""],
            ],
        )
        report = self.run_import(path)
        self.assertEqual(
            [issue.as_text() for issue in report.rejected],
            [
                "returns.csv, column nationality: This is not a column of the native layout. — "
                "accepted: " + ", ".join(native.COLUMNS),
                "returns.csv, row 3, column period: The questionnaire annual is answered per "
                "year; 2023-03 is not one.",
                "returns.csv, row 3, column value: “abc” is not a figure. — accepted: a number "
                "(1282 or 1,282), <5 for a censored figure, or blank",
                "returns.csv, row 3, column sex: “femal” is not a code of sex. — accepted: "
                "female, male",
                "returns.csv, row 4, column indicator: “tip_victims_detectd” is not an "
                "indicator. — accepted: tip_victims_detected, tip_victims_repatriated, "
                "prot_victims_assisted",
                "returns.csv, row 5, column censored_below: A figure is either given or censored "
                "(“fewer than”), not both. (value “5”)",
            ],
        )
        self.assertFalse(report.written)
        self.assertFalse(Return.objects.exists())

    def test_it_refuses_a_figure_given_twice(self) -> None:
        path = self.csv_file(
            "twice.csv",
            [
                NATIVE_HEADER,
                ["annual", "2023", "tip_victims_detected", "4", "", "", "male"],
                ["annual", "2023", "tip_victims_detected", "5", "", "", "male"],
            ],
        )
        report = self.run_import(path)
        self.assertEqual(
            [(issue.row, issue.reason) for issue in report.rejected],
            [(2, "The same figure is given 2 times (rows 2, 3)."), (3, "The same figure is given 2 times (rows 2, 3).")],
        )  # fmt: skip
        self.assertFalse(Return.objects.exists())

    def test_it_reads_a_workbook_as_a_spreadsheet_keeps_it(self) -> None:
        path = self.xlsx_file(
            "returns.xlsx",
            {
                "figures": [
                    NATIVE_HEADER,
                    ["annual", 2023, "tip_victims_detected", 12, None, None, None],
                    ["annual", 2023, "tip_victims_detected", 12.0, None, None, "FEMALE"],
                ],
                "read me": [["Fill in one figure per row."]],
            },
        )
        report = self.run_import(path)
        self.assertEqual(report.rejected, [])
        self.assertIn("returns.xlsx, sheet read me: not read (no native header)", report.notices)
        self.assertEqual(self.value("2023", "tip_victims_detected", sex="female").value, 12)

    def test_a_dry_run_checks_everything_and_writes_nothing(self) -> None:
        before = self.database()
        report = self.run_import(DATA / "example.csv", dry_run=True, submit=True)
        self.assertEqual((report.count("created"), report.submitted), (2, 2))
        self.assertFalse(report.written)
        self.assertEqual(self.database(), before)

    def test_an_analyst_may_not_import(self) -> None:
        with self.assertRaises(AccessDenied):
            run_import(actor=self.amara, organisation=self.org_a, path=DATA / "example.csv")


class ReimportTests(ImportTestCase):
    def file(self, female: str) -> Path:
        return self.csv_file(
            "victims.csv",
            [
                NATIVE_HEADER,
                ["annual", "2023", "tip_victims_detected", "10", "", "", ""],
                ["annual", "2023", "tip_victims_detected", female, "", "", "female"],
                ["annual", "2023", "tip_victims_detected", "4", "", "", "male"],
            ],
        )

    def test_importing_the_same_file_again_changes_nothing(self) -> None:
        self.run_import(self.file("6"))
        before = self.database()
        report = self.run_import(self.file("6"))
        self.assertEqual((report.count("unchanged"), report.figures_written), (1, 0))
        self.assertEqual(self.database(), before)

    def test_a_changed_file_refills_a_draft(self) -> None:
        first = self.run_import(self.file("6")).returns[0]
        report = self.run_import(self.file("5"))
        self.assertEqual(report.count("replaced"), 1)
        self.assertEqual(report.returns[0].public_id, first.public_id)
        self.assertEqual(self.value("2023", "tip_victims_detected", sex="female").value, 5)
        self.assertEqual([f.finding.code for f in report.returns[0].findings], ["sum"])

    def test_a_changed_file_revises_a_submitted_return_with_its_reason(self) -> None:
        report = self.run_import(self.file("6"), submit=True)
        self.assertEqual(report.submitted, 1)
        first = Return.objects.get()
        self.assertEqual(first.status, Status.AWAITING_APPROVAL)
        actions.approve(actor=self.rita, ret=first)
        self.assertEqual(self.run_import(self.file("6")).count("unchanged"), 1)
        report = self.run_import(self.file("5"))
        self.assertEqual(report.count("revised"), 1)
        second = Return.objects.get(version=2)
        self.assertEqual(
            (second.status, second.reason, second.origin),
            (Status.DRAFT, "imported from victims.csv", "imported:victims.csv"),
        )
        self.assertEqual(first.values.get(key="sex=female").value, 6)  # kept as it was
        self.assertEqual(second.values.get(key="sex=female").value, 5)

    def test_submitting_keeps_a_return_with_errors_as_a_draft(self) -> None:
        report = self.run_import(self.file("5"), submit=True)
        self.assertEqual((report.submitted, len(report.with_errors)), (0, 1))
        self.assertEqual(Return.objects.get().status, Status.DRAFT)

    def test_a_return_awaiting_approval_with_other_figures_stops_the_import(self) -> None:
        self.run_import(self.file("6"), submit=True)
        before = self.database()
        report = self.run_import(self.file("5"))
        self.assertEqual([i.code for i in report.rejected], ["awaiting_approval"])
        self.assertFalse(report.written)
        self.assertEqual(self.database(), before)

    def test_a_failed_import_leaves_the_database_as_it_was(self) -> None:
        self.run_import(self.file("6"))
        before = self.database()
        path = self.csv_file(
            "two.csv",
            [
                NATIVE_HEADER,
                ["annual", "2023", "tip_victims_detected", "11", "", "", ""],
                ["annual", "2024", "tip_victims_detected", "12", "", "", ""],
            ],
        )
        real = actions.import_figures
        calls = []

        def failing(**arguments: Any) -> Any:
            calls.append(arguments["ret"].period)
            if len(calls) == 2:
                raise OSError("disk full")
            return real(**arguments)

        with mock.patch.object(actions, "import_figures", failing), self.assertRaises(OSError):
            self.run_import(path)
        self.assertEqual(calls, ["2023", "2024"])
        self.assertEqual(self.database(), before)


class GlotipTests(ImportTestCase):
    def glotip(self) -> Path:
        return self.xlsx_file("data_glotip.xlsx", {"data_glotip_1": [GLOTIP_HEADER, *GLOTIP_ROWS]})

    def test_it_imports_each_year_as_a_return_of_the_publisher(self) -> None:
        report = self.run_import(self.glotip())
        self.assertEqual(report.format, "glotip")
        self.assertEqual([r.label for r in report.returns], ["annual 2019", "annual 2020"])
        self.assertEqual(self.value("2020", "tip_victims_detected", country="NLD").value, 1282)
        self.assertEqual(self.value("2019", "tip_offences", country="NLD").value, 17)
        nationals = self.value("2020", "tip_victims_detected", country="NLD", citizenship="NLD")
        self.assertEqual(nationals.value, 600)
        repaired = self.value("2020", "tip_victims_detected", country="NLD", citizenship="CIV")
        self.assertEqual(repaired.value, 3)

    def test_a_censored_figure_stays_censored(self) -> None:
        self.run_import(self.glotip())
        other = self.value("2020", "tip_victims_detected", country="NLD", sex="other")
        self.assertEqual((other.value, other.censored_below), (None, 5))
        convicted = self.value(
            "2020", "tip_persons_convicted", country="NLD", sex="male", age_group="adult"
        )
        self.assertEqual((convicted.value, convicted.censored_below), (None, 5))

    def test_it_reports_each_row_it_leaves_out_and_why(self) -> None:
        report = self.run_import(self.glotip())
        self.assertEqual(report.rows_left_out, 4)
        left_out = {issue.row: (issue.column, issue.value, issue.code) for issue in report.left_out}
        self.assertEqual(
            left_out,
            {
                9: ("Iso3_code", "CAR", "regional_aggregate"),
                10: ("Category", "Abroad", "not_a_country"),
                12: ("txtVALUE", "63", "repeated_figure"),
                13: ("txtVALUE", "37", "repeated_figure"),
            },
        )
        self.assertEqual(
            report.left_out[0].as_text(),
            "data_glotip.xlsx, sheet data_glotip_1, row 9, column Iso3_code: A regional "
            "aggregate, not a country (ISO 3166-1 alpha-3 code). (value “CAR”)",
        )

    def test_it_says_where_the_publishers_figures_do_not_add_up(self) -> None:
        report = self.run_import(self.glotip())
        errors = [placed.as_text() for placed in report.returns[1].errors]
        self.assertEqual(
            errors,
            [
                "data_glotip.xlsx, sheet data_glotip_1, row 2: tip_victims_detected "
                "[country=NLD]: The figures by form of exploitation add up to 900, less than the "
                "figure they break down (1282): declare the difference as “unknown”."
            ],
        )
        self.assertEqual(Return.objects.get(period="2020").status, Status.DRAFT)

    def test_importing_it_again_changes_nothing(self) -> None:
        self.run_import(self.glotip())
        before = self.database()
        report = self.run_import(self.glotip())
        self.assertEqual(report.count("unchanged"), 2)
        self.assertEqual(self.database(), before)


class FrontexTests(ImportTestCase):
    def frontex(self, header: list[str] = FRONTEX_HEADER, rows: list[list[Any]] = FRONTEX_ROWS) -> Path:  # fmt: skip
        return self.xlsx_file(
            "ibc.xlsx",
            {"Detections_of_IBC": [header, *rows], "Notes": [["Source: FRAN data"]]},
        )

    def test_it_imports_each_month_as_a_return(self) -> None:
        report = self.run_import(self.frontex())
        self.assertEqual(report.format, "frontex")
        self.assertEqual(
            [r.label for r in report.returns],
            ["border-monthly 2024-01", "border-monthly 2024-02", "border-monthly 2024-03"],
        )
        january = Return.objects.get(period="2024-01").values.all()
        self.assertEqual(sum(v.value for v in january), 10 + 3 + 2 + 7 + 0)
        palestine = self.value(
            "2024-02", "ibc_detections", route="eastern_mediterranean", border_type="land", citizenship="PSE"
        )  # fmt: skip
        self.assertEqual(palestine.value, 4)
        self.assertEqual(
            self.value("2024-01", "ibc_detections", route="eastern_land_borders", border_type="land", citizenship="unknown").value,
            7,
        )  # fmt: skip

    def test_it_reads_kosovo_under_its_user_assigned_code(self) -> None:
        self.run_import(self.frontex())
        kosovo = self.value(
            "2024-03", "ibc_detections", route="western_balkans", border_type="land", citizenship="XKX"
        )  # fmt: skip
        self.assertEqual(kosovo.value, 2)

    def test_it_leaves_out_rows_it_cannot_map_and_says_why(self) -> None:
        report = self.run_import(self.frontex())
        self.assertEqual(
            [issue.as_text() for issue in report.left_out],
            [
                "ibc.xlsx, sheet Detections_of_IBC, row 5, column Route: “Arctic Route” is not a "
                "route Waypoint maps to the migration_route vocabulary. The row's 3 monthly "
                "figures are left out. — accepted: Central Mediterranean Route, Eastern "
                "Mediterranean Route, Western Mediterranean Route, Western African Route, "
                "Western Balkan Route, Eastern Borders Route, Circular Route from Albania to "
                "Greece, Black Sea Route, Other",
            ],
        )
        self.assertEqual((report.rows_left_out, report.figures_written), (1, 15))

    def test_it_reads_the_months_from_the_header(self) -> None:
        header = ["Nationality", "Route", "Border type or inland", "DEC2023", "Total", "APR2025"]
        rows = [["Tunisia", "Central Mediterranean Route", "Sea", 4, 9, 5]]
        report = self.run_import(self.frontex(header, rows))
        self.assertEqual([r.period for r in report.returns], ["2023-12", "2025-04"])
        self.assertIn(
            "ibc.xlsx, sheet Detections_of_IBC: columns not imported: Total", report.notices
        )

    def test_importing_it_again_changes_nothing(self) -> None:
        self.run_import(self.frontex())
        before = self.database()
        report = self.run_import(self.frontex())
        self.assertEqual(report.count("unchanged"), 3)
        self.assertEqual(self.database(), before)

    def test_a_layout_nobody_recognises_is_refused(self) -> None:
        path = self.csv_file("other.csv", [["a", "b"], ["1", "2"]])
        with self.assertRaisesMessage(SourceError, "the layout was not recognised"):
            self.run_import(path)


class CommandTests(ImportTestCase):
    def test_it_prints_the_counts_and_exits_0(self) -> None:
        out = io.StringIO()
        with self.assertRaises(SystemExit) as exited:
            call_command(
                "returns-import", str(DATA / "example.csv"), org="ORG-A", user="bruno", stdout=out
            )
        self.assertEqual(exited.exception.code, 0)
        self.assertIn(
            "22 figures in 2 returns — 2 created, 0 revised, 0 drafts replaced, 0 unchanged; "
            "22 figures written; 0 rows left out",
            out.getvalue(),
        )

    def test_it_exits_1_when_rows_are_rejected_and_2_on_a_usage_error(self) -> None:
        bad = self.csv_file("bad.csv", [NATIVE_HEADER, ["annual", "2023", "nope", "1", "", "", ""]])
        for arguments, status in (((str(bad),), 1), (("missing.csv",), 2)):
            with self.subTest(arguments), self.assertRaises(SystemExit) as exited:
                call_command("returns-import", *arguments, org="ORG-A", user="bruno", stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
            self.assertEqual(exited.exception.code, status)

    def test_it_writes_every_problem_to_the_report_file(self) -> None:
        path = self.xlsx_file("ibc.xlsx", {"Detections_of_IBC": [FRONTEX_HEADER, *FRONTEX_ROWS]})
        report = self.folder / "report.csv"
        with self.assertRaises(SystemExit):
            call_command("returns-import", str(path), org="ORG-A", user="bruno", report=report, stdout=io.StringIO())  # fmt: skip
        with report.open(encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
        self.assertEqual([(r["kind"], r["row"], r["column"]) for r in rows], [("left_out", "5", "Route")])  # fmt: skip


@tag("slow")
@unittest.skipUnless(
    GLOTIP.is_file() and FRONTEX.is_file(),
    f"the shared GLOTIP and Frontex files are not in {SHARED}",
)
class RealFilesTests(ImportTestCase):
    """The published files as they are, checked against their own cells."""

    def raw(self, path: Path, sheet: str) -> list[tuple[Any, ...]]:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        return list(workbook[sheet].iter_rows(values_only=True))

    def test_glotip_figures_are_the_files_own(self) -> None:
        report = self.run_import(GLOTIP)
        rows = self.raw(GLOTIP, "data_glotip_1")[1:]
        self.assertEqual((report.rows_read, len(report.returns)), (len(rows), 19))
        repeated = {issue.row for issue in report.left_out if issue.code in REPEATED}
        unmapped = {issue.row for issue in report.left_out} - repeated
        self.assertEqual(report.figures_read + len(unmapped), len(rows))
        self.assertEqual(report.figures_written, report.figures_read - len(repeated))
        total = next(
            r for r in rows if r[0] == "NLD" and r[4] == VICTIMS and r[5:9] == ("Total",) * 4 and r[9] == 2018
        )  # fmt: skip
        self.assertEqual(
            self.value("2018", "tip_victims_detected", country="NLD").value, int(total[11])
        )
        # Every "<5" kept is a censored figure, none became a number.
        left_out = {issue.row for issue in report.left_out}
        censored = sum(1 for number, r in enumerate(rows, start=2) if r[11] == "<5" and number not in left_out)  # fmt: skip
        self.assertEqual(ReturnValue.objects.filter(censored_below=5, value=None).count(), censored)
        self.assertEqual(
            ReturnValue.objects.exclude(censored_below=None).exclude(value=None).count(), 0
        )
        reasons = Counter(issue.code for issue in report.left_out)
        self.assertEqual(reasons["regional_aggregate"], 957)

    def test_frontex_months_add_up_to_the_files_columns(self) -> None:
        report = self.run_import(FRONTEX)
        rows = self.raw(FRONTEX, "Detections_of_IBC")
        header, rows = rows[0], rows[1:]
        self.assertEqual((report.rows_read, len(report.returns)), (len(rows), len(header) - 3))
        april = header.index("APR2025")
        left_out = {issue.row for issue in report.left_out}
        kept = [r for number, r in enumerate(rows, start=2) if number not in left_out]
        ret = Return.objects.get(period="2025-04")
        self.assertEqual(sum(v.value for v in ret.values.all()), sum(r[april] for r in kept))
        self.assertEqual(sum(r[april] for r in rows), 15133)  # the publisher's month total
        self.assertEqual(report.figures_written, len(kept) * (len(header) - 3))
        self.assertEqual(self.run_import(FRONTEX).count("unchanged"), len(report.returns))
