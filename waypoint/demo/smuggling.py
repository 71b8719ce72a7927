"""Smuggling incidents along the route scenarios: a group detected somewhere on its way, with its
legs, casualties, the migrants itemised (or only counted) and the smugglers caught."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from random import Random
from typing import TYPE_CHECKING

from waypoint.demo import codes, journeys, people
from waypoint.demo.draw import Weighted, between, chance, skewed, table
from waypoint.demo.offenders import Network, selector_value
from waypoint.demo.personas import SMUGGLING
from waypoint.demo.records import IncidentRecord, PersonRecord, Row
from waypoint.demo.routes import ROUTES, Hop, Route

if TYPE_CHECKING:
    from waypoint.demo.generate import Generator

EU_ARRIVAL = frozenset({"ITA", "GRC", "ESP", "DEU", "AUT", "HUN"})
STATUS_ARRIVED_EU = table(
    "asylum_seeker 40, irregular 35, unknown 15, not_stated 5, refugee 3, "
    "complementary_protection 2"
)
STATUS_ON_THE_WAY = table("irregular 65, unknown 20, not_stated 5, asylum_seeker 5, regular 5")
STATUS_ROHINGYA = table("stateless 5, irregular 3, refugee 2, unknown 1")
#: Where people of a nationality often lived before setting out, and how often.
LIVED_ABROAD = {
    "AFG": ("IRN", 0.3),
    "SYR": ("TUR", 0.4),
    "stateless": ("BGD", 0.9),
    "ERI": ("SDN", 0.3),
    "SOM": ("ETH", 0.1),
}
ON_ARRIVAL = table("medical 4, shelter 4, interpretation 3, legal 2, psychosocial 2")
IDENTIFICATION = table("not_applicable 6, not_identified 2, unknown 2")
CRUEL = frozenset({"kidnapping", "torture", "detention"})
VIOLENT = frozenset({"physical_assault", "torture", "kidnapping"})
VEHICLES = frozenset({"truck", "van", "car"})
BOATS = frozenset({"fishing_vessel", "small_boat"})
RISKY = frozenset({"rubber_dinghy", "small_boat", "fishing_vessel"})
BY = {
    "on_foot": "on foot",
    "car": "by car",
    "van": "by van",
    "truck": "by truck",
    "bus": "by bus",
    "train": "by train",
    "small_boat": "by small boat",
    "rubber_dinghy": "by rubber dinghy",
    "fishing_vessel": "by fishing vessel",
    "commercial_flight": "by air",
}
DETECTED = {
    "at_sea": "intercepted or rescued at sea",
    "border_check": "stopped at a border check",
    "inland": "found inland",
    "investigation": "identified in an investigation",
}


@dataclass
class Findings:
    """What an incident turns out to be: its kinds, offences and aggravating circumstances."""

    kinds: set[str] = field(default_factory=lambda: {"smuggling_of_migrants"})
    offences: list[str] = field(default_factory=lambda: [codes.SMUGGLING_OF_MIGRANTS])
    aggravating: set[str] = field(default_factory=set)


def build(gen: Generator, route: Route) -> IncidentRecord:
    rng = gen.rng
    path = route.paths.pick(rng)
    nationality = path.nationalities.pick(rng)
    trip = journeys.resolve(rng, path, nationality)
    record, start, end = _detected(gen, route, trip)
    findings = Findings()
    hops = trip.hops[start:end]
    conveyance = record.legs[-1]["conveyance"]
    involved = _casualties(rng, record.incident, hops, conveyance)
    if (
        record.incident["dead"]
        or record.incident["missing"]
        or (record.legs[-1]["conveyance"] in RISKY and chance(rng, 0.7))
    ):
        findings.aggravating.add("endangering_life_or_safety")
    abused = any(p.country in route.violence_in for p in trip.places[start : end + 1])
    if chance(rng, 0.4):
        group = _group(rng, route, path.nationalities, nationality, involved)
        _itemise(gen, record, route, group, abused, end == len(trip.places) - 1, findings)
    else:
        _count_only(rng, route, abused, findings)
    _smugglers(gen, record, route, nationality, findings)
    _fresh_selectors(rng, record)
    if chance(rng, 0.04):
        gen.witness(record, trip.places[end].country)
    narrative = _narrative(record, trip.places[end].name)
    return gen.finish(
        record,
        kinds=findings.kinds,
        offences=findings.offences,
        aggravating=findings.aggravating,
        narrative=narrative,
    )


def _detected(gen: Generator, route: Route, trip: journeys.Trip) -> tuple[IncidentRecord, int, int]:
    """The incident where the group was detected, with the legs it had travelled."""
    rng = gen.rng
    detected_at = {p.country for p in trip.places if gen.world.records(p.country, SMUGGLING)}
    start, end = journeys.segment(rng, trip, detected_at)
    place = trip.places[end]
    owner = gen.owner(place.country, SMUGGLING, route.recorded_in)
    when = gen.when(route.years, SMUGGLING)
    legs = journeys.legs(
        rng,
        trip,
        start,
        end,
        arrival=when.day,
        final_role=route.final_role.pick(rng),
        dated=when.precision == "day" and chance(rng, 0.75),
    )
    record = gen.incident(
        family=SMUGGLING,
        kinds=[],
        place=place,
        when=when,
        owner=owner,
        detection=journeys.detection(rng, legs[-1]),
        scenario=route.key,
    )
    record.legs = legs
    return record, start, end


def _casualties(rng: Random, incident: Row, hops: tuple[Hop, ...], conveyance: str) -> int:
    """Fill the counts; dead and missing never exceed the migrants involved. Answer how many
    were involved."""
    involved = journeys.group_size(rng, conveyance)
    deadly = [hop for hop in hops if hop.deaths]
    risk = 1.0
    for hop in deadly:
        risk *= 1 - hop.deaths
    dead = missing = 0
    at_sea = any(hop.mode == "sea" for hop in hops)
    if deadly and chance(rng, 1 - risk):
        hop = max(deadly, key=lambda h: h.deaths)
        if chance(rng, 0.25):
            lost = max(1, int(involved * (0.1 + 0.8 * rng.random())))
            missing = int(lost * (0.6 if hop.mode == "sea" else 0.1) * rng.random() * 1.6)
            missing = min(missing, lost)
            dead = lost - missing
        else:
            dead = between(rng, 1, 3)
            missing = between(rng, 0, 3) if hop.mode == "sea" else 0
        if dead + missing > involved:
            involved = dead + missing + between(rng, 0, 5)
        causes = [hop.death_causes.pick(rng)] if hop.death_causes else ["unknown"]
        if chance(rng, 0.15) and hop.death_causes:
            more = hop.death_causes.pick(rng)
            if "unknown" not in (more, causes[0]):
                causes = list(dict.fromkeys([*causes, more]))
        incident["death_causes"] = causes
    incident["migrants_involved"] = involved
    incident["dead"] = dead if dead or chance(rng, 0.7) else None
    incident["missing"] = missing if missing or (at_sea and chance(rng, 0.7)) else None
    survivors = involved - dead - missing
    if survivors and chance(rng, 0.1):
        incident["injured"] = between(rng, 1, min(10, survivors))
    if incident["detection_context"] == "at_sea" and chance(rng, 0.7):
        incident["rescued"] = survivors
    return involved


def _group(
    rng: Random, route: Route, others: Weighted[str], nationality: str, involved: int
) -> list[people.Someone]:
    """The migrants of the group who are itemised: a family, or travellers mostly of one
    nationality."""
    count = min(involved, skewed(rng, 1, 8, 1.5))
    if count >= 2 and chance(rng, route.profile.families):
        return people.family(rng, nationality, min(count, 6))
    return [
        people.traveller(rng, nationality if chance(rng, 0.7) else others.pick(rng), route.profile)
        for _ in range(count)
    ]


def _itemise(
    gen: Generator,
    record: IncidentRecord,
    route: Route,
    group: list[people.Someone],
    abused: bool,
    arrived: bool,
    findings: Findings,
) -> None:
    """Record the group's migrants and what they went through on the way."""
    rng = gen.rng
    suffered: set[str] = set()
    for someone in group:
        status = _status(rng, someone.nationality, record.incident["country"], arrived)
        residence = _residence(rng, someone.nationality)
        person = gen.person(
            record, "smuggled_migrant", someone, residence=residence, status=status, likely_ids=0.5
        )
        forms = _abuse(rng, route, someone) if abused else []
        if forms or chance(rng, 0.3):
            person.victimisation = _victimisation(rng, forms)
        suffered.update(forms)
    if suffered:
        findings.kinds.add("violence_against_migrants")
        findings.offences += codes.for_violence(suffered)
        if suffered & CRUEL:
            findings.aggravating.add("inhuman_or_degrading_treatment")
        if suffered & VIOLENT and chance(rng, 0.5):
            findings.aggravating.add("use_of_violence_or_weapons")
    if any(_is_minor(person) for person in record.persons):
        findings.aggravating.add("involvement_of_children")
    if chance(rng, 0.08):
        record.incident["migrants_involved"] = None


