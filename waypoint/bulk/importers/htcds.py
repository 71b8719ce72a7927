"""HTCDS 2.0, IOM's Human Trafficking Case Data Standard: its Excel templates, XLSForm submissions
and JSON with the same field names (docs/formats/htcds.md).

An HTCDS case is one victim's case, so a case becomes an incident of trafficking in persons with
the victim in it. Rows that share a case number (``cas_CaseNumber``) are one case with several
victims; perpetrators (``per_`` with ``prs_``) and historic trafficking events (``hte_``) come
from sheets of their own joined by case number, or from lists nested in a JSON case object.
Events in order make the route: each two consecutive events are a leg. A case without events
takes its route from the victim's locations of recruitment and exploitation.

The Excel templates put the field names in a hidden first row and the labels in the second;
a row of labels is recognised and skipped, and names a column the template left unnamed.
Value names (``ForcedLabour``), value labels (``Forced labour``) and ODK's space-separated
choices are all read; several values in one cell are separated by ``;``, ``,`` or ``|``.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from waypoint.bulk import mapping
from waypoint.bulk.formats import Format, ReadContext
from waypoint.bulk.formulas import restore
from waypoint.bulk.mapping import PartialDate, RecordBuilder, Rejected, SourceRecord
from waypoint.bulk.sources import Row, Table, normalise_header
from waypoint.cases.models import (
    Incident,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Victimisation,
)
from waypoint.cases.validation import IncidentDraft, PersonDraft
from waypoint.lib import ages
from waypoint.reference.models import MISSING_ANSWERS


def _table(text: str) -> list[list[str]]:
    """The lines of a ``|``-separated table, each split into its stripped cells."""
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


# The standard ---------------------------------------------------------------------------------

#: Every field of HTCDS 2.0 (and the case number) with its label, in the standard's order;
#: ``*`` marks the fields an import keeps. docs/formats/htcds.md says why the others are dropped.
STANDARD = _table("""
org_Name | Organisation Name
org_ShippingCity | Shipping City
org_ShippingCountry | Shipping Country
org_ShippingState | Shipping State/Province
org_ShippingStreet | Shipping Street
org_ShippingPostalCode | Shipping Zip/Postal Code
org_ShippingLongitude | Longitude
org_ShippingLatitude | Latitude
org_Phone | Phone
org_Type | Type
prs_Salutation | Salutation
prs_FirstName | First Name | *
prs_MiddleName | Middle Name | *
prs_SecondName | Second Name | *
prs_Birthdate | Birthdate | *
prs_Gender | Gender | *
prs_Deceased | Deceased
prs_MaritalStatus | Marital Status
prs_NumberOfChildren | Number of Children
prs_PrimaryLanguage | Primary Language
prs_SecondaryLanguage | Secondary Language
prs_HighestLevelOfEducation | Highest Level of Education
prs_Citizenship | Citizenship | *
prs_IdentityNumber | Identity Number | *
prs_Title | Title
prs_Email | Email | *
prs_HomePhone | Home Phone | *
prs_MobilePhone | Mobile Phone | *
prs_MailingCity | Mailing City | *
prs_MailingCountry | Mailing Country | *
prs_MailingState | Mailing State/Province | *
prs_MailingStreet | Mailing Street | *
prs_MailingPostalCode | Mailing Zip/Postal Code | *
prs_MailingLongitude | Longitude
prs_MailingLatitude | Latitude
vic_AgreementToManagePersonalData | Agreement to Manage Personal Data
vic_TraffickingStatus | Trafficking Status | *
vic_TraffickingStatusDecisionMakingOrg | Trafficking Status Decision Making Organization | *
vic_RelationshipToTrafficker | Relationship to Trafficker | *
vic_AgeWhenTrafficked | Age when Trafficked | *
vic_RecruitmentWebsitesAndApps | Recruitment Websites and Apps
vic_MethodOfRecruitment | Method of Recruitment
vic_LocationOfRecruitment | Location of Recruitment | *
vic_MethodsOfControl | Methods of Control | *
vic_TypeOfExploitation | Type of Exploitation | *
vic_ForcedLabourIndustry | Forced Labour Industry | *
vic_TypeOfSexExploitation | Type of Sex Exploitation | *
vic_LocationOfExploitation | Location of Exploitation | *
vic_ExploitationWebsitesAndApps | Exploitation Websites and Apps
vic_Vulnerabilities | Vulnerabilities
vic_DetailsOfVulnerabilities | Details Of Vulnerabilities
per_RoleInProcess | Role in Process | *
per_RoleDetails | Role Details
per_Organisation | Organisation
cas_CaseNumber | Case Number | *
cas_Status | Status
cas_ReasonForCaseClosure | Reason for Case Closure
cas_CaseOwner | Case Owner
cas_ReferringOrganisation | Referring Organisation
cas_IncomingReferralDate | Incoming Referral Date | *
cas_ReferringPrimaryCaseWorker | Referring Primary Case Worker
cas_ReasonForIncomingReferral | Reason for Incoming Referral
cas_IncomingReferralDetails | Incoming Referral Details
cas_ReferredOrganisation | Referred Organisation
cas_ReferredPrimaryCaseWorker | Referred Primary Case Worker
cas_ReasonForOutgoingReferral | Reason for Outgoing Referral
cas_OutgoingReferralDate | Outgoing Referral Date
cas_OutgoingReferralDetails | Outgoing Referral Details
cco_CaseComment | Case Comment
hte_Longitude | Longitude | *
hte_Latitude | Latitude | *
hte_City | City | *
hte_Country | Country | *
hte_State | State | *
hte_Street | Street
hte_PostalCode | PostalCode
hte_Date | Date | *
hte_Type | Type | *
hte_Description | Description
spl_Objectives | Objectives
spl_ActionPlan | Action Plan
spl_PlannedEndDate | Planned End Date
spl_ActualEndDate | Actual End Date
spl_Type | Type | *
con_Consent | Consent | *
""")
LABELS = {line[0]: line[1] for line in STANDARD}
FIELDS = tuple(LABELS)
KEPT = frozenset(line[0] for line in STANDARD if line[2:] == ["*"])
CASE_NUMBER = "cas_CaseNumber"
PREFIXES = ("org_", "prs_", "vic_", "per_", "cas_", "cco_", "hte_", "spl_", "con_")
#: Other spellings of field names: the Excel templates' typo, the XLSForm's names, and the
#: columns other tools give a case's id.
ALIASES = {
    "vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg",
    "prs_First_Name": "prs_FirstName",
    "prs_Second_Name": "prs_SecondName",
    "vic_Methods_of_Control": "vic_MethodsOfControl",
    **dict.fromkeys(
        ("cas_CaseId", "cas_Id", "CaseNumber", "case_id", "Id", "meta/instanceID", "_uuid", "KEY"),
        CASE_NUMBER,
    ),
}
#: Keys of a JSON case object that hold lists of the case's victims, perpetrators and events.
VICTIMS, PERPETRATORS, EVENTS = "victims", "perpetrators", "events"
NESTED = frozenset({VICTIMS, PERPETRATORS, EVENTS})
CASES = "cases"
TIP = "trafficking_in_persons"
#: The ICCS code of trafficking for each purpose of exploitation (as the CTDC importer codes it).
ICCS_BY_FORM = {
    "sexual_exploitation": "02041",
    "forced_labour": "02042",
    "forced_begging": "02042",
    "domestic_servitude": "02042",
    "child_labour": "02042",
    "organ_removal": "02043",
    **dict.fromkeys(
        ("forced_marriage", "forced_military", "forced_criminality", "slavery_and_practices"),
        "02044",
    ),
    **dict.fromkeys(("illegal_adoption", "surrogacy", "other"), "02044"),
}

FIELD_KEYS = {normalise_header(name): name for name in FIELDS} | {
    normalise_header(alias): name for alias, name in ALIASES.items()
}
_LABEL_COUNTS = Counter(normalise_header(label) for label in LABELS.values())
#: Labels that name one field only: read as headers, and for columns the templates left unnamed.
LABEL_KEYS = {
    normalise_header(label): name
    for name, label in LABELS.items()
    if _LABEL_COUNTS[normalise_header(label)] == 1
}


# Picklists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Picklist:
    """An HTCDS picklist and the Waypoint vocabulary it maps to.

    ``values`` are (value name, value label, code); the first value of a code is what an export
    writes for it. ``also`` are further words an import reads (other versions, sub-levels). A
    code with no HTCDS value is exported as the code in HTCDS's style (``SlaveryAndPractices``)
    and read back as such, so that no answer turns into another on the way.
    """

    vocabulary: str
    values: tuple[tuple[str, str, str], ...]
    also: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, vocabulary: str, text: str, also: str = "") -> Picklist:
        values = tuple((name, label, code) for name, label, code in _table(text))
        return cls(vocabulary, values, {word: code for code, word in _table(also)} if also else {})

    def synonyms(self) -> dict[str, str]:
        words = {word: code for name, label, code in self.values for word in (name, label)}
        return words | dict(self.also)

    def value_name(self, code: str) -> str:
        for name, _label, own in self.values:
            if own == code:
                return name
        return "".join(part.capitalize() for part in code.split("_"))


GENDER = Picklist.of(
    "sex",
    """
    Feminine | Feminine | female
    Masculine | Masculine | male
    NonConforming | Non-Conforming | other
    NonSpecifiedUnknown | Not Specified/Unknown | unknown
    TransgenderFeminine | Transgender Feminine | other
    TransgenderMasculine | Transgender Masculine | other
    """,
    "female | F\nmale | M",
)
TRAFFICKING_STATUS = Picklist.of(
    "trafficking_identification",
    """
    ActualVictimOfTrafficking | Actual victim of trafficking | identified
    PossibleVictimOfTrafficking | Possible victim of trafficking | presumed
    NotAVictimOfTrafficking | Not a victim of trafficking | not_identified
    """,
)
DECISION_MAKER = Picklist.of(
    "identifying_authority",
    """
    Police | Police | police
    NGO | NGO | ngo
    CourtOrProsecution | Court or prosecution | prosecution_or_court
    NonPoliceGovernmentalOrganization | Non-police governmental organization | other_government
    Other | Other | other
    """,
)
RELATIONSHIP = Picklist.of(
    "perpetrator_relation",
    """
    Familial | Familial | family
    Acquainted | Acquainted | acquaintance
    Unaquainted | Unaquainted | stranger
    """,
    "stranger | Unacquainted",
)
#: The 2.0 picklist, then two values HTCDS's Field Definitions define without listing them.
CONTROL = Picklist.of(
    "means_of_control",
    """
    PhysicalThreats | Physical threats | threats
    ThreatsLawEnforcement | Threats of law enforcement | threat_of_law_enforcement
    ThreatensChildrenFamily | Threatens children/family | threatens_family
    DebtBondage | Debt bondage | debt_bondage
    FalsePromises | False promises | false_promises
    PhysicalAbuse | Physical abuse | physical_abuse
    SexualAbuse | Sexual abuse | sexual_abuse
    TakesEarnings | Takes earnings | takes_earnings
    RestrictsFinancialAccess | Restricts financial access | restricts_financial_access
    RestrictsMedicalCare | Restricts medical care | restricts_medical_care
    WithholdsNecessities | Withholds necessities | withholds_necessities
    PsychologicalAbuse | Psychological abuse | psychological_abuse
    PsychoactiveSubstance | Psychoactive substance | psychoactive_substances
    ExcessiveWorkingHours | Excessive working hours | excessive_working_hours
    WithholdsDocuments | Withholds documents | withholds_documents
    Other | Other | other
    RestrictsMovement | Restricts movement | restricts_movement
    UsesChildren | Uses children | uses_children
    """,
    "threats | Threats\nthreat_of_law_enforcement | ThreatOfLawEnforcement",
)
#: The 2.0 picklist, then forced criminality as proposed in UNMigration/HTCDS#28.
EXPLOITATION = Picklist.of(
    "exploitation_form",
    """
    ForcedLabour | Forced labour | forced_labour
    SexualExploitation | Sexual exploitation | sexual_exploitation
    ChildLabour | Child labour | child_labour
    ForcedMarriage | Forced marriage | forced_marriage
    Servitude | Servitude | domestic_servitude
    ForcedMilitaryByNonStateActors | Forced military (by non-state actors) | forced_military
    OrganRemoval | Organ removal | organ_removal
    ForcedBegging | Forced begging | forced_begging
    ForcedAdoption | Forced adoption | illegal_adoption
    Surrogacy | Surrogacy | surrogacy
    Other | Other | other
    ForcedCriminality | Forced criminality | forced_criminality
    """,
)
#: ISIC Rev.4 sections (the vocabulary's codes are their letters), and the optional tier 2 and
#: tier 3 sub-divisions of HTCDS's Field Definitions, read as their section.
INDUSTRY = Picklist.of(
    "labour_sector",
    """
    A_AgricultureForestryAndFishing | Agriculture, forestry and fishing | A
    B_MiningAndQuarrying | Mining and quarrying | B
    C_Manufacturing | Manufacturing | C
    D_ElectricityGasSteamAndAirConditioningSupply | Electricity, gas, steam and air conditioning supply | D
    E_WaterSupplySewerageWasteManagement | Water supply; sewerage, waste management and remediation | E
    F_Construction | Construction | F
    G_WholesaleAndRetailTradeRepairOfMotorVehicles | Wholesale and retail trade; repair of motor vehicles and motorcycles | G
    H_TransportationAndStorage | Transportation and storage | H
    I_AccommodationAndFoodServiceActivities | Accommodation and food service activities | I
    J_InformationAndCommunication | Information and communication | J
    K_FinancialAndInsuranceActivities | Financial and insurance activities | K
    L_RealEstateActivities | Real estate activities | L
    M_ProfessionalScientificAndTechnicalActivities | Professional, scientific and technical activities | M
    N_AdministrativeAndSupportServiceActivities | Administrative and support service activities | N
    O_PublicAdministrationAndDefence | Public administration and defence; compulsory social security | O
    P_Education | Education | P
    Q_HumanHealthAndSocialWorkActivities | Human health and social work activities | Q
    R_ArtsEntertainmentAndRecreation | Arts, entertainment and recreation | R
    S_OtherServiceActivities | Other service activities | S
    T_ActivitiesOfHouseholdsAsEmployers | Activities of households as employers; undifferentiated goods- and services- producing activities of households for own use | T
    U_ActivitiesOfExtraterritorialOrganizations | Activities of extraterritorial organizations and bodies | U
    """,
    """
    A | Crop and animal production, hunting and related service activities
    A | Forestry and logging
    A | Fishing and aquaculture
    A | Growing of non-perennial crops
    A | Plant propagation
    A | Animal production
    A | Mixed farming
    A | Support activities to agriculture and post-harvest crop activities
    A | All other classes under crop and animal prodution, hunting and related service activities
    A | Marine fishing or acquaculture
    A | Freshwater fishing or aquaculture
    C | Manufacture of food products
    C | Manufacture of beverages
    C | Manufacture of tobacco products
    C | Manufacture of textiles
    C | Manufacture of wearing apparel
    C | Manufacture of leather and related products
    C | Manufacture of wood and of products of wood and cork, except furniture; manufacture of articles of straw and plaiting materials
    C | Manufacture of paper and paper products
    C | Printing and reproduction of recorded media
    C | Manufacture of coke and refined petroleum products
    C | Manufacture of chemicals and chemical products
    C | Manufacture of basic pharmaceutical products and pharmaceutical preparations
    C | Manufacture of rubber and plastics products
    C | Manufacture of other non-metallic mineral products
    C | Manufacture of basic metals
    C | Manufacture of fabricated metal products, except machinery and equipment
    C | Manufacture of computer, electronic and optical products
    C | Manufacture of electrical equipment
    C | Manufacture of machinery and equipment n.e.c.
    C | Manufacture of motor vehicles, trailers and semi-trailers
    C | Manufacture of other transport equipment
    C | Manufacture of furniture
    C | Other manufacturing
    C | Repair and installation of machinery and equipment
    H | Land transport and transport via pipelines
    H | Water transport
    H | Air transport
    H | Warehousing and support activities for transportation
    H | Postal and courier activities
    I | Primarily accommodation
    I | Primarily food
    I | Primarily beverages
    N | Rental and leasing activities
    N | Employment activities
    N | Travel agency, tour operator, reservation service and related activities
    N | Services to buildings and gardening & landscape activities, including cleaning
    N | Office administrative, office support and other business support activities
    """,
)
SEX_EXPLOITATION = Picklist.of(
    "sexual_exploitation_type",
    """
    Prostitution | Prostitution | prostitution
    Pornography | Pornography | pornography
    RemoteInteractiveServices | Remote Interactive Services | remote_interactive_services
    PrivateSexualServices | Private Sexual Services | private_sexual_services
    """,
)
#: Roles Waypoint has no code of its own for are read as the nearest one (``also``).
ROLE_IN_PROCESS = Picklist.of(
    "network_role",
    """
    RecruiterOrIntermediary | Recruiter Or Intermediary | recruiter
    Transporter | Transporter | transporter
    BrokerTravelAgent | Broker Travel Agent | broker
    HarbouredIndividual | Harboured Individual | harbourer
    Kidnapper | Kidnapper | kidnapper
    Exploiter | Exploiter | exploiter
    Other | Other | other
    """,
    """
    transporter | TransferredIndividual
    harbourer | ReceivedIndividual
    exploiter | ControlledIndividual
    exploiter | BoughtIndividual
    other | SoldIndividual
    other | TravellingPartner
    other | Smuggler
    other | Abuser
    """,
)
EVENT_TYPE = Picklist.of(
    "place_role",
    """
    Recruitment | Recruitment | recruitment
    Transit | Transit | transit
    Exploitation | Exploitation | exploitation
    """,
)
SUPPORT_PLAN = Picklist.of(
    "assistance",
    """
    Health | Health | medical
    Legal | Legal | legal
    Financial | Financial | financial
    Education | Education | education_training
    Livelihood | Livelihood | livelihood
    SocialCare | Social Care | psychosocial
    RightsBasedTraining | Rights-based Training | education_training
    LabourExploitationRehabilitation | Labour Exploitation Rehabilitation | psychosocial
    SexualExploitationRehabilitation | Sexual Exploitation Rehabilitation | psychosocial
    """,
)
#: Country names of HTCDS's lists that ISO and the UN write otherwise, and the export's words for
#: missing answers.
COUNTRY_WORDS = {
    normalise_header(word): code
    for word, code in (
        ("Congo, Democratic Republic of the", "COD"),
        ("NotStated", "not_stated"),
        ("NotApplicable", "not_applicable"),
        ("InternationalWaters", "international_waters"),
    )
}


# Reading values ------------------------------------------------------------------------------

SEPARATORS = re.compile(r"\s*[;,|\n]\s*")
Find = Callable[[str], str | None]


@dataclass(frozen=True)
class Lookup:
    """A coded field: ``find`` answers the code of a folded word or None; ``convert`` reads a
    cell and raises ``Rejected`` with the reason and the accepted values."""

    find: Find
    convert: Callable[[Any], str]

    def many(self, raw: Any) -> list[str]:
        """Several codes from one cell or JSON list; missing answers only when alone."""
        codes: list[str] = []
        for item in raw if isinstance(raw, list) else [raw]:
            if not mapping.is_blank(item):
                found = self._segment(mapping.text_of(item))
                codes += [code for code in found if code not in codes]
        missing = [code for code in codes if code in MISSING_ANSWERS]
        if missing and len(missing) == len(codes):
            return missing[:1]
        return [code for code in codes if code not in MISSING_ANSWERS]

    def _segment(self, text: str) -> list[str]:
        """Split at separators, taking the longest run of parts that is one value: labels such
        as ``Agriculture, forestry and fishing`` hold separators themselves."""
        parts = [part for part in SEPARATORS.split(text.strip()) if part]
        codes, start = [], 0
        while start < len(parts):
            for end in range(len(parts), start, -1):
                code = self.find(normalise_header(" ".join(parts[start:end])))
                if code is not None:
                    codes.append(code)
                    start = end
                    break
            else:
                codes += self._words(parts[start])
                start += 1
        return codes

    def _words(self, part: str) -> list[str]:
        """ODK writes several choices as names separated by spaces."""
        found = [self.find(normalise_header(word)) for word in part.split()]
        if len(found) > 1 and all(found):
            return [code for code in found if code]
        return [self.convert(part)]


def picklist(spec: Picklist) -> Lookup:
    """The lookup of a picklist: its value names and labels, the vocabulary's own codes and
    labels in any language, and the codes as the export writes them (``NotStated``)."""
    vocabulary = spec.vocabulary
    codes = mapping.term_index(vocabulary).values()
    words = {normalise_header(code.replace("_", "")): code for code in codes}
    words |= {normalise_header(word): code for word, code in spec.synonyms().items()}
    words.setdefault("n_a", "not_applicable")

    def find(key: str) -> str | None:
        return words.get(key) or mapping.term_index(vocabulary).get(key)

    return Lookup(find, mapping.term(vocabulary, words))


def _find_country(key: str) -> str | None:
    if key in COUNTRY_WORDS:
        return COUNTRY_WORDS[key]
    if key in mapping.COUNTRY_SPECIALS:
        return mapping.COUNTRY_SPECIALS[key]
    return mapping.country_index().get(key.zfill(3) if key.isdigit() else key)


def _country(raw: Any) -> str:
    return _find_country(mapping.key_of(raw)) or mapping.country(raw)


COUNTRY = Lookup(_find_country, _country)


def clean_text(limit: int) -> Callable[[Any], str]:
    """Text as written, without the apostrophe a spreadsheet export put before a formula sign."""
    check = mapping.text(limit)

    def convert(raw: Any) -> str:
        return check(restore(mapping.text_of(raw)))

    return convert


def degrees(limit: int) -> Callable[[Any], float]:
    def convert(raw: Any) -> float:
        try:
            value = float(str(raw).replace(",", "."))
        except ValueError as error:
            raise Rejected(_("Not a number."), _("decimal degrees such as 13.75")) from error
        if not -limit <= value <= limit:
            raise Rejected(
                _("%(value)s is out of range.") % {"value": value},
                _("from −%(limit)s to %(limit)s") % {"limit": limit},
                "out_of_range",
            )
        return value

    return convert


def full_date(raw: Any) -> datetime.date:
    return mapping.date(raw, allow_partial=False).value


def location(text: str) -> tuple[str, str]:
    """(country code or "", place) of a free-text location: ``Castel Volturno, Caserta, Italy``
    → ``("ITA", "Castel Volturno, Caserta")``; the country is the longest tail that is one."""
    parts = [part.strip() for part in text.split(",")]
    for start in range(len(parts)):
        code = _find_country(normalise_header(", ".join(parts[start:])))
        if code is not None and code != "stateless":
            return code, ", ".join(parts[:start])
    return "", text.strip()


#: Coded fields: HTCDS field → (picklist, several values, draft attribute).
CODED = {
    "prs_Gender": (GENDER, False, "sex"),
    "vic_TraffickingStatus": (TRAFFICKING_STATUS, False, "trafficking_identification"),
    "vic_TraffickingStatusDecisionMakingOrg": (DECISION_MAKER, False, "identified_by"),
    "vic_RelationshipToTrafficker": (RELATIONSHIP, False, "perpetrator_relation"),
    "vic_MethodsOfControl": (CONTROL, True, "means_of_control"),
    "vic_TypeOfExploitation": (EXPLOITATION, True, "exploitation_forms"),
    "vic_ForcedLabourIndustry": (INDUSTRY, True, "labour_sectors"),
    "vic_TypeOfSexExploitation": (SEX_EXPLOITATION, True, "sexual_exploitation_types"),
    "spl_Type": (SUPPORT_PLAN, True, "assistance"),
    "per_RoleInProcess": (ROLE_IN_PROCESS, True, "network_roles"),
    "hte_Type": (EVENT_TYPE, False, "role"),
}
VICTIMISATION_FIELDS = (
    "vic_TraffickingStatus",
    "vic_RelationshipToTrafficker",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "spl_Type",
)


def converters() -> dict[str, Callable[[Any], Any]]:
    """The converters of the coded fields for one read (vocabularies come from the database)."""
    built: dict[str, Callable[[Any], Any]] = {}
    for name, (spec, several, _attribute) in CODED.items():
        lookup = picklist(spec)
        built[name] = lookup.many if several else lookup.convert
    return built | {"prs_Citizenship": COUNTRY.many}


# Tables --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One object of the file read as HTCDS: a table row, or an object nested in a JSON case."""

    row: Row
    #: HTCDS field → the key of ``row.values`` that holds it.
    columns: Mapping[str, str]
    #: Key of ``row.values`` → the column name a report shows.
    shown: Mapping[str, str]

    def raw(self, name: str) -> Any:
        key = self.columns.get(name)
        return None if key is None else self.row.values.get(key)

    def in_column_order(self, names: list[str]) -> list[str]:
        """The fields in the order of the file's columns: a caseworker fills an address under
        the template's labels, which are not in the order of its field names."""
        keys = list(self.row.values)
        position = {name: keys.index(key) for name, key in self.columns.items() if key in keys}
        return sorted(names, key=lambda name: position.get(name, len(keys)))

    def holds(self, name: str) -> bool:
        return not mapping.is_blank(self.raw(name))

    def has_values(self, *prefixes: str) -> bool:
        return any(name.startswith(prefixes) and self.holds(name) for name in self.columns)

    def nested(self, container: str) -> list[Part]:
        """The objects of a list a JSON case holds (``victims``, ``perpetrators``, ``events``)."""
        items = self.row.values.get(container)
        parts = []
        for index, item in enumerate(items if isinstance(items, list) else [], start=1):
            item = item if isinstance(item, dict) else {}
            values = {normalise_header(key): value for key, value in item.items()}
            row = Row(self.row.file, self.row.sheet, self.row.number, values)
            columns = resolve_columns({normalise_header(key): str(key) for key in item})
            shown = {normalise_header(key): f"{container}[{index}].{key}" for key in item}
            parts.append(Part(row, columns, shown))
        return parts


