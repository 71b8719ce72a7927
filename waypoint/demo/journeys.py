"""Journeys along a route path: the places passed, the part of the way an incident covers, and
its route legs with dates, conveyances, methods and fees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from waypoint.demo.draw import Weighted, between, chance, skewed
from waypoint.demo.places import PLACES, Place
from waypoint.demo.records import Row
from waypoint.demo.routes import HOME, Hop, Path, Stop

#: Group sizes by the conveyance of the leg on which a group was detected.
GROUP_SIZES = {
    "rubber_dinghy": (25, 150),
    "fishing_vessel": (40, 600),
    "small_boat": (8, 60),
    "cargo_ship": (20, 200),
    "truck": (8, 90),
    "van": (4, 30),
    "car": (2, 8),
    "bus": (5, 50),
    "train": (3, 60),
    "on_foot": (1, 40),
    "commercial_flight": (1, 6),
    "other": (1, 25),
}


@dataclass(frozen=True)
class Trip:
    """A path resolved for one group: one place per stop."""

    places: tuple[Place, ...]
    hops: tuple[Hop, ...]
    first_role: str


def resolve(rng: Random, path: Path, nationality: str) -> Trip:
    """Pick the places; the home stop becomes a town in the travellers' own country."""
    stops, hops = list(path.stops), list(path.hops)
    first_role = path.first_role
    places: list[Place] = []
    for index, stop in enumerate(stops):
        if stop.country == HOME:
            home = _home_place(rng, nationality, stops[index + 1].places, hops[index])
            if home is None:
                continue
            places.append(home)
        else:
            places.append(stop.places[int(rng.random() * len(stop.places))])
    if len(places) < len(stops):
        # The home stop was dropped: the trip starts where the path's second stop is.
        hops = hops[1:]
        if places[0].country != nationality:
            first_role = "transit"
    return Trip(tuple(places), tuple(hops), first_role)


def _home_place(
    rng: Random, nationality: str, next_places: tuple[Place, ...], hop: Hop
) -> Place | None:
    known = PLACES.get(nationality)
    if not known:
        return None
    same_country = next_places and next_places[0].country == nationality
    if same_country and hop.mode != "land":
        return None
    taken = {place.name for place in next_places}
    choices = [place for place in known.values() if place.name not in taken]
    return choices[int(rng.random() * len(choices))] if choices else None


def segment(rng: Random, trip: Trip, detected_at: set[str]) -> tuple[int, int]:
    """The part of the trip an incident covers: from stop ``i`` to stop ``j`` (``j > i``).

    It ends where the group was detected, most often at the end of the trip, in a country
    where someone records such incidents; it starts at the beginning of the trip (the whole
    journey is known) or just before the end (only the last crossing is).
    """
    last = len(trip.places) - 1
    candidates = [index for index in range(1, last) if trip.places[index].country in detected_at]
    end = last
    if candidates and chance(rng, 0.25):
        end = candidates[int(rng.random() * len(candidates))]
    roll = rng.random()
    if roll < 0.4:
        start = 0
    elif roll < 0.85:
        start = end - 1
    else:
        start = between(rng, 0, end - 1)
    return start, end


def legs(
    rng: Random,
    trip: Trip,
    start: int,
    end: int,
    *,
    arrival: int | None,
    dated: bool,
    final_role: str,
) -> list[Row]:
    """Route legs from stop ``start`` to stop ``end``, the last arriving on ``arrival``."""
    rows: list[Row] = []
    last = len(trip.places) - 1
    for index in range(start, end):
        hop, here, there = trip.hops[index], trip.places[index], trip.places[index + 1]
        rows.append(
            {
                "sequence": index - start + 1,
                "from_country": here.country,
                "from_place": here.name,
                "from_role": trip.first_role if index == 0 else "transit",
                "to_country": there.country,
                "to_place": there.name,
                "to_role": final_role if index + 1 == last else "transit",
                "mode": hop.mode,
                "conveyance": hop.conveyance.pick(rng),
                "border_crossing_point": _crossing(rng, hop),
                "methods": _methods(rng, hop),
                "departed_on": None,
                "arrived_on": None,
                **_fee(rng, hop),
            }
        )
    if dated and arrival is not None:
        _date_backwards(rng, trip, start, rows, arrival)
    return rows


