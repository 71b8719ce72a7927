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
from waypoint.bulk.importers import mmp
from waypoint.bulk.mapping import SourceRecord
from waypoint.bulk.sources import open_tables
from waypoint.cases.validation import validate
from waypoint.test import BaseTestCase

#: The shared data folder beside the checkout (../shared/data), or WAYPOINT_SHARED_DATA.
SHARED = Path(
    os.environ.get("WAYPOINT_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data")
)
DATA = SHARED / "missing-migrants"

EXPORT_2026 = [
    "Main ID", "Incident ID", "Region", "Incident Date", "Year", "Reported Month", "Number Dead",
    "Minimum Estimated Number of Missing", "Number of Survivors", "Number of Females",
    "Number of Males", "Number of Children", "Region of Origin", "Cause of Death",
    "Country of Origin", "Location of death", "Information Source", "Coordinates",
    "Migration route", "URL", "UNSD Geographical Grouping", "Source Quality",
]  # fmt: skip
EXPORT_2019 = [
    "Web ID", "Region of Incident", "Reported Date", "Reported Year", "Reported Month",
    "Number Dead", "Minimum Estimated Number of Missing", "Total Dead and Missing",
    "Number of Survivors", "Number of Females", "Number of Males", "Number of Children",
    "Cause of Death", "Location Description", "Information Source", "Location Coordinates",
    "Migration Route", "URL", "UNSD Geographical Grouping", "Source Quality",
]  # fmt: skip
DUMP_2020 = [column for column in EXPORT_2019 if column not in ("Web ID", "URL")]
WORKBOOK_2022 = [
    "Main ID", "Incident ID", "Incident Type", "Region of Incident", "Website Date",
    "Incident year", "Reported Month", "Number of Dead", "Minimum Estimated Number of Missing",
    "Total Number of Dead and Missing", "Number of Survivors", "Number of Females",
    "Number of Males", "Number of Children", "Region of Origin", "Cause of Death",
    "Migration route", "Location of death", "Information Source", "Coordinates",
    "UNSD Geographical Grouping", "Article title", "Source Quality", "URL",
]  # fmt: skip
EUROPE = [
    "Main ID", "Incident ID", "Incident Type", "Region of Incident", "Incident date",
    "Incident year", "Incident month", "No. dead", "No. missing", "No. dead/missing",
    "No. survivors", "No. Female", "No. Male", "No. minors", "Country of Origin",
    "Region of Origin", "Cause of death (category)", "Cause of death (reported)", "Route",
    "Country of Incident", "Location of death", "UNSD region", "Source", "Link",
    "Source Quality", "Latitude", "Longitude", "incident_date_clean", "incident_date_raw",
    "incident_date_precision", "source_dataset",
]  # fmt: skip

HARSH = "Harsh environmental conditions / lack of adequate shelter, food, water"


def row_2026(**values: Any) -> dict[str, Any]:
    row = {
        "Main ID": "2026.MMP0001",
        "Incident ID": "2026.MMP0001",
        "Region": "Western Asia",
        "Incident Date": "Thu, 01/01/2026 - 12:00",
        "Year": "2026",
        "Reported Month": "January",
        "Number Dead": "1",
        "Minimum Estimated Number of Missing": "0",
        "Number of Survivors": "",
        "Number of Males": "1",
        "Region of Origin": "Western Asia",
        "Cause of Death": HARSH,
        "Country of Origin": "Iraq",
        "Location of death": "In the snow near Roboski village, Şırnak, Türkiye",
        "Information Source": "964media, Rudaw",
        "Coordinates": "37.34265178, 42.99259985",
        "Migration route": "Türkiye-Europe land route",
        "URL": "https://perma.cc/C936-8SNV, https://perma.cc/Z83T-X4LD",
        "UNSD Geographical Grouping": "Western Asia",
        "Source Quality": "3",
    }
    row.update(values)
    return row


