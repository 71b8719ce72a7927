from __future__ import annotations

import collections
import csv
import datetime
import os
import tempfile
import unittest
from pathlib import Path
from typing import Any

import openpyxl

from waypoint.bulk.formats import ReadContext
from waypoint.bulk.importers import ctdc
from waypoint.bulk.mapping import SourceRecord
from waypoint.bulk.sources import open_tables
from waypoint.cases.validation import validate
from waypoint.test import BaseTestCase

#: The shared data folder beside the checkout (../shared/data), or WAYPOINT_SHARED_DATA.
SHARED = Path(
    os.environ.get("WAYPOINT_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data")
)
DATA = SHARED / "ctdc"
EXTRACT = DATA / "ctdc_global_2020-04-14_7col_subset_geocoded.csv"

#: The 63 columns of the April 2020 release, in its order.
FULL_RELEASE = [
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus",
    "majorityStatusAtExploit", "majorityEntry", "citizenship", "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings", "meansOfControlRestrictsFinancialAccess", "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse", "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises", "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement", "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours", "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement", "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments", "meansOfControlOther", "meansOfControlNotSpecified",
    "meansOfControlConcatenated", "isForcedLabour", "isSexualExploit", "isOtherExploit",
    "isSexAndLabour", "isForcedMarriage", "isForcedMilitary", "isOrganRemoval",
    "isSlaveryAndPractices", "typeOfExploitConcatenated", "typeOfLabourAgriculture",
    "typeOfLabourAquafarming", "typeOfLabourBegging", "typeOfLabourConstruction",
    "typeOfLabourDomesticWork", "typeOfLabourHospitality", "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing", "typeOfLabourMiningOrDrilling", "typeOfLabourPeddling",
    "typeOfLabourTransportation", "typeOfLabourOther", "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated", "typeOfSexProstitution", "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices", "typeOfSexPrivateSexualServices",
    "typeOfSexConcatenated", "isAbduction", "RecruiterRelationship", "CountryOfExploitation",
    "recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
    "recruiterRelationOther", "recruiterRelationUnknown",
]  # fmt: skip
SYNTHETIC_2024 = [
    "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
    "traffickMonths", "meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex",
    "meansFalsePromises", "meansDrugsAlcohol", "meansDenyBasicNeeds", "meansExcessiveWorkHours",
    "meansWithholdDocs", "isForcedLabour", "isSexualExploit", "isOtherExploit",
    "typeOfLabourAgriculture", "typeOfLabourConstruction", "typeOfLabourDomesticWork",
    "typeOfLabourHospitality", "typeOfSexProstitution", "typeOfSexPornography",
    "recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
    "recruiterRelationOther",
]  # fmt: skip
EXTRACT_COLUMNS = [
    "yearOfRegistration", "gender", "ageBroad", "citizenship", "isForcedLabour",
    "isSexualExploit", "CountryOfExploitation", "nacionalidade_lat", "nacionalidade_long",
    "nacionalidade", "pais_exploracao_lat", "pais_exploracao_long", "pais_exploracao",
    "nacionalidade_alpha3", "pais_exploracao_alpha3",
]  # fmt: skip


def full_row(**values: Any) -> dict[str, Any]:
    """A row of the full release with every flag missing (-99), then ``values``."""
    row: dict[str, Any] = dict.fromkeys(FULL_RELEASE, "-99")
    row.update(
        yearOfRegistration="2016",
        Datasource="Case management",
        gender="Female",
        ageBroad="18--20",
        majorityStatus="Adult",
        citizenship="UA",
        CountryOfExploitation="RU",
        meansOfControlConcatenated="",
        typeOfExploitConcatenated="",
        typeOfLabourConcatenated="",
        typeOfSexConcatenated="",
        RecruiterRelationship="-99",
    )
    row.update(values)
    return row


class CtdcTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, columns: list[str], rows: list[dict[str, Any]], name: str = "ctdc.csv") -> Path:
        path = self.folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        return path

    def read(self, path: Path) -> tuple[list[SourceRecord], ReadContext]:
        context = ReadContext()
        return list(ctdc.FORMAT.read(open_tables(path), context)), context

    def read_one(self, **values: Any) -> SourceRecord:
        records, _context = self.read(self.write(FULL_RELEASE, [full_row(**values)]))
        self.assertEqual(len(records), 1)
        return records[0]

    def valid(self, record: SourceRecord) -> SourceRecord:
        self.assertEqual(record.issues, [])
        assert record.draft is not None
        self.assertEqual(validate(record.draft), [])
        return record


