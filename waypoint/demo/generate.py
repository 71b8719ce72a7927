"""The demo data generator: synthetic incidents, deterministic for a seed.

``generate(world, seed=…, count=…)`` yields ``IncidentRecord`` objects without touching the
database. All chance comes from one ``random.Random`` seeded from the seed (and the first free
incident id, so that a second run into the same database adds different incidents); dates fall
in 2015–2024 and never after ``today``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from random import Random

from waypoint.demo import codes, offenders, people
from waypoint.demo.draw import Weighted, between, chance, make_uuid, sequences, skewed, table
from waypoint.demo.offenders import Network
from waypoint.demo.personas import SMUGGLING, TRAFFICKING, VIOLENCE, Owner, World
from waypoint.demo.places import Place
from waypoint.demo.records import IncidentRecord, PersonRecord, Row

KINDS = ("smuggling_of_migrants", "trafficking_in_persons", "violence_against_migrants")
AGGRAVATING = (
    "endangering_life_or_safety",
    "inhuman_or_degrading_treatment",
    "exploitation",
    "involvement_of_children",
    "organised_criminal_group",
    "use_of_violence_or_weapons",
    "abuse_of_office",
)
LABELS = table("red 12, amber_strict 8, amber 35, green 45")
#: Status histories, each a path through the incident workflow.
STATUS_PATHS = sequences(
    "draft 6, submitted 8, draft>submitted 6, submitted>validated 40, "
    "draft>submitted>validated 10, submitted>validated>closed 22, submitted>withdrawn 3, "
    "draft>withdrawn 2, submitted>validated>draft 1, submitted>validated>closed>validated 2"
)
WITHDRAWAL_REASONS = ("Duplicate of another record.", "Entered in error.", "")
PRECISION = {
    SMUGGLING: table("day 75, month 18, year 5, unknown 2"),
    TRAFFICKING: table("month 50, day 30, year 15, unknown 5"),
    VIOLENCE: table("day 60, month 25, year 10, unknown 5"),
}
SOURCES = {
    SMUGGLING: table("police_record 60, court 10, ngo 5, media 5, witness 5, other 5, unknown 5"),
    TRAFFICKING: table("police_record 40, victim 20, ngo 20, court 10, hotline 5, unknown 5"),
    VIOLENCE: table(
        "victim 35, ngo 25, witness 10, public_report 10, media 10, hotline 5, unknown 5"
    ),
}
RELIABILITY = table("A 20, B 50, C 25, X 5")
CREDIBILITY = table("1 20, 2 45, 3 30, 4 5")
OFFENDER_STATUS = table("regular 3, irregular 3, unknown 4")
#: No bias motivation recorded (the empty code), or a missing answer.
NO_BIAS = Weighted({"": 50, "none": 30, "unknown": 15, "not_stated": 5})
START = datetime.date(2015, 1, 1).toordinal()


@dataclass
class When:
    """When an incident happened (``day``) and how the record dates it."""

    day: int | None
    start: datetime.date | None
    end: datetime.date | None
    precision: str


class Generator:
    """Shared state and helpers of the scenario builders."""

    def __init__(
        self,
        world: World,
        *,
        seed: int,
        today: datetime.date,
        salt: int = 0,
        size: int = 1000,
    ) -> None:
        self.rng = Random(f"waypoint-demo/{seed}/{salt}")
        self.world = world
        self.today = today.toordinal()
        # Times are clamped to the start of today, not to the clock: the data depends on the
        # date only.
        self.now = datetime.datetime(today.year, today.month, today.day, tzinfo=datetime.UTC)
        self.size = size
        self._networks: dict[str, list[Network]] = {}

    # Places, dates and owners -----------------------------------------------------------

    def when(self, years: Weighted[int], family: str, months: int = 0) -> When:
        rng = self.rng
        year = years.pick(rng)
        day = min(self.today, datetime.date(year, 1, 1).toordinal() + between(rng, 0, 364))
        precision = PRECISION[family].pick(rng)
        if precision == "unknown":
            return When(day, None, None, "unknown")
        start = _truncated(datetime.date.fromordinal(day), precision)
        end = None
        if months:
            end = datetime.date.fromordinal(min(self.today, day + months * 30))
            if precision == "year" and chance(rng, 0.5):
                end = None
        return When(day, start, end, precision)

    def owner(self, country: str, family: str, fallback: Weighted[str] | None = None) -> Owner:
        found = self.world.recorder(self.rng, country, family)
        if found is None and fallback is not None:
            found = self.world.recorder(self.rng, fallback.pick(self.rng), family)
        if found is None:
            raise LookupError(f"no demo organisation records {family} incidents in {country}")
        return found

    def network(
        self, key: str, nationalities: Weighted[str], kinds: Weighted[str], share: float
    ) -> Network:
        pool = self._networks.get(key)
        if pool is None:
            count = max(4, int(self.size * share / 10))
            pool = self._networks[key] = offenders.networks(self.rng, count, nationalities, kinds)
        return offenders.pick_network(self.rng, pool)

    # The incident and its history --------------------------------------------------------

    def incident(
        self,
        *,
        family: str,
        kinds: list[str],
        place: Place,
        when: When,
        owner: Owner,
        detection: str,
        scenario: str,
        delay: int = 30,
    ) -> IncidentRecord:
        rng = self.rng
        owner.used += 1
        year = when.start.year if when.start else "ND"
        label = LABELS.pick(rng)
        source = SOURCES[family].pick(rng)
        reliability = RELIABILITY.pick(rng) if chance(rng, 0.6) else ""
        incident: Row = {
            "public_id": make_uuid(rng),
            "owner_id": owner.id,
            "reference": f"{owner.code}-{year}-{owner.used:05d}",
            "label": label,
            "publish_in_statistics": chance(rng, 0.6 if label == "red" else 0.93),
            "kinds": kinds,
            "offence_codes": [],
            "national_provisions": codes.PROVISIONS.get((owner.country, family), ""),
            "date_start": when.start,
            "date_end": when.end,
            "date_precision": when.precision,
            "detection_context": detection,
            "migrants_involved": None,
            "dead": None,
            "missing": None,
            "injured": None,
            "rescued": None,
            "death_causes": [],
            "aggravating_circumstances": [],
            "bias_motivations": [],
            "narrative": "",
            "source_type": source,
            "source_reliability": reliability,
            "information_credibility": CREDIBILITY.pick(rng)
            if reliability and chance(rng, 0.8)
            else "",
            "sources": f"File {between(rng, 100, 9999)}/{year}" if chance(rng, 0.4) else "",
            **self._place(place),
        }
        history = self._history(incident, owner, when, delay)
        return IncidentRecord(incident, history, scenario=scenario)

    def _place(self, place: Place) -> Row:
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return {
                "country": "unknown",
                "admin_area": "",
                "place": "",
                "latitude": None,
                "longitude": None,
                "coordinate_precision": "unknown",
            }
        row: Row = {
            "country": place.country,
            "admin_area": place.admin_area,
            "place": place.name if roll > 0.1 else "",
            "latitude": None,
            "longitude": None,
            "coordinate_precision": "unknown",
        }
        if roll > 0.45:
            row["latitude"] = round(place.latitude + (rng.random() - 0.5) * 0.04, 4)
            row["longitude"] = round(place.longitude + (rng.random() - 0.5) * 0.04, 4)
            row["coordinate_precision"] = "settlement" if roll > 0.6 else "approximate"
        elif roll > 0.35:
            row["coordinate_precision"] = "admin_area"
        return row

    def _history(self, incident: Row, owner: Owner, when: When, delay: int) -> list[Row]:
        rng = self.rng
        statuses = STATUS_PATHS.pick(rng)
        base = when.day if when.day is not None else START + between(rng, 0, 3000)
        day = min(self.today, base + skewed(rng, 0, delay))
        moment = datetime.datetime.fromordinal(day).replace(
            hour=between(rng, 8, 17), minute=between(rng, 0, 59), tzinfo=datetime.UTC
        )
        recorder = owner.recorders[int(rng.random() * len(owner.recorders))]
        reviewer = owner.reviewers[int(rng.random() * len(owner.reviewers))]
        rows, previous = [], ""
        for status in statuses:
            at = min(moment, self.now)
            reviewing = status in ("validated", "closed") or previous == "validated"
            reason = rng.choice(WITHDRAWAL_REASONS) if status == "withdrawn" else ""
            rows.append(
                {
                    "from_status": previous,
                    "to_status": status,
                    "actor_id": reviewer if reviewing else recorder,
                    "at": at,
                    "reason": reason,
                }
            )
            previous = status
            moment += datetime.timedelta(days=between(rng, 1, 40), minutes=between(rng, 0, 600))
        incident["status"] = previous
        incident["verification_status"] = _verification(rng, previous)
        incident["created_by_id"] = recorder
        incident["created_at"] = rows[0]["at"]
        incident["updated_at"] = rows[-1]["at"]
        return rows

    # Persons ----------------------------------------------------------------------------

    def person(
        self,
        record: IncidentRecord,
        role: str,
        someone: people.Someone,
        *,
        residence: str,
        status: str,
        likely_ids: float,
    ) -> PersonRecord:
        row = people.person_row(
            self.rng, role, someone, residence=residence, migration_status=status
        )
        ids = people.identifiers(self.rng, someone, role, self._day(record), likely=likely_ids)
        person = PersonRecord(row, ids)
        record.persons.append(person)
        return person

    def offender(
        self,
        record: IncidentRecord,
        someone: people.Someone,
        roles: list[str],
        charges: list[str],
        *,
        identity: tuple[tuple[str, str], ...] = (),
    ) -> PersonRecord:
        """An offender with a criminal-justice history; ``identity`` replaces drawn names."""
        incident = record.incident
        country = incident["country"]
        status = (
            "not_applicable" if someone.nationality == country else OFFENDER_STATUS.pick(self.rng)
        )
        residence = (
            country if chance(self.rng, 0.6) and country != "unknown" else someone.nationality
        )
        person = self.person(
            record, "offender", someone, residence=residence, status=status, likely_ids=0.8
        )
        if identity:
            person.identifiers = [{"kind": kind, "value": value} for kind, value in identity]
        owner_country = self.world.owners_by_id[incident["owner_id"]].country
        row, stages = offenders.offender_record(
            self.rng,
            roles,
            charges,
            incident["national_provisions"],
            offenders.CURRENCY.get(owner_country, "USD"),
        )
        actor = record.history[0]["actor_id"]
        person.offender = row
        person.stages = offenders.stage_history(
            self.rng,
            stages,
            self._day(record),
            self.today,
            actor,
            incident["created_at"],
            self.now,
        )
        return person

    def phone_selector(
        self, record: IncidentRecord, person: PersonRecord, probability: float
    ) -> None:
        """Sometimes record the person's phone as a selector, for linkage."""
        phone = next((row["value"] for row in person.identifiers if row["kind"] == "phone"), None)
        if phone and chance(self.rng, probability):
            index = record.persons.index(person)
            record.selectors.append(({"kind": "phone", "value": phone}, index))

    def witness(self, record: IncidentRecord, nationality: str) -> None:
        someone = people.adult(self.rng, nationality, 0.4, 18, 70)
        self.person(
            record,
            "witness",
            someone,
            residence=nationality,
            status="not_applicable" if nationality == record.incident["country"] else "unknown",
            likely_ids=0.5,
        )

    def _day(self, record: IncidentRecord) -> int | None:
        start = record.incident["date_start"]
        return start.toordinal() if start else None

    # Finishing --------------------------------------------------------------------------

    def finish(
        self,
        record: IncidentRecord,
        *,
        kinds: set[str],
        offences: list[str],
        aggravating: set[str],
        narrative: str,
        bias: list[str] | None = None,
    ) -> IncidentRecord:
        incident = record.incident
        incident["kinds"] = [kind for kind in KINDS if kind in kinds]
        incident["offence_codes"] = list(dict.fromkeys(offences))
        if chance(self.rng, 0.05):
            aggravating = {"unknown"}
        incident["aggravating_circumstances"] = [
            code for code in (*AGGRAVATING, "unknown") if code in aggravating
        ]
        if bias is None:
            missing = NO_BIAS.pick(self.rng)
            bias = [missing] if missing else []
        incident["bias_motivations"] = bias
        incident["narrative"] = narrative
        return record