@dataclass
class Source:
    """A table of the file as HTCDS: the kind of rows it holds and its rows."""

    table: Table
    kind: str
    columns: dict[str, str]
    parts: list[Part]


def resolve_columns(headers: Mapping[str, str]) -> dict[str, str]:
    """HTCDS field → column key, from field names; from labels when the header is the labels'."""
    columns: dict[str, str] = {}
    for key in headers:
        name = FIELD_KEYS.get(key)
        if name is not None:
            columns.setdefault(name, key)
    by_label = {LABEL_KEYS[key]: key for key in headers if key in LABEL_KEYS}
    if sum(name.startswith("vic_") for name in by_label) >= 3:
        for name, key in by_label.items():
            columns.setdefault(name, key)
    return columns


def recognise(tables: list[Table]) -> float:
    """How surely these are HTCDS tables, by the standard's field names (or labels) in headers."""
    found: set[str] = set()
    for table in tables:
        columns = resolve_columns(table.headers)
        found |= {name for name in columns if name.startswith(PREFIXES) and name != CASE_NUMBER}
        if CASE_NUMBER in columns:
            found |= NESTED & set(table.headers)
    if len(found) < 2:
        return 0.0
    return min(1.0, 0.4 + 0.1 * len(found))


def _kind(columns: Mapping[str, str], headers: Mapping[str, str]) -> str | None:
    names = set(columns) - {CASE_NUMBER}
    if any(name.startswith("per_") for name in names):
        return PERPETRATORS
    if NESTED & set(headers) or any(name.startswith(("prs_", "vic_", "cas_")) for name in names):
        return CASES
    if any(name.startswith("hte_") for name in names):
        return EVENTS
    return CASES if any(name.startswith(PREFIXES) for name in names) else None


