"""HTCDS 2.0: recognising its files, each mapping, unknown and rejected values, JSON and XLSX
inputs, the filled official template, and the export's layout, round trip and protections."""

from __future__ import annotations

import datetime
import io
import json
import tempfile
import unittest
from pathlib import Path
from typing import Any

import openpyxl
from django.core.management import call_command
from django.test import SimpleTestCase

from waypoint.bulk import importers
from waypoint.bulk.engine import ImportOptions, ImportReport, run_import
from waypoint.bulk.exporters import htcds as exporter
from waypoint.bulk.exporters.base import Month, export_rows
from waypoint.bulk.exporting import export_incidents
from waypoint.bulk.formats import ReadContext
from waypoint.bulk.importers import htcds
from waypoint.bulk.mapping import SourceRecord
from waypoint.bulk.sources import Table, normalise_header, open_tables
from waypoint.bulk.tests import htcds_sample
from waypoint.cases.actions import record_incident
from waypoint.cases.models import (
    Incident,
    Label,
    Person,
    PersonIdentifier,
    Victimisation,
)
from waypoint.cases.validation import IncidentDraft, PersonDraft, validate
from waypoint.orgs.models import SharingAgreement
from waypoint.test import BaseTestCase

SHARED = htcds_sample.SHARED.parent
needs_shared_data = unittest.skipUnless(
    htcds_sample.PLAIN.is_file() and htcds_sample.VALIDATED.is_file(),
    f"the official HTCDS templates are not in {htcds_sample.SHARED} (../shared/data)",
)

#: A case as JSON: a victim, a perpetrator and three events, in HTCDS value names.
RICH_CASE: dict[str, Any] = {
    "cas_CaseNumber": "NGO-2024-017",
    "cas_Status": "FollowUp",
    "victims": [
        {
            "prs_FirstName": "Joy",
            "prs_MiddleName": "Ada",
            "prs_SecondName": "Osagie",
            "prs_Birthdate": "2001-04-12",
            "prs_Gender": "Feminine",
            "prs_Citizenship": ["NG", "Ghana"],
            "prs_IdentityNumber": "A1234567",
            "prs_Email": "joy@example.org",
            "prs_MobilePhone": "+2348012345678",
            "prs_HomePhone": "+2348012345678",
            "prs_MailingStreet": "12 Via Roma",
            "prs_MailingCity": "Caserta",
            "prs_MailingCountry": "IT",
            "vic_TraffickingStatus": "ActualVictimOfTrafficking",
            "vic_TraffickingStatusDecisionMakingOrg": "CourtOrProsecution",
            "vic_RelationshipToTrafficker": "Acquainted",
            "vic_MethodsOfControl": [
                "DebtBondage",
                "WithholdsDocuments",
                "ThreatensChildrenFamily",
            ],
            "vic_TypeOfExploitation": ["SexualExploitation"],
            "vic_TypeOfSexExploitation": ["Prostitution", "RemoteInteractiveServices"],
            "vic_LocationOfExploitation": "Castel Volturno, Caserta, Italy",
            "spl_Type": ["Health", "Legal", "SocialCare"],
            "con_Consent": True,
        }
    ],
    "perpetrators": [
        {
            "prs_FirstName": "Osas",
            "prs_Gender": "Masculine",
            "prs_Citizenship": "NG",
            "per_RoleInProcess": ["RecruiterOrIntermediary", "Exploiter"],
        }
    ],
    "events": [
        {
            "hte_Type": "Recruitment",
            "hte_Country": "NG",
            "hte_City": "Benin City",
            "hte_Date": "2022-11-03",
        },
        {"hte_Type": "Transit", "hte_Country": "Libya", "hte_City": "Sabha"},
        {
            "hte_Type": "Exploitation",
            "hte_Country": "ITA",
            "hte_City": "Castel Volturno",
            "hte_State": "Campania",
            "hte_Date": "2023-06-20",
            "hte_Latitude": 41.03,
            "hte_Longitude": 13.94,
        },
    ],
}


class Files:
    """Writes input files into a temporary directory for one test."""

    def __init__(self) -> None:
        self.directory = tempfile.TemporaryDirectory()
        self.root = Path(self.directory.name)

    def json(self, document: Any, name: str = "cases.json") -> Path:
        path = self.root / name
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    def workbook(self, sheets: dict[str, list[list[Any]]], name: str = "cases.xlsx") -> Path:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)  # type: ignore[arg-type]
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = self.root / name
        workbook.save(path)
        return path

    def csv(self, text: str, name: str = "cases.csv") -> Path:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return path


def read(path: Path) -> tuple[list[SourceRecord], ReadContext]:
    context = ReadContext()
    records = list(htcds.FORMAT.read(open_tables(path), context))
    return records, context


def content(draft: IncidentDraft) -> dict[str, Any]:
    """Everything a draft says, as plain values (after the domain rules filled what they fill)."""
    validate(draft)
    return {
        "incident": _values(draft.incident),
        "persons": [
            {
                "person": _values(person.person),
                "identifiers": [(i.kind, i.value) for i in person.identifiers],
                "victimisation": _values(person.victimisation) if person.victimisation else None,
                "offender": _values(person.offender) if person.offender else None,
            }
            for person in draft.persons
        ],
        "legs": [_values(leg) for leg in draft.legs],
    }


def _values(row: Any) -> dict[str, Any]:
    skipped = {"id", "public_id", "incident", "person", "owner", "created_by", "value_index"}
    skipped |= {"created_at", "updated_at", "label"}
    return {
        f.name: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name not in skipped
    }


class HtcdsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.files = Files()
        self.addCleanup(self.files.directory.cleanup)

    def only(self, path: Path) -> SourceRecord:
        records, _context = read(path)
        self.assertEqual(len(records), 1, [r.issues for r in records])
        return records[0]

    def case(self, **victim: Any) -> SourceRecord:
        """One flat case (a template row) with these victim fields."""
        return self.only(self.files.json([{"cas_CaseNumber": "C-1", **victim}]))

    def victimisation(self, **victim: Any) -> Victimisation:
        record = self.case(**victim)
        self.assertEqual(record.issues, [])
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        return victimisation

    def person(self, **victim: Any) -> Person:
        record = self.case(**victim)
        self.assertEqual(record.issues, [])
        assert record.draft is not None
        return record.draft.persons[0].person

    def rejection(self, **victim: Any) -> tuple[str, str, str]:
        """(column, reason, accepted) of the one rejected cell."""
        record = self.case(**victim)
        self.assertEqual(len(record.issues), 1, record.issues)
        issue = record.issues[0]
        return issue.column, issue.reason, issue.accepted

    def run_import(self, path: Path, **options: Any) -> ImportReport:
        return run_import(
            actor=self.bruno,
            organisation=self.org_a,
            path=path,
            options=ImportOptions(**options),
        )


# Recognising ---------------------------------------------------------------------------------


def table(*headers: str) -> Table:
    return Table("f.csv", "f", {normalise_header(h): h for h in headers}, iter(()))


class RecognitionTests(SimpleTestCase):
    def test_it_is_sure_of_the_templates_header(self) -> None:
        headers = [name for name, _label in htcds_sample.TEMPLATE_COLUMNS if name]
        self.assertEqual(htcds.recognise([table(*headers)]), 1.0)

    def test_it_recognises_the_xlsform_names_and_a_header_of_labels(self) -> None:
        xlsform = table("start", "prs_First_Name", "prs_Gender", "vic_Methods_of_Control", "_uuid")
        labels = table("Gender", "Trafficking Status", "Type of Exploitation", "Methods of Control")
        self.assertGreaterEqual(htcds.recognise([xlsform]), 0.6)
        self.assertGreaterEqual(htcds.recognise([labels]), 0.8)

    def test_it_recognises_its_json_cases(self) -> None:
        self.assertGreaterEqual(
            htcds.recognise([table("cas_CaseNumber", "victims", "perpetrators", "events")]), 0.7
        )

    def test_it_does_not_claim_other_layouts(self) -> None:
        for headers in (
            ("yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation"),
            ("Main ID", "Incident ID", "Number of Dead", "Country of Origin", "Coordinates"),
            ("reference", "kinds", "date_start", "country", "person_role", "person_sex"),
            ("id", "victims", "type", "label"),
            ("gender", "citizenship", "status", "consent"),
        ):
            with self.subTest(headers=headers):
                self.assertEqual(htcds.recognise([table(*headers)]), 0.0)

    @unittest.skipUnless(SHARED.is_dir(), f"the shared datasets are not in {SHARED}")
    def test_it_leaves_the_shared_ctdc_and_missing_migrants_files_to_their_formats(self) -> None:
        paths = [
            *sorted((SHARED / "ctdc").glob("*.csv")),
            *sorted((SHARED / "missing-migrants").glob("*.csv")),
            SHARED / "htcds" / "htcds_xlsform.xlsx",
        ]
        for path in paths:
            if not path.is_file() or path.stat().st_size == 0:
                continue
            with self.subTest(path=path.name):
                tables = open_tables(path)
                self.assertLess(htcds.recognise(tables), importers.THRESHOLD)


class DateWritingTests(SimpleTestCase):
    def test_it_writes_a_date_as_precisely_as_it_is_known(self) -> None:
        day = datetime.date(2024, 5, 17)
        for value, precision, written in (
            (day, "day", day),
            (day, "month", "2024-05"),
            (datetime.date(2024, 1, 1), "year", "2024"),
            (Month(2024, 5), "month", "2024-05"),
            (Month(2024, 1), "year", "2024"),
            (None, "unknown", None),
        ):
            with self.subTest(value=value, precision=precision):
                self.assertEqual(exporter._partial(value, precision), written)


# Mappings ------------------------------------------------------------------------------------