def _truncated(date: datetime.date, precision: str) -> datetime.date:
    """The date as a record of that precision shows it (the first day of the month or year)."""
    if precision == "month":
        return date.replace(day=1)
    if precision == "year":
        return date.replace(month=1, day=1)
    return date


def _verification(rng: Random, status: str) -> str:
    if status in ("validated", "closed"):
        return "verified" if chance(rng, 0.8) else "unverified"
    if status == "withdrawn":
        return "rejected" if chance(rng, 0.5) else "reported"
    return "unverified" if status == "submitted" and chance(rng, 0.5) else "reported"


Builder = Callable[[Generator], IncidentRecord]


def scenarios() -> Weighted[tuple[str, Builder]]:
    """Every scenario the generator draws from, weighted by its share of incidents."""
    from waypoint.demo import smuggling, trafficking, violence

    return Weighted([*smuggling.SCENARIOS, *trafficking.SCENARIOS, *violence.SCENARIOS])


def generate(
    world: World,
    *,
    seed: int,
    count: int,
    today: datetime.date,
    salt: int = 0,
) -> Iterator[IncidentRecord]:
    generator = Generator(world, seed=seed, today=today, salt=salt, size=count)
    # Public ids of the rows beneath an incident come from a stream of their own, so that giving
    # them ids changed nothing else the seed draws.
    ids = Random(f"waypoint-demo-ids/{seed}/{salt}")
    table = scenarios()
    for _ in range(count):
        _, build = table.pick(generator.rng)
        record = build(generator)
        _identify(record, ids)
        yield record


def _identify(record: IncidentRecord, rng: Random) -> None:
    """Give every row beneath the incident its public id (which sealed values are bound to)."""
    rows = [*record.history, *(row for row, _ in record.selectors)]
    for person in record.persons:
        rows += person.identifiers
        rows += person.stages
    for row in rows:
        row["public_id"] = make_uuid(rng)
