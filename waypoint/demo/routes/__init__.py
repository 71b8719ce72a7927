"""Smuggling route scenarios: who travels, through which stops, how, at what price and risk.

The mixes follow the public picture of each route in UNODC, IOM Missing Migrants Project and
Frontex reporting (who travels, typical boats, fees in the currencies actually used), simplified
to a handful of paths per route. They make demo data look like the real thing; they are not
statistics.
"""

from __future__ import annotations

from waypoint.demo.routes.africa import HORN_OF_AFRICA_YEMEN, WESTERN_AFRICA_ATLANTIC
from waypoint.demo.routes.americas import CENTRAL_AMERICA_UNITED_STATES
from waypoint.demo.routes.asia import ANDAMAN_SEA
from waypoint.demo.routes.balkans import WESTERN_BALKANS
from waypoint.demo.routes.base import HOME, Hop, Path, Profile, Route, Stop
from waypoint.demo.routes.mediterranean import (
    CENTRAL_MEDITERRANEAN,
    EASTERN_MEDITERRANEAN,
    LIBYA_TO_ITALY,
)

ROUTES: tuple[Route, ...] = (
    CENTRAL_MEDITERRANEAN,
    EASTERN_MEDITERRANEAN,
    WESTERN_BALKANS,
    WESTERN_AFRICA_ATLANTIC,
    HORN_OF_AFRICA_YEMEN,
    ANDAMAN_SEA,
    CENTRAL_AMERICA_UNITED_STATES,
)
ROUTES_BY_KEY = {route.key: route for route in ROUTES}

__all__ = [
    "ANDAMAN_SEA",
    "CENTRAL_AMERICA_UNITED_STATES",
    "CENTRAL_MEDITERRANEAN",
    "EASTERN_MEDITERRANEAN",
    "HOME",
    "HORN_OF_AFRICA_YEMEN",
    "LIBYA_TO_ITALY",
    "ROUTES",
    "ROUTES_BY_KEY",
    "WESTERN_AFRICA_ATLANTIC",
    "WESTERN_BALKANS",
    "Hop",
    "Path",
    "Profile",
    "Route",
    "Stop",
]
