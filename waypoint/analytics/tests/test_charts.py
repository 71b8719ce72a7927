"""Charts and maps: what they draw for published, suppressed and noisy cells, in which language,
from which geometry, and that the cache draws each picture once."""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase, override_settings, tag
from django.utils import translation

from waypoint.analytics import charts
from waypoint.analytics.charts import geometry
from waypoint.analytics.charts.render import PNG_SIGNATURE
from waypoint.analytics.table import (
    TOTAL,
    UNKNOWN,
    Cell,
    CellStatus,
    Dimension,
    Key,
    StatTable,
)

YEAR = Dimension("year", "Year", ("2021", "2022", "2023"))
SEX = Dimension(
    "sex",
    "Sex",
    ("female", "male", UNKNOWN),
    {"female": "Female", "male": "Male", UNKNOWN: "Unknown"},
)
FORM = Dimension(
    "form",
    "Form of exploitation",
    ("sexual", "labour", "begging"),
    {"sexual": "Sexual exploitation", "labour": "Forced labour", "begging": "Begging"},
)
COUNTRY = Dimension(
    "country",
    "Country of exploitation",
    ("ITA", "MLT", "GRC", "CYP", UNKNOWN),
    {UNKNOWN: "Unknown"},
)
HATCH = 'fill="url(#waypoint-suppressed)'


def cube(
    dimensions: Sequence[Dimension],
    counts: Mapping[tuple[str, ...], int],
    *,
    suppressed: Sequence[tuple[str, ...]] = (),
    noisy: Mapping[tuple[str, ...], float] | None = None,
    title: str = "Victims of trafficking",
) -> StatTable:
    """Build a protected table by hand: every combination with its totals; ``suppressed`` keys
    lose their value, ``noisy`` keys carry the given margin."""
    cells = {}
    for key in itertools.product(*[(*d.categories, TOTAL) for d in dimensions]):
        inner = itertools.product(
            *[d.categories if c == TOTAL else (c,) for d, c in zip(dimensions, key, strict=True)]
        )
        count = sum(counts.get(k, 0) for k in inner)
        cells[key] = Cell(key, count, {"count": float(count)})
    for key in suppressed:
        cells[key].status, cells[key].values = CellStatus.PRIMARY, {"count": None}
    for key, margin in (noisy or {}).items():
        cells[key].status, cells[key].margin = CellStatus.NOISY, margin
    return StatTable("victims", title, tuple(dimensions), ("count",), "victims", cells)


class ProtectedLike:
    """What the disclosure gate hands out: the protected table as ``.table``."""

    def __init__(self, table: StatTable) -> None:
        self.table = table


def trend_table() -> StatTable:
    counts: dict[Key, int] = {(y, s): 10 * i + 5 * j + 20 for (i, y), (j, s) in _pairs(YEAR, SEX)}
    return cube([YEAR, SEX], counts, suppressed=[("2022", "male"), ("2022", TOTAL)])


def form_table() -> StatTable:
    counts: dict[Key, int] = {
        (f, s): 100 * (i + 1) + 10 * j for (i, f), (j, s) in _pairs(FORM, SEX)
    }
    return cube(
        [FORM, SEX],
        counts,
        suppressed=[("begging", "male"), ("begging", TOTAL)],
        noisy={("labour", "female"): 12.0, ("labour", TOTAL): 15.0},
        title="Victims by form of exploitation",
    )


def country_table() -> StatTable:
    counts: dict[Key, int] = {
        ("ITA",): 300,
        ("MLT",): 25,
        ("GRC",): 120,
        ("CYP",): 2,
        (UNKNOWN,): 40,
    }
    return cube([COUNTRY], counts, suppressed=[("CYP",)], title="Victims by country")


def _pairs(first: Dimension, second: Dimension) -> Iterator[Any]:
    return itertools.product(enumerate(first.categories), enumerate(second.categories))


def inline_data(spec: Any) -> list[dict[str, Any]]:
    """Every distinct row of inline data in a specification, but the country shapes; the
    properties of a GeoJSON feature count as its row."""
    rows: dict[str, dict[str, Any]] = {}
    for row in _rows(spec):
        row = row.get("properties", row) if row.get("type") == "Feature" else row
        rows.setdefault(json.dumps(row, sort_keys=True), row)
    return list(rows.values())


