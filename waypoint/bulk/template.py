"""The downloadable template of the native layout, with a worked example.

The example is three incidents a reporting officer would recognise: a smuggling landing with a
route and deaths, a trafficking case with two victims and a convicted offender, and a racist
attack on a migrant worker. The tests import it, so the template always imports cleanly.
"""

from __future__ import annotations

import csv
import io

from waypoint.bulk import layout

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATES = {
    "csv": ("text/csv; charset=utf-8", "waypoint-import-template.csv"),
    "xlsx": (XLSX, "waypoint-import-template.xlsx"),
}

EXAMPLE: tuple[dict[str, str], ...] = (
    {
        "reference": "EX-2024-001",
        "label": "amber",
        "status": "submitted",
        "kinds": "smuggling_of_migrants",
        "offence_codes": "08051",
        "date_start": "2024-03-12",
        "country": "ITA",
        "place": "Lampedusa",
        "detection_context": "at_sea",
        "migrants_involved": "43",
        "dead": "2",
        "missing": "1",
        "rescued": "40",
        "death_causes": "drowning",
        "source_type": "police_record",
        "person_ref": "S1",
        "person_role": "offender",
        "person_sex": "male",
        "person_age_group": "adult",
        "person_citizenship": "TUN",
        "offender_network_roles": "boat_pilot",
        "offender_charges": "08051",
        "offender_stage": "arrested",
        "offender_stage_date": "2024-03-13",
    },
    {
        "reference": "EX-2024-002",
        "label": "red",
        "status": "submitted",
        "kinds": "trafficking_in_persons",
        "date_start": "2023-11",
        "country": "ITA",
        "place": "Caserta",
        "detection_context": "workplace_inspection",
        "source_type": "police_record",
        "person_ref": "V1",
        "person_role": "victim",
        "person_sex": "female",
        "person_age": "19",
        "person_age_group": "adult",
        "person_citizenship": "NGA",
        "victim_exploitation_forms": "sexual_exploitation",
        "victim_means_of_control": "debt_bondage",
        "victim_country_of_exploitation": "ITA",
    },
    {
        "reference": "EX-2024-002",
        "label": "red",
        "status": "submitted",
        "kinds": "trafficking_in_persons",
        "date_start": "2023-11",
        "country": "ITA",
        "place": "Caserta",
        "detection_context": "workplace_inspection",
        "source_type": "police_record",
        "person_ref": "V2",
        "person_role": "victim",
        "person_sex": "female",
        "person_age": "16",
        "person_age_group": "child",
        "person_citizenship": "NGA",
        "victim_exploitation_forms": "sexual_exploitation",
        "victim_country_of_exploitation": "ITA",
    },
    {
        "reference": "EX-2024-002",
        "label": "red",
        "status": "submitted",
        "kinds": "trafficking_in_persons",
        "date_start": "2023-11",
        "country": "ITA",
        "place": "Caserta",
        "detection_context": "workplace_inspection",
        "source_type": "police_record",
        "person_ref": "O1",
        "person_role": "offender",
        "person_sex": "female",
        "person_age_group": "adult",
        "person_citizenship": "NGA",
        "offender_network_roles": "recruiter; exploiter",
        "offender_charges": "0204",
        "offender_stage": "convicted",
        "offender_stage_date": "2024-06-20",
        "offender_sentence_type": "imprisonment",
        "offender_sentence_months": "96",
    },
    {
        "reference": "EX-2024-003",
        "label": "green",
        "status": "submitted",
        "kinds": "violence_against_migrants",
        "date_start": "2024-05-02",
        "country": "ITA",
        "place": "Foggia",
        "bias_motivations": "racism_xenophobia",
        "source_type": "ngo",
        "person_ref": "V1",
        "person_role": "victim",
        "person_sex": "male",
        "person_age_group": "adult",
        "person_citizenship": "MLI",
        "victim_violence_forms": "physical_assault",
    },
)
EXAMPLE_LEGS: tuple[dict[str, str], ...] = (
    {
        "reference": "EX-2024-001",
        "sequence": "1",
        "from_country": "LBY",
        "from_place": "Zuwara",
        "from_role": "origin",
        "to_country": "ITA",
        "to_place": "Lampedusa",
        "to_role": "destination",
        "mode": "sea",
        "conveyance": "rubber_dinghy",
        "departed_on": "2024-03-10",
        "fee_amount": "2500",
        "fee_currency": "USD",
        "payment_method": "cash",
        "fee_basis": "per_person",
    },
)


def write_template(name: str) -> bytes:
    if name == "csv":
        return _csv()
    return _xlsx()


def _csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=layout.main_headers(), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(EXAMPLE)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, headers, rows in (
        ("incidents", layout.main_headers(), EXAMPLE),
        (layout.LEGS_TABLE, layout.leg_headers(), EXAMPLE_LEGS),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header, "") for header in headers])
    notes = workbook.create_sheet("columns")
    notes.append(["table", "column", "accepts"])
    for column in layout.record_columns():
        notes.append(["incidents", column.name, column.accepts])
    for name, accepts in layout.COMPOUND_COLUMNS.items():
        notes.append(["incidents", name, accepts])
    for column in layout.leg_columns():
        notes.append([layout.LEGS_TABLE, column.name, column.accepts])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