class CaseMappingTests(HtcdsTestCase):
    def test_it_reads_a_json_case_with_its_victim_perpetrator_and_events(self) -> None:
        record = self.only(self.files.json([RICH_CASE]))
        self.assertEqual(record.issues, [])
        assert record.draft is not None
        incident = record.draft.incident
        self.assertEqual(incident.reference, "NGO-2024-017")
        self.assertEqual(incident.kinds, ["trafficking_in_persons"])
        self.assertEqual(
            (incident.country, incident.place, incident.admin_area),
            ("ITA", "Castel Volturno", "Campania"),
        )
        self.assertEqual((incident.latitude, incident.longitude), (41.03, 13.94))
        self.assertEqual(incident.coordinate_precision, "approximate")
        self.assertEqual(incident.date_start, datetime.date(2022, 11, 3))
        self.assertEqual(incident.date_end, datetime.date(2023, 6, 20))
        self.assertEqual(incident.date_precision, "day")
        self.assertEqual(incident.offence_codes, ["02041"])
        self.assertEqual(record.person_keys, ["victim-1", "perpetrator-1"])
        self.assertEqual(validate(record.draft), [])

    def test_it_makes_the_route_of_the_events_in_order(self) -> None:
        record = self.only(self.files.json([RICH_CASE]))
        assert record.draft is not None
        legs = [
            (leg.from_country, leg.from_place, leg.from_role, leg.to_country, leg.to_role)
            for leg in record.draft.legs
        ]
        self.assertEqual(
            legs,
            [
                ("NGA", "Benin City", "recruitment", "LBY", "transit"),
                ("LBY", "Sabha", "transit", "ITA", "exploitation"),
            ],
        )

    def test_it_maps_the_victims_person_fields(self) -> None:
        record = self.only(self.files.json([RICH_CASE]))
        assert record.draft is not None
        victim = record.draft.persons[0]
        self.assertEqual(victim.person.role, "victim")
        self.assertEqual(victim.person.sex, "female")
        self.assertEqual(victim.person.citizenship, "NGA")
        self.assertEqual(victim.person.other_citizenships, ["GHA"])
        self.assertEqual(victim.person.age, 21)  # at the first event, from the date of birth
        self.assertEqual(
            [(i.kind, i.value) for i in victim.identifiers],
            [
                ("given_name", "Joy Ada"),
                ("family_name", "Osagie"),
                ("date_of_birth", "2001-04-12"),
                ("national_id_number", "A1234567"),
                ("email", "joy@example.org"),
                ("phone", "+2348012345678"),
                ("address", "12 Via Roma, Caserta, IT"),
            ],
        )

    def test_it_maps_the_victim_context(self) -> None:
        record = self.only(self.files.json([RICH_CASE]))
        assert record.draft is not None
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(victimisation.trafficking_identification, "identified")
        self.assertEqual(victimisation.identified_by, "prosecution_or_court")
        self.assertEqual(victimisation.perpetrator_relation, "acquaintance")
        self.assertEqual(
            victimisation.means_of_control,
            ["debt_bondage", "withholds_documents", "threatens_family"],
        )
        self.assertEqual(victimisation.exploitation_forms, ["sexual_exploitation"])
        self.assertEqual(
            victimisation.sexual_exploitation_types,
            ["prostitution", "remote_interactive_services"],
        )
        self.assertEqual(victimisation.country_of_exploitation, "ITA")
        self.assertEqual(victimisation.assistance, ["medical", "legal", "psychosocial"])

    def test_it_maps_a_perpetrator_to_a_suspected_offender_with_roles(self) -> None:
        record = self.only(self.files.json([RICH_CASE]))
        assert record.draft is not None
        perpetrator = record.draft.persons[1]
        self.assertEqual(perpetrator.person.role, "offender")
        self.assertEqual((perpetrator.person.sex, perpetrator.person.citizenship), ("male", "NGA"))
        assert perpetrator.offender is not None
        self.assertEqual(perpetrator.offender.network_roles, ["recruiter", "exploiter"])
        self.assertEqual(perpetrator.offender.stage, "suspected")
        self.assertEqual(
            [(i.kind, i.value) for i in perpetrator.identifiers], [("given_name", "Osas")]
        )

    def test_it_reads_flat_rows_with_one_case_number_as_one_case(self) -> None:
        path = self.files.json(
            [
                {"cas_CaseNumber": "C-7", "prs_Gender": "Feminine", "prs_Citizenship": "PH"},
                {"cas_CaseNumber": "C-7", "prs_Gender": "Masculine", "prs_Citizenship": "PH"},
                {"cas_CaseNumber": "C-8", "prs_Gender": "Masculine"},
            ]
        )
        records, _context = read(path)
        self.assertEqual([r.reference for r in records], ["C-7", "C-8"])
        assert records[0].draft is not None
        self.assertEqual([p.person.sex for p in records[0].draft.persons], ["female", "male"])

    def test_it_takes_the_route_of_a_case_without_events_from_the_victims_locations(self) -> None:
        record = self.only(
            self.files.json(
                [
                    {
                        "vic_LocationOfRecruitment": "Nairobi, Kenya",
                        "vic_LocationOfExploitation": "Myawaddy, Myanmar",
                        "vic_TypeOfExploitation": "ForcedCriminality",
                    }
                ]
            )
        )
        assert record.draft is not None
        incident, legs = record.draft.incident, record.draft.legs
        self.assertEqual((incident.country, incident.place), ("MMR", "Myawaddy"))
        self.assertEqual(
            [(leg.from_country, leg.from_place, leg.to_country, leg.to_role) for leg in legs],
            [("KEN", "Nairobi", "MMR", "exploitation")],
        )
        victimisation = record.draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(victimisation.exploitation_forms, ["forced_criminality"])
        self.assertEqual(victimisation.country_of_exploitation, "MMR")

    def test_it_keeps_a_location_without_a_country_as_the_place(self) -> None:
        record = self.only(
            self.files.json([{"vic_LocationOfExploitation": "a farm near the river"}])
        )
        assert record.draft is not None
        self.assertEqual(record.draft.incident.country, "unknown")
        self.assertEqual(record.draft.incident.place, "a farm near the river")
        self.assertEqual(record.draft.legs, [])

    def test_it_dates_the_case_as_precisely_as_its_least_precise_event(self) -> None:
        events = [
            {"hte_Type": "Recruitment", "hte_Country": "VN", "hte_Date": "2023-03"},
            {"hte_Type": "Exploitation", "hte_Country": "KH", "hte_Date": "2023-09-14"},
        ]
        record = self.only(self.files.json([{"cas_CaseNumber": "C-1", "events": events}]))
        assert record.draft is not None
        incident = record.draft.incident
        self.assertEqual(incident.date_precision, "month")
        self.assertEqual(
            (incident.date_start, incident.date_end),
            (datetime.date(2023, 3, 1), datetime.date(2023, 9, 1)),
        )
        self.assertEqual(incident.country, "KHM")

    def test_it_dates_a_case_without_dated_events_to_the_year_of_its_referral(self) -> None:
        record = self.case(cas_IncomingReferralDate="2023-08-14", prs_Gender="Feminine")
        assert record.draft is not None
        incident = record.draft.incident
        self.assertEqual(
            (incident.date_start, incident.date_precision), (datetime.date(2023, 1, 1), "year")
        )
        self.assertEqual(record.locate("incident.date_start").column, "cas_IncomingReferralDate")  # type: ignore[union-attr]

    def test_it_codes_the_offence_by_the_purposes_of_exploitation(self) -> None:
        for victim, codes in (
            (
                {
                    "vic_TraffickingStatus": "ActualVictimOfTrafficking",
                    "vic_TypeOfExploitation": "SexualExploitation; ForcedLabour",
                },
                ["02041", "02042"],
            ),
            (
                {
                    "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
                    "vic_TypeOfExploitation": "OrganRemoval",
                },
                ["02043"],
            ),
            (
                {
                    "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
                    "vic_TypeOfExploitation": "ForcedCriminality",
                },
                ["02044"],
            ),
            ({"vic_TraffickingStatus": "PossibleVictimOfTrafficking"}, ["0204"]),
            (
                {
                    "vic_TraffickingStatus": "NotAVictimOfTrafficking",
                    "vic_TypeOfExploitation": "ForcedLabour",
                },
                [],
            ),
            ({"prs_Gender": "Feminine", "vic_TypeOfExploitation": "ForcedLabour"}, []),
        ):
            with self.subTest(victim=victim):
                record = self.case(**victim)
                assert record.draft is not None
                self.assertEqual(record.draft.incident.offence_codes, codes)

    def test_it_does_not_derive_an_age_without_a_date_to_the_day(self) -> None:
        self.assertIsNone(self.person(prs_Birthdate="1990-01-01").age)
        self.assertEqual(self.person(vic_AgeWhenTrafficked=16).age, 16)


