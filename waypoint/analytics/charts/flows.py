"""Routes as flows: ``flows()`` aggregates routes (country sequences with a count) into an
origin → transit → destination table and a graph of legs between countries; ``flow_map()``
draws that graph on a map, each leg a curved line between country centroids as wide as its count.

Counts come from protected tables, so a route's count may be withheld (None) or noisy (with a
margin). A leg whose every route was withheld is drawn as a thin dashed grey line marked
"suppressed"; a leg that adds withheld routes to known ones shows the known part and says "at
least". Legs curve to their right (clockwise), so that opposite flows between two countries do not
overlap, and end in an arrowhead.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from waypoint.analytics.charts import basemap, common, geometry
from waypoint.analytics.charts.common import HasTable, Look, Spec
from waypoint.analytics.table import TOTAL, UNKNOWN, StatTable

# How a route category joins its countries (as analytics.statistics.routes writes them).
ROUTE_SEPARATOR = ">"
# Transit categories that mean "no transit country".
NO_TRANSIT = frozenset({"", "none", "direct", "not_applicable"})
CURVE_POINTS = 16
CURVE_BEND = 0.18  # the curve's bulge, as a fraction of the leg's length
ARROW_AT = 0.8  # arrowheads sit this far along a leg
MAX_WIDTH = 14.0
MIN_WIDTH = 1.2


@dataclass(frozen=True)
class Route:
    """A route as countries (ISO 3166-1 alpha-3), origin first and destination last, with the
    count of what took it: None when withheld, and the 95 % ``margin`` when noisy."""

    countries: tuple[str, ...]
    count: float | None
    margin: float | None = None


@dataclass
class Amount:
    """A sum of route counts that keeps track of what it cannot add: ``known`` sums the counts
    given, ``withheld`` counts the routes whose count was suppressed, ``margin`` combines the
    95 % margins of noisy counts (root of the sum of squares, the noise being independent)."""

    known: float = 0.0
    withheld: int = 0
    margin_squares: float = 0.0

    def add(self, count: float | None, margin: float | None) -> None:
        if count is None:
            self.withheld += 1
            return
        self.known += count
        self.margin_squares += (margin or 0.0) ** 2

    @property
    def margin(self) -> float | None:
        return math.sqrt(self.margin_squares) if self.margin_squares else None

    @property
    def exact(self) -> bool:
        """Whether ``known`` is the whole amount (no withheld route in it)."""
        return self.withheld == 0

    @property
    def value(self) -> float | None:
        """The amount when nothing in it was withheld, else None."""
        return self.known if self.exact else None


@dataclass(frozen=True)
class FlowRow:
    """One line of the flow table: a distinct route and its amount."""

    origin: str
    transits: tuple[str, ...]
    destination: str
    amount: Amount


@dataclass
class FlowNode:
    """A country in the graph: what left it (``outgoing``), reached it (``incoming``), and how
    often it was the origin, a transit or the destination of a route."""

    country: str
    outgoing: Amount = field(default_factory=Amount)
    incoming: Amount = field(default_factory=Amount)
    as_origin: Amount = field(default_factory=Amount)
    as_transit: Amount = field(default_factory=Amount)
    as_destination: Amount = field(default_factory=Amount)


@dataclass
class FlowEdge:
    """A leg between two countries, summed over every route that takes it."""

    source: str
    target: str
    amount: Amount = field(default_factory=Amount)


@dataclass
class FlowGraph:
    nodes: dict[str, FlowNode] = field(default_factory=dict)
    edges: dict[tuple[str, str], FlowEdge] = field(default_factory=dict)

    def node(self, country: str) -> FlowNode:
        return self.nodes.setdefault(country, FlowNode(country))

    def edge(self, source: str, target: str) -> FlowEdge:
        return self.edges.setdefault((source, target), FlowEdge(source, target))


@dataclass
class Flows:
    """The flow table (largest routes first, withheld ones last) and the graph of legs."""

    rows: list[FlowRow]
    graph: FlowGraph


RouteLike = Route | tuple[Sequence[str], float | None]
Namer = Callable[[str], str]


def flows(routes: Iterable[RouteLike]) -> Flows:
    """Aggregate routes into the flow table and graph. A route is a ``Route`` or a pair
    (countries, count); repeated countries in a row (legs inside one country) count once."""
    table: dict[tuple[str, ...], Amount] = {}
    graph = FlowGraph()
    for route in routes:
        route = route if isinstance(route, Route) else Route(tuple(route[0]), route[1])
        path = _collapsed(route.countries)
        if not path:
            continue
        table.setdefault(path, Amount()).add(route.count, route.margin)
        _add_to_graph(graph, path, route)
    rows = [FlowRow(p[0], p[1:-1], p[-1], amount) for p, amount in table.items()]
    rows.sort(key=lambda row: (not row.amount.exact, -row.amount.known))
    return Flows(rows, graph)


def _collapsed(countries: Sequence[str]) -> tuple[str, ...]:
    path: list[str] = []
    for country in countries:
        if not path or path[-1] != country:
            path.append(country)
    return tuple(path)


def _add_to_graph(graph: FlowGraph, path: tuple[str, ...], route: Route) -> None:
    count, margin = route.count, route.margin
    graph.node(path[0]).as_origin.add(count, margin)
    graph.node(path[-1]).as_destination.add(count, margin)
    for transit in path[1:-1]:
        graph.node(transit).as_transit.add(count, margin)
    for source, target in itertools.pairwise(path):
        graph.edge(source, target).amount.add(count, margin)
        graph.node(source).outgoing.add(count, margin)
        graph.node(target).incoming.add(count, margin)


def routes_from_table(
    source: StatTable | HasTable,
    *,
    measure: str | None = None,
    route: str | None = None,
    origin: str = "origin",
    transit: str | None = "transit",
    destination: str = "destination",
    where: Mapping[str, str] | None = None,
) -> list[Route]:
    """Read routes from a table, every other dimension at its total or at the category ``where``
    names: either from one ``route`` dimension whose categories are countries joined by ">"
    (``AFG>IRN>TUR``, as the route statistics write the ends of legs; named routes such as
    ``central_mediterranean`` name no countries and are left out), or from origin, transit
    (optional, one country per route) and destination dimensions. Zero counts are left out;
    withheld ones are kept."""
    table = common.as_table(source)
    measure = common.measure_of(table, measure)
    if route is not None:
        along: tuple[str, ...] = (route,)
    else:
        along = (origin, destination) if transit is None else (origin, transit, destination)
    routes = []
    for datum in common.select(table, measure, along, where):
        countries = _countries(datum.codes, route is not None)
        if not countries or datum.status == common.EMPTY or datum.value == 0:
            continue
        margin = None if datum.upper is None or datum.value is None else datum.upper - datum.value
        routes.append(Route(countries, datum.value, margin))
    return routes


def _countries(codes: tuple[str, ...], joined: bool) -> tuple[str, ...]:
    if joined:
        return tuple(codes[0].split(ROUTE_SEPARATOR)) if ROUTE_SEPARATOR in codes[0] else ()
    return tuple(code for code in codes if code not in NO_TRANSIT)


def flow_map(
    source: Flows | FlowGraph,
    *,
    title: str | None = None,
    value_title: str | None = None,
    names: Mapping[str, str] | None = None,
    language: str | None = None,
    rtl: bool | None = None,
    width: int = 720,
) -> Spec:
    """Return the Vega-Lite specification of a map of the graph's legs between country
    centroids, each as wide as its count, over the countries in view. ``names`` labels the
    countries (ISO 3166 names in the active language by default). Legs from or to a place that
    is not a country on the map (unknown, international waters) are listed under the title."""
    graph = source.graph if isinstance(source, Flows) else source
    style = common.look(language, rtl)
    value_name = value_title or _("Persons")
    shapes = geometry.country_shapes()
    mapped = [e for e in graph.edges.values() if e.source in shapes and e.target in shapes]
    unmapped = [e for e in graph.edges.values() if e not in mapped]
    countries = sorted({c for e in mapped for c in (e.source, e.target)})
    view = basemap.frame(basemap.points_bbox(shapes[c].centroid for c in countries), width)
    label = _namer(names, style)
    legs = [_leg(edge, label, style) for edge in _drawing_order(mapped)]
    layers = [
        *basemap.outline_layer(view),
        basemap.land_layer(),
        *_leg_layers(legs, value_name),
        *_node_layers(countries, label),
    ]
    heading = common.title(
        title or _("Routes from origin to destination"), _notes(legs, unmapped, label, style)
    )
    spec = common.finish(alt.layer(*layers).to_dict(), style, heading)
    return basemap.attach(spec, view)


def _namer(names: Mapping[str, str] | None, style: Look) -> Namer:
    def name(code: str) -> str:
        if names and code in names:
            return str(names[code])
        if code in (UNKNOWN, TOTAL):
            return _("unknown") if code == UNKNOWN else _("Total")
        return geometry.country_name(code, style.language)

    return name


def _drawing_order(edges: Sequence[FlowEdge]) -> list[FlowEdge]:
    """Withheld legs first, then wide under narrow, so that no leg hides a smaller one."""
    return sorted(edges, key=lambda e: (e.amount.known > 0, -e.amount.known))


def _leg(edge: FlowEdge, name: Namer, style: Look) -> dict[str, Any]:
    shapes = geometry.country_shapes()
    curve = _curve(shapes[edge.source].centroid, shapes[edge.target].centroid)
    head = curve[round(ARROW_AT * (len(curve) - 1))]
    before = curve[round(ARROW_AT * (len(curve) - 1)) - 1]
    amount = edge.amount
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [list(p) for p in curve]},
        "properties": {
            "route": _leg_name(edge, name),
            "count": amount.known if amount.known > 0 else None,
            "status": _leg_status(amount),
            "partial": amount.known > 0 and not amount.exact,
            "text": _amount_text(amount, style),
            "head_longitude": head[0],
            "head_latitude": head[1],
            "angle": _bearing(before, head),
        },
    }


def _leg_name(edge: FlowEdge, name: Namer) -> str:
    # Words, not an arrow: an arrow points the wrong way in right-to-left text.
    return _("%(source)s to %(target)s") % {
        "source": name(edge.source),
        "target": name(edge.target),
    }


def _leg_status(amount: Amount) -> str:
    if amount.known == 0 and amount.withheld:
        return common.SUPPRESSED
    return common.NOISY if amount.margin else common.PUBLISHED


def _amount_text(amount: Amount, style: Look) -> str:
    """Return "12", "12 ± 3", "at least 12" or "suppressed" for an amount."""
    if amount.known == 0 and amount.withheld:
        return _("suppressed")
    text = common.format_number(amount.known, style)
    if amount.margin:
        text = f"{text} ± {common.format_number(amount.margin, style)}"
    if not amount.exact:
        text = _("at least %(count)s") % {"count": text}
    return text


def _curve(start: geometry.Point, end: geometry.Point) -> list[geometry.Point]:
    """Return points along a quadratic curve from start to end, bulging to the right of the
    direction of travel. Longitudes are taken the short way round and scaled by the cosine of
    latitude, so that the bulge looks the same size in every direction."""
    dlon = (end[0] - start[0] + 180) % 360 - 180
    cos = math.cos(math.radians((start[1] + end[1]) / 2)) or 1e-6
    dx, dy = dlon * cos, end[1] - start[1]
    # The right-hand normal of (dx, dy) is (dy, -dx).
    cx = start[0] * cos + dx / 2 + CURVE_BEND * dy
    cy = start[1] + dy / 2 - CURVE_BEND * dx
    points = []
    for step in range(CURVE_POINTS + 1):
        t = step / CURVE_POINTS
        x = (1 - t) ** 2 * start[0] * cos + 2 * (1 - t) * t * cx + t**2 * (start[0] * cos + dx)
        y = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * cy + t**2 * end[1]
        points.append((_wrapped_longitude(x / cos), y))
    return points


def _wrapped_longitude(longitude: float) -> float:
    return (longitude + 180) % 360 - 180


def _bearing(start: geometry.Point, end: geometry.Point) -> float:
    """Return the angle, clockwise from north in degrees, of travel from start to end."""
    dlon = (end[0] - start[0] + 180) % 360 - 180
    dx = dlon * math.cos(math.radians((start[1] + end[1]) / 2))
    return math.degrees(math.atan2(dx, end[1] - start[1])) % 360


def _leg_layers(legs: list[dict[str, Any]], value_name: str) -> list[alt.Chart]:
    shown = [leg for leg in legs if leg["properties"]["status"] != common.SUPPRESSED]
    withheld = [leg for leg in legs if leg["properties"]["status"] == common.SUPPRESSED]
    layers = []
    if withheld:
        for leg in withheld:
            leg["properties"]["mark"] = _("Suppressed")
        dashed = alt.Chart(alt.Data(values=withheld)).mark_geoshape(
            filled=False, strokeWidth=1.5, strokeDash=[5, 4], clip=True
        )
        stroke = alt.Stroke(
            "properties.mark:N",
            scale=alt.Scale(domain=[_("Suppressed")], range=[common.SUPPRESSED_STROKE]),
            legend=alt.Legend(
                title=None, symbolType="stroke", symbolStrokeWidth=1.5, symbolDash=[5, 4]
            ),
        )
        layers.append(dashed.encode(stroke=stroke))
    if shown:
        width = alt.StrokeWidth(
            "properties.count:Q",
            title=value_name,
            scale=alt.Scale(range=[MIN_WIDTH, MAX_WIDTH], zero=True),
            legend=alt.Legend(
                symbolType="stroke",
                symbolStrokeColor=common.OKABE_ITO[0],
                values=_legend_values(max(leg["properties"]["count"] for leg in shown)),
            ),
        )
        line = alt.Chart(alt.Data(values=shown)).mark_geoshape(
            filled=False, stroke=common.OKABE_ITO[0], strokeOpacity=0.75, clip=True
        )
        layers.append(line.encode(strokeWidth=width))
        heads = [dict(leg["properties"]) for leg in shown]
        arrow = alt.Chart(alt.Data(values=heads)).mark_point(
            shape="triangle-up",
            filled=True,
            color=common.OKABE_ITO[3],
            opacity=0.9,
            size=60,
            clip=True,
        )
        layers.append(
            # The angle is already in degrees: no scale may stretch it.
            arrow.encode(
                longitude="head_longitude:Q",
                latitude="head_latitude:Q",
                angle=alt.Angle("angle:Q", scale=None),
            )
        )
    return layers


def _legend_values(largest: float) -> list[float]:
    """Return up to three round widths for the legend, the largest near the widest leg."""
    return sorted({_round(largest * share) for share in (0.2, 0.5, 1.0)} - {0})


def _round(value: float) -> float:
    """Round to one significant figure (430 → 400, 0.27 → 0.3)."""
    if value <= 0:
        return 0
    unit = 10 ** math.floor(math.log10(value))
    return round(value / unit) * unit


def _node_layers(countries: list[str], name: Namer) -> list[alt.Chart]:
    shapes = geometry.country_shapes()
    nodes = [
        {
            "name": name(code),
            "longitude": shapes[code].centroid[0],
            "latitude": shapes[code].centroid[1],
        }
        for code in countries
    ]
    if not nodes:
        return []
    base = alt.Chart(alt.Data(values=nodes)).encode(longitude="longitude:Q", latitude="latitude:Q")
    dots = base.mark_circle(size=36, color=common.TEXT_COLOUR, opacity=1, clip=True)
    labels = base.mark_text(
        dy=-10, fontSize=12, fontWeight="bold", color=common.TEXT_COLOUR
    ).encode(text="name:N")
    return [dots, labels]


def _notes(
    legs: list[dict[str, Any]], unmapped: list[FlowEdge], name: Namer, style: Look
) -> list[str]:
    statuses = {leg["properties"]["status"] for leg in legs}
    lines = []
    if common.SUPPRESSED in statuses:
        lines.append(
            _("Dashed grey: every count on the leg withheld to protect the people counted.")
        )
    if any(leg["properties"]["partial"] for leg in legs):
        lines.append(_("Some legs also carry withheld counts: their width shows the known part."))
    if common.NOISY in statuses:
        lines.append(_("Counts carry random noise for privacy."))
    if unmapped:
        listed = ", ".join(
            f"{_leg_name(e, name)} ({_amount_text(e.amount, style)})" for e in unmapped[:6]
        )
        lines.append(_("Not on the map: %(list)s.") % {"list": listed})
    return [*lines, basemap.disclaimer()]
