"""Exports: each format, exactly what each persona may see, canaries, formulas, the audit events,
bounded queries, revealing, and the round trip through the importer."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import decimal
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

from waypoint.audit.models import Action, AuditEvent
from waypoint.bulk import exporters, layout
from waypoint.bulk.exporters import base
from waypoint.bulk.exporters.base import export_rows
from waypoint.bulk.exporters.json import encode
from waypoint.bulk.exporting import ExportFilters, ExportRefused, export_incidents
from waypoint.bulk.formulas import neutralise, restore
from waypoint.bulk.management.commands.export import Command as ExportCommand
from waypoint.cases.actions import record_incident
from waypoint.cases.documents import incident_document
from waypoint.cases.models import (
    Incident,
    Label,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    Victimisation,
)
from waypoint.cases.validation import IncidentDraft, PersonDraft, SelectorDraft, StageStep
from waypoint.orgs.access import member_organisations
from waypoint.orgs.models import Organisation, Role, SharingAgreement
from waypoint.test import BaseTestCase

CANARY_A = "CANARY-a51e0c"
CANARY_B = "CANARY-b7d2f9"
#: In the precise places of Org A's records: partners never see it where the owner coarsens.
PLACE = "QUAY-9e31"
TABLE_FORMATS = (("csv", False), ("csv", True), ("xlsx", False))
ALL_FORMATS = (*TABLE_FORMATS, ("json", False))
SEALED_COLUMNS = {"narrative", "sources", "person_migration_status", "person_identifiers"}


def export(user: Any, format: str = "csv", archive: bool = False, **options: Any) -> bytes:
    out = io.BytesIO()
    export_incidents(actor=user, format=format, out=out, archive=archive, **options)
    return out.getvalue()


def failing(error: Exception) -> Any:
    """Make the CSV exporter fail with ``error`` half-way."""

    def write(incidents: Any, out: Any) -> int:
        out.write(b"reference\r\n")
        raise error

    broken = dataclasses.replace(exporters.csv.EXPORTER, write=write)
    return mock.patch("waypoint.bulk.exporting.exporters.get", return_value=broken)


def readable(data: bytes) -> str:
    """Every byte of an export as text, members of a ZIP (XLSX too) unpacked."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return data.decode("utf-8", "replace")