class RecognitionTests(CtdcTestCase):
    def test_it_recognises_the_full_release_the_synthetic_dataset_and_extracts(self) -> None:
        for columns in (FULL_RELEASE, SYNTHETIC_2024, EXTRACT_COLUMNS):
            with self.subTest(columns=len(columns)):
                tables = open_tables(self.write(columns, []))
                self.assertEqual(ctdc.recognise(tables), 1.0)

    def test_it_does_not_recognise_other_layouts(self) -> None:
        others = (
            ["Main ID", "Incident ID", "Number Dead", "Minimum Estimated Number of Missing"],
            ["reference", "kinds", "date_start", "person_citizenship", "person_sex"],
            ["gender", "citizenship", "year"],
        )
        for columns in others:
            with self.subTest(columns=columns):
                self.assertLess(ctdc.recognise(open_tables(self.write(columns, []))), 0.5)


class MappingTests(CtdcTestCase):
    def test_it_reads_a_victim_of_the_full_release(self) -> None:
        record = self.valid(
            self.read_one(
                isForcedLabour="1",
                isSexualExploit="0",
                typeOfLabourConstruction="1",
                typeOfLabourAgriculture="0",
                meansOfControlDebtBondage="1",
                meansOfControlWithholdsDocuments="1",
                meansOfControlThreats="0",
                recruiterRelationFriend="1",
                isAbduction="1",
            )
        )
        assert record.draft is not None
        incident = record.draft.incident
        person = record.draft.persons[0].person
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(incident.kinds, ["trafficking_in_persons"])
        self.assertEqual(incident.offence_codes, ["02042"])
        self.assertEqual(
            (incident.date_start, incident.date_precision), (datetime.date(2016, 1, 1), "year")
        )
        self.assertEqual(incident.country, "RUS")
        self.assertEqual(
            (incident.source_type, incident.verification_status), ("victim", "reported")
        )
        self.assertEqual((person.role, person.sex, person.age_group), ("victim", "female", "18-24"))
        self.assertEqual(person.citizenship, "UKR")
        self.assertEqual(victimisation.country_of_exploitation, "RUS")
        self.assertEqual(victimisation.exploitation_forms, ["forced_labour"])
        self.assertEqual(victimisation.labour_sectors, ["F"])
        self.assertEqual(victimisation.means_of_control, ["debt_bondage", "withholds_documents"])
        self.assertEqual(victimisation.perpetrator_relation, "friend")
        self.assertEqual(victimisation.violence_forms, ["kidnapping"])
        self.assertEqual(victimisation.sexual_exploitation_types, [])
        self.assertEqual(victimisation.trafficking_identification, "identified")
        self.assertIn("CTDC", str(incident.sources))

    def test_it_reads_every_form_of_exploitation_and_its_iccs_code(self) -> None:
        cases = {
            "isSexualExploit": (["sexual_exploitation"], ["02041"]),
            "isOtherExploit": (["other"], ["02044"]),
            "isSexAndLabour": (["sexual_exploitation", "forced_labour"], ["02041", "02042"]),
            "isForcedMarriage": (["forced_marriage"], ["02044"]),
            "isForcedMilitary": (["forced_military"], ["02044"]),
            "isOrganRemoval": (["organ_removal"], ["02043"]),
            "isSlaveryAndPractices": (["slavery_and_practices"], ["02044"]),
        }
        for column, (forms, codes) in cases.items():
            with self.subTest(column=column):
                record = self.valid(self.read_one(**{column: "1"}))
                assert record.draft is not None
                victimisation = record.draft.persons[0].victimisation
                assert victimisation is not None
                self.assertEqual(victimisation.exploitation_forms, forms)
                self.assertEqual(record.draft.incident.offence_codes, codes)

    def test_it_reads_labour_types_as_isic_sections_or_forms(self) -> None:
        sections = {
            "typeOfLabourAgriculture": "A",
            "typeOfLabourAquafarming": "A",
            "typeOfLabourMiningOrDrilling": "B",
            "typeOfLabourManufacturing": "C",
            "typeOfLabourConstruction": "F",
            "typeOfLabourPeddling": "G",
            "typeOfLabourTransportation": "H",
            "typeOfLabourHospitality": "I",
            "typeOfLabourDomesticWork": "T",
        }
        for column, section in sections.items():
            with self.subTest(column=column):
                record = self.valid(self.read_one(isForcedLabour="1", **{column: "1"}))
                assert record.draft is not None
                victimisation = record.draft.persons[0].victimisation
                assert victimisation is not None
                self.assertEqual(victimisation.labour_sectors, [section])
        record = self.valid(
            self.read_one(
                isForcedLabour="1", typeOfLabourBegging="1", typeOfLabourIllicitActivities="1"
            )
        )
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(
            victimisation.exploitation_forms,
            ["forced_labour", "forced_begging", "forced_criminality"],
        )
        self.assertEqual(victimisation.labour_sectors, ["unknown"])

    def test_it_reads_labour_not_specified_as_not_stated_and_other_as_nothing(self) -> None:
        for column, expected in (
            ("typeOfLabourNotSpecified", ["not_stated"]),
            ("typeOfLabourOther", []),
        ):
            with self.subTest(column=column):
                record = self.valid(self.read_one(isForcedLabour="1", **{column: "1"}))
                assert record.draft is not None
                victimisation = record.draft.persons[0].victimisation
                assert victimisation is not None
                self.assertEqual(victimisation.labour_sectors, expected)

    def test_it_reads_every_means_of_control(self) -> None:
        columns = {column: "1" for column in FULL_RELEASE if column in ctdc_written_means()}
        record = self.valid(self.read_one(**columns))
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(len(victimisation.means_of_control), 17)
        self.assertIn("uses_children", victimisation.means_of_control)
        self.assertIn("other", victimisation.means_of_control)

    def test_it_reads_means_not_specified_as_not_stated(self) -> None:
        record = self.valid(
            self.read_one(meansOfControlNotSpecified="1", meansOfControlThreats="0")
        )
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(victimisation.means_of_control, ["not_stated"])

    def test_it_reads_types_of_sexual_exploitation(self) -> None:
        record = self.valid(
            self.read_one(
                isSexualExploit="1",
                typeOfSexProstitution="1",
                typeOfSexPornography="1",
                typeOfSexRemoteInteractiveServices="1",
                typeOfSexPrivateSexualServices="0",
            )
        )
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(
            victimisation.sexual_exploitation_types,
            ["prostitution", "pornography", "remote_interactive_services"],
        )

    def test_it_keeps_the_closest_recruiter_relation(self) -> None:
        cases: tuple[tuple[dict[str, str], str], ...] = (
            ({"recruiterRelationFriend": "1", "recruiterRelationFamily": "1"}, "family"),
            (
                {"recruiterRelationIntimatePartner": "1", "recruiterRelationOther": "1"},
                "intimate_partner",
            ),
            ({"recruiterRelationOther": "1"}, "other"),
            ({"recruiterRelationUnknown": "1"}, "not_stated"),
            ({"RecruiterRelationship": "Friend/Acquaintance; Other"}, "friend"),
            ({"RecruiterRelationship": "Not Specified"}, "not_stated"),
            ({}, "unknown"),
        )
        for values, expected in cases:
            with self.subTest(values=values):
                record = self.valid(self.read_one(**values))
                assert record.draft is not None
                victimisation = record.draft.persons[0].victimisation
                assert victimisation is not None
                self.assertEqual(victimisation.perpetrator_relation, expected)

    def test_it_reads_a_hotline_report_as_a_presumed_unverified_victim(self) -> None:
        record = self.valid(
            self.read_one(Datasource="Hotline", citizenship="US", CountryOfExploitation="US")
        )
        assert record.draft is not None
        incident = record.draft.incident
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual((incident.source_type, incident.detection_context), ("hotline", "hotline"))
        self.assertEqual(incident.verification_status, "unverified")
        self.assertEqual(victimisation.trafficking_identification, "presumed")

    def test_it_reads_age_bands_into_the_narrowest_age_group(self) -> None:
        bands = {
            "0--8": "child",
            "9--17": "child",
            "18--20": "18-24",
            "21--23": "18-24",
            "24--26": "adult",
            "27--29": "25-34",
            "30--38": "adult",
            "39--47": "adult",
            "48+": "adult",
            "0—8": "child",
            "18–20": "18-24",
            "12--14": "10-14",
            "15--17": "15-17",
            "66+": "65+",
        }
        for band, group in bands.items():
            with self.subTest(band=band):
                record = self.valid(self.read_one(ageBroad=band))
                assert record.draft is not None
                self.assertEqual(record.draft.persons[0].person.age_group, group)

    def test_it_falls_back_to_the_majority_status(self) -> None:
        for status, group in (
            ("Minor", "child"),
            ("Adult", "adult"),
            ("Unknown", "unknown"),
            ("-99", "unknown"),
        ):
            with self.subTest(status=status):
                record = self.valid(self.read_one(ageBroad="-99", majorityStatus=status))
                assert record.draft is not None
                self.assertEqual(record.draft.persons[0].person.age_group, group)

    def test_it_reads_gender_in_every_vintage(self) -> None:
        genders = {
            "Female": "female",
            "Male": "male",
            "Woman": "female",
            "Man": "male",
            "Transgender/NonConforming": "other",
            "Trans/Transgender/NonConforming": "other",
            "Unknown": "unknown",
            "-99": "unknown",
            "NULL": "unknown",
        }
        for written, sex in genders.items():
            with self.subTest(gender=written):
                record = self.valid(self.read_one(gender=written))
                assert record.draft is not None
                self.assertEqual(record.draft.persons[0].person.sex, sex)

    def test_it_reads_country_codes_and_unknown_countries(self) -> None:
        codes = {
            "UA": "UKR",
            "UKR": "UKR",
            "NA": "NAM",
            "00": "unknown",
            "0": "unknown",
            "ZZ": "unknown",
            "-99": "unknown",
            "": "unknown",
        }
        for written, expected in codes.items():
            with self.subTest(citizenship=written):
                record = self.valid(
                    self.read_one(citizenship=written, CountryOfExploitation=written)
                )
                assert record.draft is not None
                self.assertEqual(record.draft.persons[0].person.citizenship, expected)
                self.assertEqual(record.draft.incident.country, expected)

    def test_it_reads_missing_flags_as_unknown_answers(self) -> None:
        record = self.valid(self.read_one())
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(victimisation.exploitation_forms, ["unknown"])
        self.assertEqual(victimisation.means_of_control, ["unknown"])
        self.assertEqual(victimisation.labour_sectors, [])
        self.assertEqual(victimisation.perpetrator_relation, "unknown")
        self.assertEqual(victimisation.violence_forms, [])
        self.assertEqual(record.draft.incident.offence_codes, ["0204"])

    def test_it_reads_the_7_column_extract_with_float_flags(self) -> None:
        row = dict.fromkeys(EXTRACT_COLUMNS, "")
        row.update(
            yearOfRegistration="2002",
            gender="Female",
            ageBroad="18--20",
            citizenship="CO",
            isForcedLabour="0.0",
            isSexualExploit="1.0",
            nacionalidade="Colômbia",
        )
        records, context = self.read(self.write(EXTRACT_COLUMNS, [row]))
        record = self.valid(records[0])
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(victimisation.exploitation_forms, ["sexual_exploitation"])
        self.assertEqual(victimisation.sexual_exploitation_types, [])
        self.assertEqual(victimisation.means_of_control, [])
        self.assertEqual(record.draft.incident.country, "unknown")
        self.assertTrue(
            any(
                "derived columns not imported" in notice and "nacionalidade" in notice
                for notice in context.notices
            )
        )

    def test_it_reads_the_synthetic_2024_layout(self) -> None:
        row = dict.fromkeys(SYNTHETIC_2024, "NULL")
        row.update(
            yearOfRegistration="2021",
            gender="Man",
            ageBroad="30—38",
            citizenship="PHL",
            CountryOfExploitation="MYS",
            traffickMonths="0—12 (0-1 yr)",
            meansDebtBondageEarnings="1",
            meansFalsePromises="1",
            meansDrugsAlcohol="1",
            isForcedLabour="1",
            typeOfLabourDomesticWork="1",
            recruiterRelationFamily="1",
        )
        records, context = self.read(self.write(SYNTHETIC_2024, [row]))
        record = self.valid(records[0])
        assert record.draft is not None
        person = record.draft.persons[0].person
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(
            (person.sex, person.age_group, person.citizenship), ("male", "adult", "PHL")
        )
        self.assertEqual(
            victimisation.means_of_control, ["false_promises", "psychoactive_substances"]
        )
        self.assertEqual(victimisation.labour_sectors, ["T"])
        self.assertEqual(victimisation.perpetrator_relation, "family")
        self.assertTrue(
            any("meansDebtBondageEarnings not imported" in notice for notice in context.notices)
        )
        self.assertTrue(any("traffickMonths not imported" in notice for notice in context.notices))

    def test_it_reads_a_workbook(self) -> None:
        path = self.folder / "ctdc.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(EXTRACT_COLUMNS[:7])
        sheet.append([2017, "Male", "9--17", "KH", 1.0, 0.0, "TH"])
        sheet.append([2017, "Male", datetime.datetime(2017, 9, 17), "KH", 1.0, 0.0, "TH"])
        workbook.save(path)
        first, second = self.read(path)[0]
        self.valid(first)
        assert first.draft is not None
        self.assertEqual(first.draft.persons[0].person.age_group, "child")
        self.assertEqual(len(second.issues), 1)
        self.assertIn("turned the age band into a date", second.issues[0].reason)


