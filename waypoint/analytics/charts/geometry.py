"""The world's countries as shipped in ``analytics/geometry`` (world-atlas 2.0.2, Natural Earth
1:50m), keyed by ISO 3166-1 alpha-3, with centroids and bounding boxes for maps.

The file is read and measured once per process; maps embed a copy of the topology trimmed to the
countries in view and simplified to the map's scale, so that Vega draws no more points than the
picture can show.
"""

from __future__ import annotations

import gettext as gettext_module
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pycountry
from django.utils import translation

from waypoint.reference import catalogue

GEOMETRY_DIR = Path(__file__).resolve().parent.parent / "geometry"
TOPOLOGY_FILE = GEOMETRY_DIR / "countries-50m.json"

# Natural Earth draws a few areas apart that carry no ISO 3166 numeric code. Somaliland and the
# north of Cyprus belong to the UN member states that ISO 3166 names; Kosovo takes the code
# statistical offices use for it (XKX), so that data keyed that way can be mapped. The rest stay
# without a code and are drawn as "no data".
UNCODED_AREAS = {"Somaliland": "SOM", "N. Cyprus": "CYP", "Kosovo": "XKX"}

# (west, south, east, north) in degrees.
BBox = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True)
class CountryShape:
    """What maps need to know of one country: where to put its marker and label (the centroid
    of its largest polygon, so that overseas territories do not pull it into the sea), the box
    of that polygon for framing regional maps, and its area in square degrees at the equator
    (longitude scaled by the cosine of latitude) for telling which countries are too small to
    see at a given scale."""

    alpha3: str
    name: str
    centroid: Point
    bbox: BBox
    area: float


def alpha3_to_numeric(alpha3: str) -> str | None:
    """Return the ISO 3166-1 numeric code of an alpha-3 code, or None when there is none."""
    country = pycountry.countries.get(alpha_3=alpha3.upper())
    return country.numeric if country else None


def numeric_to_alpha3(numeric: str) -> str | None:
    """Return the ISO 3166-1 alpha-3 code of a numeric code, or None when there is none."""
    country = pycountry.countries.get(numeric=numeric.zfill(3))
    return country.alpha_3 if country else None


def country_name(alpha3: str, language: str | None = None) -> str:
    """Return the country's ISO 3166 name in the active (or given) language."""
    country = pycountry.countries.get(alpha_3=alpha3.upper())
    if country is None:
        # An area the map draws under a user-assigned code (Kosovo's XKX) has its names in the
        # reference data only.
        if alpha3 in country_shapes() and alpha3 in catalogue.country_codes():
            with translation.override(language or translation.get_language() or "en"):
                return catalogue.country_label(alpha3)
        return country_shapes()[alpha3].name if alpha3 in country_shapes() else alpha3
    return _iso3166_translation(language or translation.get_language() or "en").gettext(
        country.name
    )


@cache
def _iso3166_translation(language: str) -> gettext_module.NullTranslations:
    # Django's "zh-hans" is pycountry's "zh_CN"; other languages share their two-letter code.
    locale = {"zh-hans": "zh_CN", "zh-hant": "zh_TW"}.get(language.lower(), language[:2])
    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )


@cache
def _source() -> dict[str, Any]:
    with TOPOLOGY_FILE.open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