def csv_table(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def tables(data: bytes, format: str, archive: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The tables of a CSV, ZIP or XLSX export, as rows keyed by header."""
    if format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        found = {}
        for sheet in workbook.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            header = rows[0]
            # Trailing empty cells are not written; the importer reads them as blank too.
            found[sheet.title] = [
                dict(zip(header, (*row, *[None] * (len(header) - len(row))), strict=True))
                for row in rows[1:]
            ]
        return found
    if archive:
        with zipfile.ZipFile(io.BytesIO(data)) as files:
            return {
                Path(name).stem: csv_table(files.read(name)) for name in sorted(files.namelist())
            }
    return {"incidents": csv_table(data)}


class ExportTestCase(BaseTestCase):
    org_c: Organisation
    bea: Any
    cleo: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_c = Organisation.objects.create(
            code="ORG-C", name="Organisation C", type="ngo", country="MLT"
        )
        cls.bea = cls.make_user("bea", cls.org_b, Role.REPORTER)
        cls.cleo = cls.make_user("cleo", cls.org_c, Role.REPORTER)
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        cls.record(cls.bruno, cls.org_a, "A-RED", Label.RED, CANARY_A)
        cls.record(cls.bruno, cls.org_a, "A-STRICT", Label.AMBER_STRICT, CANARY_A)
        cls.record(cls.bruno, cls.org_a, "A-AMBER", Label.AMBER, CANARY_A, coarsen=True)
        cls.record(cls.bruno, cls.org_a, "A-GREEN", Label.GREEN, CANARY_A)
        cls.record(cls.bea, cls.org_b, "B-GREEN", Label.GREEN, CANARY_B)

    @classmethod
    def record(
        cls,
        actor: Any,
        organisation: Organisation,
        reference: str,
        label: str,
        marker: str,
        coarsen: bool = False,
    ) -> Incident:
        return record_incident(
            actor=actor,
            organisation=organisation,
            draft=cls.seeded(reference, label, marker, coarsen),
            reason=f"{marker} status reason",
        )

    @classmethod
    def seeded(cls, reference: str, label: str, marker: str, coarsen: bool) -> IncidentDraft:
        """An incident with every sealed field holding ``marker`` and precise places ``PLACE``."""
        draft = cls.draft(
            reference=reference,
            label=label,
            coarsen_for_partners=coarsen,
            status="submitted",
            narrative=f"{marker} narrative",
            sources=f"{marker} sources",
            national_provisions="Art. 12 TUI",
            admin_area="Sicilia",
            place=f"{PLACE} Lampedusa",
            latitude=35.5,
            longitude=-12.25,
            coordinate_precision="approximate",
            migrants_involved=40,
            dead=2,
            aggravating_circumstances=["endangering_life_or_safety"],
        )
        migrant = Person(
            role="smuggled_migrant",
            sex="female",
            age=17,
            citizenship="ERI",
            other_citizenships=["ETH"],
            migration_status="irregular",
            accompaniment="unaccompanied",
            travel_group=1,
        )
        draft.persons = [
            PersonDraft(
                migrant,
                identifiers=[
                    PersonIdentifier(kind="full_name", value=f"{marker} name"),
                    PersonIdentifier(kind="phone", value=f"+291 {marker}"),
                    PersonIdentifier(kind="date_of_birth", value="2007-02-03"),
                ],
                victimisation=Victimisation(
                    violence_forms=["extortion", "physical_assault"], repatriated_from=""
                ),
            ),
            PersonDraft(
                Person(role="offender", sex="male", citizenship="LBY"),
                offender=OffenderRecord(
                    stage="prosecuted",
                    network_roles=["boat_pilot"],
                    fine_amount=decimal.Decimal("1500.00"),
                    currency="EUR",
                ),
                stages=[
                    StageStep("arrested", datetime.date(2024, 5, 18), note=f"{marker} note"),
                    StageStep("prosecuted", datetime.date(2024, 6, 2)),
                ],
            ),
        ]
        draft.legs = [
            RouteLeg(
                sequence=1,
                from_country="LBY",
                from_place=f"{PLACE} Zuwara",
                from_role="origin",
                to_country="ITA",
                to_place=f"{PLACE} Lampedusa",
                to_role="destination",
                mode="sea",
                border_crossing_point=f"{PLACE} port",
                departed_on=datetime.date(2024, 5, 16),
                arrived_on=datetime.date(2024, 5, 17),
                fee_amount=decimal.Decimal("2500.00"),
                fee_currency="USD",
                payment_method="hawala",
                fee_basis="per_person",
            )
        ]
        draft.selectors = [SelectorDraft(Selector(kind="phone", value=f"+218 {marker}"), 1)]
        return draft


class ExportFormatTests(ExportTestCase):
    def test_it_writes_csv_with_a_byte_order_mark_and_the_layout_header(self) -> None:
        data = export(self.bruno, "csv")
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        expected = [name for name in layout.main_headers() if name not in SEALED_COLUMNS]
        expected.insert(1, "owner")  # bruno's export holds Org B's GREEN record too
        self.assertEqual(header, [name for name in expected if name != "selectors"])

    def test_it_writes_exactly_the_import_layout_for_the_users_own_records(self) -> None:
        own = ExportFilters(owner="ORG-A")
        plain = tables(export(self.bruno, "csv", filters=own), "csv")["incidents"]
        self.assertEqual(
            list(plain[0]),
            [name for name in layout.main_headers() if name not in SEALED_COLUMNS | {"selectors"}],
        )
        revealed = export(self.bruno, "csv", filters=own, reveal=True, justification="Copy")
        self.assertEqual(list(tables(revealed, "csv")["incidents"][0]), layout.main_headers())

    def test_it_writes_one_row_per_person_with_the_incident_repeated(self) -> None:
        rows = tables(export(self.bruno, "csv", filters=ExportFilters(owner="ORG-A")), "csv")
        incident_rows = [row for row in rows["incidents"] if row["reference"] == "A-RED"]
        self.assertEqual(
            [row["person_role"] for row in incident_rows], ["smuggled_migrant", "offender"]
        )
        first, second = incident_rows
        self.assertEqual(first["country"], second["country"])
        self.assertEqual(first["route"], "LBY > ITA")
        self.assertEqual(first["date_start"], "2024-05-17")
        self.assertEqual(first["kinds"], "smuggling_of_migrants")
        self.assertEqual(first["victim_violence_forms"], "extortion; physical_assault")
        self.assertEqual(first["person_accompaniment"], "unaccompanied")
        self.assertEqual(first["longitude"], "-12.25")
        self.assertEqual(second["offender_stage"], "prosecuted")
        self.assertEqual(second["offender_stage_date"], "2024-06-02")
        self.assertEqual(second["offender_fine_amount"], "1500.00")
        self.assertEqual(first["coarsen_for_partners"], "no")
        incident = Incident.objects.visible_to(self.bruno).get(reference="A-RED")
        self.assertEqual(
            {first["person_ref"], second["person_ref"]},
            {str(p.public_id) for p in incident.persons.all()},
        )

    def test_it_writes_an_incident_without_persons_as_one_row(self) -> None:
        draft = self.draft(reference="A-EMPTY", migrants_involved=12)
        record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        rows = tables(export(self.amara, "csv", filters=ExportFilters(owner="ORG-A")), "csv")
        empty = [row for row in rows["incidents"] if row["reference"] == "A-EMPTY"]
        self.assertEqual(len(empty), 1)
        self.assertEqual(empty[0]["migrants_involved"], "12")
        self.assertTrue(
            all(empty[0][name] == "" for name in empty[0] if name.startswith("person_"))
        )

    def test_it_writes_both_tables_to_a_zip(self) -> None:
        data = export(self.amara, "csv", archive=True, filters=ExportFilters(owner="ORG-A"))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertEqual(sorted(archive.namelist()), ["incidents.csv", "legs.csv"])
        found = tables(data, "csv", archive=True)
        self.assertNotIn("route", found["incidents"][0])  # the legs say it; never twice
        self.assertEqual(list(found["legs"][0]), layout.leg_headers())
        leg = found["legs"][0]
        self.assertEqual((leg["sequence"], leg["mode"], leg["fee_amount"]), ("1", "sea", "2500.00"))
        self.assertEqual(
            len(found["legs"]), 3
        )  # A-RED, A-AMBER, A-GREEN (amara is not named on A-STRICT)

    def test_it_writes_xlsx_sheets_with_dates_as_dates_and_numbers_as_numbers(self) -> None:
        data = export(self.amara, "xlsx", filters=ExportFilters(owner="ORG-A"))
        found = tables(data, "xlsx")
        self.assertEqual(list(found), ["incidents", "legs"])
        row = found["incidents"][0]
        self.assertEqual(row["date_start"], datetime.datetime(2024, 5, 17))
        self.assertEqual(row["migrants_involved"], 40)
        self.assertEqual(row["longitude"], -12.25)
        self.assertIs(row["publish_in_statistics"], False)
        self.assertEqual(found["legs"][0]["departed_on"], datetime.datetime(2024, 5, 16))
        self.assertEqual(found["legs"][0]["fee_amount"], 2500)

    def test_it_writes_json_objects_with_id_owner_label_and_nested_parts(self) -> None:
        documents = json.loads(export(self.amara, "json", filters=ExportFilters(owner="ORG-A")))
        self.assertEqual(len(documents), 3)
        document = documents[0]
        self.assertEqual(list(document)[:3], ["id", "owner", "label"])
        incident = Incident.objects.visible_to(self.amara).get(public_id=document["id"])
        self.assertEqual((document["owner"], document["label"]), ("ORG-A", incident.label))
        self.assertEqual(document["date_start"], "2024-05-17")
        migrant, offender = document["persons"]
        self.assertEqual(
            migrant["victimisation"]["violence_forms"], ["extortion", "physical_assault"]
        )
        self.assertEqual(offender["offender"]["stage"], "prosecuted")
        self.assertEqual(offender["offender"]["fine_amount"], "1500.00")
        self.assertEqual(
            [(step["stage"], step["effective_on"]) for step in offender["offender"]["stages"]],
            [("arrested", "2024-05-18"), ("prosecuted", "2024-06-02")],
        )
        self.assertEqual(document["legs"][0]["fee_amount"], "2500.00")
        # The owner is told what is sealed, by kind, never the values.
        self.assertNotIn("narrative", document)
        self.assertNotIn("migration_status", migrant)
        self.assertEqual(
            [(i["kind"], "value" in i) for i in migrant["identifiers"]],
            [("full_name", False), ("phone", False), ("date_of_birth", False)],
        )
        (selector,) = document["selectors"]
        self.assertEqual((selector["kind"], selector["person"]), ("phone", 2))
        self.assertNotIn("value", selector)

    def test_it_writes_json_as_the_api_writes_incident_documents(self) -> None:
        for user in (self.amara, self.chen):
            own = {organisation.pk for organisation in member_organisations(user)}
            exported = json.loads(export(user, "json"))
            for document in exported:
                incident = Incident.objects.visible_to(user).get(public_id=document["id"])
                expected = incident_document(incident, as_owner=incident.owner_id in own)
                with self.subTest(user=user.username, reference=incident.reference):
                    self.assertEqual(document, json.loads(json.dumps(expected, default=encode)))

    def test_it_writes_an_empty_export(self) -> None:
        self.assertEqual(json.loads(export(self.dana, "json")), [])
        self.assertEqual(len(tables(export(self.dana, "csv"), "csv")["incidents"]), 0)
        self.assertEqual(tables(export(self.dana, "xlsx"), "xlsx")["legs"], [])

    def test_it_lists_every_format_in_one_registry(self) -> None:
        self.assertEqual(exporters.NAMES, ("csv", "xlsx", "json", "htcds", "htcds-xlsx"))
        for exporter in exporters.REGISTRY:
            self.assertEqual(exporters.get(exporter.name), exporter)
        self.assertEqual(exporters.get("csv", archive=True).extension, "zip")


# Who sees what --------------------------------------------------------------------------------

SEES = {
    "amara": {"A-RED", "A-AMBER", "A-GREEN", "B-GREEN"},
    "bruno": {"A-RED", "A-STRICT", "A-AMBER", "A-GREEN", "B-GREEN"},
    "chen": {"A-AMBER", "A-GREEN", "B-GREEN"},
    "dana": set(),
    "eve": set(),
}


class ExportVisibilityTests(ExportTestCase):
    def personas(self) -> Iterator[tuple[str, Any]]:
        for name in SEES:
            yield name, getattr(self, name)

    def test_it_exports_exactly_the_records_each_persona_may_see(self) -> None:
        for name, user in self.personas():
            for format, archive in ALL_FORMATS:
                with self.subTest(persona=name, format=format, archive=archive):
                    data = export(user, format, archive)
                    if format == "json":
                        seen = {document["reference"] for document in json.loads(data)}
                    else:
                        rows = tables(data, format, archive)["incidents"]
                        seen = {row["reference"] for row in rows}
                    self.assertEqual(seen, SEES[name])

    def test_it_never_lets_a_canary_out_without_a_reveal(self) -> None:
        for name, user in self.personas():
            for format, archive in (*ALL_FORMATS, ("htcds", False)):
                with self.subTest(persona=name, format=format, archive=archive):
                    try:
                        text = readable(export(user, format, archive))
                    except NotImplementedError:
                        continue  # a format not written yet
                    self.assertNotIn(CANARY_A, text)
                    self.assertNotIn(CANARY_B, text)

    def test_it_reveals_only_the_records_of_the_users_own_organisation(self) -> None:
        for format, archive in ALL_FORMATS:
            with self.subTest(format=format, archive=archive):
                text = readable(
                    export(self.chen, format, archive, reveal=True, justification="Case 2024/17")
                )
                self.assertNotIn(CANARY_A, text)
                self.assertIn(f"{CANARY_B} narrative", text)
                self.assertIn(f"+291 {CANARY_B}", text)

    def test_it_gives_an_owner_every_sealed_value_when_revealed(self) -> None:
        data = export(self.bruno, "json", reveal=True, justification="Request 12")
        documents = {document["reference"]: document for document in json.loads(data)}
        own = documents["A-RED"]
        self.assertEqual(own["narrative"], f"{CANARY_A} narrative")
        self.assertEqual(own["sources"], f"{CANARY_A} sources")
        migrant, offender = own["persons"]
        self.assertEqual(migrant["migration_status"], "irregular")
        self.assertEqual(
            [(i["kind"], i["value"]) for i in migrant["identifiers"]],
            [
                ("full_name", f"{CANARY_A} name"),
                ("phone", f"+291 {CANARY_A}"),
                ("date_of_birth", "2007-02-03"),
            ],
        )
        (selector,) = own["selectors"]
        self.assertEqual(
            (selector["kind"], selector["value"], selector["person"]),
            ("phone", f"+218 {CANARY_A}", 2),
        )
        self.assertEqual(offender["offender"]["stages"][0]["note"], f"{CANARY_A} note")
        partner = documents["B-GREEN"]
        self.assertNotIn("narrative", partner)
        self.assertNotIn("selectors", partner)
        self.assertNotIn("migration_status", partner["persons"][0])

    def test_it_writes_the_sealed_columns_only_in_a_revealed_export(self) -> None:
        plain = tables(export(self.amara, "csv"), "csv")["incidents"]
        self.assertFalse(SEALED_COLUMNS & set(plain[0]))
        revealed = tables(export(self.amara, "csv", reveal=True, justification="Case 9"), "csv")[
            "incidents"
        ]
        rows = {(row["reference"], row["person_role"]): row for row in revealed}
        migrant = rows[("A-RED", "smuggled_migrant")]
        self.assertEqual(migrant["narrative"], f"{CANARY_A} narrative")
        self.assertEqual(migrant["selectors"], f"phone: +218 {CANARY_A}")
        self.assertEqual(
            migrant["person_identifiers"],
            f"full_name: {CANARY_A} name; phone: +291 {CANARY_A}; date_of_birth: 2007-02-03",
        )
        self.assertEqual(migrant["person_migration_status"], "irregular")
        partner = rows[("B-GREEN", "smuggled_migrant")]
        for column in (*SEALED_COLUMNS, "selectors"):
            self.assertEqual(partner[column], "", column)

    def test_it_gives_partners_the_de_identified_view(self) -> None:
        documents = {d["reference"]: d for d in json.loads(export(self.chen, "json"))}
        partner = documents["A-GREEN"]
        self.assertTrue(partner["deidentified"])
        self.assertFalse(partner["coarsened"])
        self.assertEqual(partner["date_start"], "2024-05-17")
        self.assertEqual(partner["place"], f"{PLACE} Lampedusa")  # the owner did not coarsen it
        person = partner["persons"][0]
        for name in ("migration_status", "identifiers"):
            self.assertNotIn(name, person)
        self.assertEqual(person["citizenship"], "ERI")
        self.assertEqual(person["age"], 17)
        own = documents["B-GREEN"]
        self.assertFalse(own["deidentified"])

    def test_it_coarsens_dates_and_places_where_the_owner_asked(self) -> None:
        for format, archive in ALL_FORMATS:
            with self.subTest(format=format, archive=archive):
                data = export(self.chen, format, archive, filters=ExportFilters(label="amber"))
                self.assertNotIn(PLACE, readable(data))
                if format == "json":
                    document = json.loads(data)[0]
                    self.assertTrue(document["coarsened"])
                    # As the API: the first day of the month, and the precision says month.
                    self.assertEqual(document["date_start"], "2024-05-01")
                    self.assertEqual(document["date_precision"], "month")
                    self.assertNotIn("latitude", document)
                    self.assertEqual(document["legs"][0]["departed_on"], "2024-05-01")
                    stages = document["persons"][1]["offender"]["stages"]
                    self.assertEqual(stages[-1]["effective_on"], "2024-06-01")
                    continue
                found = tables(data, format, archive)
                row = found["incidents"][0]
                self.assertEqual(row["date_start"], "2024-05")
                self.assertIn(row["latitude"], ("", None))
                self.assertEqual(row["admin_area"], "Sicilia")
                if "legs" in found:
                    self.assertEqual(found["legs"][0]["arrived_on"], "2024-05")
                    self.assertIn(found["legs"][0]["from_place"], ("", None))

    def test_it_takes_filters_as_a_mapping(self) -> None:
        filters = {"country": "ita", "label": "TLP:GREEN", "year": None, "kind": ""}
        documents = json.loads(export(self.chen, "json", filters=filters))
        self.assertEqual({d["reference"] for d in documents}, {"A-GREEN", "B-GREEN"})
        for wrong in ({"colour": "red"}, {"label": "pink"}):
            with self.subTest(filters=wrong), self.assertRaises(ExportRefused):
                export(self.chen, "json", filters=wrong)

    def test_it_filters_within_what_the_user_may_see(self) -> None:
        cases = [
            (ExportFilters(owner="ORG-B"), {"B-GREEN"}),
            (ExportFilters(label="green"), {"A-GREEN", "B-GREEN"}),
            (ExportFilters(year=2024, kind="smuggling_of_migrants", country="ITA"), SEES["chen"]),
            (ExportFilters(year=2023), set()),
            (ExportFilters(label="red"), set()),
        ]
        for filters, expected in cases:
            with self.subTest(filters=filters):
                documents = json.loads(export(self.chen, "json", filters=filters))
                self.assertEqual({d["reference"] for d in documents}, expected)


# Formulas -------------------------------------------------------------------------------------

FORMULAS = {
    "place": '=HYPERLINK("http://example.org/x","click")',
    "national_provisions": "+1",
    "admin_area": "@SUM(A1:A9)",
}


class NeutraliseTests(SimpleTestCase):
    def test_it_quotes_text_a_spreadsheet_would_run(self) -> None:
        cases = [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\r=1", "'\r=1"),
            ("  =1+1", "'  =1+1"),
            ("'quoted", "''quoted"),
            ("Lampedusa", "Lampedusa"),
            ("a=b", "a=b"),
            ("", ""),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(neutralise(value), expected)
                self.assertEqual(restore(neutralise(value)), value)

    def test_it_leaves_numbers_alone(self) -> None:
        for value in (-1.5, -3, decimal.Decimal("-2.50"), None, True):
            self.assertEqual(neutralise(value), value)


class ExportFormulaTests(ExportTestCase):
    filters: ExportFilters

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        draft = cls.draft(reference="A-FORMULA", **FORMULAS)
        draft.legs = [RouteLeg(sequence=1, from_country="LBY", to_country="ITA", from_place="-2+3")]
        record_incident(actor=cls.bruno, organisation=cls.org_a, draft=draft)
        cls.filters = ExportFilters(owner="ORG-A")

    def formula_row(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return next(row for row in rows if row["reference"] == "A-FORMULA")

    def test_it_neutralises_formulas_in_csv(self) -> None:
        for archive in (False, True):
            found = tables(export(self.amara, "csv", archive, filters=self.filters), "csv", archive)
            row = self.formula_row(found["incidents"])
            for name, value in FORMULAS.items():
                self.assertEqual(row[name], "'" + value)
            self.assertEqual(
                self.formula_row(found.get("legs", found["incidents"])).get("from_place", "'-2+3"),
                "'-2+3",
            )
            other = next(row for row in found["incidents"] if row["reference"] == "A-RED")
            self.assertEqual(other["longitude"], "-12.25")  # a number, not text

    def test_it_neutralises_formulas_in_xlsx(self) -> None:
        data = export(self.amara, "xlsx", filters=self.filters)
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(cell.data_type, "f", f"{sheet.title}!{cell.coordinate}")
        found = tables(data, "xlsx")
        row = self.formula_row(found["incidents"])
        for name, value in FORMULAS.items():
            self.assertEqual(row[name], "'" + value)
        self.assertEqual(self.formula_row(found["legs"])["from_place"], "'-2+3")
        other = next(row for row in found["incidents"] if row["reference"] == "A-RED")
        self.assertEqual(other["longitude"], -12.25)


# The audit log --------------------------------------------------------------------------------


class ExportAuditTests(ExportTestCase):
    def events(self, action: str = Action.EXPORT) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("sequence"))

    def test_it_records_one_event_per_owner_organisation_of_an_export(self) -> None:
        out = io.BytesIO()
        result = export_incidents(
            actor=self.amara,
            format="csv",
            out=out,
            filters=ExportFilters(year=2024, country="ITA"),
        )
        events = self.events()
        self.assertEqual([e.target_organisation_code for e in events], ["ORG-A", "ORG-B"])
        for event in events:
            self.assertEqual((event.actor, event.organisation_code), (self.amara, "ORG-A"))
            self.assertEqual((event.target_type, event.target_id), ("export", result.id))
            self.assertEqual(event.justification, "")
        self.assertEqual(
            events[0].details,
            {
                "format": "csv",
                "count": 3,
                "persons": 6,
                "legs": 3,
                "selectors": 0,
                "fields": ["country", "year"],
                "result": "complete",
            },
        )
        self.assertEqual(events[1].details["count"], 1)
        self.assertEqual(self.events(Action.REVEAL), [])
        self.assertEqual(result.rows, 8)

    def test_it_records_an_empty_export(self) -> None:
        export(self.dana, "json")
        (event,) = self.events()
        self.assertEqual(
            (event.actor, event.organisation, event.target_organisation), (self.dana, None, None)
        )
        self.assertEqual(event.details["count"], 0)

    def test_it_records_a_reveal_with_its_justification(self) -> None:
        export(self.bruno, "xlsx", reveal=True, justification="Prosecutor's request 2024/88")
        exports = self.events()
        self.assertEqual(len(exports), 2)
        self.assertTrue(all(e.justification == "Prosecutor's request 2024/88" for e in exports))
        (reveal,) = self.events(Action.REVEAL)
        self.assertEqual(
            (reveal.organisation_code, reveal.target_id), ("ORG-A", exports[0].target_id)
        )
        self.assertEqual(reveal.details["count"], 4)
        self.assertIn("person.identifiers", reveal.details["fields"])
        self.assertEqual(reveal.justification, "Prosecutor's request 2024/88")

    def test_it_records_an_export_that_failed(self) -> None:
        with failing(OSError("disk full")), self.assertRaises(OSError):
            export(self.amara, "csv")
        (event,) = self.events()
        self.assertEqual(event.details["result"], "failed")

    def test_it_refuses_a_reveal_it_cannot_justify(self) -> None:
        refusals: list[tuple[Any, dict[str, Any]]] = [
            (self.amara, {"reveal": True}),
            (self.amara, {"reveal": True, "justification": "   "}),
            (self.amara, {"justification": "just because"}),
            (self.amara, {"reveal": True, "justification": "x" * 2001}),
            (self.dana, {"reveal": True, "justification": "Case 1"}),
            (self.eve, {"reveal": True, "justification": "Case 1"}),
        ]
        for user, options in refusals:
            with (
                self.subTest(user=user.username, options=options),
                self.assertRaises(ExportRefused),
            ):
                export(user, "csv", **options)
        self.assertEqual(self.events(), [])


# Queries --------------------------------------------------------------------------------------


#: Before the first chunk: the user's organisations, the owners of the records.
SETUP = 2
#: Per chunk: ids, incidents, persons, victimisation, offender, stages, legs.
CHUNK = 7
#: Per chunk holding records of the user's own organisation: identifiers, selectors (kinds).
OWN = 2
#: Per chunk, revealing: each field's key once (narrative, sources, migration status,
#: identifiers, selectors, stage notes).
KEYS = 6


class ExportQueryTests(ExportTestCase):
    def consume(self, user: Any, reveal: bool = False) -> int:
        rows = export_rows(user, Incident.objects.all(), reveal=reveal)
        return sum(1 for _ in rows)

    def test_it_reads_a_chunk_with_a_fixed_number_of_queries(self) -> None:
        self.consume(self.bruno)  # reference data labels are cached once per process
        with self.assertNumQueries(SETUP + CHUNK + OWN):
            self.assertEqual(self.consume(self.bruno), 5)
        for number in range(10):
            self.record(self.bruno, self.org_a, f"A-MORE-{number}", Label.RED, CANARY_A)
        with self.assertNumQueries(SETUP + CHUNK + OWN):
            self.assertEqual(self.consume(self.bruno), 15)

    def test_it_reads_a_partners_chunk_without_the_owners_rows(self) -> None:
        self.consume(self.chen)
        # chen's records: A-AMBER, A-GREEN (a partner's), B-GREEN (own)
        with self.assertNumQueries(SETUP + CHUNK + OWN):
            self.assertEqual(self.consume(self.chen), 3)
        with (
            mock.patch.object(base, "CHUNK_INCIDENTS", 2),
            self.assertNumQueries(SETUP + CHUNK + (CHUNK + OWN)),
        ):
            self.assertEqual(self.consume(self.chen), 3)

    def test_it_adds_a_fixed_number_of_queries_per_chunk(self) -> None:
        self.consume(self.bruno)
        # bruno's records: four of Org A, then B-GREEN (a partner's)
        with (
            mock.patch.object(base, "CHUNK_INCIDENTS", 2),
            self.assertNumQueries(SETUP + 2 * (CHUNK + OWN) + CHUNK),
        ):
            self.assertEqual(self.consume(self.bruno), 5)
        with (
            mock.patch.object(base, "CHUNK_INCIDENTS", 5),
            self.assertNumQueries(SETUP + CHUNK + OWN + 1),
        ):
            self.assertEqual(self.consume(self.bruno), 5)  # a full chunk asks once more

    def test_it_keeps_a_chunk_within_its_persons(self) -> None:
        self.consume(self.bruno)
        with (
            mock.patch.object(base, "CHUNK_PERSONS", 3),
            self.assertNumQueries(SETUP + 4 * (CHUNK + OWN) + CHUNK),
        ):
            self.assertEqual(self.consume(self.bruno), 5)

    def test_it_reveals_with_a_fixed_number_of_queries(self) -> None:
        self.consume(self.bruno, reveal=True)
        with self.assertNumQueries(SETUP + CHUNK + OWN + KEYS):
            self.assertEqual(self.consume(self.bruno, reveal=True), 5)
        for number in range(10):
            self.record(self.bruno, self.org_a, f"A-MORE-{number}", Label.RED, CANARY_A)
        with self.assertNumQueries(SETUP + CHUNK + OWN + KEYS):
            self.assertEqual(self.consume(self.bruno, reveal=True), 15)


# The round trip -------------------------------------------------------------------------------


class ExportRoundTripTests(ExportTestCase):
    """An owner's revealed export re-imports to the same content: export Org A's records, import
    them into Org C, export Org C's records and compare (persons get new ids)."""

    def round_trip(self, format: str, archive: bool) -> None:
        from waypoint.bulk.engine import run_import

        first = export(
            self.bruno,
            format,
            archive,
            filters=ExportFilters(owner="ORG-A"),
            reveal=True,
            justification="Copy",
        )
        suffix = ".zip" if archive else f".{format}"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"export{suffix}"
            path.write_bytes(first)
            report = run_import(actor=self.cleo, organisation=self.org_c, path=path)
        self.assertEqual((report.created, report.rejected), (4, 0), report.errors)
        second = export(
            self.cleo,
            format,
            archive,
            filters=ExportFilters(owner="ORG-C"),
            reveal=True,
            justification="Check",
        )
        self.assertEqual(
            self.content(first, format, archive), self.content(second, format, archive)
        )

    def content(self, data: bytes, format: str, archive: bool) -> dict[str, list[dict[str, Any]]]:
        found = tables(data, format, archive)
        for rows in found.values():
            for row in rows:
                row.pop("person_ref", None)
        return found

    def test_it_round_trips_a_csv_export(self) -> None:
        self.round_trip("csv", archive=False)

    def test_it_round_trips_a_zip_of_csv_files(self) -> None:
        self.round_trip("csv", archive=True)

    def test_it_round_trips_an_xlsx_export(self) -> None:
        self.round_trip("xlsx", archive=False)


# The command ----------------------------------------------------------------------------------


class ExportCommandTests(ExportTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def run_export(self, *args: str) -> str:
        out = io.StringIO()
        call_command("export", *args, stdout=out)
        return out.getvalue()

    def test_it_writes_the_file_and_says_what_it_wrote(self) -> None:
        path = self.folder / "records.csv"
        output = self.run_export("--user", "chen", "--format", "csv", "--out", str(path))
        self.assertEqual(len(tables(path.read_bytes(), "csv")["incidents"]), 6)
        self.assertIn(f"Wrote 6 rows to {path}: 3 incidents, 6 persons, 3 route legs", output)
        self.assertIn("Records of ORG-A are de-identified", output)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertEqual(list(self.folder.iterdir()), [path])

    def test_it_writes_a_zip_for_a_csv_export_to_a_zip_file(self) -> None:
        path = self.folder / "records.zip"
        self.run_export(
            "--user", "amara", "--format", "csv", "--out", str(path), "--owner", "ORG-A"
        )
        self.assertEqual(
            sorted(tables(path.read_bytes(), "csv", archive=True)), ["incidents", "legs"]
        )

    def test_it_reveals_with_a_justification(self) -> None:
        path = self.folder / "records.json"
        output = self.run_export(
            "--user", "bruno", "--format", "json", "--out", str(path),
            "--label", "TLP:AMBER+STRICT", "--reveal", "--justification", "Case 2024/7",
        )  # fmt: skip
        self.assertIn(f"{CANARY_A} narrative", path.read_text(encoding="utf-8"))
        self.assertIn("sealed values", output)
        self.assertEqual([d["reference"] for d in json.loads(path.read_bytes())], ["A-STRICT"])

    def test_it_answers_usage_errors_with_status_2(self) -> None:
        out = str(self.folder / "x.csv")
        cases = [
            (["--user", "nobody", "--format", "csv", "--out", out], "no active user"),
            (["--user", "amara", "--format", "csv", "--out", out, "--label", "pink"], "unknown label"),
            (["--user", "amara", "--format", "csv", "--out", out, "--year", "1066"], "out of range"),
            (["--user", "amara", "--format", "csv", "--out", out, "--kind", "piracy"], "unknown kind"),
            (["--user", "amara", "--format", "csv", "--out", out, "--country", "ITL"], "did you mean ITA"),
            (["--user", "amara", "--format", "csv", "--out", out, "--owner", "ORG-Z"], "unknown organisation"),
            (["--user", "amara", "--format", "csv", "--out", out, "--reveal"], "justification"),
            (["--user", "dana", "--format", "csv", "--out", out, "--reveal", "--justification", "x"], "only members"),
            (["--user", "amara", "--format", "xlsx", "--out", str(self.folder / "x.zip")], ".zip"),
            (["--user", "amara", "--format", "csv", "--out", str(self.folder / "no" / "x.csv")], "does not exist"),
        ]  # fmt: skip
        for args, message in cases:
            with self.subTest(args=args), self.assertRaises(CommandError) as caught:
                self.run_export(*args)
            self.assertEqual(caught.exception.returncode, 2)
            self.assertIn(message, str(caught.exception))
        self.assertEqual(list(self.folder.iterdir()), [])
        self.assertEqual(AuditEvent.objects.filter(action=Action.EXPORT).count(), 0)

    def test_it_exits_with_status_2_on_a_missing_argument(self) -> None:
        command = ExportCommand()
        setattr(command, "_called_from_command_line", True)  # noqa: B010 - as manage.py does
        parser = command.create_parser("waypoint", "export")
        with self.assertRaises(SystemExit) as caught, mock.patch("sys.stderr", io.StringIO()):
            parser.parse_args(["--user", "amara", "--format", "csv"])
        self.assertEqual(caught.exception.code, 2)

    def test_it_keeps_no_partial_file_when_an_export_fails(self) -> None:
        path = self.folder / "records.csv"
        with failing(OSError("disk full")), self.assertRaises(OSError):
            self.run_export("--user", "amara", "--format", "csv", "--out", str(path))
        self.assertEqual(list(self.folder.iterdir()), [])