def _source(table: Table) -> Source | None:
    columns = resolve_columns(table.headers)
    kind = _kind(columns, table.headers)
    if kind is None:
        return None
    shown = {key: written or key for key, written in table.headers.items()}
    rows = list(table.rows)
    if rows and _is_label_row(rows[0], columns):
        _name_unnamed_columns(rows.pop(0), table, columns, shown)
    return Source(table, kind, columns, [Part(row, columns, shown) for row in rows])


def _is_label_row(row: Row, columns: Mapping[str, str]) -> bool:
    """The templates' second row: the fields' labels under their names."""
    written = [normalise_header(mapping.text_of(value)) for value in row.values.values()]
    written = [text for text in written if text]
    labels = {normalise_header(LABELS[name]) for name in columns}
    matches = sum(text in labels or text in LABEL_KEYS for text in written)
    return matches >= 2 and matches * 2 >= len(written)


def _name_unnamed_columns(
    labels: Row, table: Table, columns: dict[str, str], shown: dict[str, str]
) -> None:
    for key, value in labels.values.items():
        name = LABEL_KEYS.get(normalise_header(mapping.text_of(value)))
        if name is not None and not table.headers.get(key) and name not in columns:
            columns[name] = key
            shown[key] = mapping.text_of(value)


# Reading -------------------------------------------------------------------------------------