def _rows(spec: Any) -> Iterator[dict[str, Any]]:
    if isinstance(spec, list):
        for item in spec:
            yield from _rows(item)
    if not isinstance(spec, dict):
        return
    for key, value in spec.items():
        if key == "values" and isinstance(value, list):
            yield from (row for row in value if isinstance(row, dict))
        elif key == "datasets":
            for name, dataset in value.items():
                if name != "countries":
                    yield from dataset
        else:
            yield from _rows(value)


def rows_for(spec: dict[str, Any], **match: Any) -> list[dict[str, Any]]:
    return [row for row in inline_data(spec) if all(row.get(k) == v for k, v in match.items())]


class ChartTestCase(SimpleTestCase):
    def setUp(self) -> None:
        folder = self.enterContext(tempfile.TemporaryDirectory())
        self.cache = charts.ChartCache(folder)
        self.enterContext(translation.override("en"))

    def assertTexts(self, svg: str, *texts: str) -> None:
        for text in texts:
            self.assertIn(f">{text}</text>", svg)


class TrendChartTests(ChartTestCase):
    @tag("slow")
    def test_it_renders_its_title_axis_titles_years_and_series(self) -> None:
        table = trend_table()
        table.cells[("2022", "male")].status = CellStatus.PUBLISHED
        table.cells[("2022", "male")].values = {"count": 35.0}

        svg = charts.to_svg(charts.trend_chart(table, series="sex"), self.cache)

        self.assertTexts(svg, "Victims of trafficking", "Year", "Victims", "2021", "2023")
        self.assertTexts(svg, "Sex", "Female", "Male", "Unknown")
        self.assertIn("<title>Victims of trafficking</title>", svg)

    @tag("slow")
    def test_it_draws_a_suppressed_year_as_a_hatched_band_never_as_zero(self) -> None:
        spec = charts.trend_chart(trend_table(), series="sex")

        withheld = rows_for(spec, time="2022", series="Male")
        self.assertEqual([row["value"] for row in withheld], [None])
        self.assertEqual(
            rows_for(spec, time="2022", status="Suppressed")[0]["text"], "suppressed: Male"
        )
        svg = charts.to_svg(spec, self.cache)
        self.assertIn(HATCH, svg)
        self.assertTexts(svg, "suppressed: Male", "Suppressed")

    def test_it_breaks_the_line_at_a_withheld_value_instead_of_joining_around_it(self) -> None:
        spec = charts.trend_chart(trend_table())

        line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
        self.assertEqual(line["mark"]["invalid"], "break-paths-show-domains")
        self.assertEqual(rows_for(spec, time="2022", series="Victims")[0]["status"], "suppressed")

    def test_it_draws_error_bars_from_the_margin_of_noisy_values(self) -> None:
        table = trend_table()
        table.cells[("2023", TOTAL)].status = CellStatus.NOISY
        table.cells[("2023", TOTAL)].margin = 6.0

        spec = charts.trend_chart(table)

        (noisy,) = rows_for(spec, time="2023", status="noisy")
        self.assertEqual((noisy["lower"], noisy["upper"]), (noisy["value"] - 6, noisy["value"] + 6))
        self.assertIn("error bars", " ".join(spec["title"]["subtitle"]))

    def test_it_leaves_totals_out_unless_asked(self) -> None:
        table = trend_table()

        without = charts.trend_chart(table, series="sex")
        with_total = charts.trend_chart(table, series="sex", include_total=True)

        self.assertEqual(rows_for(without, series="Total"), [])
        self.assertEqual(len(rows_for(with_total, series="Total")), 3)

    def test_it_fixes_other_dimensions_at_the_category_asked_for(self) -> None:
        spec = charts.trend_chart(trend_table(), where={"sex": "female"})

        values = [row["value"] for row in rows_for(spec, series="Victims")]
        self.assertEqual(values, [20.0, 30.0, 40.0])

    def test_it_refuses_a_measure_or_dimension_the_table_lacks(self) -> None:
        with self.assertRaises(ValueError):
            charts.trend_chart(trend_table(), measure="median_fee")
        with self.assertRaises(ValueError):
            charts.trend_chart(trend_table(), series="age_group")