def row_2019(**values: Any) -> dict[str, Any]:
    row = {
        "Web ID": "52673",
        "Region of Incident": "Mediterranean",
        "Reported Date": "December 30, 2019",
        "Reported Year": "2019",
        "Reported Month": "Dec",
        "Number Dead": "1",
        "Minimum Estimated Number of Missing": "",
        "Total Dead and Missing": "1",
        "Number of Survivors": "11",
        "Cause of Death": "Hypothermia",
        "Location Description": "Unspecififed location off the coast of Algeria",
        "Information Source": "El Watan",
        "Location Coordinates": "35.568972356329, -1.289773129748",
        "Migration Route": "Western Mediterranean",
        "URL": "https://bit.ly/2FqQHo4",
        "UNSD Geographical Grouping": "Uncategorized",
        "Source Quality": "1",
    }
    row.update(values)
    return row


def row_dump(**values: Any) -> dict[str, Any]:
    row = {
        "Region of Incident": "US-Mexico Border",
        "Reported Date": "1-Sep-20",
        "Reported Year": "2020",
        "Reported Month": "Sep",
        "Number Dead": "1",
        "Minimum Estimated Number of Missing": "NULL",
        "Total Dead and Missing": "1",
        "Number of Survivors": "NULL",
        "Number of Females": "NULL",
        "Number of Males": "1",
        "Number of Children": "NULL",
        "Cause of Death": "Presumed exposure",
        "Location Description": "km 313 of Chihuahua-Ciudad JuÃ¡rez Highway, Chihuahua, Mexico",
        "Information Source": "Chihuahua General Prosecutor's Office",
        "Location Coordinates": "29.887949657949, -106.398482287500",
        "Migration Route": "NULL",
        "UNSD Geographical Grouping": "Central America",
        "Source Quality": "5",
    }
    row.update(values)
    return row


def row_europe(**values: Any) -> dict[str, Any]:
    row = dict.fromkeys(EUROPE, "NA")
    row.update(
        {
            "Main ID": "2014.MMP00007",
            "Incident ID": "2014.MMP00007",
            "Incident Type": "Incident",
            "Region of Incident": "Mediterranean",
            "Incident date": "2014-01-19",
            "Incident year": "2014",
            "Incident month": "1",
            "No. dead": "12",
            "No. missing": "0",
            "No. dead/missing": "12",
            "No. minors": "3",
            "Country of Origin": "Afghanistan",
            "Region of Origin": "Unknown",
            "Cause of death (category)": "Drowning",
            "Cause of death (reported)": "Drowning",
            "Route": "Eastern Mediterranean",
            "Country of Incident": "Greece",
            "Location of death": "Waters near Greece while being towed back to Turkey",
            "UNSD region": "Uncategorized",
            "Source": "European Council on Refugees and Exiles",
            "Link": "http://bit.ly/2aMCwfg",
            "Source Quality": "5",
            "Latitude": "37.2832",
            "Longitude": "27",
            "incident_date_clean": "2014-01-19",
            "incident_date_raw": "2014-01-19",
            "incident_date_precision": "day",
            "source_dataset": "IOM",
        }
    )
    row.update(values)
    return row


class MmpTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(
        self,
        columns: list[str],
        rows: list[dict[str, Any]],
        name: str = "mmp.csv",
        encoding: str = "utf-8",
    ) -> Path:
        path = self.folder / name
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, quoting=csv.QUOTE_ALL)
            writer.writeheader()
            writer.writerows(rows)
        return path

    def workbook(self, columns: list[str], rows: list[list[Any]]) -> Path:
        path = self.folder / "mmp.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Worksheet"
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
        book.save(path)
        return path

    def read(self, path: Path) -> tuple[list[SourceRecord], ReadContext]:
        context = ReadContext()
        return list(mmp.FORMAT.read(open_tables(path), context)), context

    def one(self, columns: list[str], **values: Any) -> SourceRecord:
        maker = {id(EXPORT_2026): row_2026, id(EXPORT_2019): row_2019, id(DUMP_2020): row_dump}
        records, _context = self.read(self.write(columns, [maker[id(columns)](**values)]))
        self.assertEqual(len(records), 1)
        return records[0]

    def valid(self, record: SourceRecord) -> Any:
        self.assertEqual(record.issues, [])
        assert record.draft is not None
        self.assertEqual(validate(record.draft), [])
        return record.draft