@dataclass
class Stop:
    """A place on the victim's way: an HTCDS historic trafficking event."""

    country: str = ""
    place: str = ""
    admin_area: str = ""
    role: str = "unknown"
    date: PartialDate | None = None
    coordinates: tuple[float, float] | None = None
    #: Scratch path under which the builder noted where a value of the stop was read.
    origin: str = ""


@dataclass
class Reading:
    """One read: its converters, and what it learns besides the records (for notices)."""

    convert: dict[str, Callable[[Any], Any]]
    label: str
    dropped: Counter[str] = field(default_factory=Counter)
    without_consent: int = 0
    decision_makers_dropped: int = 0
    fallback_references: list[str] = field(default_factory=list)


def read(tables: list[Table], context: ReadContext) -> Iterator[SourceRecord]:
    reading = Reading(converters(), context.label)
    sources = [source for table in tables if (source := _source(table)) is not None]
    _report_columns(tables, sources, context)
    linked = {kind: _by_case(sources, kind) for kind in (PERPETRATORS, EVENTS)}
    for reference, parts in _cases(sources, reading).items():
        extra = {kind: linked[kind].pop(reference, []) for kind in linked}
        yield _record(reference, parts, extra, reading)
    for kind, orphans in linked.items():
        for reference, parts in orphans.items():
            yield _orphans(reference, parts, kind)
    _notices(reading, context)


