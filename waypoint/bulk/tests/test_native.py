"""Importing the native layout: each mapping, each kind of bad input with the message a user
sees, the report and rejected-rows files, dry runs, all or nothing, accepting the valid rows,
idempotent re-imports, sharing labels, the audit event and who may import."""

from __future__ import annotations

import csv
import datetime
import io
import json
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
from django.apps import apps
from django.core.management import call_command

from waypoint.analytics.models import SummaryRow
from waypoint.analytics.statistics import summary
from waypoint.audit.models import Action, AuditEvent
from waypoint.bulk import engine
from waypoint.bulk.engine import REPORT_COLUMNS, ImportOptions, ImportReport, run_import
from waypoint.bulk.models import ImportedRecord
from waypoint.bulk.sources import SourceError
from waypoint.cases.models import (
    Incident,
    Label,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    StageChange,
    Victimisation,
)
from waypoint.orgs.access import AccessDenied
from waypoint.orgs.models import SharingAgreement
from waypoint.test import BaseTestCase
from waypoint.vault import blind_index_for, reveal

#: The columns of a plain row: one smuggled migrant in a smuggling incident.
BASE = {
    "reference": "INC-1",
    "kinds": "smuggling_of_migrants",
    "date_start": "2024-03-01",
    "country": "ITA",
    "person_role": "smuggled_migrant",
    "person_sex": "female",
    "person_age": "23",
    "person_citizenship": "NGA",
}
#: Every table an import may write to.
WRITTEN_APPS = ("cases", "bulk", "audit")