class RejectionTests(CtdcTestCase):
    def test_it_rejects_a_cell_with_the_reason_and_what_is_accepted(self) -> None:
        cases = {
            "isForcedLabour": ("maybe", "1, 0"),
            "ageBroad": ("old", "18--20"),
            "yearOfRegistration": ("1850", "1900"),
            "citizenship": ("XQ", "ISO 3166-1"),
            "gender": ("robot", "female"),
            "Datasource": ("Survey", "Hotline"),
            "majorityStatus": ("Teen", "Minor"),
        }
        for column, (value, accepted) in cases.items():
            with self.subTest(column=column):
                values = {column: value}
                if column == "majorityStatus":
                    values["ageBroad"] = "-99"
                record = self.read_one(**values)
                self.assertEqual(len(record.issues), 1)
                issue = record.issues[0]
                self.assertEqual((issue.column, issue.value, issue.row), (column, value, 2))
                self.assertIn(accepted, issue.accepted)
                self.assertTrue(issue.reason)

    def test_it_names_the_cell_of_a_rule_broken_in_validation(self) -> None:
        record = self.read_one(isForcedLabour="0", typeOfLabourConstruction="1")
        assert record.draft is not None
        problems = validate(record.draft)
        self.assertEqual(
            [problem.path for problem in problems], ["persons[1].victimisation.labour_sectors"]
        )
        cell = record.locate(problems[0].path)
        assert cell is not None
        self.assertEqual((cell.column, cell.row, cell.value), ("typeOfLabourConstruction", 2, "1"))