@cache
def _absolute_arcs() -> tuple[tuple[tuple[int, int], ...], ...]:
    """Undo the delta encoding of every arc, keeping the quantised integer positions."""
    arcs = []
    for arc in _source()["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        arcs.append(tuple(points))
    return tuple(arcs)


def _to_degrees(point: tuple[int, int]) -> Point:
    (sx, sy), (tx, ty) = _source()["transform"]["scale"], _source()["transform"]["translate"]
    return (point[0] * sx + tx, point[1] * sy + ty)


def _geometry_code(geometry: dict[str, Any]) -> str | None:
    if "id" in geometry:
        return numeric_to_alpha3(geometry["id"])
    return UNCODED_AREAS.get(geometry["properties"]["name"])


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    return [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]


def _ring(arc_indexes: Sequence[int]) -> list[Point]:
    arcs = _absolute_arcs()
    points: list[tuple[int, int]] = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return [_to_degrees(point) for point in points]


def _unwrapped(ring: list[Point]) -> list[Point]:
    """Carry a ring that runs along the antimeridian (eastern Russia, Fiji) past 180° east, so
    that planar measures see one shape rather than two halves at opposite ends of the map."""
    if max(x for x, _ in ring) - min(x for x, _ in ring) <= 180:
        return ring
    return [(x + 360 if x < 0 else x, y) for x, y in ring]


def _wrapped(point: Point) -> Point:
    return (point[0] - 360 if point[0] > 180 else point[0], point[1])


def _ring_area_and_centroid(ring: Sequence[Point]) -> tuple[float, Point]:
    """Return the planar area (in square degrees) and centroid of a ring (shoelace formula)."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice_area == 0:
        return 0.0, ring[0]
    return abs(twice_area) / 2, (cx / (3 * twice_area), cy / (3 * twice_area))


def _bbox(points: Iterable[Point]) -> BBox:
    xs, ys = zip(*points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


@cache
def country_shapes() -> dict[str, CountryShape]:
    """Measure every country of the shipped geometry once, keyed by alpha-3 code."""
    outer_rings: dict[str, list[list[Point]]] = {}
    names: dict[str, str] = {}
    for geometry in _source()["objects"]["countries"]["geometries"]:
        code = _geometry_code(geometry)
        if code is None:
            continue
        outer_rings.setdefault(code, []).extend(
            _unwrapped(_ring(p[0])) for p in _polygons(geometry)
        )
        # The name of the area with the code itself wins over that of an uncoded part.
        if "id" in geometry or code not in names:
            names[code] = geometry["properties"]["name"]
    return {code: _measure(code, names[code], rings) for code, rings in outer_rings.items()}


def _measure(code: str, name: str, rings: list[list[Point]]) -> CountryShape:
    measured = [(*_ring_area_and_centroid(ring), ring) for ring in rings]
    _, centroid, main_ring = max(measured, key=lambda item: item[0])
    area = sum(a * math.cos(math.radians(c[1])) for a, c, _ in measured)
    west, south, east, north = _bbox(main_ring)
    return CountryShape(code, name, _wrapped(centroid), (west, south, min(east, 180), north), area)


def bbox_of(alpha3_codes: Iterable[str], margin: float = 0.1) -> BBox | None:
    """Return the box around the main polygons of the given countries, widened by ``margin``
    (a fraction of its size, at least two degrees), or None when none of them is on the map."""
    shapes = country_shapes()
    boxes = [shapes[code].bbox for code in alpha3_codes if code in shapes]
    if not boxes:
        return None
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    dx = max((east - west) * margin, 2.0)
    dy = max((north - south) * margin, 2.0)
    return (max(west - dx, -180), max(south - dy, -90), min(east + dx, 180), min(north + dy, 90))


def _intersects(a: BBox, b: BBox) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _simplified(arc: Sequence[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Drop the points of an arc that lie closer than ``tolerance`` degrees to the line through
    their neighbours (Douglas–Peucker). Arcs are shared by neighbouring countries and keep their
    ends, so borders still meet after simplification."""
    if tolerance <= 0 or len(arc) < 3:
        return list(arc)
    (sx, sy) = _source()["transform"]["scale"]
    keep = [False] * len(arc)
    keep[0] = keep[-1] = True
    stack = [(0, len(arc) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = _farthest(arc, first, last, sx, sy)
        if distance > tolerance:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(arc, keep, strict=True) if kept]


def _farthest(
    arc: Sequence[tuple[int, int]], first: int, last: int, sx: float, sy: float
) -> tuple[int, float]:
    x0, y0 = arc[first][0] * sx, arc[first][1] * sy
    dx, dy = arc[last][0] * sx - x0, arc[last][1] * sy - y0
    length = math.hypot(dx, dy)
    best, best_distance = first, -1.0
    for index in range(first + 1, last):
        px, py = arc[index][0] * sx - x0, arc[index][1] * sy - y0
        # Distance to the chord, or to its start when the arc closes on itself.
        distance = abs(dx * py - dy * px) / length if length else math.hypot(px, py)
        if distance > best_distance:
            best, best_distance = index, distance
    return best, best_distance


def _delta_encoded(points: Iterable[tuple[int, int]]) -> list[list[int]]:
    encoded, px, py = [], 0, 0
    for x, y in points:
        encoded.append([x - px, y - py])
        px, py = x, y
    return encoded


@lru_cache(maxsize=16)
def topology(within: BBox | None = None, tolerance: float = 0.0) -> dict[str, Any]:
    """Return a TopoJSON topology of the countries that reach into ``within`` (all of them by
    default), with arcs simplified to ``tolerance`` degrees and each geometry's ``id`` set to its
    alpha-3 code (None for the few areas without one).

    The answer is shared between callers: treat it as read-only."""
    geometries = [g for g in _source()["objects"]["countries"]["geometries"] if _in_view(g, within)]
    used = sorted({_arc_number(i) for g in geometries for p in _polygons(g) for r in p for i in r})
    renumber = {old: new for new, old in enumerate(used)}
    arcs = _absolute_arcs()
    return {
        "type": "Topology",
        "transform": _source()["transform"],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [_renumbered(g, renumber) for g in geometries],
            }
        },
        "arcs": [_delta_encoded(_simplified(arcs[old], tolerance)) for old in used],
    }


def _arc_number(index: int) -> int:
    return index if index >= 0 else ~index


def _in_view(geometry: dict[str, Any], within: BBox | None) -> bool:
    if within is None:
        return True
    rings = (_unwrapped(_ring(polygon[0])) for polygon in _polygons(geometry))
    return any(_intersects(_bbox(ring), within) for ring in rings)


def _renumbered(geometry: dict[str, Any], renumber: dict[int, int]) -> dict[str, Any]:
    def arc(index: int) -> int:
        return renumber[index] if index >= 0 else ~renumber[~index]

    polygons = [[[arc(i) for i in ring] for ring in polygon] for polygon in _polygons(geometry)]
    return {
        "type": geometry["type"],
        "arcs": polygons[0] if geometry["type"] == "Polygon" else polygons,
        "id": _geometry_code(geometry),
        "properties": {"name": geometry["properties"]["name"]},
    }