def _abuse(rng: Random, route: Route, someone: people.Someone) -> list[str]:
    """What a migrant suffered where migrants on the route are held and extorted, if anything."""
    if route.violence_forms is None or not chance(rng, route.violence_rate):
        return []
    forms = route.violence_forms.sample(rng, between(rng, 1, 3))
    if someone.sex == "male" and "sexual_violence" in forms and chance(rng, 0.7):
        forms.remove("sexual_violence")
    return forms


def _count_only(rng: Random, route: Route, abused: bool, findings: Findings) -> None:
    """Only the number of migrants is known: what the record can still say about them."""
    if abused and chance(rng, route.violence_rate * 0.3):
        findings.kinds.add("violence_against_migrants")
        findings.offences.append(codes.BY_VIOLENCE_FORM["extortion"])
        findings.aggravating.add("inhuman_or_degrading_treatment")
    if chance(rng, route.profile.minors * 0.5):
        findings.aggravating.add("involvement_of_children")


def _victimisation(rng: Random, forms: list[str]) -> Row:
    assistance = (
        ON_ARRIVAL.sample(rng, between(rng, 1, 3))
        if chance(rng, 0.8)
        else [("none", "unknown")[between(rng, 0, 1)]]
    )
    return {
        "violence_forms": forms,
        "exploitation_forms": ["not_applicable"] if chance(rng, 0.5) else [],
        "sexual_exploitation_types": [],
        "labour_sectors": [],
        "means_of_control": [],
        "perpetrator_relation": ("stranger" if chance(rng, 0.5) else "other")
        if forms
        else "unknown",
        "country_of_exploitation": "not_applicable",
        "assistance": assistance,
        "trafficking_identification": IDENTIFICATION.pick(rng),
        "identified_by": "",
        "identified_on": None,
        "repatriated_from": "",
        "repatriated_to": "",
        "repatriated_on": None,
    }