class BreakdownChartTests(ChartTestCase):
    @tag("slow")
    def test_it_renders_its_title_axis_titles_and_categories(self) -> None:
        spec = charts.breakdown_chart(ProtectedLike(form_table()), dimension="form", group="sex")

        svg = charts.to_svg(spec, self.cache)

        self.assertTexts(svg, "Victims by form of exploitation", "Form of exploitation", "Victims")
        self.assertTexts(svg, "Sexual exploitation", "Forced labour", "Begging", "Female", "Male")

    @tag("slow")
    def test_it_draws_a_suppressed_cell_as_a_hatched_band_with_a_word_never_as_zero(self) -> None:
        spec = charts.breakdown_chart(form_table(), dimension="form")

        (begging,) = rows_for(spec, category="Begging")
        self.assertEqual((begging["value"], begging["status"]), (None, "suppressed"))
        bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
        drawn = [row["category"] for row in bars["data"]["values"]]
        self.assertEqual(drawn, ["Sexual exploitation", "Forced labour"])
        svg = charts.to_svg(spec, self.cache)
        self.assertIn(HATCH, svg)
        self.assertTexts(svg, "suppressed", "Suppressed")

    def test_it_labels_noisy_values_with_their_margin_and_draws_error_bars(self) -> None:
        spec = charts.breakdown_chart(form_table(), dimension="form")

        (labour,) = rows_for(spec, category="Forced labour")
        self.assertEqual(labour["text"], "630 ± 15")
        self.assertEqual((labour["lower"], labour["upper"]), (615.0, 645.0))
        self.assertTrue(any(layer["mark"]["type"] == "rule" for layer in spec["layer"]))

    def test_it_grows_bars_from_the_right_in_a_right_to_left_language(self) -> None:
        with translation.override("ar"):
            spec = charts.breakdown_chart(form_table(), dimension="form")

        bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
        self.assertTrue(bars["encoding"]["x"]["scale"]["reverse"])
        self.assertEqual(bars["encoding"]["y"]["axis"]["orient"], "right")
        self.assertEqual(spec["config"]["title"]["anchor"], "end")
        self.assertEqual(spec["config"]["legend"]["orient"], "left")

    def test_it_writes_numbers_and_picks_fonts_for_the_language(self) -> None:
        with translation.override("fr"):
            french = charts.breakdown_chart(form_table(), dimension="form", group="sex")
        with translation.override("zh-hans"):
            chinese = charts.breakdown_chart(form_table(), dimension="form")
        with translation.override("ar"):
            arabic = charts.breakdown_chart(form_table(), dimension="form")

        self.assertEqual(french["config"]["locale"]["number"]["decimal"], ",")
        self.assertEqual(rows_for(french, category="Begging", group="Female")[0]["text"], "300")
        self.assertTrue(chinese["config"]["font"].startswith("Noto Sans CJK SC"))
        self.assertTrue(arabic["config"]["font"].startswith("DejaVu Sans"))

    def test_it_uses_colour_blind_safe_colours_and_refuses_more_series_than_it_has(self) -> None:
        spec = charts.breakdown_chart(form_table(), dimension="form", group="sex")
        many = Dimension("n", "Number", tuple(str(n) for n in range(9)))
        table = cube([FORM, many], {})

        bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
        self.assertEqual(
            bars["encoding"]["color"]["scale"]["range"], ["#0072B2", "#E69F00", "#009E73"]
        )
        with self.assertRaises(ValueError):
            charts.breakdown_chart(table, dimension="form", group="n")


