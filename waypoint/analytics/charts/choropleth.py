"""Countries coloured by a value.

Values take a sequential colour-blind-safe scheme in quantile classes (counts by country are
skewed: equal steps would paint all but one country the same). A withheld value is hatched grey,
a class of its own and distinct from "no data" (plain light grey): the map never suggests that a
suppressed country counted nothing. Countries too small to see at the map's scale also get a
round marker in their colour, so that Malta or Singapore can be read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from waypoint.analytics.charts import basemap, common, geometry
from waypoint.analytics.charts.common import Datum, HasTable, Look, Spec
from waypoint.analytics.table import StatTable

MARKER_SIZE = 70
MAX_NAMED = 8


def choropleth(
    source: StatTable | HasTable,
    *,
    dimension: str = "country",
    measure: str | None = None,
    where: Mapping[str, str] | None = None,
    region: Iterable[str] | None = None,
    classes: int = 5,
    title: str | None = None,
    value_title: str | None = None,
    language: str | None = None,
    rtl: bool | None = None,
    width: int = 720,
) -> Spec:
    """Return the Vega-Lite specification of a map colouring each country by ``measure`` along
    ``dimension`` (whose categories are ISO 3166-1 alpha-3 codes), every other dimension at its
    total or at the category ``where`` names. ``region`` (alpha-3 codes) frames the map on those
    countries; by default it shows the world. Categories that are not countries (unknown,
    stateless…) are listed under the title."""
    table = common.as_table(source)
    measure = common.measure_of(table, measure)
    style = common.look(language, rtl)
    data = common.select(table, measure, (dimension,), where)
    value_name = value_title or common.value_title(table, measure)
    shapes = geometry.country_shapes()
    on_map = [datum for datum in data if datum.codes[0] in shapes]
    view = basemap.frame(geometry.bbox_of(region) if region else None, width)
    rows = [_row(datum, style) for datum in on_map]
    colour = _colour(value_name, _with_classes(rows, classes, style))
    fill = _class_fill(any(datum.status == common.SUPPRESSED for datum in on_map))
    layers = [
        *basemap.outline_layer(view),
        _class_layer(rows, fill),
        _value_layer(rows, colour),
        *_marker_layers(on_map, rows, view, colour, fill),
    ]
    heading = common.title(title or str(table.title), _notes(data, on_map, style))
    spec = common.finish(alt.layer(*layers).to_dict(), style, heading)
    return basemap.attach(spec, view)


def _row(datum: Datum, style: Look) -> dict[str, Any]:
    code, label = datum.codes[0], datum.labels[0]
    return {
        "code": code,
        # A dimension without labels for its countries gets their ISO names.
        "name": geometry.country_name(code, style.language) if label == code else label,
        "value": datum.value,
        "status": datum.status,
        "text": common.value_text(datum, style),
    }


def _joined(rows: list[dict[str, Any]]) -> alt.Chart:
    """The country shapes, each with its row of the table (fields stay empty without one)."""
    return alt.Chart(basemap.countries_data()).transform_lookup(
        lookup="id",
        from_=alt.LookupData(
            data=alt.Data(values=rows),
            key="code",
            fields=["value", "band", "status", "text", "name"],
        ),
    )


def _classes(values: Sequence[float], count: int) -> list[tuple[float, float]]:
    """Split the values into at most ``count`` classes of about as many countries each (quantile
    classes), never putting equal values in two classes; return each class's (lowest, highest)."""
    ordered = sorted(values)
    classes: list[tuple[float, float]] = []
    start = 0
    for index in range(1, count + 1):
        end = round(len(ordered) * index / count)
        while 0 < end < len(ordered) and ordered[end] == ordered[end - 1]:
            end += 1
        if end > start:
            classes.append((ordered[start], ordered[end - 1]))
            start = end
    return classes


def _class_label(low: float, high: float, style: Look) -> str:
    if low == high:
        return common.format_number(low, style)
    return f"{common.format_number(low, style)} – {common.format_number(high, style)}"


def _with_classes(rows: list[dict[str, Any]], count: int, style: Look) -> list[str]:
    """Give every row with a value the label of its class; return the labels, lowest first."""
    values = [row["value"] for row in rows if row["value"] is not None]
    classes = _classes(values, count)
    labels = [_class_label(low, high, style) for low, high in classes]
    for row in rows:
        if row["value"] is not None:
            row["band"] = next(
                label
                for (low, high), label in zip(classes, labels, strict=True)
                if row["value"] <= high
            )
    return labels