class ValueMappingTests(HtcdsTestCase):
    def test_it_maps_gender_names_and_labels(self) -> None:
        for written, code in (
            ("Feminine", "female"),
            ("Masculine", "male"),
            ("Non-Conforming", "other"),
            ("TransgenderFeminine", "other"),
            ("Transgender Masculine", "other"),
            ("NonSpecifiedUnknown", "unknown"),
            ("Not Specified/Unknown", "unknown"),
            ("Not stated", "not_stated"),
            ("F", "female"),
        ):
            with self.subTest(written=written):
                self.assertEqual(self.person(prs_Gender=written).sex, code)

    def test_it_maps_the_trafficking_status_and_who_decided_it(self) -> None:
        for status, decided, expected in (
            ("ActualVictimOfTrafficking", "Police", ("identified", "police")),
            ("Possible victim of trafficking", "NGO", ("presumed", "ngo")),
            (
                "PossibleVictimOfTrafficking",
                "Non-police governmental organization",
                ("presumed", "other_government"),
            ),
            (
                "Actual victim of trafficking",
                "Court or prosecution",
                ("identified", "prosecution_or_court"),
            ),
        ):
            with self.subTest(status=status, decided=decided):
                victimisation = self.victimisation(
                    vic_TraffickingStatus=status, vic_TraffickingStatusDecisionMakingOrg=decided
                )
                self.assertEqual(
                    (victimisation.trafficking_identification, victimisation.identified_by),
                    expected,
                )

    def test_it_leaves_out_who_decided_that_a_person_is_not_a_victim(self) -> None:
        path = self.files.json(
            [
                {
                    "vic_TraffickingStatus": "NotAVictimOfTrafficking",
                    "vic_TraffickingStatusDecisionMakingOrg": "Police",
                }
            ]
        )
        records, context = read(path)
        assert records[0].draft is not None
        victimisation = records[0].draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(victimisation.trafficking_identification, "not_identified")
        self.assertEqual(victimisation.identified_by, "")
        self.assertTrue(
            any("decision-making organisation of 1 persons" in n for n in context.notices)
        )

    def test_it_maps_methods_of_control_in_every_spelling(self) -> None:
        self.assertEqual(
            self.victimisation(
                vic_MethodsOfControl="Physical threats; Threats of law enforcement, Debt bondage "
            ).means_of_control,
            ["threats", "threat_of_law_enforcement", "debt_bondage"],
        )
        # ODK writes several choices as names separated by spaces.
        self.assertEqual(
            self.victimisation(
                vic_MethodsOfControl="PsychoactiveSubstance TakesEarnings"
            ).means_of_control,
            ["psychoactive_substances", "takes_earnings"],
        )
        # Defined in HTCDS's Field Definitions, though missing from the 2.0 picklist.
        self.assertEqual(
            self.victimisation(
                vic_MethodsOfControl=["RestrictsMovement", "UsesChildren"]
            ).means_of_control,
            ["restricts_movement", "uses_children"],
        )

    def test_it_maps_types_of_exploitation(self) -> None:
        for written, codes in (
            ("ForcedLabour", ["forced_labour"]),
            ("Servitude", ["domestic_servitude"]),
            ("Forced military (by non-state actors)", ["forced_military"]),
            ("ForcedAdoption; Surrogacy", ["illegal_adoption", "surrogacy"]),
            ("Child labour, Forced begging", ["child_labour", "forced_begging"]),
            ("Forced criminality", ["forced_criminality"]),
            ("Other", ["other"]),
        ):
            with self.subTest(written=written):
                self.assertEqual(
                    self.victimisation(vic_TypeOfExploitation=written).exploitation_forms, codes
                )

    def test_it_maps_industries_with_commas_in_their_labels_and_their_sub_levels(self) -> None:
        for written, codes in (
            ("A_AgricultureForestryAndFishing", ["A"]),
            ("Agriculture, forestry and fishing", ["A"]),
            ("Agriculture, forestry and fishing, Construction", ["A", "F"]),
            (
                "Water supply; sewerage, waste management and remediation; F_Construction",
                ["E", "F"],
            ),
            (
                "Activities of households as employers; undifferentiated goods- and services- producing activities of households for own use",
                ["T"],
            ),
            ("Fishing and aquaculture", ["A"]),
            ("Manufacture of wearing apparel", ["C"]),
            ("Primarily food", ["I"]),
        ):
            with self.subTest(written=written):
                victimisation = self.victimisation(
                    vic_TypeOfExploitation="ForcedLabour", vic_ForcedLabourIndustry=written
                )
                self.assertEqual(victimisation.labour_sectors, codes)

    def test_it_maps_relationship_roles_events_and_support(self) -> None:
        for written, code in (
            ("Familial", "family"),
            ("Unaquainted", "stranger"),
            ("Unacquainted", "stranger"),
        ):
            with self.subTest(relationship=written):
                victimisation = self.victimisation(vic_RelationshipToTrafficker=written)
                self.assertEqual(victimisation.perpetrator_relation, code)
        support = "RightsBasedTraining; Sexual Exploitation Rehabilitation; Financial; Livelihood"
        self.assertEqual(
            self.victimisation(spl_Type=support).assistance,
            ["education_training", "psychosocial", "financial", "livelihood"],
        )
        roles = [
            "TransferredIndividual",
            "BrokerTravelAgent",
            "HarbouredIndividual",
            "Smuggler",
            "Abuser",
        ]
        record = self.only(self.files.json([{"perpetrators": [{"per_RoleInProcess": roles}]}]))
        assert record.draft is not None and record.draft.persons[0].offender is not None
        self.assertEqual(
            record.draft.persons[0].offender.network_roles,
            ["transporter", "broker", "harbourer", "other"],
        )

    def test_it_maps_citizenships_as_codes_or_names(self) -> None:
        for written, main, others in (
            ("NG", "NGA", []),
            ("Viet Nam", "VNM", []),
            ("Congo, Democratic Republic of the", "COD", []),
            ("Eritrea; Ethiopia", "ERI", ["ETH"]),
            ("KE UG", "KEN", ["UGA"]),
            ("Stateless", "stateless", []),
        ):
            with self.subTest(written=written):
                person = self.person(prs_Citizenship=written)
                self.assertEqual((person.citizenship, person.other_citizenships), (main, others))

    def test_it_keeps_unknown_not_stated_and_not_applicable_apart(self) -> None:
        for written, codes in (
            ("Unknown", ["unknown"]),
            ("Not stated", ["not_stated"]),
            ("NotApplicable", ["not_applicable"]),
            ("Unknown; SexualExploitation", ["sexual_exploitation"]),
        ):
            with self.subTest(written=written):
                victimisation = self.victimisation(vic_TypeOfExploitation=written)
                self.assertEqual(victimisation.exploitation_forms, codes)
        self.assertEqual(self.person(prs_Citizenship="Not stated").citizenship, "not_stated")
        self.assertEqual(self.person(prs_Citizenship="NotStated").citizenship, "not_stated")
        self.assertEqual(self.person(prs_Gender="Feminine").citizenship, "unknown")
        self.assertEqual(
            self.victimisation(prs_Gender="Feminine").trafficking_identification, "unknown"
        )