class ChoroplethTests(ChartTestCase):
    def test_it_ships_the_small_countries_the_coarse_world_file_lacks(self) -> None:
        shapes = geometry.country_shapes()

        for code in ("MLT", "BHR", "SGP", "MDV"):
            self.assertIn(code, shapes)
        self.assertEqual(geometry.alpha3_to_numeric("MLT"), "470")
        self.assertEqual(geometry.numeric_to_alpha3("470"), "MLT")

    def test_it_places_centroids_on_the_main_territory(self) -> None:
        shapes = geometry.country_shapes()

        france, russia = shapes["FRA"].centroid, shapes["RUS"].centroid
        self.assertTrue(-5 < france[0] < 8 and 42 < france[1] < 51)
        self.assertTrue(30 < russia[0] < 180 and 45 < russia[1] < 75)

    def test_it_colours_malta_and_keeps_a_marker_for_it(self) -> None:
        spec = charts.choropleth(country_table())

        ids = {g["id"] for g in spec["datasets"]["countries"]["objects"]["countries"]["geometries"]}
        self.assertIn("MLT", ids)
        self.assertEqual(rows_for(spec, code="MLT", name="Malta")[0]["value"], 25.0)
        self.assertTrue(
            rows_for(spec, code="MLT", longitude=geometry.country_shapes()["MLT"].centroid[0])
        )

    def test_it_gives_suppressed_countries_a_class_apart_from_no_data(self) -> None:
        spec = charts.choropleth(country_table())

        cyprus = rows_for(spec, code="CYP")
        self.assertEqual({(row["status"], row["value"]) for row in cyprus}, {("suppressed", None)})
        fills = [
            layer["encoding"]["fill"]
            for layer in spec["layer"]
            if "fill" in layer.get("encoding", {})
        ]
        self.assertEqual(fills[0]["scale"]["domain"], ["No data", "Suppressed"])
        self.assertTrue(fills[0]["scale"]["range"][1].startswith("url(#waypoint-suppressed)"))

    def test_it_lists_categories_that_are_not_countries_under_the_title(self) -> None:
        spec = charts.choropleth(country_table())

        self.assertIn("Not on the map: Unknown (40).", spec["title"]["subtitle"])

    def test_it_carries_only_the_countries_in_view_on_a_regional_map(self) -> None:
        world = charts.choropleth(country_table())
        region = charts.choropleth(country_table(), region=["ITA", "GRC", "MLT"])

        ids = {
            g["id"] for g in region["datasets"]["countries"]["objects"]["countries"]["geometries"]
        }
        self.assertIn("MLT", ids)
        self.assertNotIn("AUS", ids)
        self.assertLess(len(json.dumps(region)), len(json.dumps(world)) / 2)

    @tag("slow")
    def test_it_renders_to_svg_and_png_with_its_legend(self) -> None:
        spec = charts.choropleth(country_table(), value_title="Victims (persons)")

        svg = charts.to_svg(spec, self.cache)
        png = charts.to_png(spec, cache=self.cache)

        self.assertTexts(svg, "Victims by country", "Victims (persons)", "No data", "Suppressed")
        self.assertIn(HATCH, svg)
        self.assertTrue(png.startswith(PNG_SIGNATURE))