def _colour(value_name: str, labels: list[str]) -> alt.Color:
    # The scheme runs from its light end to its dark end: more is darker.
    scheme = alt.SchemeParams(name=common.SEQUENTIAL_SCHEME, count=len(labels), extent=[1, 0])
    scale = alt.Scale(type="ordinal", domain=labels, scheme=scheme)
    legend = alt.Legend(symbolType="square", symbolSize=160, symbolStrokeWidth=0)
    return alt.Color("band:O", title=value_name, sort=labels, scale=scale, legend=legend)


def _class_fill(any_suppressed: bool) -> alt.Fill:
    domain = [_("No data"), *([_("Suppressed")] if any_suppressed else [])]
    palette = [common.NO_DATA_COLOUR, common.HATCH_FILL][: len(domain)]
    return alt.Fill(
        "class:N",
        scale=alt.Scale(domain=domain, range=palette),
        legend=alt.Legend(
            title=None,
            symbolType="square",
            symbolSize=160,
            symbolStrokeColor=common.SUPPRESSED_STROKE,
        ),
    )


def _class_layer(rows: list[dict[str, Any]], fill: alt.Fill) -> alt.Chart:
    """Countries without a value to colour: hatched when suppressed, light grey otherwise."""
    withheld, no_data = _js(_("Suppressed")), _js(_("No data"))
    kind = f"datum.status === '{common.SUPPRESSED}' ? {withheld} : {no_data}"
    return (
        _joined(rows)
        .transform_filter(
            f"datum.status !== '{common.PUBLISHED}' && datum.status !== '{common.NOISY}'"
        )
        .transform_calculate(**{"class": kind})
        .mark_geoshape(strokeWidth=0.6, clip=True)
        .encode(
            fill=fill,
            # A dark outline keeps a hatched country a shape, even on white sea.
            stroke=alt.condition(
                f"datum.status === '{common.SUPPRESSED}'",
                alt.value(common.SUPPRESSED_STROKE),
                alt.value(basemap.BORDER_COLOUR),
            ),
        )
    )


def _value_layer(rows: list[dict[str, Any]], colour: alt.Color) -> alt.Chart:
    return (
        _joined(rows)
        .transform_filter(
            f"datum.status === '{common.PUBLISHED}' || datum.status === '{common.NOISY}'"
        )
        .mark_geoshape(stroke=basemap.BORDER_COLOUR, strokeWidth=0.5, clip=True)
        .encode(color=colour)
    )


def _marker_layers(
    on_map: Sequence[Datum],
    rows: list[dict[str, Any]],
    view: basemap.Frame,
    colour: alt.Color,
    fill: alt.Fill,
) -> list[alt.Chart]:
    shapes = geometry.country_shapes()
    small = [
        {
            **row,
            "longitude": shape.centroid[0],
            "latitude": shape.centroid[1],
            "class": _("Suppressed"),
        }
        for row, datum in zip(rows, on_map, strict=True)
        if view.is_small(shape := shapes[datum.codes[0]])
        and view.shows(shape.centroid)
        and datum.status != common.EMPTY
    ]
    valued = [row for row in small if row["value"] is not None]
    withheld = [row for row in small if row["status"] == common.SUPPRESSED]
    layers = []
    for chosen, channel in ((valued, {"color": colour}), (withheld, {"fill": fill})):
        if chosen:
            marker = alt.Chart(alt.Data(values=chosen)).mark_point(
                shape="circle",
                filled=True,
                size=MARKER_SIZE,
                stroke="#555555",
                strokeWidth=0.8,
                opacity=1,
                clip=True,
            )
            layers.append(marker.encode(longitude="longitude:Q", latitude="latitude:Q", **channel))
    return layers


def _js(text: str) -> str:
    """Quote text as a string literal of a Vega expression."""
    return json.dumps(text, ensure_ascii=False)


def _notes(data: Sequence[Datum], on_map: Sequence[Datum], style: Look) -> list[str]:
    lines = []
    if any(datum.status == common.SUPPRESSED for datum in on_map):
        lines.append(
            _(
                "Hatched: value withheld to protect the people counted; not zero. Light grey: no data."
            )
        )
    margins = [d.upper - d.value for d in on_map if d.upper is not None and d.value is not None]
    if margins:
        lines.append(
            _("Values carry random noise for privacy; the 95 %% margin is at most ± %(margin)s.")
            % {"margin": common.format_number(max(margins), style)}
        )
    mapped = {datum.codes[0] for datum in on_map}
    elsewhere = [datum for datum in data if datum.codes[0] not in mapped]
    if elsewhere:
        listed = ", ".join(
            f"{d.labels[0]} ({common.value_text(d, style)})" for d in elsewhere[:MAX_NAMED]
        )
        more = len(elsewhere) - MAX_NAMED
        if more > 0:
            listed += " " + _("and %(count)d more") % {"count": more}
        lines.append(_("Not on the map: %(list)s.") % {"list": listed})
    return [*lines, basemap.disclaimer()]