class RecognitionTests(MmpTestCase):
    def test_it_recognises_every_vintage_from_its_headers(self) -> None:
        for columns in (EXPORT_2026, EXPORT_2019, DUMP_2020, WORKBOOK_2022, EUROPE):
            with self.subTest(columns=columns[:3]):
                self.assertGreaterEqual(mmp.recognise(open_tables(self.write(columns, []))), 0.8)

    def test_it_does_not_recognise_other_layouts(self) -> None:
        others = (
            ["yearOfRegistration", "gender", "ageBroad", "citizenship", "isForcedLabour"],
            ["reference", "kinds", "date_start", "dead", "missing", "death_causes"],
            ["Route", "Border type or inland", "Nationality", "JAN2009"],
        )
        for columns in others:
            with self.subTest(columns=columns):
                self.assertLess(mmp.recognise(open_tables(self.write(columns, []))), 0.5)


class VintageTests(MmpTestCase):
    def test_it_reads_the_2026_export(self) -> None:
        record = self.one(EXPORT_2026)
        draft = self.valid(record)
        incident = draft.incident
        self.assertEqual(record.reference, "2026.MMP0001")
        self.assertEqual(incident.kinds, ["death_or_disappearance"])
        self.assertEqual(
            (incident.date_start, incident.date_precision), (datetime.date(2026, 1, 1), "day")
        )
        self.assertEqual((incident.latitude, incident.longitude), (37.34265178, 42.99259985))
        self.assertEqual(incident.coordinate_precision, "approximate")
        self.assertEqual(incident.place, "In the snow near Roboski village, Şırnak, Türkiye")
        self.assertEqual((incident.dead, incident.missing, incident.rescued), (1, 0, None))
        self.assertIsNone(incident.migrants_involved)
        self.assertEqual(incident.death_causes, ["harsh_conditions"])
        self.assertEqual(incident.migration_route, "turkiye_europe_land")
        self.assertEqual(incident.country, "unknown")
        self.assertEqual(
            (incident.source_reliability, incident.information_credibility, incident.source_type),
            ("C", "3", "media"),
        )
        self.assertIn("Information source: 964media, Rudaw", str(incident.sources))
        self.assertIn("https://perma.cc/Z83T-X4LD", str(incident.sources))
        self.assertIn("Source quality (1–5): 3", str(incident.sources))
        [leg] = draft.legs
        self.assertEqual(
            (leg.from_country, leg.from_role, leg.to_country), ("IRQ", "origin", "unknown")
        )

    def test_it_reads_the_2019_export(self) -> None:
        path = self.write(EXPORT_2019, [row_2019()], encoding="utf-8-sig")
        [record], _context = self.read(path)
        draft = self.valid(record)
        incident = draft.incident
        self.assertEqual(record.reference, "MMP-WEB-52673")
        self.assertEqual(
            (incident.date_start, incident.date_precision), (datetime.date(2019, 12, 30), "day")
        )
        self.assertEqual((incident.dead, incident.missing, incident.rescued), (1, None, 11))
        self.assertEqual(incident.death_causes, ["harsh_conditions"])
        self.assertEqual(incident.migration_route, "western_mediterranean")
        self.assertEqual(
            (incident.source_reliability, incident.information_credibility), ("X", "4")
        )
        self.assertEqual(draft.legs, [])

    def test_it_reads_the_database_dump(self) -> None:
        path = self.write(
            DUMP_2020,
            [
                row_dump(),
                row_dump(),
                row_dump(**{"Number Dead": "1,022", "Total Dead and Missing": "1,022"}),
            ],
        )
        records, context = self.read(path)
        first = self.valid(records[0]).incident
        self.assertEqual(
            (first.date_start, first.date_precision), (datetime.date(2020, 9, 1), "day")
        )
        self.assertEqual((first.dead, first.missing, first.rescued), (1, None, None))
        self.assertEqual(
            first.place, "km 313 of Chihuahua-Ciudad Juárez Highway, Chihuahua, Mexico"
        )
        self.assertEqual(first.migration_route, "")
        self.assertEqual(first.death_causes, ["harsh_conditions"])
        self.assertEqual((first.source_reliability, first.information_credibility), ("B", "1"))
        self.assertEqual(self.valid(records[2]).incident.dead, 1022)
        self.assertRegex(records[0].reference, r"^MMP-[0-9a-f]{12}-1$")
        self.assertEqual(records[1].reference, records[0].reference[:-1] + "2")
        self.assertTrue(any("doubly encoded" in notice for notice in context.notices))

    def test_it_reads_the_2022_workbook_and_skips_cumulative_rows(self) -> None:
        def line(**values: Any) -> list[Any]:
            row: dict[str, Any] = {
                "Main ID": "2014.MMP00001",
                "Incident ID": "2014.MMP00001",
                "Incident Type": "Incident",
                "Region of Incident": "North America",
                "Website Date": "2014-01-06",
                "Incident year": 2014,
                "Reported Month": "January",
                "Number of Dead": 1,
                "Total Number of Dead and Missing": 1,
                "Cause of Death": f"Drowning,{HARSH}",
                "Migration route": "US-Mexico border crossing",
                "Location of death": "Pima County, Arizona, USA",
                "Information Source": "Pima County Office of the Medical Examiner (PCOME)",
                "Coordinates": "POINT (-110.366453 31.650259)",
                "Article title": "Undocumented Border Crossers",
                "Source Quality": 5,
            }
            row.update(values)
            return [row.get(column) for column in WORKBOOK_2022]

        path = self.workbook(
            WORKBOOK_2022,
            [
                line(),
                line(
                    **{
                        "Incident ID": "2014.MMP00187",
                        "Incident Type": "Cumulative Incident",
                        "Number of Dead": 44,
                    }
                ),
                line(
                    **{
                        "Incident ID": "2014.MMP00002",
                        "Website Date": None,
                        "Reported Month": "March",
                    }
                ),
                line(
                    **{
                        "Incident ID": "2014.MMP00003",
                        "Incident Type": "Split Incident",
                        "Coordinates": None,
                    }
                ),
            ],
        )
        records, context = self.read(path)
        self.assertEqual(
            [record.reference for record in records],
            ["2014.MMP00001", "2014.MMP00002", "2014.MMP00003"],
        )
        first = self.valid(records[0]).incident
        self.assertEqual((first.latitude, first.longitude), (31.650259, -110.366453))
        self.assertEqual(first.death_causes, ["drowning", "harsh_conditions"])
        self.assertEqual(first.migration_route, "us_mexico_border")
        self.assertIn("Article title: Undocumented Border Crossers", str(first.sources))
        second = self.valid(records[1]).incident
        self.assertEqual(
            (second.date_start, second.date_precision), (datetime.date(2014, 3, 1), "month")
        )
        third = self.valid(records[2]).incident
        self.assertEqual((third.latitude, third.coordinate_precision), (None, "unknown"))
        self.assertIn("1 row of type “Cumulative Incident” skipped", "\n".join(context.notices))

    def test_it_reads_the_curated_europe_file(self) -> None:
        rows = [
            row_europe(),
            row_europe(
                **{
                    "Incident ID": "2016.MMP00100",
                    "Country of Incident": "Libya - presumed departure on 12-14 April",
                    "Country of Origin": "Egypt,Palestinian Territories,Sudan",
                    "Source Quality": "45",
                    "Latitude": "32.1234",
                    "Longitude": "13.4567",
                    "incident_date_precision": "month",
                    "incident_date_clean": "2016-04-01",
                }
            ),
            row_europe(
                **{
                    "Incident ID": "2016.MMP00101",
                    "Country of Origin": "State of Palestine,Unknown",
                }
            ),
        ]
        records, context = self.read(self.write(EUROPE, rows))
        first = self.valid(records[0])
        incident = first.incident
        self.assertEqual(incident.country, "GRC")
        self.assertEqual((incident.latitude, incident.longitude), (37.2832, 27.0))
        self.assertEqual(incident.coordinate_precision, "admin_area")
        self.assertEqual((incident.dead, incident.missing, incident.rescued), (12, 0, None))
        self.assertEqual(incident.migration_route, "eastern_mediterranean")
        self.assertEqual(
            [(leg.from_country, leg.to_country) for leg in first.legs], [("AFG", "GRC")]
        )
        second = self.valid(records[1])
        self.assertEqual(second.incident.country, "LBY")
        self.assertEqual(
            (second.incident.date_start, second.incident.date_precision),
            (datetime.date(2016, 4, 1), "month"),
        )
        self.assertEqual(
            (second.incident.source_reliability, second.incident.information_credibility),
            ("B", "1"),
        )
        self.assertIn("Source quality (1–5): 45", str(second.incident.sources))
        self.assertEqual(second.legs, [])
        third = self.valid(records[2])
        self.assertEqual([leg.from_country for leg in third.legs], ["PSE"])
        notices = "\n".join(context.notices)
        self.assertIn("1 row names several countries of origin", notices)
        self.assertIn("column No. Female not imported", notices)
        self.assertIn("column Cause of death (reported) not imported", notices)