# Rejections ----------------------------------------------------------------------------------


class RejectionTests(HtcdsTestCase):
    def test_it_rejects_a_gender_outside_the_picklist(self) -> None:
        column, reason, accepted = self.rejection(prs_Gender="Woman?")
        self.assertEqual(column, "prs_Gender")
        self.assertEqual(reason, "“Woman?” is not in the vocabulary sex.")
        self.assertIn("female", accepted)

    def test_it_rejects_a_country_it_does_not_know(self) -> None:
        column, reason, _accepted = self.rejection(prs_Citizenship="Nigeria; Atlantis")
        self.assertEqual(column, "prs_Citizenship")
        self.assertEqual(reason, "“Atlantis” is not a country this system knows.")

    def test_it_rejects_a_value_of_another_picklist(self) -> None:
        column, reason, _accepted = self.rejection(
            vic_TypeOfExploitation="ForcedLabour; Prostitution"
        )
        self.assertEqual(column, "vic_TypeOfExploitation")
        self.assertEqual(reason, "“Prostitution” is not in the vocabulary exploitation_form.")

    def test_it_rejects_a_birthdate_without_its_day(self) -> None:
        column, reason, accepted = self.rejection(prs_Birthdate="1998")
        self.assertEqual((column, reason), ("prs_Birthdate", "A full date is needed."))
        self.assertEqual(accepted, "a date such as 2024-03-31")

    def test_it_rejects_an_age_out_of_range_and_a_date_in_the_future(self) -> None:
        _column, reason, _accepted = self.rejection(vic_AgeWhenTrafficked=130)
        self.assertEqual(reason, "130 is out of range.")
        record = self.only(self.files.json([{"events": [{"hte_Date": "2099-01-01"}]}]))
        self.assertEqual(record.issues[0].column, "events[1].hte_Date")
        self.assertEqual(record.issues[0].reason, "The date is in the future.")

    def test_it_rejects_a_case_number_too_long_for_a_reference(self) -> None:
        record = self.only(
            self.files.json([{"cas_CaseNumber": "X" * 70, "prs_Gender": "Feminine"}])
        )
        self.assertEqual(record.issues[0].reason, "The case number is 70 characters long.")

    def test_it_rejects_perpetrators_and_events_of_no_case(self) -> None:
        path = self.files.workbook(
            {
                "Cases": [["cas_CaseNumber", "prs_Gender"], ["C-1", "Feminine"]],
                "Perpetrators": [["cas_CaseNumber", "per_RoleInProcess"], ["C-9", "Exploiter"]],
                "Events": [["cas_CaseNumber", "hte_Country"], ["", "TH"]],
            }
        )
        records, _context = read(path)
        self.assertEqual(len(records), 3)
        self.assertIsNone(records[1].draft)
        issue = records[1].issues[0]
        self.assertEqual(
            (issue.sheet, issue.row, issue.column), ("Perpetrators", 2, "cas_CaseNumber")
        )
        self.assertEqual(
            issue.reason,
            "No case in the file has this case number, so the perpetrator belongs to none.",
        )
        self.assertEqual(
            records[2].issues[0].reason,
            "The trafficking event has no case number, so it belongs to no case.",
        )

    def test_it_reports_a_broken_rule_at_the_cell_behind_it(self) -> None:
        path = self.files.csv(
            "cas_CaseNumber,vic_TypeOfExploitation,vic_ForcedLabourIndustry\n"
            "C-1,SexualExploitation,F_Construction\n"
        )
        report = self.run_import(path, dry_run=True)
        self.assertEqual(report.rejected, 1)
        error = report.errors[0]
        self.assertEqual(
            (error.row, error.column, error.value),
            (2, "vic_ForcedLabourIndustry", "F_Construction"),
        )
        self.assertEqual(
            error.reason,
            "Sectors of forced labour need “forced labour” or “domestic servitude” among the forms of exploitation.",
        )


# Files ---------------------------------------------------------------------------------------


