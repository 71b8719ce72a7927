"""Trafficking in persons: incidents built from the scenarios in ``exploitation``, with the
victims, what they endured, whether they were identified and returned, and the traffickers."""

from __future__ import annotations

import datetime
from functools import partial
from random import Random
from typing import TYPE_CHECKING

from waypoint.demo import codes, journeys, people
from waypoint.demo.draw import Weighted, between, chance, skewed, table
from waypoint.demo.exploitation import COMPATRIOTS, EXPLOITATION, HOME, LOCALS, THERE, Exploitation
from waypoint.demo.personas import LABOUR, TRAFFICKING
from waypoint.demo.places import Place
from waypoint.demo.records import IncidentRecord, Row

if TYPE_CHECKING:
    from waypoint.demo.generate import Generator
    from waypoint.demo.personas import Owner

VIOLENCE = table("threats 5, physical_assault 4, debt_bondage 4, sexual_violence 2, detention 2")
IDENTIFICATION = table("identified 55, presumed 30, not_identified 5, unknown 10")
ASSISTANCE = table(
    "shelter 5, medical 4, psychosocial 4, legal 4, interpretation 3, financial 1, "
    "education_training 1, livelihood 1"
)
IN_EUROPE = frozenset({"ITA", "GRC", "ESP", "DEU", "AUT"})
IDENTIFIED_BY_TYPE = {
    "ngo": table("ngo 7, police 3"),
    "international_organisation": table("international_organisation 8, ngo 2"),
    "multi_agency_centre": table("other_government 5, police 5"),
}
MINORS = frozenset({"0-4", "5-9", "10-14", "15-17", "child"})


def build(gen: Generator, scenario: Exploitation) -> IncidentRecord:
    rng = gen.rng
    place = scenario.places[int(rng.random() * len(scenario.places))]
    nationality = scenario.victims.pick(rng)
    owner = _recorder(gen, scenario, nationality, place)
    when = gen.when(scenario.years, TRAFFICKING, months=between(rng, *scenario.months))
    record = gen.incident(
        family=TRAFFICKING,
        kinds=[],
        place=place,
        when=when,
        owner=owner,
        detection=scenario.detection.pick(rng),
        scenario=scenario.key,
        delay=120,
    )
    kinds, aggravating = {"trafficking_in_persons"}, {"exploitation"}
    offences = [_offence(rng, scenario)]
    trip = journeys.trip_to(rng, nationality, scenario.travel, place)
    if trip is not None and chance(rng, 0.6):
        record.legs = journeys.legs(
            rng,
            trip,
            0,
            len(trip.places) - 1,
            arrival=when.day,
            dated=when.precision == "day",
            final_role="destination",
        )
        if chance(rng, scenario.smuggled):
            kinds.add("smuggling_of_migrants")
            offences.append(codes.SMUGGLING_OF_MIGRANTS)
    total = skewed(rng, *scenario.victims_count, 1.8)
    forms = _victims(gen, record, scenario, owner, (nationality, place, when.day), total)
    offences += codes.for_violence(forms - {"forced_labour"})
    if any(person.person["age_group"] in MINORS for person in record.persons):
        aggravating.add("involvement_of_children")
    if "physical_assault" in forms and chance(rng, 0.5):
        aggravating.add("use_of_violence_or_weapons")
    _traffickers(gen, record, scenario, (nationality, place), offences, aggravating)
    if chance(rng, 0.05):
        gen.witness(record, place.country)
    return gen.finish(
        record,
        kinds=kinds,
        offences=offences,
        aggravating=aggravating,
        narrative=_narrative(record, scenario, place),
    )


def _recorder(gen: Generator, scenario: Exploitation, nationality: str, place: Place) -> Owner:
    """The organisation that records the case; labour inspectors record only labour cases."""
    family = LABOUR if scenario.labour else TRAFFICKING
    where = scenario.recorded_in.pick(gen.rng)
    country = nationality if where == HOME else place.country if where == THERE else where
    found = gen.world.recorder(gen.rng, country, family)
    if found is None:
        found = gen.world.recorder(gen.rng, place.country, family)
    return found or gen.owner("THA", family)