def _report_columns(tables: list[Table], sources: list[Source], context: ReadContext) -> None:
    read_tables = {id(source.table) for source in sources}
    skipped = [table.sheet for table in tables if id(table) not in read_tables]
    if skipped:
        context.notice(
            _("%(file)s: sheets without HTCDS columns were not read: %(sheets)s.")
            % {"file": tables[0].file, "sheets": ", ".join(skipped)}
        )
    for source in sources:
        context.report_extra_columns(source.table, set(source.columns.values()) | NESTED)


def _case_number(part: Part) -> str:
    raw = part.raw(CASE_NUMBER)
    return "" if mapping.is_blank(raw) else restore(mapping.text_of(raw))


def _by_case(sources: list[Source], kind: str) -> dict[str, list[Part]]:
    by_case: dict[str, list[Part]] = {}
    for source in sources:
        if source.kind == kind:
            for part in source.parts:
                by_case.setdefault(_case_number(part), []).append(part)
    return by_case


def _cases(sources: list[Source], reading: Reading) -> dict[str, list[Part]]:
    """Rows of the case tables by reference: the case number, or the file (and sheet, when
    several hold cases) and row."""
    cases: dict[str, list[Part]] = {}
    tables = [source for source in sources if source.kind == CASES]
    for source in tables:
        for part in source.parts:
            reference = _case_number(part)
            if not reference:
                where = [Path(part.row.file).stem[:40]]
                where += [part.row.sheet[:16]] if len(tables) > 1 else []
                reference = ":".join([*where, str(part.row.number)])
                reading.fallback_references.append(reference)
            cases.setdefault(reference, []).append(part)
    return cases