class CodeTests(MmpTestCase):
    def test_it_reads_an_incident_in_kosovo_and_a_migrant_from_kosovo(self) -> None:
        rows = [
            row_europe(**{"Country of Incident": "Kosovo", "Country of Origin": "Syria"}),
            row_europe(**{"Incident ID": "2014.MMP00008", "Country of Origin": "Kosovo"}),
        ]
        records, _context = self.read(self.write(EUROPE, rows))
        first, second = (self.valid(record) for record in records)
        self.assertEqual(first.incident.country, "XKX")
        self.assertEqual(
            [(leg.from_country, leg.to_country) for leg in first.legs], [("SYR", "XKX")]
        )
        self.assertEqual(
            [(leg.from_country, leg.to_country) for leg in second.legs], [("XKX", "GRC")]
        )

    def test_a_problem_with_where_the_leg_ends_points_at_the_country_of_the_incident(self) -> None:
        # The leg from the country of origin ends in the country of the incident: an error on
        # that end names the incident's column, not the origin's.
        records, _context = self.read(self.write(EUROPE, [row_europe()]))
        (record,) = records
        ends = {path: record.locate(f"legs[1].{path}") for path in ("to_country", "from_country")}
        columns = {path: cell.column if cell else None for path, cell in ends.items()}
        self.assertEqual(
            columns, {"to_country": "Country of Incident", "from_country": "Country of Origin"}
        )

    def test_it_maps_every_cause_category(self) -> None:
        categories = {
            "Drowning": "drowning",
            "Vehicle accident / death linked to hazardous transport": "vehicle_accident",
            "Violence": "violence",
            HARSH: "harsh_conditions",
            "Sickness / lack of access to adequate healthcare": "sickness_no_healthcare",
            "Accidental death": "accidental",
            "Mixed or unknown": "mixed_or_unknown",
        }
        for written, code in categories.items():
            with self.subTest(cause=written):
                self.assertEqual(mmp.causes(written), [code])
        joined = f"{HARSH},Sickness / lack of access to adequate healthcare,Mixed or unknown"
        self.assertEqual(
            mmp.causes(joined), ["harsh_conditions", "sickness_no_healthcare", "mixed_or_unknown"]
        )

    def test_it_maps_the_detailed_causes_of_older_exports(self) -> None:
        detailed = {
            "Presumed drowning": ["drowning"],
            "Pressumed exposure": ["harsh_conditions"],
            "Probable hyperthermia": ["harsh_conditions"],
            "Unknown (skeletal remains)": ["mixed_or_unknown"],
            "Unknown (presumed dehydration, hypothermia)": ["harsh_conditions"],
            "Unknown (violence)": ["violence"],
            "Unknown": ["mixed_or_unknown"],
            "Mixed": ["mixed_or_unknown"],
            "Shot or stabbed": ["violence"],
            "Excessive Physical Abuse, Sexual abuse": ["violence"],
            "Hit by train": ["vehicle_accident"],
            "Fall from train": ["vehicle_accident"],
            "Crushed in back of truck": ["vehicle_accident"],
            "Suffocation": ["vehicle_accident"],
            "Plane stowaway": ["vehicle_accident"],
            "Sickness and lack of access to medicines, Starvation, Dehydration": [
                "sickness_no_healthcare",
                "harsh_conditions",
            ],
            "Cardiac arrest": ["sickness_no_healthcare"],
            "Illness (COVID-19)": ["sickness_no_healthcare"],
            "Electrocution": ["accidental"],
            "Accident (non-vehicle)": ["accidental"],
            "Killed by hippopotamus": ["accidental"],
            "Fall from border fence": ["accidental"],
            "Blunt force injuries of the head, trunk, and left lower extremity": [
                "mixed_or_unknown"
            ],
            "Suicide": ["mixed_or_unknown"],
            "Air strike": ["violence"],
            "undefined": [],
        }
        for written, codes in detailed.items():
            with self.subTest(cause=written):
                self.assertEqual(mmp.causes(written), codes)

    def test_it_maps_every_route_name_of_every_vintage(self) -> None:
        routes = {
            "Central Mediterranean": "central_mediterranean",
            "Eastern Mediterranean": "eastern_mediterranean",
            "Western Mediterranean": "western_mediterranean",
            "Western African": "western_african_atlantic",
            "Western Africa / Atlantic route to the Canary Islands": "western_african_atlantic",
            "Western Balkans": "western_balkans",
            "Central America to US": "us_mexico_border",
            "US-Mexico border crossing": "us_mexico_border",
            "Calais to United Kingdom": "english_channel",
            "English Channel to the UK": "english_channel",
            "Mainland Europe to the UK": "english_channel",
            "Horn Africa to Yemen": "eastern_route_horn_of_africa",
            "Horn of Africa to Yemen crossing": "eastern_route_horn_of_africa",
            "Eastern Route to/from EHOA": "eastern_route_horn_of_africa",
            "Italy to France": "italy_to_france",
            "Darien Gap": "darien",
            "Darien": "darien",
            "Dominican Republic to Puerto Rico": "dominican_republic_to_puerto_rico",
            "Caribbean to Central America": "caribbean_to_central_america",
            "Caribbean to US": "caribbean_to_us",
            "Malaysia to Indonesia": "malaysia_to_indonesia",
            "From Haiti to Dajabon, Dominican Republic": "haiti_to_dominican_republic",
            "Haiti to Dominican Republic": "haiti_to_dominican_republic",
            "Venezuela to Curaçao": "venezuela_to_caribbean",
            "Venezuela to Caribbean": "venezuela_to_caribbean",
            "Sahara Desert crossing": "sahara_desert_crossing",
            "Afghanistan to Iran": "afghanistan_to_iran",
            "Syria to Turkey": "syria_to_turkiye",
            "Syria to Türkiye": "syria_to_turkiye",
            "Iran to Turkey": "iran_to_turkiye",
            "Iran to Türkiye": "iran_to_turkiye",
            "Turkey-Europe land route": "turkiye_europe_land",
            "Türkiye-Europe land route": "turkiye_europe_land",
            "Belarus-EU border": "belarus_eu_border",
            "Ukraine to Europe": "ukraine_to_europe",
            "Comoros to Mayotte": "comoros_to_mayotte",
            "Sea crossings to Mayotte": "comoros_to_mayotte",
            "DRC to Uganda": "drc_to_uganda",
            "Bay of Bengal/Andaman Sea": "bay_of_bengal_andaman_sea",
            "Naf River crossing": "naf_river_crossing",
            "Western Balkan Route": "western_balkans",
            "Eastern Borders Route": "eastern_land_borders",
            "Circular Route from Albania to Greece": "circular_albania_greece",
            "Black Sea Route": "black_sea",
        }
        for written, code in routes.items():
            with self.subTest(route=written):
                self.assertEqual(mmp.route(written), code)

    def test_it_maps_source_quality_to_the_evaluation_codes(self) -> None:
        expected = {
            "1": ("X", "4", "media"),
            "2": ("X", "2", "witness"),
            "3": ("C", "3", "media"),
            "4": ("B", "2", "unknown"),
            "5": ("B", "1", "unknown"),
        }
        for level, codes in expected.items():
            with self.subTest(level=level):
                incident = self.valid(self.one(EXPORT_2026, **{"Source Quality": level})).incident
                self.assertEqual(
                    (
                        incident.source_reliability,
                        incident.information_credibility,
                        incident.source_type,
                    ),
                    codes,
                )

    def test_it_reads_missing_values_in_every_spelling(self) -> None:
        for missing in ("", "NULL", "NA"):
            with self.subTest(missing=missing):
                incident = self.valid(
                    self.one(
                        EXPORT_2026,
                        **{
                            "Number of Survivors": missing,
                            "Migration route": missing,
                            "Coordinates": missing,
                        },
                    )
                ).incident
                self.assertEqual(
                    (incident.rescued, incident.migration_route, incident.latitude),
                    (None, "", None),
                )

    def test_it_falls_back_to_the_year_when_there_is_no_date(self) -> None:
        incident = self.valid(
            self.one(EXPORT_2026, **{"Incident Date": "", "Reported Month": ""})
        ).incident
        self.assertEqual(
            (incident.date_start, incident.date_precision), (datetime.date(2026, 1, 1), "year")
        )