class ReferenceTests(CtdcTestCase):
    def test_it_numbers_identical_rows_by_occurrence(self) -> None:
        rows = [full_row(), full_row(gender="Male"), full_row()]
        references = [record.reference for record in self.read(self.write(FULL_RELEASE, rows))[0]]
        self.assertRegex(references[0], r"^CTDC-[0-9a-f]{12}-1$")
        self.assertEqual(references[2], references[0][:-1] + "2")
        self.assertTrue(references[1].endswith("-1"))
        self.assertNotEqual(references[1][:17], references[0][:17])

    def test_it_gives_the_same_references_when_the_file_is_read_again(self) -> None:
        path = self.write(FULL_RELEASE, [full_row(), full_row(), full_row(ageBroad="48+")])
        first = [record.reference for record in self.read(path)[0]]
        second = [record.reference for record in self.read(path)[0]]
        self.assertEqual(first, second)
        self.assertEqual(len(set(first)), 3)

    def test_it_keeps_references_when_flags_are_written_as_floats_or_derived_columns_added(
        self,
    ) -> None:
        plain = self.read(
            self.write(
                EXTRACT_COLUMNS[:7],
                [{"yearOfRegistration": "2010", "isForcedLabour": "1", "citizenship": "00"}],
            )
        )[0]
        floats = self.read(
            self.write(
                EXTRACT_COLUMNS,
                [
                    {
                        "yearOfRegistration": "2010.0",
                        "isForcedLabour": "1.0",
                        "citizenship": "0",
                        "nacionalidade": "x",
                    }
                ],
                name="other.csv",
            )
        )[0]
        self.assertEqual(plain[0].reference, floats[0].reference)

    def test_it_gives_a_corrected_row_a_new_reference(self) -> None:
        before = self.read(self.write(FULL_RELEASE, [full_row(ageBroad="18--20")]))[0][0]
        after = self.read(
            self.write(FULL_RELEASE, [full_row(ageBroad="21--23")], name="fixed.csv")
        )[0][0]
        self.assertNotEqual(before.reference, after.reference)