def _offence(rng: Random, scenario: Exploitation) -> str:
    if chance(rng, 0.2):
        return codes.TRAFFICKING_IN_PERSONS
    return codes.BY_EXPLOITATION_FORM[scenario.forms.items[0]]


def _victims(
    gen: Generator,
    record: IncidentRecord,
    scenario: Exploitation,
    owner: Owner,
    where: tuple[str, Place, int | None],
    total: int,
) -> set[str]:
    """Itemise some of the victims (or none: then only their number is known)."""
    rng = gen.rng
    nationality, place, day = where
    record.incident["migrants_involved"] = total if chance(rng, 0.9) else None
    if chance(rng, 0.2):
        return set()
    suffered: set[str] = set()
    for _ in range(min(total, skewed(rng, 1, 6, 1.6))):
        country = nationality if chance(rng, 0.75) else scenario.victims.pick(rng)
        low, mode, high = scenario.ages
        someone = people.Someone(
            "female" if rng.random() < scenario.female else "male",
            int(rng.triangular(low, high, mode)),
            country,
        )
        status = "not_applicable" if country == place.country else scenario.status.pick(rng)
        person = gen.person(
            record, "victim", someone, residence=place.country, status=status, likely_ids=0.7
        )
        person.victimisation = _victimisation(gen, scenario, owner, someone, place, day)
        suffered.update(person.victimisation["violence_forms"])
    return suffered


def _victimisation(
    gen: Generator,
    scenario: Exploitation,
    owner: Owner,
    someone: people.Someone,
    place: Place,
    start: int | None,
) -> Row:
    rng = gen.rng
    forms = [scenario.forms.pick(rng)]
    violence = VIOLENCE.sample(rng, between(rng, 1, 3)) if chance(rng, 0.5) else []
    if someone.sex == "male" and "sexual_violence" in violence:
        violence.remove("sexual_violence")
    identification = IDENTIFICATION.pick(rng)
    row: Row = {
        "violence_forms": violence,
        "exploitation_forms": forms,
        "sexual_exploitation_types": _sexual_types(rng, scenario, forms),
        "labour_sectors": _sectors(rng, scenario, forms),
        "means_of_control": _means(rng, scenario),
        "perpetrator_relation": scenario.relations.pick(rng),
        "country_of_exploitation": place.country if chance(rng, 0.97) else "unknown",
        "assistance": _assistance(rng, place),
        "trafficking_identification": identification,
        "identified_by": "",
        "identified_on": None,
        "repatriated_from": "",
        "repatriated_to": "",
        "repatriated_on": None,
    }
    if identification in ("identified", "presumed") and chance(rng, 0.85):
        by = IDENTIFIED_BY_TYPE.get(owner.type, scenario.identified_by)
        row["identified_by"] = by.pick(rng)
        if start is not None and chance(rng, 0.75):
            row["identified_on"] = _after(gen, start, skewed(rng, 30, 700, 1.5))
    home = someone.nationality
    if home != place.country and home != "unknown" and chance(rng, scenario.repatriated):
        row["repatriated_from"], row["repatriated_to"] = place.country, home
        if start is not None and chance(rng, 0.7):
            base = row["identified_on"].toordinal() if row["identified_on"] else start
            row["repatriated_on"] = _after(gen, base, between(rng, 20, 300))
        if "none" not in row["assistance"] and "unknown" not in row["assistance"]:
            row["assistance"].append("repatriation_support")
    return row


def _after(gen: Generator, day: int, days: int) -> datetime.date:
    return datetime.date.fromordinal(min(gen.today, day + days))