class RejectionTests(MmpTestCase):
    def rejected(self, columns: list[str], **values: Any) -> tuple[str, str, str, str]:
        record = self.one(columns, **values)
        self.assertEqual(len(record.issues), 1, record.issues)
        issue = record.issues[0]
        return issue.column, issue.value, issue.reason, issue.accepted

    def test_it_rejects_negative_counts_with_the_reason(self) -> None:
        column, value, reason, accepted = self.rejected(
            EXPORT_2026, **{"Minimum Estimated Number of Missing": "-5"}
        )
        self.assertEqual((column, value), ("Minimum Estimated Number of Missing", "-5"))
        self.assertIn("correct the count of another record", reason)
        self.assertEqual(accepted, "a whole number, 0 or more")

    def test_it_rejects_a_total_that_is_not_the_sum(self) -> None:
        column, value, reason, _accepted = self.rejected(
            EXPORT_2019, **{"Total Dead and Missing": "3"}
        )
        self.assertEqual((column, value), ("Total Dead and Missing", "3"))
        self.assertIn("is not the dead (1) plus the missing (0)", reason)

    def test_it_rejects_several_routes_in_one_cell(self) -> None:
        column, _value, reason, _accepted = self.rejected(
            EXPORT_2026, **{"Migration route": "Central Mediterranean,Sahara Desert crossing"}
        )
        self.assertEqual(column, "Migration route")
        self.assertIn("Several routes", reason)

    def test_it_rejects_unknown_codes_and_malformed_cells(self) -> None:
        cases = {
            "Migration route": ("Moon to Mars", "migration_route"),
            "Cause of Death": ("Alien abduction", "is not a cause of death"),
            "Coordinates": ("somewhere", "Not a pair of coordinates"),
            "Source Quality": ("7", "Not an MMP source quality"),
            "Incident Date": ("Someday", "Not a date"),
            "Country of Origin": ("Atlantis", "is not a country"),
        }
        for column, (value, reason) in cases.items():
            with self.subTest(column=column):
                found = self.rejected(EXPORT_2026, **{column: value})
                self.assertEqual(found[:2], (column, value))
                self.assertIn(reason, found[2])
                self.assertTrue(found[3])

    def test_it_names_the_cell_of_a_rule_broken_in_validation(self) -> None:
        record = self.one(EXPORT_2019, **{"Number Dead": "", "Total Dead and Missing": "0"})
        assert record.draft is not None
        [problem] = validate(record.draft)
        cell = record.locate(problem.path)
        assert cell is not None
        self.assertEqual(
            (problem.path, cell.column, cell.row), ("incident.death_causes", "Cause of Death", 2)
        )


