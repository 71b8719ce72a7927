"""The demo organisations and users, and who records which incidents where.

Organisation A (``ITA-POL``, a destination-country authority) and Organisation B (``GRC-HP``,
a transit-country authority) carry the personas every test and demo shares: Amara (analyst, A),
Bruno (reporting officer, A), Chen (analyst, B), Dana (no organisation) and Eve (platform
administrator). The other organisations sit in countries of origin, transit and destination
along the demo routes.

Every demo user has the same published password, ``DEMO_PASSWORD``; the demo command refuses to
run in production mode.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from random import Random

from waypoint.demo.draw import Weighted, make_uuid

DEMO_PASSWORD = "waypoint-demo-password"


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    type: str
    country: str
    purposes: tuple[str, ...]
    #: Which incidents it records, with a weight among the organisations of its country.
    records: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    organisation: str | None = None
    roles: tuple[str, ...] = ()
    platform_admin: bool = False


SMUGGLING, TRAFFICKING, VIOLENCE = "smuggling", "trafficking", "violence"
#: Trafficking for forced labour or domestic servitude: also recorded by labour inspectorates.
LABOUR = "labour"
ALL = {SMUGGLING: 1.0, TRAFFICKING: 1.0, VIOLENCE: 1.0}

ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "ITA-POL",
        "Italy — State Police, Central Anti-Smuggling and Trafficking Service",
        "national_authority",
        "ITA",
        ("criminal_investigation", "border_management", "statistics"),
        {SMUGGLING: 1, TRAFFICKING: 3, VIOLENCE: 2},
    ),
    OrgSpec(
        "GRC-HP",
        "Greece — Hellenic Police, Aliens and Border Protection Division",
        "national_authority",
        "GRC",
        ("border_management", "criminal_investigation"),
        {SMUGGLING: 1, TRAFFICKING: 3, VIOLENCE: 1},
    ),
    OrgSpec(
        "ITA-INL",
        "Italy — National Labour Inspectorate",
        "national_authority",
        "ITA",
        ("labour_inspection",),
        {LABOUR: 1},
    ),
    OrgSpec(
        "ITA-ASN",
        "South Italy Anti-Trafficking Shelter Network",
        "ngo",
        "ITA",
        ("protection", "victim_assistance"),
        {TRAFFICKING: 1, VIOLENCE: 1},
    ),
    OrgSpec(
        "GRC-ALA",
        "Aegean Migrant Legal Aid",
        "ngo",
        "GRC",
        ("protection", "victim_assistance", "research"),
        {VIOLENCE: 3},
    ),
    OrgSpec(
        "ESP-GC",
        "Spain — Civil Guard, Canary Islands and Andalusia Commands",
        "national_authority",
        "ESP",
        ("border_management", "criminal_investigation"),
        ALL,
    ),
    OrgSpec(
        "DEU-BKA",
        "Germany — Federal Criminal Police, Migrant Smuggling Division",
        "national_authority",
        "DEU",
        ("criminal_investigation", "statistics"),
        ALL,
    ),
    OrgSpec(
        "AUT-JOC",
        "Vienna Joint Operational Centre on Migrant Smuggling",
        "multi_agency_centre",
        "AUT",
        ("criminal_investigation", "statistics", "research"),
        ALL,
    ),
    OrgSpec(
        "HUN-POL",
        "Hungary — National Police, Border Policing Directorate",
        "national_authority",
        "HUN",
        ("border_management",),
        {SMUGGLING: 1},
    ),
    OrgSpec(
        "MKD-BP",
        "North Macedonia — Border Police",
        "national_authority",
        "MKD",
        ("border_management", "criminal_investigation"),
        {SMUGGLING: 1},
    ),
    OrgSpec(
        "SRB-BVM",
        "Belgrade Border Violence Monitoring Centre",
        "ngo",
        "SRB",
        ("protection", "research"),
        {VIOLENCE: 1},
    ),
    OrgSpec(
        "TUR-CG",
        "Türkiye — Coast Guard Command",
        "national_authority",
        "TUR",
        ("border_management",),
        {SMUGGLING: 1},
    ),
    OrgSpec(
        "NER-ATP",
        "Niger — National Agency against Trafficking in Persons and Smuggling",
        "national_authority",
        "NER",
        ("protection", "criminal_investigation", "victim_assistance"),
        ALL,
    ),
    OrgSpec(
        "NGA-ATA",
        "Nigeria — National Anti-Trafficking Agency",
        "national_authority",
        "NGA",
        ("criminal_investigation", "prosecution", "victim_assistance", "protection"),
        ALL,
    ),
    OrgSpec(
        "SEN-POL",
        "Senegal — National Police, Migrant Smuggling and Trafficking Division",
        "national_authority",
        "SEN",
        ("criminal_investigation", "protection"),
        ALL,
    ),
    OrgSpec(
        "MAR-DMB",
        "Morocco — Directorate of Migration and Border Surveillance",
        "national_authority",
        "MAR",
        ("border_management",),
        {SMUGGLING: 1},
    ),
    OrgSpec(
        "IO-EHOA",
        "Migrant Protection Organisation — East and Horn of Africa Office",
        "international_organisation",
        "DJI",
        ("protection", "victim_assistance", "statistics", "research"),
        ALL,
    ),
    OrgSpec(
        "ETH-AGO",
        "Ethiopia — Attorney General, Anti-Human Trafficking Directorate",
        "national_authority",
        "ETH",
        ("prosecution", "criminal_investigation"),
        ALL,
    ),
    OrgSpec(
        "THA-DSI",
        "Thailand — Department of Special Investigation, Trafficking Bureau",
        "national_authority",
        "THA",
        ("criminal_investigation", "victim_assistance"),
        ALL,
    ),
    OrgSpec(
        "MYS-PDRM",
        "Malaysia — Royal Police, Anti-Trafficking and Smuggling Unit",
        "national_authority",
        "MYS",
        ("criminal_investigation", "border_management"),
        ALL,
    ),
    OrgSpec(
        "IDN-POL",
        "Indonesia — National Police, Aceh Regional Command",
        "national_authority",
        "IDN",
        ("border_management", "criminal_investigation"),
        ALL,
    ),
    OrgSpec(
        "PHL-IAC",
        "Philippines — Inter-Agency Council against Trafficking",
        "multi_agency_centre",
        "PHL",
        ("protection", "victim_assistance", "prosecution"),
        {TRAFFICKING: 1},
    ),
    OrgSpec(
        "MEX-INM",
        "Mexico — National Migration Institute",
        "national_authority",
        "MEX",
        ("border_management", "protection"),
        {SMUGGLING: 3, TRAFFICKING: 1, VIOLENCE: 1},
    ),
    OrgSpec(
        "MEX-RCM",
        "Southern Mexico Migrant Shelter Network",
        "ngo",
        "MEX",
        ("protection", "victim_assistance", "research"),
        {TRAFFICKING: 1, VIOLENCE: 3},
    ),
    OrgSpec(
        "USA-HSI",
        "United States — Homeland Security Investigations, Smuggling Unit",
        "national_authority",
        "USA",
        ("criminal_investigation", "statistics"),
        ALL,
    ),
    OrgSpec(
        "GTM-MP",
        "Guatemala — Public Prosecutor's Office, Trafficking and Smuggling Unit",
        "national_authority",
        "GTM",
        ("prosecution", "criminal_investigation"),
        ALL,
    ),
    OrgSpec(
        "ROMS",
        "Regional Observatory on Migrant Smuggling",
        "international_organisation",
        "AUT",
        ("statistics", "research"),
    ),
)

PERSONAS: tuple[UserSpec, ...] = (
    UserSpec("amara", "Amara", "Conti", "ITA-POL", ("analyst",)),
    UserSpec("bruno", "Bruno", "Ferri", "ITA-POL", ("reporter",)),
    UserSpec("chen", "Chen", "Papadaki", "GRC-HP", ("analyst",)),
    UserSpec("dana", "Dana", "Novak"),
    UserSpec("eve", "Eve", "Lindqvist", platform_admin=True),
)

OTHER_USERS: tuple[UserSpec, ...] = (
    UserSpec("giulia", "Giulia", "Marini", "ITA-POL", ("reporter",)),
    UserSpec("marco", "Marco", "Galli", "ITA-POL", ("org_admin",)),
    UserSpec("lucia", "Lucia", "Sartori", "ITA-POL", ("auditor",)),
    UserSpec("paolo", "Paolo", "Rinaldi", "ITA-POL", ("intake_officer",)),
    UserSpec("eleni", "Eleni", "Vlachou", "GRC-HP", ("reporter",)),
    UserSpec("nikos", "Nikos", "Karalis", "GRC-HP", ("org_admin", "reporter")),
    UserSpec("sofia", "Sofia", "Andreou", "GRC-HP", ("auditor",)),
    UserSpec("stella", "Stella", "Doukas", "GRC-ALA", ("intake_officer", "reporter")),
    UserSpec("anna", "Anna", "Esposito", "ITA-INL", ("reporter", "org_admin")),
    UserSpec("rosa", "Rosa", "De Luca", "ITA-ASN", ("intake_officer", "reporter")),
    UserSpec("carmen", "Carmen", "Ortega", "ESP-GC", ("reporter",)),
    UserSpec("javier", "Javier", "Molina", "ESP-GC", ("org_admin", "analyst")),
    UserSpec("jonas", "Jonas", "Becker", "DEU-BKA", ("reporter", "analyst")),
    UserSpec("katrin", "Katrin", "Wolf", "DEU-BKA", ("org_admin",)),
    UserSpec("lena", "Lena", "Hofer", "AUT-JOC", ("analyst", "reporter")),
    UserSpec("tobias", "Tobias", "Leitner", "AUT-JOC", ("org_admin", "auditor")),
    UserSpec("zoltan", "Zoltán", "Farkas", "HUN-POL", ("reporter", "org_admin")),
    UserSpec("ivana", "Ivana", "Trajkovska", "MKD-BP", ("reporter", "org_admin")),
    UserSpec("milica", "Milica", "Savić", "SRB-BVM", ("intake_officer", "reporter", "org_admin")),
    UserSpec("emre", "Emre", "Aksoy", "TUR-CG", ("reporter", "org_admin")),
    UserSpec("aicha", "Aïcha", "Moussa", "NER-ATP", ("reporter", "org_admin")),
    UserSpec("ngozi", "Ngozi", "Okeke", "NGA-ATA", ("reporter", "intake_officer")),
    UserSpec("tunde", "Tunde", "Bakare", "NGA-ATA", ("org_admin", "analyst")),
    UserSpec("awa", "Awa", "Sarr", "SEN-POL", ("reporter", "org_admin")),
    UserSpec("youssef", "Youssef", "Alaoui", "MAR-DMB", ("reporter", "org_admin")),
    UserSpec("hodan", "Hodan", "Warsame", "IO-EHOA", ("reporter", "intake_officer")),
    UserSpec("pierre", "Pierre", "Dubois", "IO-EHOA", ("org_admin", "analyst")),
    UserSpec("meron", "Meron", "Tesfaye", "ETH-AGO", ("reporter", "org_admin")),
    UserSpec("siriporn", "Siriporn", "Chaiyaporn", "THA-DSI", ("reporter", "org_admin")),
    UserSpec("farid", "Farid", "Rahman", "MYS-PDRM", ("reporter", "org_admin")),
    UserSpec("dewi", "Dewi", "Lestari", "IDN-POL", ("reporter", "org_admin")),
    UserSpec(
        "maricel", "Maricel", "Santos", "PHL-IAC", ("reporter", "intake_officer", "org_admin")
    ),
    UserSpec("alejandra", "Alejandra", "Ruiz", "MEX-INM", ("reporter", "org_admin")),
    UserSpec("lupita", "Guadalupe", "Flores", "MEX-RCM", ("intake_officer", "reporter")),
    UserSpec("michael", "Michael", "Turner", "USA-HSI", ("reporter",)),
    UserSpec("sarah", "Sarah", "Collins", "USA-HSI", ("org_admin", "analyst", "auditor")),
    UserSpec("ingrid", "Ingrid", "Xuc", "GTM-MP", ("reporter", "org_admin")),
    UserSpec("omar", "Omar", "Haddad", "ROMS", ("analyst",)),
    UserSpec("helga", "Helga", "Berg", "ROMS", ("org_admin", "auditor")),
)

USERS = PERSONAS + OTHER_USERS


@dataclass
class Owner:
    """An organisation as the generator sees it: who records for it and who reviews."""

    id: int
    code: str
    country: str
    type: str
    recorders: tuple[int, ...]
    reviewers: tuple[int, ...]
    #: References already used, so that new ones continue the numbering.
    used: int = 0


class World:
    """The organisations incidents can be recorded by, keyed by country and family."""

    def __init__(self, owners: list[Owner]) -> None:
        self.owners = {owner.code: owner for owner in owners}
        self.owners_by_id = {owner.id: owner for owner in owners}
        specs = {spec.code: spec for spec in ORGANISATIONS}
        tables: dict[tuple[str, str], list[tuple[Owner, float]]] = defaultdict(list)
        for owner in owners:
            spec = specs.get(owner.code)
            if spec is None or not owner.recorders:
                continue
            for family, weight in spec.records.items():
                tables[owner.country, family].append((owner, weight))
                if family == TRAFFICKING and LABOUR not in spec.records:
                    tables[owner.country, LABOUR].append((owner, weight))
        self._tables = {key: Weighted(pairs) for key, pairs in tables.items()}

    def recorder(self, rng: Random, country: str, family: str) -> Owner | None:
        table = self._tables.get((country, family))
        return table.pick(rng) if table else None

    def records(self, country: str, family: str) -> bool:
        return (country, family) in self._tables


def recording_roles(roles: Iterable[str]) -> tuple[bool, bool]:
    """Whether a member with these roles records incidents, and whether they review them."""
    held = set(roles)
    return bool({"reporter", "org_admin"} & held), bool({"org_admin", "analyst"} & held)


def offline_world() -> World:
    """A world with made-up ids, for generating without a database (tests, benchmarks)."""
    owners, user_id = [], 0
    for index, spec in enumerate(ORGANISATIONS, start=1):
        recorders, reviewers = [], []
        for user in USERS:
            if user.organisation != spec.code:
                continue
            user_id += 1
            records, reviews = recording_roles(user.roles)
            if records:
                recorders.append(user_id)
            if reviews:
                reviewers.append(user_id)
        owners.append(
            Owner(
                index,
                spec.code,
                spec.country,
                spec.type,
                tuple(recorders),
                tuple(reviewers or recorders),
            )
        )
    return World(owners)


def organisation_public_id(code: str) -> uuid.UUID:
    """A stable public id for a demo organisation."""
    return make_uuid(Random(f"organisation:{code}"))