def _orphans(reference: str, parts: list[Part], kind: str) -> SourceRecord:
    builder = RecordBuilder(reference)
    for part in parts:
        builder.add_row(part.row)
    key = parts[0].columns.get(CASE_NUMBER, CASE_NUMBER)
    what = _("perpetrator") if kind == PERPETRATORS else _("trafficking event")
    if reference:
        reason = _("No case in the file has this case number, so the %(what)s belongs to none.")
    else:
        reason = _("The %(what)s has no case number, so it belongs to no case.")
    builder.reject(
        parts[0].row,
        parts[0].shown.get(key, CASE_NUMBER),
        reference,
        reason % {"what": what},
        _("the case number of a case in the file"),
        "unknown_case",
    )
    return builder.finish(None)


def _record(
    reference: str, parts: list[Part], extra: dict[str, list[Part]], reading: Reading
) -> SourceRecord:
    builder = RecordBuilder(reference)
    for part in [*parts, *extra[PERPETRATORS], *extra[EVENTS]]:
        builder.add_row(part.row)
    _check_reference(builder, reference, parts[0])
    builder.note("incident", parts[0].row, "")
    nested = {kind: [item for p in parts for item in p.nested(kind)] for kind in NESTED}
    # A row of a case table is a victim and, when it has hte_ values, an event as well.
    victims = [p for p in parts if p.has_values("prs_", "vic_", "con_", "spl_")] + nested[VICTIMS]
    events = [p for p in parts if p.has_values("hte_")] + nested[EVENTS] + extra[EVENTS]
    perpetrators = nested[PERPETRATORS] + extra[PERPETRATORS]
    for part in [*parts, *nested[VICTIMS], *perpetrators, *nested[EVENTS], *extra[EVENTS]]:
        reading.dropped.update(
            name for name in part.columns if name not in KEPT and part.holds(name)
        )
    stops = [_stop(builder, part, index, reading) for index, part in enumerate(events, start=1)]
    if not stops and victims:
        stops = _stops_of_victim(builder, victims[0])
    incident = Incident(reference=reference[:64], kinds=[TIP], label=reading.label)
    site = _place_incident(builder, incident, stops)
    persons = [
        _victim(builder, part, f"persons[{index}]", incident, site, reading)
        for index, part in enumerate(victims, start=1)
    ]
    persons += [
        _perpetrator(builder, part, f"persons[{index}]", incident, reading)
        for index, part in enumerate(perpetrators, start=len(persons) + 1)
    ]
    if incident.date_start is None:
        _date_by_referral(builder, incident, parts)
    incident.offence_codes = offence_codes(persons)
    draft = IncidentDraft(incident=incident, persons=persons, legs=_legs(builder, stops))
    keys = [f"victim-{n}" for n in range(1, len(victims) + 1)]
    keys += [f"perpetrator-{n}" for n in range(1, len(perpetrators) + 1)]
    return builder.finish(draft, keys)


def _check_reference(builder: RecordBuilder, reference: str, part: Part) -> None:
    if len(reference) > 64:
        key = part.columns[CASE_NUMBER]
        builder.reject(
            part.row,
            part.shown.get(key, key),
            reference,
            _("The case number is %(length)s characters long.") % {"length": len(reference)},
            _("at most 64 characters"),
            "too_long",
        )


def _take(
    builder: RecordBuilder, part: Part, name: str, convert: Callable[[Any], Any], path: str
) -> Any:
    key = part.columns.get(name)
    if key is None:
        return None
    return builder.take(part.row, key, convert, path=path, columns=part.shown)


# Places and the route ------------------------------------------------------------------------


