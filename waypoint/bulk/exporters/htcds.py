"""HTCDS 2.0 out: incidents of trafficking in persons as HTCDS cases, in JSON or in a workbook laid
out as IOM's Excel template (docs/formats/htcds.md).

The inverse of ``waypoint.bulk.importers.htcds``: a case per incident (``cas_CaseNumber`` is the
reference), a victim per person in the role of victim, a perpetrator per offender, and the route
as historic trafficking events (each leg's departure, then each arrival). What is written is what
the exporting user may see (``ExportIncident``): partners never get names, contacts or dates of
birth, and get the month for dates and no place names where the owner asked. Identifiers are
written only in an owner's revealed export. Incidents of other kinds than trafficking in persons,
and persons in other roles, are not HTCDS cases and are left out.

Picklist values are HTCDS value names (``ForcedLabour``); an answer HTCDS has no value for is
written as its code in the same style (``ForcedCriminality``, ``NotStated``) rather than as
another answer. Countries are ISO 3166-1 alpha-2 codes, and names in free-text locations.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from waypoint.bulk.exporters import xlsx
from waypoint.bulk.exporters.base import (
    Exporter,
    ExportIncident,
    ExportPerson,
    ExportRows,
    Month,
    Value,
)
from waypoint.bulk.importers import htcds
from waypoint.reference.models import MISSING_ANSWERS, Country

#: The case sheet: the official template's columns B … AM in its order (its misspelt field name
#: kept, its unnamed column named), then the fields of the standard that the template lacks.
TEMPLATE_COLUMNS = (
    "cas_CaseOwner",
    "prs_Salutation",
    "prs_FirstName",
    "prs_SecondName",
    "con_Consent",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "prs_Title",
    "prs_Email",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingCity",
    "prs_MailingCountry",
    "prs_MailingState",
    "prs_MailingStreet",
    "prs_MailingPostalCode",
    "vic_TraffickingStatus",
    "vic_TraffickinStatusDecisionMakingOrg",
    "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails",
    "cas_ReferredOrganisation",
    "cas_ReferredPrimaryCaseWorker",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
    "cas_ReasonForCaseClosure",
)
CASE_COLUMNS = (
    *TEMPLATE_COLUMNS,
    htcds.CASE_NUMBER,
    "prs_IdentityNumber",
    "vic_RelationshipToTrafficker",
    "vic_AgeWhenTrafficked",
    "spl_Type",
)
PERPETRATOR_COLUMNS = (
    htcds.CASE_NUMBER,
    "prs_FirstName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "prs_IdentityNumber",
    "prs_Email",
    "prs_MobilePhone",
    "prs_HomePhone",
    "prs_MailingStreet",
    "per_RoleInProcess",
)
EVENT_COLUMNS = (
    htcds.CASE_NUMBER,
    "hte_Type",
    "hte_Date",
    "hte_Country",
    "hte_State",
    "hte_City",
    "hte_Latitude",
    "hte_Longitude",
)
SHEETS = (
    ("Case Sheet", CASE_COLUMNS),
    ("Perpetrators", PERPETRATOR_COLUMNS),
    ("Trafficking Events", EVENT_COLUMNS),
)
#: The template's field name with its typo → the standard's.
SPELLINGS = {"vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg"}
#: Identifier kind → the HTCDS fields it fills, in turn (a second phone goes to the home phone).
IDENTIFIER_FIELDS = {
    "given_name": ("prs_FirstName",),
    "full_name": ("prs_FirstName",),
    "family_name": ("prs_SecondName",),
    "date_of_birth": ("prs_Birthdate",),
    "national_id_number": ("prs_IdentityNumber",),
    "email": ("prs_Email",),
    "phone": ("prs_MobilePhone", "prs_HomePhone"),
    "address": ("prs_MailingStreet",),
}
#: Person and victimisation fields → (HTCDS field, picklist).
PICKED = (
    ("sex", "prs_Gender", htcds.GENDER),
    ("trafficking_identification", "vic_TraffickingStatus", htcds.TRAFFICKING_STATUS),
    ("identified_by", "vic_TraffickingStatusDecisionMakingOrg", htcds.DECISION_MAKER),
    ("perpetrator_relation", "vic_RelationshipToTrafficker", htcds.RELATIONSHIP),
    ("means_of_control", "vic_MethodsOfControl", htcds.CONTROL),
    ("exploitation_forms", "vic_TypeOfExploitation", htcds.EXPLOITATION),
    ("labour_sectors", "vic_ForcedLabourIndustry", htcds.INDUSTRY),
    ("sexual_exploitation_types", "vic_TypeOfSexExploitation", htcds.SEX_EXPLOITATION),
    ("assistance", "spl_Type", htcds.SUPPORT_PLAN),
    ("network_roles", "per_RoleInProcess", htcds.ROLE_IN_PROCESS),
)
#: Answers written only when they say something: blank reads back as these.
DEFAULTS = {"sex": "", "trafficking_identification": "unknown", "perpetrator_relation": "unknown"}


# Cases ---------------------------------------------------------------------------------------


@dataclass
class Case:
    """One incident as an HTCDS case: objects keyed by HTCDS field names."""

    number: str
    victims: list[dict[str, Value]] = field(default_factory=list)
    perpetrators: list[dict[str, Value]] = field(default_factory=list)
    events: list[dict[str, Value]] = field(default_factory=list)


@dataclass(frozen=True)
class Countries:
    """ISO alpha-3 → (alpha-2, English name), read once per export."""

    codes: dict[str, tuple[str, str]]

    @classmethod
    def load(cls) -> Countries:
        rows = Country.objects.values_list("alpha3", "alpha2", "name")
        return cls({alpha3: (alpha2, name) for alpha3, alpha2, name in rows})

    def code(self, value: Value) -> str:
        """A country as HTCDS codes it; missing answers and the like in words."""
        if not value or value == "unknown":
            return ""
        if str(value) in self.codes:
            return self.codes[str(value)][0]
        return "".join(part.capitalize() for part in str(value).split("_"))

    def name(self, value: Value) -> str:
        if str(value) in self.codes:
            return self.codes[str(value)][1]
        return "" if not value or value in MISSING_ANSWERS else str(value).replace("_", " ")


def case_of(incident: ExportIncident, number: str, countries: Countries) -> Case | None:
    """The incident as an HTCDS case, or None when it is not one of trafficking in persons."""
    kinds = incident.values.get("kinds")
    if not isinstance(kinds, list) or htcds.TIP not in kinds:
        return None
    stops = _stops(incident)
    case = Case(number=number, events=[_event(stop, countries) for stop in stops])
    recruited = next((stop for stop in stops if stop.role == "recruitment"), None)
    for person in incident.persons:
        role = person.values.get("role")
        if role == "victim":
            case.victims.append(_victim(incident, person, recruited, countries))
        elif role == "offender":
            case.perpetrators.append(_perpetrator(person, countries))
    return case


def _victim(
    incident: ExportIncident, person: ExportPerson, recruited: Stop | None, countries: Countries
) -> dict[str, Value]:
    victimisation = person.victimisation or {}
    values = {**person.values, **victimisation}
    row = _coded(values, countries)
    row["vic_AgeWhenTrafficked"] = person.values.get("age")
    exploited = victimisation.get("country_of_exploitation")
    if exploited and exploited not in MISSING_ANSWERS:
        same = exploited == incident.values.get("country")
        place = str(incident.values.get("place") or "") if same else ""
        row["vic_LocationOfExploitation"] = _location(place, exploited, countries)
    if recruited is not None:
        row["vic_LocationOfRecruitment"] = _location(recruited.place, recruited.country, countries)
    return row | _identifiers(person)


def _perpetrator(person: ExportPerson, countries: Countries) -> dict[str, Value]:
    values = {**person.values, **(person.offender or {})}
    return _coded(values, countries) | _identifiers(person)


def _coded(values: dict[str, Value], countries: Countries) -> dict[str, Value]:
    row: dict[str, Value] = {}
    for name, target, spec in PICKED:
        value = values.get(name)
        if isinstance(value, list):
            row[target] = [spec.value_name(code) for code in value]
        elif value and value != DEFAULTS.get(name):
            row[target] = spec.value_name(str(value))
    if "citizenship" in values:
        others = values.get("other_citizenships")
        codes = [values["citizenship"], *(others if isinstance(others, list) else [])]
        row["prs_Citizenship"] = [code for code in map(countries.code, codes) if code]
    return row


def _identifiers(person: ExportPerson) -> dict[str, Value]:
    row: dict[str, Value] = {}
    for identifier in person.identifiers or []:
        free = [f for f in IDENTIFIER_FIELDS.get(identifier.kind, ()) if f not in row]
        value = identifier.value  # None unless the owner's export reveals it
        if free and value is not None:
            row[free[0]] = _birthdate(value) if identifier.kind == "date_of_birth" else value
    return row


def _birthdate(value: str) -> Value:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return value


def _location(place: str, country: Value, countries: Countries) -> str:
    return ", ".join(part for part in (place, countries.name(country)) if part)


# The route as events -------------------------------------------------------------------------


@dataclass
class Stop:
    country: Value
    place: str
    role: str
    values: dict[str, Value] = field(default_factory=dict)


def _stops(incident: ExportIncident) -> list[Stop]:
    """The places of the route in order (each leg's departure, then each arrival), or the
    incident's own place; the place of the case carries its area, coordinates and dates."""
    values = incident.values
    stops = _route(incident.legs)
    known = ("place", "admin_area", "latitude", "date_start")
    if not stops and (_known(values.get("country")) or any(values.get(n) for n in known)):
        stops = [Stop(values.get("country"), str(values.get("place") or ""), "exploitation")]
    site = _site(stops)
    if site is not None and site.country == values.get("country"):
        site.values |= {
            "hte_State": values.get("admin_area") or None,
            "hte_Latitude": values.get("latitude"),
            "hte_Longitude": values.get("longitude"),
        }
    if stops:
        precision = str(values.get("date_precision") or "unknown")
        stops[0].values["hte_Date"] = _partial(values.get("date_start"), precision)
        if len(stops) > 1 and values.get("date_end"):
            stops[-1].values["hte_Date"] = _partial(values.get("date_end"), precision)
    return stops


def _site(stops: list[Stop]) -> Stop | None:
    """The place of the case, as the importer finds it: the last place of exploitation, else the
    last place."""
    chosen = [stop for stop in stops if stop.role == "exploitation"] or stops
    return chosen[-1] if chosen else None


def _route(legs: list[dict[str, Value]]) -> list[Stop]:
    stops = []
    for index, leg in enumerate(legs):
        if index == 0:
            stops.append(_end(leg, "from"))
        arrival = _end(leg, "to")
        following = legs[index + 1] if index + 1 < len(legs) else None
        if arrival.role == "unknown" and following is not None:
            arrival.role = str(following.get("from_role") or "unknown")
        stops.append(arrival)
    return stops


def _end(leg: dict[str, Value], side: str) -> Stop:
    return Stop(
        leg.get(f"{side}_country"),
        str(leg.get(f"{side}_place") or ""),
        str(leg.get(f"{side}_role") or "unknown"),
    )


def _known(country: Value) -> bool:
    return bool(country) and country != "unknown"


def _partial(value: Value, precision: str) -> Value:
    """A date as precise as it is known: a date, ``2024-05`` or ``2024``."""
    if isinstance(value, Month):  # coarsened for a partner
        return f"{value.year:04d}" if precision == "year" else str(value)
    if not isinstance(value, datetime.date):
        return None
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value


def _event(stop: Stop, countries: Countries) -> dict[str, Value]:
    event: dict[str, Value] = {
        "hte_Type": htcds.EVENT_TYPE.value_name(stop.role) if stop.role != "unknown" else None,
        "hte_Country": countries.code(stop.country),
        "hte_City": stop.place,
    }
    return event | stop.values


# Writing -------------------------------------------------------------------------------------


def cases(incidents: Iterable[ExportIncident]) -> Iterator[Case]:
    """The HTCDS cases among the incidents, numbered by reference (with the owner's code before
    it when the export holds records of several organisations, as references are theirs)."""
    countries = Countries.load()
    with_owner = isinstance(incidents, ExportRows) and incidents.owner_column
    for incident in incidents:
        reference = str(incident.values.get("reference") or incident.id)
        number = f"{incident.owner}/{reference}" if with_owner else reference
        case = case_of(incident, number, countries)
        if case is not None:
            yield case


def document(case: Case) -> dict[str, Any]:
    """One case as a JSON object: the case number, then lists of victims, perpetrators and
    events, each object holding only the fields that have a value."""
    return {
        htcds.CASE_NUMBER: case.number,
        htcds.VICTIMS: [_present(victim) for victim in case.victims],
        htcds.PERPETRATORS: [_present(perpetrator) for perpetrator in case.perpetrators],
        htcds.EVENTS: [_present(event) for event in case.events],
    }


def _present(values: dict[str, Value]) -> dict[str, Any]:
    return {
        SPELLINGS.get(name, name): value.isoformat() if isinstance(value, datetime.date) else value
        for name, value in values.items()
        if value not in (None, "", [])
    }


def write_json(incidents: Iterable[ExportIncident], out: IO[bytes]) -> int:
    """A JSON list of cases, written one by one; answers the number of cases."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    count = 0
    text.write("[")
    for case in cases(incidents):
        text.write(",\n" if count else "\n")
        text.write(json.dumps(document(case), ensure_ascii=False, default=str))
        count += 1
    text.write("\n]\n" if count else "]\n")
    text.detach()
    return count


def write_xlsx(incidents: Iterable[ExportIncident], out: IO[bytes]) -> int:
    """A workbook in the template's layout; answers the number of rows of the case sheet."""
    workbook = Workbook(write_only=True)
    sheets = {}
    for title, columns in SHEETS:
        sheet = workbook.create_sheet(title)
        sheet.append([None, *(_bold(sheet, name) for name in columns)])
        sheet.append([None, *(_bold(sheet, _label(name)) for name in columns)])
        sheets[title] = (sheet, columns, [0])
    for case in cases(incidents):
        number: dict[str, Value] = {htcds.CASE_NUMBER: case.number}
        # A case without victims still gets its row, so that its number is in the case sheet.
        for victim in case.victims or [{}]:
            _append(sheets["Case Sheet"], number | victim)
        for perpetrator in case.perpetrators:
            _append(sheets["Perpetrators"], number | perpetrator)
        for event in case.events:
            _append(sheets["Trafficking Events"], number | event)
    workbook.save(out)
    return sheets["Case Sheet"][2][0]


def _label(name: str) -> str:
    return htcds.LABELS[SPELLINGS.get(name, name)]


def _bold(sheet: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, text)
    cell.font = Font(bold=True)
    return cell


def _append(target: tuple[Any, tuple[str, ...], list[int]], values: dict[str, Value]) -> None:
    """A row numbered in column A as the template numbers its rows."""
    sheet, columns, count = target
    count[0] += 1
    row = [values.get(SPELLINGS.get(name, name)) for name in columns]
    sheet.append([count[0], *(xlsx.cell(sheet, value) if value != [] else None for value in row)])


EXPORTER = Exporter(
    name="htcds",
    title="HTCDS 2.0 JSON",
    extension="json",
    content_type="application/json",
    write=write_json,
    description=(
        "IOM's Human Trafficking Case Data Standard: a list of cases with their victims, "
        "perpetrators and events, under the standard's field names."
    ),
)
XLSX_EXPORTER = Exporter(
    name="htcds-xlsx",
    title="HTCDS 2.0 Excel template",
    extension="xlsx",
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    write=write_xlsx,
    description=(
        "IOM's HTCDS Excel template layout: a case sheet (one row per victim) and sheets of "
        "perpetrators and trafficking events joined by cas_CaseNumber."
    ),
)