class ReadingTests(MmpTestCase):
    def test_it_shortens_places_longer_than_the_model_holds(self) -> None:
        long_place = "Off the coast of " + "a very long description, " * 12
        records, context = self.read(
            self.write(EXPORT_2026, [row_2026(**{"Location of death": long_place})])
        )
        place = self.valid(records[0]).incident.place
        self.assertLessEqual(len(place), mmp.PLACE_LENGTH)
        self.assertTrue(place.endswith("…"))
        self.assertIn(
            "1 location longer than 200 characters was shortened", "\n".join(context.notices)
        )

    def test_it_keeps_references_of_split_incidents_within_64_characters(self) -> None:
        ids = "2015.MMP00513541,2015.MMP00513542,2015.MMP00513543,2015.MMP00513544"
        record = self.one(EXPORT_2026, **{"Incident ID": ids})
        self.assertLessEqual(len(record.reference), 64)
        self.assertTrue(record.reference.startswith("2015.MMP00513541+"))
        self.assertEqual(self.one(EXPORT_2026, **{"Incident ID": ids}).reference, record.reference)

    def test_it_reports_the_columns_it_does_not_import(self) -> None:
        columns = [*EXPORT_2026, "Notes"]
        _records, context = self.read(self.write(columns, [row_2026(Notes="checked")]))
        notices = "\n".join(context.notices)
        self.assertIn("columns not imported: Notes", notices)
        for column in (
            "Region",
            "Region of Origin",
            "Number of Females",
            "UNSD Geographical Grouping",
        ):
            self.assertIn(f"column {column} not imported", notices)

    def test_it_reads_rows_as_they_stream(self) -> None:
        tables = open_tables(
            self.write(
                EXPORT_2026, [row_2026(**{"Incident ID": f"2026.MMP{n}"}) for n in range(50)]
            )
        )
        pulled = collections.Counter[str]()
        rows = tables[0].rows

        def counting() -> Any:
            for row in rows:
                pulled["rows"] += 1
                yield row

        tables[0].rows = counting()
        next(mmp.FORMAT.read(tables, ReadContext()))
        self.assertEqual(pulled["rows"], 1)