def _stop(builder: RecordBuilder, part: Part, index: int, reading: Reading) -> Stop:
    path = f"events[{index}]"
    text = clean_text(200)
    stop = Stop(
        country=_take(builder, part, "hte_Country", COUNTRY.convert, f"{path}.country") or "",
        place=_take(builder, part, "hte_City", text, f"{path}.place") or "",
        admin_area=_take(builder, part, "hte_State", text, f"{path}.admin_area") or "",
        role=_take(builder, part, "hte_Type", reading.convert["hte_Type"], f"{path}.role")
        or "unknown",
        date=_take(builder, part, "hte_Date", mapping.date, f"{path}.date"),
        origin=path,
    )
    latitude = _take(builder, part, "hte_Latitude", degrees(90), f"{path}.latitude")
    longitude = _take(builder, part, "hte_Longitude", degrees(180), f"{path}.longitude")
    if latitude is not None and longitude is not None:
        stop.coordinates = (latitude, longitude)
    return stop


def _stops_of_victim(builder: RecordBuilder, part: Part) -> list[Stop]:
    """The route of a case without events: from the place of recruitment to the place of
    exploitation, as far as the victim's row tells."""
    stops = []
    for name, role in (
        ("vic_LocationOfRecruitment", "recruitment"),
        ("vic_LocationOfExploitation", "exploitation"),
    ):
        path = f"locations.{role}"
        text = _take(builder, part, name, clean_text(500), f"{path}.place")
        if not text:
            continue
        country, place = location(text)
        if len(place) > 200:
            builder.reject(
                part.row,
                part.shown[part.columns[name]],
                text,
                _("The place is %(length)s characters long.") % {"length": len(place)},
                _("at most 200 characters"),
                "too_long",
            )
            place = ""
        for scratch in ("country", "role"):
            builder.provenance[f"{path}.{scratch}"] = builder.provenance[f"{path}.place"]
        stops.append(Stop(country=country, place=place, role=role, origin=path))
    return stops


def _site(stops: list[Stop]) -> Stop | None:
    """The place of the case: the last place of exploitation, else the last place known."""
    exploitation = [stop for stop in stops if stop.role == "exploitation"]
    chosen = exploitation or stops
    return chosen[-1] if chosen else None


def _place_incident(builder: RecordBuilder, incident: Incident, stops: list[Stop]) -> Stop | None:
    site = _site(stops)
    if site is not None:
        incident.country = site.country or "unknown"
        incident.place, incident.admin_area = site.place, site.admin_area
        if site.coordinates:
            incident.latitude, incident.longitude = site.coordinates
            incident.coordinate_precision = "approximate"
        for name in ("country", "place", "admin_area", "latitude"):
            _copy_origin(builder, site, name, f"incident.{name}")
    _date_incident(builder, incident, stops)
    return site


PRECISIONS = ("day", "month", "year")


def _date_incident(builder: RecordBuilder, incident: Incident, stops: list[Stop]) -> None:
    """The period from the earliest to the latest dated event, as precise as the less precise."""
    dated = [(stop, stop.date) for stop in stops if stop.date is not None]
    if not dated:
        return
    first, start = min(dated, key=lambda item: item[1].value)
    last, end = max(dated, key=lambda item: item[1].value)
    precision = max(start.precision, end.precision, key=PRECISIONS.index)
    incident.date_precision = precision
    incident.date_start = truncate(start.value, precision)
    incident.date_end = truncate(end.value, precision)
    if incident.date_end <= incident.date_start:
        incident.date_end = None
    _copy_origin(builder, first, "date", "incident.date_start")
    _copy_origin(builder, last, "date", "incident.date_end")


def _date_by_referral(builder: RecordBuilder, incident: Incident, parts: list[Part]) -> None:
    """A case no event dates is dated to the year its referral was accepted, as a CTDC record is
    dated to its year of registration."""
    for part in parts:
        name = "cas_IncomingReferralDate"
        accepted = _take(builder, part, name, mapping.date, "incident.date_start")
        if accepted is not None:
            incident.date_start = truncate(accepted.value, "year")
            incident.date_precision = "year"
            return


def offence_codes(persons: list[PersonDraft]) -> list[str]:
    """ICCS codes of trafficking for the purposes of exploitation of the victims identified or
    presumed; ``0204`` when their purpose is not known. None when no victim is either."""
    codes: set[str] = set()
    victims = [p.victimisation for p in persons if p.victimisation is not None]
    for victimisation in victims:
        if victimisation.trafficking_identification in ("identified", "presumed"):
            forms = [ICCS_BY_FORM.get(form) for form in victimisation.exploitation_forms]
            codes |= {code for code in forms if code} or {"0204"}
    return sorted(codes)


def truncate(value: datetime.date, precision: str) -> datetime.date:
    if precision == "year":
        return value.replace(month=1, day=1)
    if precision == "month":
        return value.replace(day=1)
    return value


def _copy_origin(builder: RecordBuilder, stop: Stop, name: str, path: str) -> None:
    cell = builder.provenance.get(f"{stop.origin}.{name}")
    if cell is not None:
        builder.provenance[path] = cell


def _legs(builder: RecordBuilder, stops: list[Stop]) -> list[RouteLeg]:
    legs = []
    for sequence, (start, end) in enumerate(itertools.pairwise(stops), start=1):
        legs.append(
            RouteLeg(
                sequence=sequence,
                from_country=start.country or "unknown",
                from_place=start.place,
                from_role=start.role,
                to_country=end.country or "unknown",
                to_place=end.place,
                to_role=end.role,
            )
        )
        for side, stop in (("from", start), ("to", end)):
            for name in ("country", "place", "role"):
                _copy_origin(builder, stop, name, f"legs[{sequence}].{side}_{name}")
    return legs


# Persons -------------------------------------------------------------------------------------


def _victim(
    builder: RecordBuilder,
    part: Part,
    path: str,
    incident: Incident,
    site: Stop | None,
    reading: Reading,
) -> PersonDraft:
    draft = _person(builder, part, path, "victim", incident, reading)
    where = f"{path}.victimisation"
    victimisation = Victimisation()
    for name in VICTIMISATION_FIELDS:
        attribute = CODED[name][2]
        value = _take(builder, part, name, reading.convert[name], f"{where}.{attribute}")
        if value:
            setattr(victimisation, attribute, value)
    victimisation.country_of_exploitation = _exploited_in(builder, part, where, site)
    name = "vic_TraffickingStatusDecisionMakingOrg"
    decided = _take(builder, part, name, reading.convert[name], f"{where}.identified_by")
    if decided and victimisation.trafficking_identification in ("identified", "presumed"):
        victimisation.identified_by = decided
    elif decided:
        reading.decision_makers_dropped += 1
    draft.victimisation = victimisation
    if part.holds("con_Consent") and _refused(part.raw("con_Consent")):
        reading.without_consent += 1
    return draft


