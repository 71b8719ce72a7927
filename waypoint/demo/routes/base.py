"""The shape of a route scenario: stops, the hops between them, fees, risks and who travels.

Weighted tables are written compactly (``"bus 7, car 2"``, see ``draw.table``); years are
weighted from 2015 to 2024.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from waypoint.demo.draw import Weighted, table
from waypoint.demo.places import Place, places_in

#: The country a stop stands for when it is the migrants' own country.
HOME = "*"


@dataclass(frozen=True)
class Stop:
    country: str
    places: tuple[Place, ...] = ()


@dataclass(frozen=True)
class Fee:
    #: (currency, lowest, highest) amounts, each with a weight.
    amounts: Weighted[tuple[str, int, int]]
    payment: Weighted[str]
    probability: float = 0.5


@dataclass(frozen=True)
class Hop:
    """The way from one stop to the next."""

    mode: str
    conveyance: Weighted[str]
    methods: tuple[str, ...]
    days: tuple[int, int] = (1, 5)
    crossings: tuple[str, ...] = ()
    fee: Fee | None = None
    #: Probability that people died or went missing on this hop, and the usual causes.
    deaths: float = 0.0
    death_causes: Weighted[str] | None = None


@dataclass(frozen=True)
class Path:
    nationalities: Weighted[str]
    stops: tuple[Stop, ...]
    hops: tuple[Hop, ...]
    #: Whether the first stop is where the migrants set out from, or a point on the way.
    first_role: str = "origin"


@dataclass(frozen=True)
class Profile:
    """Who travels: share of women among adults, share of children, share of family groups."""

    female: float
    minors: float
    families: float
    adult_ages: tuple[int, int, int] = (18, 23, 45)


@dataclass(frozen=True)
class Route:
    key: str
    name: str
    weight: float
    years: Weighted[int]
    paths: Weighted[Path]
    profile: Profile
    offender_nationalities: Weighted[str]
    offender_roles: Weighted[str]
    selector_kinds: Weighted[str]
    #: The role of the last stop: many who reach it mean to travel on.
    final_role: Weighted[str] = field(default_factory=lambda: table("destination"))
    #: Countries where migrants on this route are held, extorted or abused, and how.
    violence_in: tuple[str, ...] = ()
    violence_forms: Weighted[str] | None = None
    violence_rate: float = 0.0
    #: Where an incident is recorded when no organisation works where it was detected.
    recorded_in: Weighted[str] | None = None

    def __post_init__(self) -> None:
        for path in self.paths.items:
            if len(path.hops) != len(path.stops) - 1:
                raise ValueError(f"{self.key}: a path needs one hop between each two stops")


def stop(country: str, *names: str) -> Stop:
    return Stop(country, places_in(country, *names))


def fee(amounts: str, payment: str, probability: float = 0.5) -> Fee:
    """``fee("USD 800-2500 5, LYD 3000-8000 3", "cash 7, hawala 3", 0.6)``."""
    pairs = []
    for item in amounts.split(","):
        currency, span, *weight = item.split()
        low, high = span.split("-")
        pairs.append(((currency, int(low), int(high)), float(weight[0]) if weight else 1.0))
    return Fee(Weighted(pairs), table(payment), probability)


def hop(
    mode: str,
    conveyance: str,
    methods: str,
    *,
    days: tuple[int, int] = (1, 5),
    crossings: tuple[str, ...] = (),
    fee: Fee | None = None,
    deaths: float = 0.0,
    causes: str = "",
) -> Hop:
    return Hop(
        mode,
        table(conveyance),
        tuple(methods.split()),
        days,
        crossings,
        fee,
        deaths,
        table(causes) if causes else None,
    )


def path(nationalities: str, *parts: Stop | Hop, first_role: str = "origin") -> Path:
    stops = tuple(part for part in parts if isinstance(part, Stop))
    hops = tuple(part for part in parts if isinstance(part, Hop))
    return Path(table(nationalities), stops, hops, first_role)


HOME_STOP = Stop(HOME)

SEA_DEATHS = "drowning 8, harsh_conditions 2, mixed_or_unknown 1"

DESERT_DEATHS = "harsh_conditions 6, vehicle_accident 2, violence 1, sickness_no_healthcare 1"

CROSSING = "evading_border_checks guided_crossing"

BY_BUS = hop("land", "bus 7, car 2, truck 1", "other", days=(2, 6))

BY_AIR = hop(
    "air",
    "commercial_flight",
    "misused_genuine_documents visa_fraud fraudulent_documents",
    days=(1, 2),
)