def _status(rng: Random, nationality: str, country: str, arrived: bool) -> str:
    if nationality == "stateless":
        return STATUS_ROHINGYA.pick(rng)
    if arrived and country in EU_ARRIVAL:
        return STATUS_ARRIVED_EU.pick(rng)
    return STATUS_ON_THE_WAY.pick(rng)


def _residence(rng: Random, nationality: str) -> str:
    abroad = LIVED_ABROAD.get(nationality)
    if abroad and chance(rng, abroad[1]):
        return abroad[0]
    return "MMR" if nationality == "stateless" else nationality


def _is_minor(person: PersonRecord) -> bool:
    return person.person["role"] != "offender" and person.person["age_group"] in (
        "0-4",
        "5-9",
        "10-14",
        "15-17",
        "child",
    )


def _smugglers(
    gen: Generator, record: IncidentRecord, route: Route, nationality: str, findings: Findings
) -> None:
    """The smugglers caught or suspected, some of them from a network seen elsewhere."""
    rng = gen.rng
    if not chance(rng, 0.55):
        if chance(rng, 0.3):
            _network_selectors(gen, record, route, None)
        return
    network = _network(gen, route) if chance(rng, 0.45) else None
    charges = [
        code
        for code in findings.offences
        if code == codes.SMUGGLING_OF_MIGRANTS or chance(rng, 0.5)
    ]
    boss_index = None
    if network is not None and chance(rng, 0.5):
        roles = ["organiser"] if chance(rng, 0.7) else ["organiser", "money_handler"]
        gen.offender(record, network.boss, roles, charges, identity=network.boss_identifiers)
        boss_index = len(record.persons) - 1
    count = skewed(rng, 1, 4, 2.0)
    for _ in range(count - (boss_index is not None)):
        roles = _roles(rng, route)
        country = nationality if "boat_pilot" in roles and chance(rng, 0.4) else None
        someone = people.adult(rng, country or route.offender_nationalities.pick(rng), 0.1, 19, 62)
        gen.phone_selector(record, gen.offender(record, someone, roles, charges), 0.4)
        if "corrupt_official" in roles:
            findings.aggravating.add("abuse_of_office")
    if (count >= 2 or boss_index is not None) and chance(rng, 0.6):
        findings.aggravating.add("organised_criminal_group")
    if network is not None:
        _network_selectors(gen, record, route, network, boss_index)