class ReadingTests(CtdcTestCase):
    def test_it_reports_the_columns_it_does_not_import(self) -> None:
        columns = [*FULL_RELEASE, "caseWorkerNotes"]
        _records, context = self.read(self.write(columns, [full_row(caseWorkerNotes="x")]))
        notices = "\n".join(context.notices)
        self.assertIn("columns not imported: caseWorkerNotes", notices)
        self.assertIn("majorityStatusAtExploit not imported", notices)
        self.assertIn("majorityEntry not imported", notices)
        self.assertIn("typeOfLabourOther not imported", notices)
        self.assertIn("meansOfControlConcatenated", notices)

    def test_it_reads_rows_as_they_stream(self) -> None:
        path = self.write(FULL_RELEASE, [full_row() for _ in range(50)])
        tables = open_tables(path)
        pulled = collections.Counter[str]()
        rows = tables[0].rows

        def counting() -> Any:
            for row in rows:
                pulled["rows"] += 1
                yield row

        tables[0].rows = counting()
        records = ctdc.FORMAT.read(tables, ReadContext())
        next(records)
        self.assertEqual(pulled["rows"], 1)

    def test_it_skips_tables_that_are_not_ctdc(self) -> None:
        path = self.folder / "two.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Notes"
        sheet.append(["Note"])
        sheet.append(["k-anonymised"])
        data = workbook.create_sheet("Data")
        data.append(EXTRACT_COLUMNS[:7])
        data.append([2017, "Female", "18--20", "MD", 0, 1, "RU"])
        workbook.save(path)
        records, context = self.read(path)
        self.assertEqual(len(records), 1)
        self.assertTrue(
            any("sheet Notes: not a CTDC table" in notice for notice in context.notices)
        )