class FileTests(HtcdsTestCase):
    def test_it_reads_the_templates_layout_skipping_its_row_of_labels(self) -> None:
        path = htcds_sample.replica(self.files.root / "template.xlsx")
        workbook = openpyxl.load_workbook(path)
        sheet = workbook.active
        assert sheet is not None
        sheet["H3"], sheet["I3"], sheet["T3"] = "Feminine", "Nigeria", "Police"
        sheet["S3"], sheet["AJ3"] = "Actual victim of trafficking", "Other"
        workbook.save(path)
        records, context = read(path)
        self.assertEqual([r.reference for r in records], ["template:3"])
        assert records[0].draft is not None
        victimisation = records[0].draft.persons[0].victimisation
        assert victimisation is not None
        self.assertEqual(victimisation.identified_by, "police")  # under the misspelt name
        # The template's unnamed column is named by its label, and reported as not kept.
        self.assertIn("cas_ReasonForOutgoingReferral (1)", " ".join(context.notices))
        self.assertIn("No case number column", " ".join(context.notices))

    def test_it_reads_an_xlsform_export_with_its_names_and_choices(self) -> None:
        path = self.files.csv(
            "start,end,prs_First_Name,prs_Gender,prs_Citizenship,vic_Methods_of_Control,"
            "vic_TypeOfExploitation,meta/instanceID\n"
            "2024-03-01,2024-03-01,Minh,Masculine,VN,DebtBondage FalsePromises,Other,"
            "uuid:5f1c\n"
        )
        record = self.only(path)
        self.assertEqual(record.reference, "uuid:5f1c")
        assert record.draft is not None
        victim = record.draft.persons[0]
        assert victim.victimisation is not None
        self.assertEqual(victim.victimisation.means_of_control, ["debt_bondage", "false_promises"])
        self.assertEqual(victim.identifiers[0].value, "Minh")

    def test_it_reads_a_header_of_labels(self) -> None:
        path = self.files.csv(
            "Case Number;Gender;Citizenship;Trafficking Status;Type of Exploitation;"
            "Methods of Control\n"
            "K-12;Masculine;India;Actual victim of trafficking;Forced labour;Takes earnings\n"
        )
        record = self.only(path)
        self.assertEqual(record.reference, "K-12")
        assert record.draft is not None
        self.assertEqual(record.draft.persons[0].person.citizenship, "IND")

    def test_it_joins_sheets_of_perpetrators_and_events_by_case_number(self) -> None:
        path = self.files.workbook(
            {
                "Case Sheet": [
                    [None, "cas_CaseNumber", "prs_Gender", "vic_TypeOfExploitation"],
                    [None, "Case Number", "Gender", "Type of Exploitation"],
                    [1, "C-1", "Feminine", "Servitude"],
                ],
                "Perpetrators": [
                    [None, "cas_CaseNumber", "prs_Gender", "per_RoleInProcess"],
                    [1, "C-1", "Feminine", "Exploiter"],
                ],
                "Trafficking Events": [
                    [None, "cas_CaseNumber", "hte_Type", "hte_Country", "hte_City"],
                    [1, "C-1", "Recruitment", "ET", "Addis Ababa"],
                    [2, "C-1", "Exploitation", "LB", "Beirut"],
                ],
            }
        )
        record = self.only(path)
        assert record.draft is not None
        self.assertEqual([p.person.role for p in record.draft.persons], ["victim", "offender"])
        self.assertEqual(len(record.draft.legs), 1)
        self.assertEqual(record.draft.incident.country, "LBN")
        self.assertEqual(len(record.rows), 4)

    def test_it_reports_columns_it_does_not_know_and_fields_it_does_not_keep(self) -> None:
        path = self.files.json(
            [{"prs_Gender": "Feminine", "prs_MaritalStatus": "Single", "shoe_size": 38}]
        )
        _records, context = read(path)
        notices = " ".join(context.notices)
        self.assertIn("columns not imported: shoe_size", notices)
        self.assertIn("prs_MaritalStatus (1)", notices)

    def test_it_notes_persons_recorded_without_consent(self) -> None:
        _records, context = read(
            self.files.json([{"prs_Gender": "Feminine", "con_Consent": "FALSE"}])
        )
        self.assertTrue(
            any(n.startswith("1 persons are recorded without consent") for n in context.notices)
        )

    def test_it_imports_a_case_and_updates_it_by_case_number(self) -> None:
        path = self.files.json([RICH_CASE])
        self.assertEqual(self.run_import(path).created, 1)
        self.assertEqual(self.run_import(path).unchanged, 1)
        changed = json.loads(json.dumps(RICH_CASE))
        changed["victims"][0]["vic_TraffickingStatus"] = "PossibleVictimOfTrafficking"
        self.assertEqual(self.run_import(self.files.json([changed], "changed.json")).updated, 1)
        incident = Incident.objects.get(owner=self.org_a, reference="NGO-2024-017")
        self.assertEqual(incident.persons.count(), 2)
        self.assertEqual(incident.legs.count(), 2)


# The filled template -------------------------------------------------------------------------


class FilledTemplateTests(HtcdsTestCase):
    def assert_imports(self, path: Path) -> ImportReport:
        report = self.run_import(path)
        self.assertEqual(report.format, "htcds")
        self.assertEqual((report.created, report.rejected), (50, 0), report.errors[:3])
        return report

    def test_a_filled_replica_of_the_template_imports_with_auto(self) -> None:
        template = htcds_sample.replica(self.files.root / "replica.xlsx")
        path = self.files.root / "filled.xlsx"
        htcds_sample.fill(path, template)
        self.assert_imports(path)
        self.assertEqual(self.run_import(path).unchanged, 50)

    @needs_shared_data
    def test_the_filled_official_template_imports_with_auto(self) -> None:
        path = self.files.root / "HTCDS cases 2024.xlsx"
        htcds_sample.fill(path)
        report = self.assert_imports(path)
        self.assertEqual(self.run_import(path).unchanged, 50)
        incidents = Incident.objects.filter(owner=self.org_a)
        self.assertEqual(incidents.count(), 50)
        forms = Victimisation.objects.filter(person__incident__in=incidents)
        criminality = forms.filter(exploitation_forms__icontains="forced_criminality").count()
        self.assertGreater(criminality, 0)
        self.assertTrue(any("without consent" in notice for notice in report.notices))

    @needs_shared_data
    def test_the_filled_template_with_picklists_imports_with_auto(self) -> None:
        path = self.files.root / "validated.xlsx"
        htcds_sample.fill(path, htcds_sample.VALIDATED)
        report = self.assert_imports(path)
        self.assertIn(
            "sheets without HTCDS columns were not read: about, validation",
            " ".join(report.notices),
        )

    @needs_shared_data
    def test_the_command_imports_the_filled_template(self) -> None:
        path = self.files.root / "filled.xlsx"
        htcds_sample.fill(path)
        out = io.StringIO()
        with self.assertRaises(SystemExit) as exit:
            call_command(
                "import",
                str(path),
                org="ORG-A",
                user="bruno",
                json=True,
                no_progress=True,
                stdout=out,
            )
        self.assertEqual(exit.exception.code, 0)
        answer = json.loads(out.getvalue())
        self.assertEqual((answer["created"], answer["rejected"]), (50, 0))

    @needs_shared_data
    def test_the_sample_keeps_the_templates_sheets_and_headers(self) -> None:
        path = self.files.root / "validated.xlsx"
        htcds_sample.fill(path, htcds_sample.VALIDATED)
        original = openpyxl.load_workbook(htcds_sample.VALIDATED)
        filled = openpyxl.load_workbook(path)
        self.assertEqual(filled.sheetnames, original.sheetnames)
        for row in (1, 2):
            self.assertEqual(
                [c.value for c in filled.worksheets[0][row]],
                [c.value for c in original.worksheets[0][row]],
            )
        lists = {str(c.value).strip() for c in original["validation"]["G"] if c.value}
        filled_controls = {c.value for c in filled.worksheets[0]["W"][2:52]}
        self.assertLessEqual(filled_controls - {None}, lists)