def table_text(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    """CSV text under the union of the rows' columns, in the order first seen."""
    columns: list[str] = []
    for row in rows:
        columns += [column for column in row if column not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def row(**values: str) -> dict[str, str]:
    return {**BASE, **values}


def database_counts() -> dict[str, int]:
    """Rows per table of every model an import writes to, many-to-many tables included."""
    counts = {}
    for label in WRITTEN_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            counts[model._meta.db_table] = model._base_manager.count()
    return counts


@dataclass
class Outcome:
    """What ``waypoint import`` did: its exit status and what it printed."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


class ImportTestCase(BaseTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.folder / name
        path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
        return path

    def rows(self, name: str, *rows: dict[str, str]) -> Path:
        return self.write(name, table_text(list(rows)))

    def workbook(self, name: str, sheets: dict[str, list[list[Any]]]) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, lines in sheets.items():
            sheet = book.create_sheet(title)
            for line in lines:
                sheet.append(line)
        path = self.folder / name
        book.save(path)
        return path

    def archive(self, name: str, members: dict[str, str]) -> Path:
        path = self.folder / name
        with zipfile.ZipFile(path, "w") as archive:
            for member, text in members.items():
                archive.writestr(member, textwrap.dedent(text).lstrip("\n"))
        return path

    def run_import(self, path: Path, actor: Any = None, **options: Any) -> ImportReport:
        return run_import(
            actor=actor or self.bruno,
            organisation=self.org_a,
            path=path,
            options=ImportOptions(**options),
        )

    def imported(self, path: Path, **options: Any) -> ImportReport:
        """Import a file that must be accepted whole."""
        report = self.run_import(path, **options)
        self.assertEqual(report.rejected, 0, [issue.as_text() for issue in report.errors])
        return report

    def problems(self, path: Path, **options: Any) -> list[str]:
        """Import a file that must be rejected; answer the problems as a user reads them."""
        before = database_counts()
        report = self.run_import(path, **options)
        self.assertGreater(report.rejected, 0)
        self.assertFalse(report.written)
        self.assertEqual(database_counts(), before)
        return [issue.as_text() for issue in report.errors]

    def command(self, *args: str) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import", *args, stdout=out, stderr=err)
        except SystemExit as exit:
            code = int(exit.code or 0)
        else:
            code = 0
        return Outcome(code, out.getvalue(), err.getvalue())

    def cli(self, path: Path, *args: str, user: str = "bruno", org: str = "ORG-A") -> Outcome:
        return self.command(str(path), "--org", org, "--user", user, *args)


# Mapping --------------------------------------------------------------------------------------


class MappingTests(ImportTestCase):
    def test_it_creates_an_incident_with_its_persons_legs_selectors_and_outcomes(self) -> None:
        incident_columns = {
            "kinds": "smuggling_of_migrants; violence_against_migrants",
            "offence_codes": "0301; 02011",
            "national_provisions": "Art. 12 TU Immigrazione",
            "date_start": "2024-03-01",
            "date_end": "2024-03-04",
            "country": "Italy",
            "admin_area": "Sicilia",
            "place": "Lampedusa",
            "latitude": "35.5",
            "longitude": "12.6",
            "coordinate_precision": "exact",
            "detection_context": "at_sea",
            "migrants_involved": "40",
            "dead": "2",
            "death_causes": "drowning",
            "aggravating_circumstances": "endangering_life_or_safety",
            "narrative": "Boat intercepted at night.",
            "source_type": "police_record",
            "verification_status": "verified",
            "publish_in_statistics": "yes",
            "route": "LBY > MLT > ITA",
            "selectors": "phone: +218 91 555 0101; vessel: Sea Star",
        }
        path = self.rows(
            "national.csv",
            row(
                **incident_columns,
                person_ref="P1",
                person_age="16",
                person_other_citizenships="ERI",
                person_migration_status="asylum_seeker",
                person_accompaniment="unaccompanied",
                person_travel_group="1",
                person_identifiers="given_name: Amina; passport_number: AB123456",
                victim_violence_forms="extortion; physical_assault",
                victim_assistance="shelter",
            ),
            row(
                **incident_columns,
                person_ref="P2",
                person_role="offender",
                person_sex="male",
                person_age="41",
                person_citizenship="LBY",
                offender_network_roles="boat_pilot",
                offender_charges="0301",
                offender_stage="arrested",
                offender_stage_date="2024-03-02",
            ),
        )
        report = self.imported(path)

        self.assertEqual((report.created, report.rows_read, report.format), (1, 2, "waypoint"))
        incident = Incident.objects.get()
        self.assertEqual((incident.owner, incident.reference), (self.org_a, "INC-1"))
        self.assertEqual(incident.kinds, ["smuggling_of_migrants", "violence_against_migrants"])
        self.assertEqual(incident.offence_codes, ["0301", "02011"])
        self.assertEqual(
            (incident.date_start, incident.date_end, incident.date_precision),
            (datetime.date(2024, 3, 1), datetime.date(2024, 3, 4), "day"),
        )
        self.assertEqual((incident.country, incident.place), ("ITA", "Lampedusa"))
        self.assertEqual((incident.latitude, incident.longitude), (35.5, 12.6))
        self.assertEqual((incident.migrants_involved, incident.dead), (40, 2))
        self.assertEqual(incident.death_causes, ["drowning"])
        self.assertTrue(incident.publish_in_statistics)
        self.assertEqual(reveal(incident, "narrative"), "Boat intercepted at night.")
        self.assertEqual((incident.label, incident.status), (Label.RED, "draft"))
        self.assertEqual(incident.created_by, self.bruno)
        self.assertEqual(incident.status_history.get().to_status, "draft")

        self.assertEqual(
            list(RouteLeg.objects.values_list("sequence", "from_country", "to_country")),
            [(1, "LBY", "MLT"), (2, "MLT", "ITA")],
        )
        migrant, offender = Person.objects.order_by("id")
        self.assertEqual(
            (migrant.role, migrant.sex, migrant.age, migrant.age_group, migrant.citizenship),
            ("smuggled_migrant", "female", 16, "15-17", "NGA"),
        )
        self.assertEqual(migrant.other_citizenships, ["ERI"])
        self.assertEqual(reveal(migrant, "migration_status"), "asylum_seeker")
        self.assertEqual((migrant.accompaniment, migrant.travel_group), ("unaccompanied", 1))
        identifiers = PersonIdentifier.objects.filter(person=migrant).order_by("id")
        self.assertEqual(
            [(identifier.kind, reveal(identifier, "value")) for identifier in identifiers],
            [("given_name", "Amina"), ("passport_number", "AB123456")],
        )
        victimisation = Victimisation.objects.get(person=migrant)
        self.assertEqual(victimisation.violence_forms, ["extortion", "physical_assault"])
        self.assertEqual(victimisation.assistance, ["shelter"])

        record = OffenderRecord.objects.get(person=offender)
        self.assertEqual((record.network_roles, record.charges), (["boat_pilot"], ["0301"]))
        self.assertEqual(record.stage, "arrested")
        self.assertEqual(
            list(StageChange.objects.values_list("from_stage", "to_stage", "effective_on")),
            [("", "arrested", datetime.date(2024, 3, 2))],
        )
        selectors = Selector.objects.order_by("id")
        self.assertEqual(
            [(selector.kind, reveal(selector, "value")) for selector in selectors],
            [("phone", "+218 91 555 0101"), ("vessel", "Sea Star")],
        )
        self.assertEqual(selectors[0].value_index, blind_index_for("phone", "+218 91 555 0101"))

    def test_it_reads_an_incident_without_persons_as_one_row(self) -> None:
        path = self.write(
            "counts.csv",
            """
            reference,kinds,date_start,country,migrants_involved,person_role,person_sex
            INC-9,smuggling_of_migrants,2024,GRC,120,,
            """,
        )
        self.imported(path)
        incident = Incident.objects.get()
        self.assertEqual((incident.migrants_involved, incident.persons.count()), (120, 0))
        self.assertEqual(
            (incident.date_start, incident.date_precision), (datetime.date(2024, 1, 1), "year")
        )

    def test_it_reads_dates_in_the_formats_of_real_files(self) -> None:
        cases = {
            "2024-03-31": (datetime.date(2024, 3, 31), "day"),
            "31/03/2024": (datetime.date(2024, 3, 31), "day"),
            "01/02/2024": (datetime.date(2024, 2, 1), "day"),
            "03/31/2024": (datetime.date(2024, 3, 31), "day"),
            "31.3.2024": (datetime.date(2024, 3, 31), "day"),
            "2024/03/31": (datetime.date(2024, 3, 31), "day"),
            "31 Mar 2024": (datetime.date(2024, 3, 31), "day"),
            "March 31, 2024": (datetime.date(2024, 3, 31), "day"),
            "1-Sep-20": (datetime.date(2020, 9, 1), "day"),
            "2024-03-31 00:00:00": (datetime.date(2024, 3, 31), "day"),
            "45382": (datetime.date(2024, 3, 31), "day"),
            "2024-03": (datetime.date(2024, 3, 1), "month"),
            "Mar 2024": (datetime.date(2024, 3, 1), "month"),
            "2024": (datetime.date(2024, 1, 1), "year"),
        }
        rows = [row(reference=f"D-{index}", date_start=text) for index, text in enumerate(cases)]
        self.imported(self.rows("dates.csv", *rows))
        found = {
            incident.reference: (incident.date_start, incident.date_precision)
            for incident in Incident.objects.all()
        }
        for index, (text, expected) in enumerate(cases.items()):
            with self.subTest(date=text):
                self.assertEqual(found[f"D-{index}"], expected)

    def test_it_reads_headers_as_people_write_them(self) -> None:
        path = self.write(
            "headers.csv",
            """
            Incident Ref ; KINDS ;Date;Incident Country;Person Ref;Role;Gender;Age;Nationality
            INC-1;Smuggling of migrants;31/03/2024;Italy;P1;Smuggled migrant;Female;23;Nigeria
            """,
        )
        self.imported(path)
        incident = Incident.objects.get()
        self.assertEqual((incident.reference, incident.kinds), ("INC-1", ["smuggling_of_migrants"]))
        person = incident.persons.get()
        self.assertEqual(
            (person.role, person.sex, person.age, person.citizenship),
            ("smuggled_migrant", "female", 23, "NGA"),
        )

    def test_it_reads_windows_1252_as_excel_saves_csv(self) -> None:
        path = self.write(
            "excel.csv",
            """
            reference;kinds;date_start;country;place;person_role;person_citizenship
            INC-1;smuggling_of_migrants;01/03/2024;Côte d’Ivoire;São Tomé;smuggled_migrant;São Tomé
            """,
            encoding="cp1252",
        )
        report = self.imported(path)
        self.assertIn("excel.csv: encoding Windows-1252", report.notices)
        incident = Incident.objects.get()
        self.assertEqual((incident.country, incident.place), ("CIV", "São Tomé"))
        self.assertEqual(incident.persons.get().citizenship, "STP")

    def test_it_reads_utf16_tab_text_as_excel_writes_unicode_text(self) -> None:
        text = table_text([row(place="Agadez", person_citizenship="Côte d’Ivoire")], "\t")
        path = self.folder / "unicode.txt"
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
        report = self.imported(path)
        self.assertIn("unicode.txt: delimiter tab", report.notices)
        self.assertEqual(Person.objects.get().citizenship, "CIV")

    def test_it_reads_utf8_with_a_byte_order_mark(self) -> None:
        path = self.folder / "bom.csv"
        path.write_bytes(b"\xef\xbb\xbf" + table_text([row()]).encode())
        self.imported(path)
        self.assertEqual(Incident.objects.get().reference, "INC-1")

    def test_it_ignores_trailing_blank_rows_and_columns(self) -> None:
        text = table_text([row(reference="INC-1"), row(reference="INC-2")])
        lines = [line + ",,,,,,,,,,,," for line in text.splitlines()]
        path = self.write("padded.csv", "\r\n".join([*lines, ",,,", "", ",,,,,,", ""]))
        report = self.imported(path)
        self.assertEqual((report.format, report.created), ("waypoint", 2))

    def test_it_reads_a_workbook_with_incidents_and_legs_sheets(self) -> None:
        path = self.workbook(
            "national.xlsx",
            {
                "incidents": [
                    ["Reference", "Kinds", "Date Start", "Date End", "Country", "Person Role", "Person Age", None],
                    ["INC-1", "smuggling_of_migrants", datetime.date(2024, 3, 1), 45356, "ITA", "smuggled_migrant", 23, None],
                    ["INC-1", "smuggling_of_migrants", datetime.date(2024, 3, 1), 45356, "ITA", "smuggled_migrant", 31.0, None],
                    [None] * 8,
                    ["INC-2", "smuggling_of_migrants", datetime.datetime(2024, 2, 1), None, "GRC", None, None, None],
                ],
                "legs": [
                    ["Reference", "Sequence", "From Country", "To Country", "Mode", "Fee Amount", "Fee Currency"],
                    ["INC-1", 1, "NER", "LBY", "land", 1500, "USD"],
                    ["INC-1", 2, "LBY", "ITA", "sea", "2,000", "EUR"],
                ],
            },
        )  # fmt: skip
        report = self.imported(path)
        self.assertEqual((report.created, report.rows_read), (2, 5))
        first = Incident.objects.get(reference="INC-1")
        self.assertEqual(
            (first.date_start, first.date_end),
            (datetime.date(2024, 3, 1), datetime.date(2024, 3, 5)),
        )
        self.assertEqual(sorted(first.persons.values_list("age", flat=True)), [23, 31])
        self.assertEqual(
            list(first.legs.values_list("sequence", "from_country", "to_country", "mode", "fee_amount", "fee_currency")),
            [(1, "NER", "LBY", "land", 1500, "USD"), (2, "LBY", "ITA", "sea", 2000, "EUR")],
        )  # fmt: skip
        second = Incident.objects.get(reference="INC-2")
        self.assertEqual((second.date_start, second.legs.count()), (datetime.date(2024, 2, 1), 0))

    def test_it_reads_a_zip_of_incidents_and_legs_files(self) -> None:
        path = self.archive(
            "records.zip",
            {
                "incidents.csv": table_text([row()]),
                "legs.csv": """
                    reference;sequence;from_country;to_country;to_role
                    INC-1;1;TUR;GRC;destination
                    """,
            },
        )
        self.imported(path)
        self.assertEqual(
            list(RouteLeg.objects.values_list("from_country", "to_country", "to_role")),
            [("TUR", "GRC", "destination")],
        )

    def test_it_notes_columns_it_does_not_import_and_legs_without_an_incident(self) -> None:
        path = self.archive(
            "records.zip",
            {
                "incidents.csv": table_text([row(officer="Rossi", extra_remarks="x")]),
                "legs.csv": "reference,sequence,from_country,to_country\nINC-404,1,TUR,GRC\n",
            },
        )
        report = self.imported(path)
        self.assertIn(
            "records.zip:incidents.csv, sheet incidents: columns not imported: officer, extra_remarks",
            report.notices,
        )
        self.assertIn(
            "Legs of INC-404 were ignored: no incident row has that reference.", report.notices
        )

    def test_it_takes_the_formula_quote_of_an_export_off_text(self) -> None:
        path = self.rows(
            "export.csv",
            row(place='\'=HYPERLINK("x")', admin_area="'-North", national_provisions="''quoted"),
        )
        self.imported(path)
        incident = Incident.objects.get()
        self.assertEqual(
            (incident.place, incident.admin_area, incident.national_provisions),
            ('=HYPERLINK("x")', "-North", "'quoted"),
        )

    def test_it_gives_records_without_a_label_the_label_asked_for(self) -> None:
        path = self.rows(
            "labels.csv", row(reference="INC-1", label=""), row(reference="INC-2", label="green")
        )
        self.imported(path, label=Label.AMBER)
        self.assertEqual(
            dict(Incident.objects.values_list("reference", "label")),
            {"INC-1": Label.AMBER, "INC-2": Label.GREEN},
        )

    def test_it_refuses_an_unknown_label_option(self) -> None:
        with self.assertRaisesMessage(SourceError, "unknown sharing label 'pink'"):
            self.run_import(self.rows("a.csv", row()), label="pink")


# Rejected values ------------------------------------------------------------------------------


class RejectionTests(ImportTestCase):
    """Each kind of bad input, with the line a user reads: file, row, column, value, reason and
    what would be accepted."""

    def test_it_names_the_cell_the_reason_and_what_would_be_accepted(self) -> None:
        offender = {"person_role": "offender", "person_sex": "male"}
        cases: list[tuple[dict[str, str], str]] = [
            (
                {"country": "ITL"},
                "column country: “ITL” is not a country this system knows. — accepted: ITA, IOT, IRL",
            ),
            (
                {"person_sex": "femal"},
                "column person_sex: “femal” is not in the vocabulary sex. — accepted: female, male",
            ),
            (
                {"kinds": "smuggling_of_migrants; piracy"},
                "column kinds: “piracy” is not in the vocabulary incident_kind. "
                "(value “smuggling_of_migrants; piracy”) — accepted: death_or_disappearance, "
                "smuggling_of_migrants, trafficking_in_persons, violence_against_migrants",
            ),
            (
                {"date_start": "31/02/2024"},
                "column date_start: Not a date this importer can read. (value “31/02/2024”) — "
                "accepted: a date such as 2024-03-31, 31/03/2024, 31 Mar 2024, 2024-03 or 2024",
            ),
            (
                {"date_start": "2999-01-01"},
                "column date_start: The date is in the future. (value “2999-01-01”) — "
                "accepted: a date up to today",
            ),
            (
                {"person_age": "twenty"},
                "column person_age: Not a whole number. (value “twenty”) — "
                "accepted: a whole number from 0 to 1000000",
            ),
            (
                {"person_age": "2.5"},
                "column person_age: Not a whole number. (value “2.5”) — accepted: a whole number",
            ),
            (
                {"migrants_involved": "-3"},
                "column migrants_involved: -3 is out of range. — "
                "accepted: a whole number from 0 to 1000000",
            ),
            (
                {"person_age": "130"},
                "column person_age: Ensure this value is less than or equal to 120. (value “130”)",
            ),
            (
                {"latitude": "north", "longitude": "12.6", "coordinate_precision": "exact"},
                "column latitude: Not a number. (value “north”) — "
                "accepted: a decimal number such as 35.57",
            ),
            (
                {"publish_in_statistics": "perhaps"},
                "column publish_in_statistics: Not a yes/no value. (value “perhaps”) — "
                "accepted: yes, no, 1, 0, true, false",
            ),
            (
                {"label": "purple"},
                "column label: “purple” is not accepted. — accepted: red, amber_strict, amber, green",
            ),
            (
                {"offence_codes": "0301; 99"},
                "column offence_codes: “99” is not an ICCS code. (value “0301; 99”) — accepted: 09",
            ),
            (
                {"admin_area": "x" * 201},
                f"column admin_area: The text is 201 characters long. (value “{'x' * 201}”) — "
                "accepted: at most 200 characters",
            ),
            (
                {"reference": "R" * 65},
                f"column reference: A reference has at most 64 characters. (value “{'R' * 65}”)",
            ),
            (
                {"route": "LBY"},
                "column route: A route needs at least two countries. (value “LBY”) — "
                "accepted: LBY > ITA > DEU",
            ),
            (
                {"route": "LBY > ITL"},
                "column route: “ITL” is not a country this system knows. — accepted: ITA, IOT, IRL",
            ),
            (
                {"person_identifiers": "AB123456"},
                "column person_identifiers: “AB123456” is not a kind: value pair. — "
                "accepted: passport_number: AB123456; phone: +39 06 1234",
            ),
            (
                {"person_identifiers": "shoe_size: 42"},
                "column person_identifiers: “shoe_size” is not in the vocabulary identifier_kind. — "
                "accepted: address, alias, date_of_birth, email, family_name, full_name, given_name, "
                "national_id_number, other_document_number, passport_number, phone",
            ),
            (
                {"selectors": "pigeon: 7"},
                "column selectors: “pigeon” is not in the vocabulary selector_kind. — accepted: phone",
            ),
            (
                {**offender, "offender_stage": "jailed"},
                "column offender_stage: “jailed” is not a criminal-justice stage. — accepted: "
                "suspected, arrested, prosecuted, convicted, acquitted, discontinued",
            ),
            (
                {**offender, "offender_stage": "arrested", "offender_stage_date": "2024-02-01"},
                "column offender_stage_date: 2024-02-01 is before the incident (2024-03-01).",
            ),
            (
                {**offender, "offender_fine_amount": "lots", "offender_currency": "EUR"},
                "column offender_fine_amount: Not an amount. (value “lots”) — "
                "accepted: a number such as 1500 or 1,500.50",
            ),
            (
                {**offender, "offender_fine_amount": "500", "offender_currency": "EURO"},
                "column offender_currency: “EURO” is not an ISO 4217 currency code. — "
                "accepted: EUR, ERN, MUR",
            ),
            (
                {"migrants_involved": "2", "dead": "5"},
                "column dead: Dead (5) cannot exceed the migrants involved (2).",
            ),
            (
                {"person_role": "victim"},
                "column person_role: A “victim” belongs in an incident of kind "
                "trafficking_in_persons or violence_against_migrants.",
            ),
            (
                {"person_role": "witness", "victim_violence_forms": "extortion"},
                "column victim_violence_forms: Victimisation is recorded for victims and smuggled "
                "migrants, not for a “witness”. (value “extortion”)",
            ),
        ]
        for values, expected in cases:
            with self.subTest(values=values):
                path = self.rows("records.csv", row(reference="INC-0"), row(**values))
                self.assertEqual(self.problems(path), [f"records.csv, row 3, {expected}"])

    def test_it_names_the_column_as_written_in_the_file(self) -> None:
        path = self.write(
            "a.csv",
            """
            Incident Ref,Kinds,Date,Country,Role,Gender,Nationality
            INC-1,smuggling_of_migrants,2024-03-01,ITA,smuggled_migrant,femal,Nigerai
            """,
        )
        self.assertEqual(
            self.problems(path),
            [
                "a.csv, row 2, column Gender: “femal” is not in the vocabulary sex. — accepted: female, male",
                "a.csv, row 2, column Nationality: “Nigerai” is not a country this system knows. — "
                "accepted: NGA, NER",
            ],
        )

    def test_it_rejects_rows_without_a_reference(self) -> None:
        path = self.rows("a.csv", row(), row(reference=""))
        self.assertEqual(
            self.problems(path),
            [
                "a.csv, row 3, column reference: Every row needs a reference. — "
                "accepted: the incident's own reference"
            ],
        )

    def test_it_rejects_the_rows_of_an_incident_apart(self) -> None:
        path = self.rows(
            "a.csv", row(reference="INC-1"), row(reference="INC-2"), row(reference="INC-1")
        )
        self.assertEqual(
            self.problems(path),
            [
                "a.csv, row 4, column reference: The rows of an incident must follow each other; "
                "this reference was used before, on row 2. (value “INC-1”) — "
                "accepted: the rows of each incident together"
            ],
        )

    def test_it_rejects_incident_columns_that_differ_between_the_rows_of_an_incident(self) -> None:
        path = self.rows("a.csv", row(person_ref="P1"), row(person_ref="P2", country="GRC"))
        self.assertEqual(
            self.problems(path),
            [
                "a.csv, row 3, column country: Incident columns repeat on every row of the incident; "
                "row 2 says “ITA”. (value “GRC”) — accepted: the same value on every row, or blank"
            ],
        )

    def test_it_rejects_a_route_given_twice(self) -> None:
        path = self.archive(
            "records.zip",
            {
                "incidents.csv": table_text([row(route="LBY > ITA")]),
                "legs.csv": "reference,sequence,from_country,to_country\nINC-1,1,LBY,ITA\n",
            },
        )
        self.assertEqual(
            self.problems(path),
            [
                "records.zip:incidents.csv, row 2, column route: The route is given twice: in this "
                "column and in the legs table. (value “LBY > ITA”) — accepted: one of the two"
            ],
        )

    def test_it_names_the_sheet_and_the_column_of_the_legs_table(self) -> None:
        path = self.workbook(
            "a.xlsx",
            {
                "incidents": [list(BASE), list(BASE.values())],
                "legs": [
                    ["Reference", "Sequence", "From Country", "To Country"],
                    ["INC-1", 1, "LBY", "Atlantis"],
                    ["INC-1", 3, "ITA", "FRA"],
                ],
            },
        )
        self.assertEqual(
            self.problems(path),
            [
                "a.xlsx, sheet legs, row 2, column To Country: “Atlantis” is not a country this "
                "system knows. — accepted: an ISO 3166-1 code or country name",
                "a.xlsx, sheet legs, row 2, column Sequence: Legs must be numbered 1, 2, 3 … in "
                "order without gaps; got 1, 3.",
            ],
        )
        legs_apart = self.workbook(
            "b.xlsx",
            {
                "incidents": [list(BASE), list(BASE.values())],
                "legs": [
                    ["Reference", "Sequence", "From Country", "To Country"],
                    ["INC-1", 1, "LBY", "ITA"],
                    ["INC-1", 2, "TUN", "FRA"],
                ],
            },
        )
        self.assertEqual(
            self.problems(legs_apart),
            [
                "b.xlsx, sheet legs, row 3, column From Country: This leg departs from TUN but the "
                "previous leg arrived in ITA; legs must join up.",
            ],
        )

    def test_it_reports_every_problem_of_the_file_at_once(self) -> None:
        path = self.rows(
            "year.csv",
            row(reference="INC-1", country="ITL", person_age="130"),
            row(reference="INC-2"),
            row(reference="INC-3", person_sex="femal", date_start="tomorrow"),
            row(reference="INC-4", migrants_involved="1", dead="3"),
        )
        self.assertEqual(
            self.problems(path),
            [
                "year.csv, row 2, column country: “ITL” is not a country this system knows. — accepted: ITA, IOT, IRL",
                "year.csv, row 2, column person_age: Ensure this value is less than or equal to 120. (value “130”)",
                "year.csv, row 4, column date_start: Not a date this importer can read. (value “tomorrow”) — "
                "accepted: a date such as 2024-03-31, 31/03/2024, 31 Mar 2024, 2024-03 or 2024",
                "year.csv, row 4, column person_sex: “femal” is not in the vocabulary sex. — accepted: female, male",
                "year.csv, row 5, column dead: Dead (3) cannot exceed the migrants involved (1).",
            ],
        )

    def test_it_tells_a_workbook_flag_from_a_number(self) -> None:
        header = ["reference", "kinds", "date_start", "country", "dead", "publish_in_statistics"]
        path = self.workbook(
            "flags.xlsx",
            {
                "incidents": [
                    header,
                    ["INC-1", "smuggling_of_migrants", "2024-03-01", "ITA", True, 1],
                    ["INC-2", "smuggling_of_migrants", "2024-03-01", "ITA", 1, True],
                ]
            },
        )
        self.assertEqual(
            self.problems(path),
            [
                "flags.xlsx, sheet incidents, row 2, column dead: Not a whole number. "
                "(value “True”) — accepted: a whole number"
            ],
        )

    def test_it_counts_rejected_incidents_not_problems(self) -> None:
        path = self.rows(
            "a.csv",
            row(reference="INC-1", person_ref="P1", person_sex="femal"),
            row(reference="INC-1", person_ref="P2", person_age="x"),
            row(reference="INC-2"),
        )
        report = self.run_import(path)
        self.assertEqual((report.created, report.rejected, report.error_count), (1, 1, 2))
        self.assertEqual([issue.reference for issue in report.errors], ["INC-1", "INC-1"])


# The command ------------------------------------------------------------------------------------


class CommandTests(ImportTestCase):
    def test_it_imports_and_exits_0(self) -> None:
        path = self.rows("a.csv", row(reference="INC-1"), row(reference="INC-2"))
        outcome = self.cli(path)
        self.assertEqual(outcome.code, 0, outcome.out + outcome.err)
        self.assertEqual(
            outcome.lines,
            [
                "note: a.csv: encoding UTF-8",
                "note: a.csv: delimiter comma",
                "2 rows read as waypoint: 2 created, 0 updated, 0 unchanged, 0 rejected",
            ],
        )
        self.assertEqual(Incident.objects.count(), 2)

    def test_it_counts_the_statistics_summary_of_the_organisation_it_wrote_to(self) -> None:
        self.assertEqual(self.cli(self.rows("a.csv", row(reference="INC-1"))).code, 0)
        self.assertEqual(summary.stale_owners(), [])
        self.assertTrue(SummaryRow.objects.filter(owner=self.org_a).exists())

    def test_it_prints_every_problem_writes_nothing_and_exits_1(self) -> None:
        path = self.rows("a.csv", row(reference="INC-1"), row(reference="INC-2", country="ITL"))
        before = database_counts()
        outcome = self.cli(path)
        self.assertEqual(outcome.code, 1)
        self.assertEqual(
            outcome.lines[2:],
            [
                "a.csv, row 3, column country: “ITL” is not a country this system knows. — "
                "accepted: ITA, IOT, IRL",
                "2 rows read as waypoint: 1 created, 0 updated, 0 unchanged, 1 rejected — "
                "nothing written: fix the rejected rows and import again",
            ],
        )
        self.assertEqual(database_counts(), before)

    def test_it_writes_every_problem_to_the_report(self) -> None:
        path = self.rows(
            "a.csv",
            row(reference="INC-1", country="ITL"),
            row(reference="INC-2", place='=HYPERLINK("x")', person_sex="femal"),
        )
        report = self.folder / "reports" / "problems.csv"
        outcome = self.cli(path, "--report", str(report))
        self.assertEqual(outcome.code, 1)
        data = report.read_bytes()
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark")
        lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        self.assertEqual(
            lines,
            [
                list(REPORT_COLUMNS),
                ["a.csv", "", "2", "country", "ITL", "“ITL” is not a country this system knows.", "ITA, IOT, IRL", "invalid_code", "INC-1"],
                ["a.csv", "", "3", "person_sex", "femal", "“femal” is not in the vocabulary sex.", "female, male", "invalid_code", "INC-2"],
            ],
        )  # fmt: skip

    def test_it_prints_one_json_object(self) -> None:
        path = self.rows("a.csv", row(reference="INC-1"), row(reference="INC-2", person_sex="x"))
        outcome = self.cli(path, "--json")
        self.assertEqual(outcome.code, 1)
        answer = json.loads(outcome.out)
        self.assertEqual(
            {key: answer[key] for key in ("created", "updated", "unchanged", "rejected")},
            {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1},
        )
        (error,) = answer["errors"]
        self.assertEqual(
            error,
            {
                "file": "a.csv",
                "sheet": "",
                "row": 3,
                "column": "person_sex",
                "value": "x",
                "reason": "“x” is not in the vocabulary sex.",
                "accepted": error["accepted"],
                "code": "invalid_code",
                "reference": "INC-2",
            },
        )
        self.assertTrue(error["accepted"])

    def test_it_prints_json_for_an_accepted_file(self) -> None:
        outcome = self.cli(self.rows("a.csv", row()), "--json")
        self.assertEqual(outcome.code, 0)
        answer = json.loads(outcome.out)
        self.assertEqual(
            {key: answer[key] for key in ("created", "updated", "unchanged", "rejected", "errors")},
            {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0, "errors": []},
        )

    def test_it_shows_the_first_problems_and_points_to_the_report_for_the_rest(self) -> None:
        rows = [row(reference=f"INC-{index}", person_sex="x") for index in range(60)]
        outcome = self.cli(self.rows("a.csv", *rows))
        self.assertEqual(outcome.code, 1)
        self.assertEqual(sum("person_sex" in line for line in outcome.lines), 50)
        self.assertIn("… and 10 more problems (use --report FILE for all)", outcome.lines)

    def test_it_answers_usage_errors_with_status_2(self) -> None:
        good = self.rows("a.csv", row())
        cases = [
            ((str(good), "--org", "ORG-Z", "--user", "bruno"), "no organisation with code 'ORG-Z'"),
            ((str(good), "--org", "ORG-A", "--user", "nobody"), "no user named 'nobody'"),
            ((str(self.folder / "gone.csv"), "--org", "ORG-A", "--user", "bruno"), "gone.csv: no such file"),
            ((str(self.write("e.csv", "")), "--org", "ORG-A", "--user", "bruno"), "e.csv: the file is empty"),
            ((str(self.write("u.csv", "a,b\n1,2\n")), "--org", "ORG-A", "--user", "bruno"), "u.csv: the layout was not recognised from its header (a, b, …)"),
        ]  # fmt: skip
        for args, message in cases:
            with self.subTest(args=args):
                outcome = self.command(*args)
                self.assertEqual(outcome.code, 2)
                self.assertIn(f"waypoint import: {message}", outcome.err)
        self.assertFalse(Incident.objects.exists())

    def test_it_answers_a_usage_error_in_json(self) -> None:
        outcome = self.cli(self.folder / "gone.csv", "--json")
        self.assertEqual(outcome.code, 2)
        self.assertEqual(
            json.loads(outcome.out),
            {"error": {"code": "usage", "message": "gone.csv: no such file"}},
        )


class AccessTests(ImportTestCase):
    def test_only_a_recording_member_of_the_organisation_may_import(self) -> None:
        path = self.rows("a.csv", row())
        cases = [
            ("amara", "ORG-A"),  # an analyst of the organisation
            ("chen", "ORG-A"),  # an analyst of another organisation
            ("dana", "ORG-A"),  # no organisation
            ("eve", "ORG-A"),  # the platform administrator
            ("bruno", "ORG-B"),  # a reporter, for another organisation
        ]
        before = database_counts()
        for user, org in cases:
            with self.subTest(user=user, org=org):
                outcome = self.cli(path, user=user, org=org)
                self.assertEqual(outcome.code, 2)
                self.assertIn(f"waypoint import: {user} may not record for {org}", outcome.err)
                with self.assertRaises(AccessDenied):
                    run_import(
                        actor=getattr(self, user),
                        organisation=self.org_a if org == "ORG-A" else self.org_b,
                        path=path,
                    )
        self.assertEqual(database_counts(), before)

    def test_an_inactive_organisation_cannot_import(self) -> None:
        self.org_a.is_active = False
        self.org_a.save()
        outcome = self.cli(self.rows("a.csv", row()))
        self.assertEqual(outcome.code, 2)
        self.assertFalse(Incident.objects.exists())


# All or nothing ---------------------------------------------------------------------------------


class AllOrNothingTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.imported(self.rows("first.csv", row(reference="OLD-1"), row(reference="OLD-2")))
        self.incident(self.org_a, "HAND-1")

    def test_it_writes_nothing_when_any_row_is_rejected(self) -> None:
        before = database_counts()
        old = Incident.objects.get(reference="OLD-1")
        path = self.rows(
            "second.csv",
            row(reference="OLD-1", country="GRC"),
            row(reference="NEW-1"),
            row(reference="NEW-2", person_sex="x"),
        )
        report = self.run_import(path)
        self.assertEqual(
            (report.created, report.updated, report.rejected, report.written), (1, 1, 1, False)
        )
        self.assertEqual(database_counts(), before)
        self.assertEqual(Incident.objects.get(reference="OLD-1").country, "ITA")
        self.assertEqual(Incident.objects.get(reference="OLD-1").public_id, old.public_id)

    def test_a_dry_run_counts_what_it_would_do_and_writes_nothing(self) -> None:
        before = database_counts()
        path = self.rows(
            "second.csv",
            row(reference="OLD-1", country="GRC"),
            row(reference="OLD-2"),
            row(reference="NEW-1"),
        )
        report = self.imported(path, dry_run=True)
        self.assertEqual(
            (report.created, report.updated, report.unchanged, report.dry_run, report.written),
            (1, 1, 1, True, False),
        )
        self.assertEqual(database_counts(), before)
        outcome = self.cli(path, "--dry-run")
        self.assertEqual(outcome.code, 0)
        self.assertEqual(
            outcome.lines[-1],
            "3 rows read as waypoint: 1 created, 1 updated, 1 unchanged, 0 rejected — "
            "dry run, nothing written",
        )
        self.assertEqual(database_counts(), before)

    def test_a_dry_run_with_rejected_rows_exits_1(self) -> None:
        before = database_counts()
        outcome = self.cli(self.rows("a.csv", row(person_sex="x")), "--dry-run")
        self.assertEqual(outcome.code, 1)
        self.assertEqual(database_counts(), before)

    def test_it_writes_nothing_when_writing_fails_in_the_middle(self) -> None:
        before = database_counts()
        path = self.rows("second.csv", *(row(reference=f"NEW-{index}") for index in range(7)))
        flushes = 0
        original = engine._Writer.flush

        def failing_flush(writer: Any) -> None:
            nonlocal flushes
            flushes += 1
            if flushes == 3:
                raise OSError("disk full")
            original(writer)

        with (
            mock.patch.object(engine, "BATCH", 2),
            mock.patch.object(engine._Writer, "flush", failing_flush),
            self.assertRaisesMessage(OSError, "disk full"),
        ):
            self.run_import(path)
        self.assertEqual(flushes, 3, "it failed after writing two batches")
        self.assertEqual(database_counts(), before)


class AcceptValidTests(ImportTestCase):
    def test_it_writes_the_valid_records_and_the_rejected_rows_to_fix(self) -> None:
        path = self.rows(
            "year.csv",
            row(reference="INC-1"),
            row(reference="INC-2", person_ref="P1", person_sex="femal", longitude="-1.29", latitude="35.57", coordinate_precision="exact", place="=1+2"),
            row(reference="INC-2", person_ref="P2", longitude="-1.29", latitude="35.57", coordinate_precision="exact", place="=1+2"),
            row(reference="INC-3"),
        )  # fmt: skip
        outcome = self.cli(path, "--accept-valid")
        self.assertEqual(outcome.code, 1)
        self.assertEqual(
            outcome.lines[-1],
            "4 rows read as waypoint: 2 created, 0 updated, 0 unchanged, 1 rejected",
        )
        self.assertEqual(
            sorted(Incident.objects.values_list("reference", flat=True)), ["INC-1", "INC-3"]
        )

        rejected = self.folder / "year.csv.rejected.csv"
        lines = list(csv.DictReader(io.StringIO(rejected.read_bytes().decode("utf-8-sig"))))
        self.assertEqual([line["reference"] for line in lines], ["INC-2", "INC-2"])
        self.assertEqual(
            [line["errors"] for line in lines],
            [
                "person_sex: “femal” is not in the vocabulary sex. (accepted: female, male)",
                "person_sex: “femal” is not in the vocabulary sex. (accepted: female, male)",
            ],
        )
        self.assertEqual(lines[0]["person_sex"], "femal")
        # Text a spreadsheet would run is quoted; a number is a number to it.
        self.assertEqual((lines[0]["place"], lines[0]["longitude"]), ("'=1+2", "-1.29"))

        # The user fixes the rejected rows and imports the file again.
        fixed = self.folder / "fixed.csv"
        fixed.write_bytes(rejected.read_bytes().replace(b",femal,", b",female,"))
        again = self.cli(fixed)
        self.assertEqual(again.code, 0, again.out)
        self.assertIn("1 created, 0 updated, 0 unchanged, 0 rejected", again.lines[-1])
        incident = Incident.objects.get(reference="INC-2")
        self.assertEqual(
            (incident.latitude, incident.longitude, incident.place), (35.57, -1.29, "=1+2")
        )
        self.assertEqual(
            sorted(incident.persons.values_list("sex", flat=True)), ["female", "female"]
        )

    def test_it_writes_the_rejected_rows_where_asked(self) -> None:
        target = self.folder / "out" / "to-fix.csv"
        report = self.run_import(
            self.rows("a.csv", row(reference="INC-1"), row(reference="INC-2", country="ITL")),
            accept_valid=True,
            rejected_path=target,
        )
        self.assertEqual((report.created, report.rejected, report.written), (1, 1, True))
        self.assertIn("ITL", target.read_text(encoding="utf-8-sig"))

    def test_it_writes_nothing_in_a_dry_run_even_with_accept_valid(self) -> None:
        before = database_counts()
        report = self.run_import(
            self.rows("a.csv", row(reference="INC-1"), row(reference="INC-2", country="ITL")),
            accept_valid=True,
            dry_run=True,
        )
        self.assertEqual((report.created, report.rejected, report.written), (1, 1, False))
        self.assertEqual(database_counts(), before)


# Re-imports -------------------------------------------------------------------------------------


class IdempotencyTests(ImportTestCase):
    def test_importing_the_same_file_again_changes_nothing(self) -> None:
        path = self.archive(
            "records.zip",
            {
                "incidents.csv": table_text(
                    [
                        row(reference="INC-1", person_ref="P1", selectors="phone: +39 06 1"),
                        row(reference="INC-1", person_ref="P2", person_identifiers="alias: Z"),
                        row(reference="INC-2", person_role="offender", offender_stage="convicted"),
                    ]
                ),
                "legs.csv": "reference,sequence,from_country,to_country\nINC-1,1,LBY,ITA\n",
            },
        )
        self.imported(path)
        before = database_counts()
        people = dict(Person.objects.values_list("id", "public_id"))
        report = self.imported(path)
        self.assertEqual(
            (report.created, report.updated, report.unchanged, report.rejected), (0, 0, 2, 0)
        )
        self.assertEqual(database_counts(), before)
        self.assertEqual(dict(Person.objects.values_list("id", "public_id")), people)

    def test_another_label_for_new_records_changes_nothing_on_known_ones(self) -> None:
        path = self.rows("a.csv", row())
        self.imported(path)
        report = self.imported(path, label=Label.GREEN)
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 0, 1))
        self.assertEqual(Incident.objects.get().label, Label.RED)

    def test_a_corrected_file_updates_in_place_by_reference(self) -> None:
        self.imported(
            self.rows(
                "a.csv",
                row(reference="INC-1", person_ref="P1"),
                row(reference="INC-1", person_ref="P2", person_sex="male"),
                row(reference="INC-2"),
                row(reference="INC-3"),
            ),
            label=Label.AMBER,
        )
        first = Incident.objects.get(reference="INC-1")
        persons = list(first.persons.order_by("id").values_list("public_id", flat=True))
        # The corrected file names the persons by their public ids, as an export does.
        corrected = self.rows(
            "b.csv",
            row(reference="INC-1", person_ref=str(persons[0]), country="MLT", route="LBY > MLT"),
            row(reference="INC-1", person_ref=str(persons[1]), country="MLT", route="LBY > MLT", person_sex="male", person_age="40"),
            row(reference="INC-2"),
            row(reference="INC-4"),
        )  # fmt: skip
        report = self.imported(corrected)
        self.assertEqual(
            (report.created, report.updated, report.unchanged, report.rejected), (1, 1, 1, 0)
        )
        updated = Incident.objects.get(reference="INC-1")
        self.assertEqual((updated.pk, updated.public_id), (first.pk, first.public_id))
        self.assertEqual(
            (updated.country, updated.label, updated.created_by), ("MLT", Label.AMBER, self.bruno)
        )
        self.assertEqual(
            list(updated.legs.values_list("from_country", "to_country")), [("LBY", "MLT")]
        )
        self.assertEqual(
            list(updated.persons.order_by("id").values_list("public_id", "age")),
            [(persons[0], 23), (persons[1], 40)],
        )
        self.assertEqual(updated.status_history.count(), 1)
        self.assertEqual(Incident.objects.count(), 4, "INC-3 is not in the file and stays")
        self.assertEqual(ImportedRecord.objects.count(), 4)

        report = self.imported(corrected)
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 0, 3))

    def test_it_rejects_a_reference_used_twice_in_the_file(self) -> None:
        path = self.rows(
            "a.csv", row(reference="INC-1"), row(reference="INC-2"), row(reference="INC-1")
        )
        report = self.run_import(path)
        self.assertEqual((report.created, report.rejected), (2, 1))

    def test_it_updates_a_record_created_by_hand(self) -> None:
        incident = self.incident(self.org_a, "INC-1", country="GRC")
        report = self.imported(self.rows("a.csv", row(reference="INC-1")))
        self.assertEqual((report.created, report.updated), (0, 1))
        incident.refresh_from_db()
        self.assertEqual((incident.country, incident.persons.count()), ("ITA", 1))

    def test_the_same_reference_in_another_organisation_is_another_record(self) -> None:
        other = self.incident(self.org_b, "INC-1")
        report = self.imported(self.rows("a.csv", row(reference="INC-1")))
        self.assertEqual(report.created, 1)
        other.refresh_from_db()
        self.assertEqual(other.persons.count(), 0)


# Sharing ----------------------------------------------------------------------------------------


class SharingTests(ImportTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)

    def test_amber_strict_names_the_importer(self) -> None:
        self.imported(self.rows("a.csv", row(label="amber_strict")))
        incident = Incident.objects.get()
        self.assertEqual(list(incident.named_users.all()), [self.bruno])
        self.assertTrue(Incident.objects.visible_to(self.bruno).exists())
        self.assertFalse(Incident.objects.visible_to(self.amara).exists())
        self.assertFalse(Incident.objects.visible_to(self.chen).exists())

    def test_amber_strict_from_the_option_names_the_importer(self) -> None:
        self.imported(self.rows("a.csv", row()), label=Label.AMBER_STRICT)
        self.assertEqual(list(Incident.objects.get().named_users.all()), [self.bruno])

    def test_partners_see_what_the_label_shares_with_them(self) -> None:
        path = self.rows(
            "a.csv",
            row(reference="RED", label="red"),
            row(reference="AMBER", label="amber"),
            row(reference="GREEN", label="green"),
            row(reference="STRICT", label="amber_strict"),
        )
        self.imported(path)
        visible = {
            user.username: sorted(
                Incident.objects.visible_to(user).values_list("reference", flat=True)
            )
            for user in (self.amara, self.bruno, self.chen, self.dana, self.eve)
        }
        self.assertEqual(
            visible,
            {
                "amara": ["AMBER", "GREEN", "RED"],
                "bruno": ["AMBER", "GREEN", "RED", "STRICT"],
                "chen": ["AMBER", "GREEN"],
                "dana": [],
                "eve": [],
            },
        )

    def test_amber_is_not_shared_without_an_agreement(self) -> None:
        SharingAgreement.objects.all().delete()
        self.imported(self.rows("a.csv", row(label="amber")))
        self.assertFalse(Incident.objects.visible_to(self.chen).exists())


# The audit event --------------------------------------------------------------------------------


class AuditTests(ImportTestCase):
    def events(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=Action.IMPORT))

    def test_it_records_one_event_with_the_counts(self) -> None:
        self.imported(self.rows("a.csv", row(reference="INC-1"), row(reference="INC-2")))
        (event,) = self.events()
        self.assertEqual((event.actor, event.organisation), (self.bruno, self.org_a))
        self.assertEqual(
            event.details,
            {
                "format": "waypoint",
                "created": 2,
                "updated": 0,
                "unchanged": 0,
                "rejected": 0,
                "dry_run": False,
            },
        )

    def test_it_records_the_rejected_count_when_valid_records_were_written(self) -> None:
        self.run_import(
            self.rows("a.csv", row(reference="INC-1"), row(reference="INC-2", country="ITL")),
            accept_valid=True,
        )
        (event,) = self.events()
        self.assertEqual((event.details["created"], event.details["rejected"]), (1, 1))

    def test_it_records_nothing_when_nothing_was_written(self) -> None:
        path = self.rows("a.csv", row())
        self.run_import(self.rows("bad.csv", row(country="ITL")))
        self.run_import(path, dry_run=True)
        self.run_import(self.rows("bad.csv", row(country="ITL")), accept_valid=True)
        self.assertEqual(self.events(), [])
        self.imported(path)
        self.imported(path)
        self.assertEqual(len(self.events()), 1, "the second import changed nothing")