#: file → (records read, valid, rejected reasons with counts, cumulative rows skipped)
REAL_FILES = {
    "MissingMigrants-2014-2020-09_SQL-export.csv": (
        7_577,
        7_566,
        {"Causes of death are recorded only when someone died or went missing.": 11},
        0,
    ),
    "MissingMigrants-Global-2019-12-31_correct.csv": (
        5_987,
        5_977,
        {"Causes of death are recorded only when someone died or went missing.": 10},
        0,
    ),
    "Missing_Migrants_Global_Figures_allData_2014-2022-05.xlsx": (
        10_524,
        10_517,
        {"negative count": 6, "Several routes in one cell; an incident is on one route.": 1},
        82,
    ),
    "MissingMigrants-Global-2026-05-06--19_42_11.csv": (238, 236, {"negative count": 2}, 0),
    "iom_europe_2014-2026_curated.csv": (
        6_802,
        6_794,
        {
            "negative count": 6,
            "Several routes in one cell; an incident is on one route.": 1,
            "“012 52E” is not a country this system knows.": 1,
        },
        0,
    ),
}


@unittest.skipUnless(DATA.is_dir(), f"the shared Missing Migrants data is not here ({DATA})")
class RealFileTests(MmpTestCase):
    def test_it_reads_every_real_vintage_in_full(self) -> None:
        for name, (read, valid, reasons, skipped) in REAL_FILES.items():
            with self.subTest(file=name):
                context = ReadContext()
                counted = accepted = 0
                rejected: collections.Counter[str] = collections.Counter()
                references = set()
                for record in mmp.FORMAT.read(open_tables(DATA / name), context):
                    counted += 1
                    references.add(record.reference)
                    problems = [issue.reason for issue in record.issues]
                    if not problems and record.draft is not None:
                        problems = [problem.message for problem in validate(record.draft)]
                    if problems:
                        rejected[_reason(problems[0])] += 1
                    else:
                        accepted += 1
                self.assertEqual((counted, accepted), (read, valid))
                self.assertEqual(len(references), read)
                self.assertEqual(dict(rejected), reasons)
                notices = "\n".join(context.notices)
                if skipped:
                    self.assertIn(f"{skipped} rows of type “Cumulative Incident” skipped", notices)
                else:
                    self.assertNotIn("Cumulative Incident", notices)


def _reason(message: str) -> str:
    return "negative count" if message.startswith("A negative count") else message