# Export --------------------------------------------------------------------------------------


class ExportTests(HtcdsTestCase):
    def export(self, write: Any, user: Any = None, reveal: bool = True) -> bytes:
        out = io.BytesIO()
        rows = export_rows(user or self.bruno, Incident.objects.all(), reveal=reveal)
        write(rows, out)
        return out.getvalue()

    def imported(self, path: Path) -> None:
        report = self.run_import(path)
        self.assertEqual(report.rejected, 0, report.errors[:3])

    def assert_round_trip(self, write: Any, name: str) -> None:
        """Imported records: their export re-imports unchanged."""
        exported = self.files.root / name
        exported.write_bytes(self.export(write))
        report = self.run_import(exported)
        self.assertEqual(report.format, "htcds")
        self.assertEqual(report.rejected, 0, report.errors[:3])
        self.assertEqual((report.created, report.updated), (0, 0))
        self.assertEqual(report.unchanged, Incident.objects.count())

    def assert_export_survives_import(self, write: Any, name: str) -> bytes:
        """Records entered on a page: their export, imported and exported again, is the same."""
        first = self.export(write)
        exported = self.files.root / name
        exported.write_bytes(first)
        report = self.run_import(exported)
        self.assertEqual((report.rejected, report.created), (0, 0), report.errors[:3])
        if name.endswith(".json"):
            self.assertEqual(json.loads(self.export(write)), json.loads(first))
        else:
            again = openpyxl.load_workbook(io.BytesIO(self.export(write)))
            before = openpyxl.load_workbook(io.BytesIO(first))
            for sheet in before.sheetnames:
                self.assertEqual(
                    [[c.value for c in row] for row in again[sheet].iter_rows()],
                    [[c.value for c in row] for row in before[sheet].iter_rows()],
                )
        return first

    def test_a_json_export_re_imports_to_the_same_content(self) -> None:
        self.imported(self.files.json([RICH_CASE]))
        htcds_sample.fill(
            self.files.root / "filled.xlsx", htcds_sample.replica(self.files.root / "t.xlsx")
        )
        self.imported(self.files.root / "filled.xlsx")
        self.assert_round_trip(exporter.write_json, "export.json")

    def test_an_xlsx_export_re_imports_to_the_same_content(self) -> None:
        self.imported(self.files.json([RICH_CASE]))
        htcds_sample.fill(
            self.files.root / "filled.xlsx", htcds_sample.replica(self.files.root / "t.xlsx")
        )
        self.imported(self.files.root / "filled.xlsx")
        self.assert_round_trip(exporter.write_xlsx, "export.xlsx")

    def test_the_json_and_the_xlsx_export_say_the_same(self) -> None:
        self.imported(self.files.json([RICH_CASE]))
        paths = {}
        for name, write in (("e.json", exporter.write_json), ("e.xlsx", exporter.write_xlsx)):
            paths[name] = self.files.root / name
            paths[name].write_bytes(self.export(write))
        drafts = {name: read(path)[0][0].draft for name, path in paths.items()}
        assert drafts["e.json"] is not None and drafts["e.xlsx"] is not None
        self.assertEqual(content(drafts["e.json"]), content(drafts["e.xlsx"]))

    def test_it_writes_the_case_as_json_under_the_standards_names(self) -> None:
        self.imported(self.files.json([RICH_CASE]))
        [case] = json.loads(self.export(exporter.write_json))
        self.assertEqual(case["cas_CaseNumber"], "NGO-2024-017")
        victim = case["victims"][0]
        self.assertEqual(victim["prs_Gender"], "Feminine")
        self.assertEqual(victim["prs_Citizenship"], ["NG", "GH"])
        self.assertEqual(victim["vic_TraffickingStatusDecisionMakingOrg"], "CourtOrProsecution")
        self.assertEqual(
            victim["vic_MethodsOfControl"],
            ["DebtBondage", "WithholdsDocuments", "ThreatensChildrenFamily"],
        )
        self.assertEqual(victim["vic_LocationOfExploitation"], "Castel Volturno, Italy")
        self.assertEqual(victim["vic_LocationOfRecruitment"], "Benin City, Nigeria")
        self.assertEqual(victim["vic_AgeWhenTrafficked"], 21)
        self.assertEqual(victim["prs_Birthdate"], "2001-04-12")
        self.assertEqual(victim["spl_Type"], ["Health", "Legal", "SocialCare"])
        self.assertEqual(
            case["perpetrators"][0]["per_RoleInProcess"], ["RecruiterOrIntermediary", "Exploiter"]
        )
        self.assertEqual(
            [(e["hte_Type"], e["hte_Country"], e.get("hte_Date")) for e in case["events"]],
            [
                ("Recruitment", "NG", "2022-11-03"),
                ("Transit", "LY", None),
                ("Exploitation", "IT", "2023-06-20"),
            ],
        )
        self.assertEqual(case["events"][2]["hte_State"], "Campania")

    def test_it_writes_the_templates_columns_in_its_order(self) -> None:
        self.imported(self.files.json([RICH_CASE]))
        workbook = openpyxl.load_workbook(io.BytesIO(self.export(exporter.write_xlsx)))
        self.assertEqual(workbook.sheetnames, ["Case Sheet", "Perpetrators", "Trafficking Events"])
        header = [c.value for c in workbook["Case Sheet"][1]]
        template = [
            name or "cas_ReasonForOutgoingReferral" for name, _ in htcds_sample.TEMPLATE_COLUMNS
        ]
        self.assertEqual(header[: len(template) + 1], [None, *template])
        labels = [c.value for c in workbook["Case Sheet"][2]]
        self.assertEqual(labels[3], "First Name")
        row = {
            name: cell.value for name, cell in zip(header, workbook["Case Sheet"][3], strict=True)
        }
        self.assertEqual(row[None], 1)
        self.assertEqual(row["prs_Birthdate"], datetime.datetime(2001, 4, 12))
        self.assertEqual(
            row["vic_MethodsOfControl"], "DebtBondage; WithholdsDocuments; ThreatensChildrenFamily"
        )

    def test_it_writes_answers_htcds_lacks_in_its_style(self) -> None:
        draft = self.tip_draft(
            victimisation=Victimisation(
                exploitation_forms=["slavery_and_practices", "forced_criminality"],
                means_of_control=["not_stated"],
                perpetrator_relation="intimate_partner",
                country_of_exploitation="THA",
            ),
            sex="not_stated",
        )
        record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        [case] = json.loads(self.export(exporter.write_json))
        victim = case["victims"][0]
        self.assertEqual(
            victim["vic_TypeOfExploitation"], ["SlaveryAndPractices", "ForcedCriminality"]
        )
        self.assertEqual(victim["vic_MethodsOfControl"], ["NotStated"])
        self.assertEqual(victim["vic_RelationshipToTrafficker"], "IntimatePartner")
        self.assertEqual(victim["prs_Gender"], "NotStated")
        self.assert_export_survives_import(exporter.write_json, "export.json")

    def test_it_leaves_out_incidents_and_persons_that_are_no_htcds_cases(self) -> None:
        record_incident(
            actor=self.bruno, organisation=self.org_a, draft=self.draft(reference="S-1")
        )
        draft = self.tip_draft()
        draft.persons.append(PersonDraft(Person(role="witness", sex="male")))
        record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        cases = json.loads(self.export(exporter.write_json))
        self.assertEqual([case["cas_CaseNumber"] for case in cases], ["T-1"])
        self.assertEqual(len(cases[0]["victims"]), 1)
        self.assertEqual(cases[0]["perpetrators"], [])

    def test_it_writes_no_identifier_unless_the_owner_reveals(self) -> None:
        self.imported(self.files.json([RICH_CASE]))
        text = self.export(exporter.write_json, reveal=False).decode()
        for value in (
            "Joy",
            "Osagie",
            "2001-04-12",
            "A1234567",
            "joy@example.org",
            "+2348012345678",
            "Via Roma",
        ):
            self.assertNotIn(value, text)
        self.assertIn('"vic_AgeWhenTrafficked": 21', text)

    def test_it_gives_a_partner_the_de_identified_and_coarsened_case(self) -> None:
        SharingAgreement.objects.create(owner=self.org_a, partner=self.org_b)
        draft = self.tip_draft(label=Label.AMBER, coarsen_for_partners=True)
        record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        out = io.BytesIO()
        export_incidents(actor=self.chen, format="htcds", out=out)
        [case] = json.loads(out.getvalue())
        self.assertEqual(case["cas_CaseNumber"], "ORG-A/T-1")
        victim = case["victims"][0]
        for name in ("prs_FirstName", "prs_Birthdate", "prs_MobilePhone"):
            self.assertNotIn(name, victim)
        self.assertEqual(victim["vic_LocationOfExploitation"], "Thailand")
        [event] = case["events"]
        self.assertEqual(
            event,
            {
                "hte_Type": "Exploitation",
                "hte_Country": "TH",
                "hte_Date": "2024-05",
                "hte_State": "Tak",
            },
        )
        text = out.getvalue().decode()
        for secret in ("Minh", "Mae Sot", "16.7"):
            self.assertNotIn(secret, text)

    def test_it_neutralises_formulas_in_the_workbook_and_reads_them_back(self) -> None:
        draft = self.tip_draft(place='=HYPERLINK("http://x")')
        record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        data = self.export(exporter.write_xlsx)
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        events = workbook["Trafficking Events"]
        city = events.cell(3, [c.value for c in events[1]].index("hte_City") + 1)
        self.assertEqual(city.value, '\'=HYPERLINK("http://x")')
        self.assertEqual(city.data_type, "s")
        cases = workbook["Case Sheet"]
        phone = cases.cell(3, [c.value for c in cases[1]].index("prs_MobilePhone") + 1)
        self.assertEqual(phone.value, "'+66 81 234 5678")
        self.assert_export_survives_import(exporter.write_xlsx, "export.xlsx")
        incident = Incident.objects.get()
        self.assertEqual(incident.place, '=HYPERLINK("http://x")')

    def test_it_is_the_registered_htcds_exporter(self) -> None:
        from waypoint.bulk import exporters

        self.assertIs(exporters.get("htcds"), exporter.EXPORTER)
        self.assertEqual(exporter.XLSX_EXPORTER.extension, "xlsx")

    def tip_draft(
        self, victimisation: Victimisation | None = None, sex: str = "male", **fields: Any
    ) -> IncidentDraft:
        """A scam-compound case: a victim with a name and phone, a perpetrator, at Mae Sot."""
        values: dict[str, Any] = {
            "reference": "T-1",
            "kinds": ["trafficking_in_persons"],
            "country": "THA",
            "admin_area": "Tak",
            "place": "Mae Sot",
            "latitude": 16.7,
            "longitude": 98.57,
            "coordinate_precision": "approximate",
            "date_start": datetime.date(2024, 5, 17),
            "date_precision": "day",
        }
        draft = self.draft(**(values | fields))
        victim = Person(role="victim", sex=sex, age=24, citizenship="VNM")
        draft.persons = [
            PersonDraft(
                victim,
                identifiers=[
                    PersonIdentifier(kind="given_name", value="Minh"),
                    PersonIdentifier(kind="phone", value="+66 81 234 5678"),
                ],
                victimisation=victimisation
                or Victimisation(
                    exploitation_forms=["forced_criminality"], country_of_exploitation="THA"
                ),
            )
        ]
        return draft