class FlowTests(ChartTestCase):
    routes = [
        (("SYR", "TUR", "GRC", "DEU"), 120),
        (("SYR", "TUR", "GRC", "DEU"), 30),
        (("AFG", "IRN", "TUR", "GRC"), 45),
        (("NGA", "NER", "LBY", "ITA"), None),
        (("MAR", "MAR", "ESP"), 90),
    ]

    def test_it_aggregates_routes_into_a_table_of_origin_transit_and_destination(self) -> None:
        result = charts.flows(self.routes)

        first = result.rows[0]
        self.assertEqual(
            (first.origin, first.transits, first.destination), ("SYR", ("TUR", "GRC"), "DEU")
        )
        self.assertEqual(first.amount.value, 150)
        self.assertEqual(result.rows[-1].origin, "NGA")
        self.assertIsNone(result.rows[-1].amount.value)
        self.assertIn(
            ("MAR", (), "ESP"), [(r.origin, r.transits, r.destination) for r in result.rows]
        )

    def test_it_builds_a_graph_of_legs_with_totals_in_and_out(self) -> None:
        graph = charts.flows(self.routes).graph

        self.assertEqual(graph.edges[("TUR", "GRC")].amount.value, 195)
        self.assertEqual(graph.nodes["GRC"].incoming.value, 195)
        self.assertEqual(graph.nodes["GRC"].outgoing.value, 150)
        self.assertEqual(graph.nodes["TUR"].as_transit.value, 195)
        self.assertEqual(graph.nodes["SYR"].as_origin.value, 150)
        self.assertEqual(graph.edges[("LBY", "ITA")].amount.withheld, 1)
        self.assertNotIn(("MAR", "MAR"), graph.edges)

    def test_it_reads_routes_from_a_protected_table(self) -> None:
        places = ("SYR", "TUR", "DEU", "none")
        origin = Dimension("origin", "Origin", places[:1])
        transit = Dimension("transit", "Transit", ("TUR", "none"))
        destination = Dimension("destination", "Destination", ("DEU",))
        table = cube(
            [origin, transit, destination], {("SYR", "TUR", "DEU"): 40, ("SYR", "none", "DEU"): 3}
        )
        table.cells[("SYR", "none", "DEU")].status = CellStatus.PRIMARY

        routes = charts.routes_from_table(ProtectedLike(table))

        self.assertEqual(
            routes, [charts.Route(("SYR", "TUR", "DEU"), 40.0), charts.Route(("SYR", "DEU"), None)]
        )

    def test_it_reads_routes_written_as_joined_country_codes(self) -> None:
        route = Dimension("route", "Route", ("AFG>ITA", "central_mediterranean", "unknown>ITA"))
        table = cube([route, YEAR], {("AFG>ITA", "2023"): 12, ("central_mediterranean", "2023"): 9})

        routes = charts.routes_from_table(table, route="route", where={"year": "2023"})

        self.assertEqual(routes, [charts.Route(("AFG", "ITA"), 12.0)])

    @tag("slow")
    def test_it_maps_legs_between_countries_with_names_legend_and_withheld_legs(self) -> None:
        spec = charts.flow_map(
            charts.flows(self.routes), title="Routes, 2024", value_title="Migrants"
        )

        svg = charts.to_svg(spec, self.cache)

        self.assertTexts(
            svg, "Routes, 2024", "Migrants", "Suppressed", "Türkiye", "Germany", "Libya"
        )
        self.assertIn('stroke-dasharray="5,4"', svg)
        (libya_italy,) = rows_for(spec, route="Libya to Italy")
        self.assertEqual((libya_italy["status"], libya_italy["count"]), ("suppressed", None))

    def test_it_lists_legs_it_cannot_map_under_the_title(self) -> None:
        spec = charts.flow_map(charts.flows([((UNKNOWN, "LBY", "ITA"), 20)]))

        self.assertIn("Not on the map: unknown to Libya (20).", spec["title"]["subtitle"])


class RenderTests(ChartTestCase):
    @tag("slow")
    def test_it_draws_a_chart_once_and_serves_the_same_bytes_from_the_cache(self) -> None:
        spec = charts.breakdown_chart(form_table(), dimension="form")

        first_svg, first_png = (
            charts.to_svg(spec, self.cache),
            charts.to_png(spec, cache=self.cache),
        )
        renders = self.cache.renders
        again_svg = charts.to_svg(spec, self.cache)
        again_png = charts.to_png(spec, cache=charts.ChartCache(self.cache.directory))

        self.assertEqual(renders, 2)
        self.assertEqual(self.cache.renders, 2)
        self.assertEqual((again_svg, again_png), (first_svg, first_png))
        self.assertTrue(first_png.startswith(PNG_SIGNATURE))

    @tag("slow")
    def test_it_draws_again_when_the_specification_changes(self) -> None:
        charts.to_svg(charts.breakdown_chart(form_table(), dimension="form"), self.cache)
        charts.to_svg(
            charts.breakdown_chart(form_table(), dimension="form", title="Other"), self.cache
        )

        self.assertEqual((self.cache.renders, self.cache.hits), (2, 0))

    def test_the_default_cache_lives_in_the_configured_folder(self) -> None:
        with override_settings(WAYPOINT_CHART_CACHE_DIR=Path("/srv/charts")):
            self.assertEqual(charts.ChartCache.default().directory, Path("/srv/charts"))

    def test_no_specification_refers_to_anything_outside_itself(self) -> None:
        specs = [
            charts.trend_chart(trend_table(), series="sex"),
            charts.breakdown_chart(form_table(), dimension="form", group="sex"),
            charts.choropleth(country_table()),
            charts.choropleth(country_table(), region=["ITA", "GRC"]),
            charts.flow_map(charts.flows(FlowTests.routes)),
        ]

        for spec in specs:
            text = json.dumps(spec)
            self.assertNotIn("http://", text)
            self.assertNotIn("https://", text)
            self.assertNotIn('"url"', text)