def _exploited_in(builder: RecordBuilder, part: Part, where: str, site: Stop | None) -> str:
    path = f"{where}.country_of_exploitation"
    text = _take(builder, part, "vic_LocationOfExploitation", clean_text(500), path)
    country = location(text)[0] if text else ""
    if not country and site is not None and site.role == "exploitation":
        country = site.country
        _copy_origin(builder, site, "country", path)
    return country if country and country != "international_waters" else "unknown"


def _refused(raw: Any) -> bool:
    try:
        return not mapping.boolean(raw)
    except Rejected:
        return False


def _perpetrator(
    builder: RecordBuilder, part: Part, path: str, incident: Incident, reading: Reading
) -> PersonDraft:
    draft = _person(builder, part, path, "offender", incident, reading)
    name = "per_RoleInProcess"
    roles = _take(builder, part, name, reading.convert[name], f"{path}.offender.network_roles")
    draft.offender = OffenderRecord(network_roles=roles or [], stage="suspected")
    return draft


def _person(
    builder: RecordBuilder,
    part: Part,
    path: str,
    role: str,
    incident: Incident,
    reading: Reading,
) -> PersonDraft:
    builder.note(path, part.row, "")
    person = Person(role=role)
    name = "prs_Gender"
    person.sex = _take(builder, part, name, reading.convert[name], f"{path}.sex") or "unknown"
    name = "prs_Citizenship"
    citizenships = _take(builder, part, name, reading.convert[name], f"{path}.citizenship")
    if citizenships:
        person.citizenship, person.other_citizenships = citizenships[0], citizenships[1:]
        builder.provenance[f"{path}.other_citizenships"] = builder.provenance[f"{path}.citizenship"]
    ageing = mapping.integer(0, ages.MAX_AGE)
    person.age = _take(builder, part, "vic_AgeWhenTrafficked", ageing, f"{path}.age")
    born = _take(builder, part, "prs_Birthdate", full_date, f"{path}.born")
    if person.age is None and born is not None:
        person.age = _age_at(born, incident)
        if person.age is not None:
            builder.provenance[f"{path}.age"] = builder.provenance[f"{path}.born"]
    return PersonDraft(person=person, identifiers=_identifiers(builder, part, path, born))


def _age_at(born: datetime.date, incident: Incident) -> int | None:
    """The age at the incident, when both dates are known to the day."""
    start = incident.date_start
    if start is None or incident.date_precision != "day" or start < born:
        return None
    age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
    return age if age <= ages.MAX_AGE else None


#: Identifier kind → the fields it is read from, joined with ``joiner``.
IDENTIFIER_FIELDS = _table("""
given_name | prs_FirstName prs_MiddleName | space
family_name | prs_SecondName | space
date_of_birth | prs_Birthdate | space
national_id_number | prs_IdentityNumber | space
email | prs_Email | space
phone | prs_MobilePhone | space
phone | prs_HomePhone | space
address | prs_MailingStreet prs_MailingCity prs_MailingState prs_MailingPostalCode prs_MailingCountry | comma
""")
JOINERS = {"space": " ", "comma": ", "}


def _identifiers(
    builder: RecordBuilder, part: Part, path: str, born: datetime.date | None
) -> list[PersonIdentifier]:
    found: dict[tuple[str, str], str] = {}  # (kind, value) → where the value was read
    for kind, names, joiner in IDENTIFIER_FIELDS:
        if kind == "date_of_birth":
            value, origin = (born.isoformat() if born else ""), f"{path}.born"
        else:
            texts = {}
            for name in part.in_column_order(names.split()):
                scratch = f"{path}.{kind}.{name}"
                texts[scratch] = _take(builder, part, name, clean_text(500), scratch)
            value = JOINERS[joiner].join(text for text in texts.values() if text)
            origin = next((scratch for scratch, text in texts.items() if text), "")
        if value:
            found.setdefault((kind, value), origin)
    identifiers = []
    for index, ((kind, value), origin) in enumerate(found.items(), start=1):
        builder.provenance[f"{path}.identifiers[{index}]"] = builder.provenance[origin]
        identifiers.append(PersonIdentifier(kind=kind, value=value))
    return identifiers


# Notices -------------------------------------------------------------------------------------


def _notices(reading: Reading, context: ReadContext) -> None:
    if reading.fallback_references:
        context.notice(
            _(
                "No case number column (cas_CaseNumber): each row is a case referenced by the file "
                "name and row (%(example)s). Re-importing the same file updates those records; a "
                "renamed or re-sorted file creates new ones."
            )
            % {"example": reading.fallback_references[0]}
        )
    if reading.dropped:
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(reading.dropped.items()))
        context.notice(
            _("HTCDS fields Waypoint does not keep were left out (rows with a value): %(fields)s.")
            % {"fields": listed}
        )
    if reading.without_consent:
        context.notice(
            _(
                "%(count)s persons are recorded without consent (con_Consent is FALSE): consent is "
                "not kept with the record, so keep these incidents at TLP:RED and out of "
                "published statistics."
            )
            % {"count": reading.without_consent}
        )
    if reading.decision_makers_dropped:
        context.notice(
            _(
                "The decision-making organisation of %(count)s persons who are not possible or "
                "actual victims of trafficking was left out: Waypoint records who identified a "
                "victim only for identified or presumed victims."
            )
            % {"count": reading.decision_makers_dropped}
        )


FORMAT = Format(
    name="htcds",
    title="HTCDS 2.0 (IOM Human Trafficking Case Data Standard)",
    recognise=recognise,
    read=read,
    description=(
        "HTCDS 2.0 Excel templates, XLSForm submissions and JSON with the standard's field names "
        "(prs_, vic_, per_, cas_, hte_ …); one incident of trafficking in persons per case."
    ),
)