def ctdc_written_means() -> set[str]:
    """The full release's means-of-control flag columns (not the concatenated list)."""
    return {
        column
        for column in FULL_RELEASE
        if column.startswith("meansOfControl")
        and column not in ("meansOfControlNotSpecified", "meansOfControlConcatenated")
    }


@unittest.skipUnless(EXTRACT.is_file(), f"the shared CTDC data is not here ({EXTRACT})")
class RealFileTests(CtdcTestCase):
    def test_it_reads_the_real_7_column_extract_in_full(self) -> None:
        context = ReadContext()
        read = accepted = 0
        rejected: collections.Counter[str] = collections.Counter()
        references = set()
        sexes: collections.Counter[str] = collections.Counter()
        unknown_citizenship = 0
        for record in ctdc.FORMAT.read(open_tables(EXTRACT), context):
            read += 1
            references.add(record.reference)
            problems = [issue.reason for issue in record.issues]
            if not problems and record.draft is not None:
                problems = [problem.message for problem in validate(record.draft)]
            if problems:
                rejected.update(problems)
                continue
            accepted += 1
            assert record.draft is not None
            person = record.draft.persons[0].person
            sexes[person.sex] += 1
            unknown_citizenship += person.citizenship == "unknown"
        self.assertEqual((read, accepted, sum(rejected.values())), (48_773, 48_773, 0))
        self.assertEqual(len(references), 48_773)
        self.assertEqual(sexes, {"female": 35_506, "male": 13_267})
        # 278 blank and 8,858 written "0" (the dictionary's "00", unknown country).
        self.assertEqual(unknown_citizenship, 9_136)
        self.assertTrue(any("derived columns not imported" in notice for notice in context.notices))
