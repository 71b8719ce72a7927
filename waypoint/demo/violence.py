"""Violence against migrants: incidents built from the scenarios in ``abuses``, with the
victims itemised or counted, deaths, offenders where known, and the journey when the victims
were being smuggled."""

from __future__ import annotations

from functools import partial
from random import Random
from typing import TYPE_CHECKING

from waypoint.demo import codes, journeys, people
from waypoint.demo.abuses import ABUSES, LOCALS, Abuse
from waypoint.demo.draw import between, chance, skewed, table
from waypoint.demo.personas import VIOLENCE
from waypoint.demo.places import Place
from waypoint.demo.records import IncidentRecord, Row
from waypoint.demo.routes import Route

if TYPE_CHECKING:
    from waypoint.demo.generate import Generator

ASSISTANCE = table("medical 5, psychosocial 4, legal 3, shelter 3, interpretation 2, financial 1")
IDENTIFICATION = table("not_applicable 6, unknown 2, not_identified 2")
STATUS = table("irregular 5, asylum_seeker 2, regular 1, refugee 1, unknown 3, not_stated 1")
CRUEL = frozenset({"kidnapping", "torture", "detention"})
VIOLENT = frozenset({"physical_assault", "torture", "kidnapping"})


def build(gen: Generator, abuse: Abuse) -> IncidentRecord:
    rng = gen.rng
    spot, recorder = abuse.where.pick(rng)
    owner = gen.owner(recorder, VIOLENCE)
    when = gen.when(abuse.years, VIOLENCE)
    record = gen.incident(
        family=VIOLENCE,
        kinds=[],
        place=spot,
        when=when,
        owner=owner,
        detection=abuse.detection.pick(rng),
        scenario=abuse.key,
        delay=90,
    )
    kinds, aggravating = {"violence_against_migrants"}, set(abuse.aggravating)
    nationality = abuse.victims.pick(rng)
    if abuse.route is not None and chance(rng, abuse.smuggled):
        nationality = _journey(gen, record, abuse.route, spot, recorder) or nationality
        if record.legs:
            kinds.add("smuggling_of_migrants")
    forms = _victims(gen, record, abuse, nationality, spot)
    offences = codes.for_violence(forms)
    if record.incident["dead"]:
        offences.append(codes.INTENTIONAL_HOMICIDE)
    if "smuggling_of_migrants" in kinds:
        offences.append(codes.SMUGGLING_OF_MIGRANTS)
    if forms & CRUEL:
        aggravating.add("inhuman_or_degrading_treatment")
    if forms & VIOLENT and chance(rng, 0.5):
        aggravating.add("use_of_violence_or_weapons")
    _offenders(gen, record, abuse, spot, offences, aggravating)
    _reporter(gen, record, spot)
    bias = list(abuse.bias.pick(rng)) if abuse.bias else None
    return gen.finish(
        record,
        kinds=kinds,
        offences=offences,
        aggravating=aggravating,
        narrative=_narrative(record, forms, spot),
        bias=bias,
    )


def _journey(
    gen: Generator, record: IncidentRecord, route: Route, spot: Place, recorder: str
) -> str | None:
    """Legs of the smuggling journey the victims were on; answer their nationality."""
    rng = gen.rng
    path = route.paths.pick(rng)
    nationality = path.nationalities.pick(rng)
    trip = journeys.resolve(rng, path, nationality)
    stops = [index for index, p in enumerate(trip.places) if p.country == spot.country]
    if not stops or stops[0] == 0:
        return None
    here = stops[0]
    last = len(trip.places) - 1
    end = last if trip.places[last].country == recorder else here
    start = 0 if chance(rng, 0.5) else here - 1
    record.legs = journeys.legs(
        rng, trip, start, end, arrival=None, dated=False, final_role=route.final_role.pick(rng)
    )
    return nationality


def _victims(
    gen: Generator, record: IncidentRecord, abuse: Abuse, nationality: str, spot: Place
) -> set[str]:
    """Count the victims and itemise some of them; answer the forms of violence recorded."""
    rng = gen.rng
    involved = _counts(rng, record.incident, abuse)
    if chance(rng, 0.3):
        return set(abuse.forms.sample(rng, between(rng, 1, 2)))
    role_if_smuggled = "smuggled_migrant" if record.legs else "victim"
    suffered: set[str] = set()
    for _ in range(min(involved, skewed(rng, 1, 6, 1.8))):
        country = nationality if chance(rng, 0.75) else abuse.victims.pick(rng)
        low, mode, high = abuse.ages
        sex = "female" if rng.random() < abuse.female else "male"
        someone = people.Someone(sex, int(rng.triangular(low, high, mode)), country)
        role = role_if_smuggled if chance(rng, 0.3) else "victim"
        status = "not_applicable" if country == spot.country else STATUS.pick(rng)
        residence = _residence(someone, spot)
        person = gen.person(
            record, role, someone, residence=residence, status=status, likely_ids=0.6
        )
        forms = abuse.forms.sample(rng, between(rng, 1, 3))
        if sex == "male" and "sexual_violence" in forms and chance(rng, 0.7):
            forms.remove("sexual_violence")
        person.victimisation = _victimisation(rng, abuse, forms)
        suffered.update(forms)
    return suffered


