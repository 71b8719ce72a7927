"""The frame maps share: the part of the world in view, its projection and size, and the country
shapes drawn in it, simplified to what the picture can show."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from waypoint.analytics.charts import geometry
from waypoint.analytics.charts.geometry import BBox, Point

# The dataset name under which a map carries its country shapes.
COUNTRIES = "countries"
BORDER_COLOUR = "#ffffff"
LAND_COLOUR = "#e4e4e4"
OUTLINE_COLOUR = "#b8b8b8"

# Arcs keep points that stray more than this fraction of a pixel from a straight line: the
# 50m borders carry about five points per pixel of a world map, which only cost drawing time.
SIMPLIFY_PIXELS = 0.15
# A country smaller than this many square pixels on the map also gets a marker.
MARKER_BELOW_PIXELS = 40.0
# Views wider or taller than these (degrees) are drawn as the whole world.
WORLD_ABOVE_LONGITUDE = 150.0
WORLD_ABOVE_LATITUDE = 100.0


@dataclass(frozen=True)
class Frame:
    """What a map shows: ``bbox`` (None for the world), size in pixels, the Vega-Lite
    projection, and the simplification tolerance that suits that scale."""

    bbox: BBox | None
    width: int
    height: int
    projection: dict[str, Any]
    pixels_per_degree: float

    @property
    def tolerance(self) -> float:
        return round(SIMPLIFY_PIXELS / self.pixels_per_degree, 4)

    def is_small(self, shape: geometry.CountryShape) -> bool:
        return shape.area * self.pixels_per_degree**2 < MARKER_BELOW_PIXELS

    def shows(self, point: Point) -> bool:
        if self.bbox is None:
            return True
        west, south, east, north = self.bbox
        return west <= point[0] <= east and south <= point[1] <= north


def frame(bbox: BBox | None, width: int) -> Frame:
    """Frame the box (or the world) at ``width`` pixels: Equal Earth for the world, and for a
    region an equal-area conic centred on it, so that coloured areas compare fairly."""
    if bbox is None or _too_wide(bbox):
        # Equal Earth is about 2.05 times as wide as it is tall.
        return Frame(None, width, round(width / 2.05), {"type": "equalEarth"}, width / 360)
    west, south, east, north = bbox
    middle = (south + north) / 2
    spread = (east - west) * math.cos(math.radians(middle))
    height = round(width * min(max((north - south) / max(spread, 1e-6), 0.45), 1.1))
    projection = {
        "type": "conicEqualArea",
        "rotate": [-(west + east) / 2, 0],
        "parallels": [south + (north - south) / 6, north - (north - south) / 6],
        "fit": _outline(bbox),
    }
    return Frame(bbox, width, height, projection, width / max(spread, 1e-6))


def _too_wide(bbox: BBox) -> bool:
    return bbox[2] - bbox[0] > WORLD_ABOVE_LONGITUDE or bbox[3] - bbox[1] > WORLD_ABOVE_LATITUDE


def _outline(bbox: BBox) -> dict[str, Any]:
    """Points along the box's edges: the projection fits them all in view. (A polygon would do
    as well on a flat map, but on the sphere its edges bulge along great circles.)"""
    west, south, east, north = bbox
    steps = [i / 8 for i in range(9)]
    points = [(west + (east - west) * t, lat) for t in steps for lat in (south, north)]
    points += [(lon, south + (north - south) * t) for t in steps for lon in (west, east)]
    return {"type": "MultiPoint", "coordinates": [list(point) for point in points]}


def points_bbox(points: Iterable[Point], margin: float = 0.15) -> BBox | None:
    """Return the box around points (country centroids), widened by ``margin`` of its size and
    at least five degrees, or None when there are none."""
    listed = list(points)
    if not listed:
        return None
    xs, ys = [p[0] for p in listed], [p[1] for p in listed]
    dx = max((max(xs) - min(xs)) * margin, 5.0)
    dy = max((max(ys) - min(ys)) * margin, 5.0)
    return (
        max(min(xs) - dx, -180.0),
        max(min(ys) - dy, -90.0),
        min(max(xs) + dx, 180.0),
        min(max(ys) + dy, 90.0),
    )


def disclaimer() -> str:
    """The line every map carries: its boundaries are Natural Earth's, not a statement."""
    return _(
        "Boundaries and names shown on this map do not imply official endorsement or acceptance."
    )


def countries_data() -> alt.NamedData:
    return alt.NamedData(name=COUNTRIES, format=alt.DataFormat(type="topojson", feature=COUNTRIES))


def datasets(view: Frame) -> dict[str, Any]:
    """The datasets to add to a map's specification: the country shapes in view."""
    return {COUNTRIES: geometry.topology(view.bbox, view.tolerance)}


def outline_layer(view: Frame) -> list[alt.Chart]:
    """The outline of the globe, for a world map."""
    if view.bbox is not None:
        return []
    return [
        alt.Chart(alt.sphere()).mark_geoshape(fill="white", stroke=OUTLINE_COLOUR, strokeWidth=0.8)
    ]


def land_layer() -> alt.Chart:
    """Every country in view in plain grey: the ground of a flow map."""
    return alt.Chart(countries_data()).mark_geoshape(
        fill=LAND_COLOUR, stroke=BORDER_COLOUR, strokeWidth=0.5, clip=True
    )


def attach(spec: dict[str, Any], view: Frame) -> dict[str, Any]:
    """Set the map's size and projection and carry its shapes inside the specification."""
    spec["width"], spec["height"] = view.width, view.height
    spec["projection"] = dict(view.projection)
    spec.setdefault("datasets", {}).update(datasets(view))
    return spec