def _crossing(rng: Random, hop: Hop) -> str:
    if not hop.crossings or chance(rng, 0.3):
        return ""
    return hop.crossings[int(rng.random() * len(hop.crossings))]


def _methods(rng: Random, hop: Hop) -> list[str]:
    if chance(rng, 0.08):
        return ["unknown"]
    methods = hop.methods
    if len(methods) == 1:
        return list(methods)
    count = 1 if chance(rng, 0.6) else 2
    picked = sorted(rng.sample(range(len(methods)), min(count, len(methods))))
    return [methods[index] for index in picked]


def _fee(rng: Random, hop: Hop) -> Row:
    if hop.fee is None or not chance(rng, hop.fee.probability):
        return {"fee_amount": None, "fee_currency": "", "payment_method": "", "fee_basis": ""}
    currency, low, high = hop.fee.amounts.pick(rng)
    amount = low + (high - low) * rng.random() ** 1.5
    step = 1000 if high >= 50000 else 50 if high >= 1000 else 10
    value = max(low, int(amount / step) * step)
    payment = hop.fee.payment.pick(rng) if not chance(rng, 0.15) else "unknown"
    basis = FEE_BASIS.pick(rng)
    return {
        "fee_amount": Decimal(value),
        "fee_currency": currency,
        "payment_method": payment,
        "fee_basis": basis,
    }


def _date_backwards(rng: Random, trip: Trip, start: int, rows: list[Row], arrival: int) -> None:
    when = arrival
    for offset in range(len(rows) - 1, -1, -1):
        row, hop = rows[offset], trip.hops[start + offset]
        departed = when - between(rng, hop.days[0] - 1, hop.days[1] - 1)
        if not chance(rng, 0.1):
            row["arrived_on"] = datetime.date.fromordinal(when)
            row["departed_on"] = datetime.date.fromordinal(departed)
        # Groups wait days to months before the next stage (in Libya or Yemen often longer).
        when = departed - skewed(rng, 0, 90, 2.5)


def group_size(rng: Random, conveyance: str) -> int:
    low, high = GROUP_SIZES.get(conveyance, (1, 25))
    return skewed(rng, low, high, 1.8)


#: Smuggling fees are mostly quoted per person; families sometimes pay one price for all.
FEE_BASIS = Weighted({"per_person": 80, "unknown": 15, "per_group": 5})

DETECTION_AT_SEA = Weighted({"at_sea": 7, "border_check": 3})
DETECTION_CROSSING = Weighted({"border_check": 5, "inland": 3, "investigation": 2})
DETECTION_INLAND = Weighted({"inland": 5, "investigation": 3, "border_check": 2})


def detection(rng: Random, last: Row) -> str:
    roll = rng.random()
    if roll < 0.02:
        return "unknown"
    if roll < 0.03:
        return "not_stated"
    if last["mode"] == "sea":
        return DETECTION_AT_SEA.pick(rng)
    if last["from_country"] != last["to_country"]:
        return DETECTION_CROSSING.pick(rng)
    return DETECTION_INLAND.pick(rng)


def trip_to(
    rng: Random, nationality: str, travel: tuple[Stop | Hop, ...], place: Place
) -> Trip | None:
    """The way from the travellers' home through ``travel`` (hops and stops) to ``place``.

    None when there is no journey to show: the travellers live where the place is.
    """
    if place.country == nationality or not travel:
        return None
    hops = [part for part in travel if isinstance(part, Hop)]
    via = [part for part in travel if isinstance(part, Stop)]
    places = [stop.places[int(rng.random() * len(stop.places))] for stop in via]
    home = _home_place(rng, nationality, tuple(places or [place])[:1], hops[0])
    if home is None:
        if not places:
            return None
        first_role = "origin" if places[0].country == nationality else "transit"
        return Trip((*places, place), tuple(hops[1:]), first_role)
    return Trip((home, *places, place), tuple(hops), "origin")