def _counts(rng: Random, incident: Row, abuse: Abuse) -> int:
    """Migrants involved, dead and injured; answer how many were involved."""
    involved = skewed(rng, *abuse.group, 2.0)
    incident["migrants_involved"] = involved if chance(rng, 0.85) else None
    if abuse.deaths and chance(rng, abuse.deaths):
        incident["migrants_involved"] = involved
        incident["dead"] = min(involved, skewed(rng, 1, 12, 2.5))
        cause = abuse.death_causes.pick(rng) if abuse.death_causes else "unknown"
        incident["death_causes"] = [cause]
    if involved > 1 and chance(rng, 0.2):
        incident["injured"] = between(rng, 1, min(involved, 15))
    return involved


def _residence(someone: people.Someone, spot: Place) -> str:
    if someone.nationality == "stateless":
        return "BGD"
    return spot.country if someone.age > 30 else someone.nationality


def _victimisation(rng: Random, abuse: Abuse, forms: list[str]) -> Row:
    roll = rng.random()
    assistance = (
        ["none"]
        if roll < 0.15
        else ["unknown"]
        if roll < 0.25
        else ASSISTANCE.sample(rng, between(rng, 1, 3))
    )
    return {
        "violence_forms": forms,
        "exploitation_forms": ["not_applicable"] if chance(rng, 0.6) else [],
        "sexual_exploitation_types": [],
        "labour_sectors": [],
        "means_of_control": [],
        "perpetrator_relation": abuse.relations.pick(rng),
        "country_of_exploitation": "not_applicable",
        "assistance": assistance,
        "trafficking_identification": IDENTIFICATION.pick(rng),
        "identified_by": "",
        "identified_on": None,
        "repatriated_from": "",
        "repatriated_to": "",
        "repatriated_on": None,
    }


def _offenders(
    gen: Generator,
    record: IncidentRecord,
    abuse: Abuse,
    spot: Place,
    offences: list[str],
    aggravating: set[str],
) -> None:
    rng = gen.rng
    if not chance(rng, abuse.offenders):
        return
    count = skewed(rng, 1, 3, 2.0)
    for _ in range(count):
        source = abuse.perpetrators.pick(rng)
        country = spot.country if source == LOCALS else source
        roles = [abuse.offender_roles.pick(rng)] if abuse.offender_roles else []
        gen.offender(record, people.adult(rng, country, 0.1, 17, 60), roles, offences)
    if count >= 2 and abuse.offender_roles and chance(rng, 0.5):
        aggravating.add("organised_criminal_group")


def _reporter(gen: Generator, record: IncidentRecord, spot: Place) -> None:
    rng = gen.rng
    if record.incident["source_type"] not in ("public_report", "hotline") or not chance(rng, 0.5):
        return
    someone = people.adult(rng, spot.country, 0.6, 20, 65)
    gen.person(
        record, "reporter", someone, residence=spot.country, status="not_applicable", likely_ids=0.3
    )


FORM_TEXT = {
    "kidnapping": "kidnapped",
    "extortion": "extorted",
    "torture": "tortured",
    "detention": "held captive",
    "physical_assault": "assaulted",
    "robbery": "robbed",
    "pushback": "pushed back across the border",
    "abandonment": "abandoned",
    "threats": "threatened",
    "sexual_violence": "sexually abused",
}


def _narrative(record: IncidentRecord, forms: set[str], spot: Place) -> str:
    involved = record.incident["migrants_involved"]
    who = f"{involved} migrants" if involved else "Migrants"
    what = ", ".join(FORM_TEXT[form] for form in sorted(forms) if form in FORM_TEXT) or "abused"
    text = f"{who} {what} near {spot.name}, {spot.admin_area}."
    if record.incident["dead"]:
        text += f" {record.incident['dead']} died."
    return text


SCENARIOS = [((abuse.key, partial(build, abuse=abuse)), abuse.weight) for abuse in ABUSES]