def _sexual_types(rng: Random, scenario: Exploitation, forms: list[str]) -> list[str]:
    if "sexual_exploitation" not in forms or scenario.sexual_types is None:
        return []
    return scenario.sexual_types.sample(rng, 1 if chance(rng, 0.85) else 2)


def _sectors(rng: Random, scenario: Exploitation, forms: list[str]) -> list[str]:
    if not {"forced_labour", "domestic_servitude"} & set(forms) or scenario.sectors is None:
        return []
    if chance(rng, 0.05):
        return ["unknown"]
    if "domestic_servitude" in forms:
        return ["T"]
    sector = scenario.sectors.pick(rng)
    return [sector] if sector != "T" else ["A"]


def _means(rng: Random, scenario: Exploitation) -> list[str]:
    roll = rng.random()
    if roll < 0.05:
        return ["unknown"]
    if roll < 0.08:
        return ["not_stated"]
    return scenario.means.sample(rng, between(rng, 2, 5))


def _assistance(rng: Random, place: Place) -> list[str]:
    roll = rng.random()
    if roll < 0.1:
        return ["none"]
    if roll < 0.18:
        return ["unknown"]
    given = ASSISTANCE.sample(rng, between(rng, 1, 4))
    if place.country in IN_EUROPE:
        if chance(rng, 0.4):
            given.append("residence_permit")
        if chance(rng, 0.3):
            given.append("reflection_period")
    return given


def _traffickers(
    gen: Generator,
    record: IncidentRecord,
    scenario: Exploitation,
    where: tuple[str, Place],
    offences: list[str],
    aggravating: set[str],
) -> None:
    """The traffickers suspected or caught, some of them from a network seen elsewhere."""
    rng = gen.rng
    if not chance(rng, 0.7):
        return
    network = None
    if chance(rng, 0.4):
        offenders_from = Weighted(
            (_country(source, where), weight) for source, weight in scenario.offenders_from.pairs()
        )
        share = scenario.weight / 100
        network = gen.network(scenario.key, offenders_from, scenario.selectors, share)
        gen.offender(
            record, network.boss, ["organiser"], offences, identity=network.boss_identifiers
        )
        gen.phone_selector(record, record.persons[-1], 0.8)
    count = skewed(rng, 1, 4, 2.0)
    for _ in range(count - (network is not None)):
        roles = [scenario.offender_roles.pick(rng)]
        country = _country(scenario.offenders_from.pick(rng), where)
        someone = people.adult(rng, country, scenario.offender_female, 21, 62)
        gen.phone_selector(record, gen.offender(record, someone, roles, offences), 0.4)
        if "corrupt_official" in roles:
            aggravating.add("abuse_of_office")
    if (count >= 2 or network is not None) and chance(rng, 0.6):
        aggravating.add("organised_criminal_group")
    if network is not None:
        for kind, value in network.selectors[: between(rng, 1, 2)]:
            if kind != "phone":
                record.selectors.append(({"kind": kind, "value": value}, None))


def _country(source: str, where: tuple[str, Place]) -> str:
    """The offenders' nationality: the victims', the country of exploitation's, or a code."""
    nationality, place = where
    if source == COMPATRIOTS:
        return nationality
    return place.country if source == LOCALS else source


FORM_TEXT = {
    "sexual_exploitation": "sexual exploitation",
    "forced_labour": "forced labour",
    "domestic_servitude": "domestic servitude",
    "forced_criminality": "forced criminality (online fraud)",
    "forced_begging": "forced begging",
}


def _narrative(record: IncidentRecord, scenario: Exploitation, place: Place) -> str:
    victims = record.incident["migrants_involved"]
    who = "One person" if victims == 1 else f"{victims} persons" if victims else "Persons"
    form = FORM_TEXT[scenario.forms.items[0]]
    return f"{who} trafficked for {form} in {place.name}, {place.admin_area}."


SCENARIOS = [
    ((scenario.key, partial(build, scenario=scenario)), scenario.weight)
    for scenario in EXPLOITATION
]