def _roles(rng: Random, route: Route) -> list[str]:
    count = 1 if chance(rng, 0.8) else 2
    roles = list(dict.fromkeys(route.offender_roles.pick(rng) for _ in range(count)))
    if "unknown" in roles and len(roles) > 1:
        roles.remove("unknown")
    return roles


def _network(gen: Generator, route: Route) -> Network:
    share = route.weight / 100
    return gen.network(route.key, route.offender_nationalities, route.selector_kinds, share)


def _network_selectors(
    gen: Generator,
    record: IncidentRecord,
    route: Route,
    network: Network | None,
    boss_index: int | None = None,
) -> None:
    """Selectors of the network, on the incident (or the boss's phone, on the boss)."""
    rng = gen.rng
    if network is None:
        network = _network(gen, route)
    chosen = network.selectors[: between(rng, 1, min(2, len(network.selectors)))]
    for kind, value in chosen:
        on_boss = (
            boss_index is not None
            and kind == "phone"
            and any(value == v for k, v in network.boss_identifiers if k == "phone")
        )
        record.selectors.append(({"kind": kind, "value": value}, boss_index if on_boss else None))


def _fresh_selectors(rng: Random, record: IncidentRecord) -> None:
    for leg in record.legs:
        if leg["conveyance"] in VEHICLES and chance(rng, 0.12):
            record.selectors.append(
                (
                    {
                        "kind": "vehicle_plate",
                        "value": selector_value(rng, "vehicle_plate", leg["from_country"]),
                    },
                    None,
                )
            )
        elif leg["conveyance"] in BOATS and chance(rng, 0.1):
            record.selectors.append(
                (
                    {"kind": "vessel", "value": selector_value(rng, "vessel", leg["from_country"])},
                    None,
                )
            )


def _narrative(record: IncidentRecord, place: str) -> str:
    incident, legs = record.incident, record.legs
    involved = incident["migrants_involved"]
    group = f"A group of {involved} migrants" if involved else "A group of migrants"
    how = DETECTED.get(incident["detection_context"], "detected")
    text = (
        f"{group} {how} near {place} after travelling from {legs[0]['from_place']}, "
        f"the last stage {BY.get(legs[-1]['conveyance'], 'by other means')}."
    )
    if incident["dead"] or incident["missing"]:
        text += (
            f" {incident['dead'] or 0} died and {incident['missing'] or 0} went missing on the way."
        )
    return text


SCENARIOS = [((route.key, partial(build, route=route)), route.weight) for route in ROUTES]
