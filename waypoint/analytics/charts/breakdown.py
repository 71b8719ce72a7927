"""Bar chart of a measure by one dimension, optionally grouped by a second.

Bars run horizontally, so that long category names (countries, forms of exploitation) stay
readable; in a right-to-left language they grow from the right. A withheld value is a hatched
band across the whole value range with the word "suppressed", never an empty or zero bar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import altair as alt
from django.utils.translation import gettext as _

from waypoint.analytics.charts import common
from waypoint.analytics.charts.common import Datum, HasTable, Look, Spec
from waypoint.analytics.table import StatTable

BAR_STEP = 18  # pixels per bar
CATEGORY_GAP = 10  # pixels between categories
TEXT_OFFSET = 4


def breakdown_chart(
    source: StatTable | HasTable,
    *,
    dimension: str,
    measure: str | None = None,
    group: str | None = None,
    where: Mapping[str, str] | None = None,
    include_total: bool = False,
    title: str | None = None,
    value_title: str | None = None,
    language: str | None = None,
    rtl: bool | None = None,
    width: int = 480,
) -> Spec:
    """Return the Vega-Lite specification of a bar chart of ``measure`` by ``dimension``, with
    one bar per category of ``group`` in each when given, every other dimension at its total or
    at the category ``where`` names. ``include_total`` adds the totals as categories."""
    table = common.as_table(source)
    measure = common.measure_of(table, measure)
    style = common.look(language, rtl)
    along = (dimension,) if group is None else (dimension, group)
    data = common.select(table, measure, along, where, totals=along if include_total else ())
    value_name = value_title or common.value_title(table, measure)
    rows = [_row(datum, value_name, style) for datum in data]
    categories = list(dict.fromkeys(row["category"] for row in rows))
    groups = list(dict.fromkeys(row["group"] for row in rows))
    encoding = _Encoding(table, dimension, group, categories, groups, value_name, rows, style)
    layers = [
        *_suppressed_layers(rows, encoding),
        _bar_layer(rows, encoding),
        *_error_layers(rows, encoding),
        *_label_layers(rows, encoding),
    ]
    height = len(categories) * (len(groups) * BAR_STEP + CATEGORY_GAP)
    chart = alt.layer(*layers).properties(width=width, height=height)
    heading = common.title(title or str(table.title), _notes(data))
    return common.finish(chart.to_dict(), style, heading)


def _row(datum: Datum, value_name: str, style: Look) -> dict[str, Any]:
    return {
        "category": datum.labels[0],
        "group": datum.labels[1] if len(datum.labels) > 1 else value_name,
        "value": datum.value,
        "lower": datum.lower,
        "upper": datum.upper,
        "status": datum.status,
        "text": common.value_text(datum, style),
        # Labels sit past the end of the bar, or of its error bar when it has one.
        "label_at": datum.upper if datum.upper is not None else datum.value,
    }


class _Encoding:
    """The channels the layers share: category and group positions, the value axis, colours."""

    def __init__(
        self,
        table: StatTable,
        dimension: str,
        group: str | None,
        categories: list[str],
        groups: list[str],
        value_name: str,
        rows: list[dict[str, Any]],
        style: Look,
    ) -> None:
        self.rtl = style.rtl
        self.grouped = group is not None
        self.category = alt.Y(
            "category:N",
            sort=categories,
            scale=alt.Scale(paddingInner=0.25, paddingOuter=0.1),
            axis=alt.Axis(title=_label(table, dimension), orient="right" if style.rtl else "left"),
        )
        self.offset = alt.YOffset("group:N", sort=groups, scale=alt.Scale(domain=groups))
        self.value = alt.X(
            "value:Q",
            title=value_name,
            scale=alt.Scale(zero=True, nice=True, reverse=style.rtl, domainMax=_headroom(rows)),
        )
        self.colour = alt.Color(
            "group:N",
            sort=groups,
            scale=alt.Scale(domain=groups, range=common.series_colours(len(groups))),
            legend=alt.Legend(title=_label(table, group)) if group else None,
        )

    def place(self, chart: alt.Chart, **channels: Any) -> alt.Chart:
        if self.grouped:
            channels["yOffset"] = self.offset
        return chart.encode(y=self.category, **channels)


def _label(table: StatTable, name: str) -> str:
    return next(str(d.label) for d in table.dimensions if d.name == name)


def _headroom(rows: list[dict[str, Any]]) -> Any:
    """Leave room past the longest bar for its label."""
    ends = [row["label_at"] for row in rows if row["label_at"] is not None]
    return max(ends) * 1.15 if ends and max(ends) > 0 else alt.Undefined


def _bar_layer(rows: list[dict[str, Any]], encoding: _Encoding) -> alt.Chart:
    shown = [row for row in rows if row["value"] is not None]
    chart = alt.Chart(alt.Data(values=shown)).mark_bar()
    return encoding.place(chart, x=encoding.value, color=encoding.colour)


def _suppressed_layers(rows: list[dict[str, Any]], encoding: _Encoding) -> list[alt.Chart]:
    withheld = [row for row in rows if row["status"] == common.SUPPRESSED]
    if not withheld:
        return []
    for row in withheld:
        row["mark"] = _("Suppressed")
    band = alt.Chart(alt.Data(values=withheld)).mark_rect(
        stroke=common.SUPPRESSED_STROKE, strokeDash=common.SUPPRESSED_DASH
    )
    fill = alt.Fill(
        "mark:N",
        scale=alt.Scale(domain=[_("Suppressed")], range=[common.HATCH_FILL]),
        legend=alt.Legend(title=None, symbolStrokeColor=common.SUPPRESSED_STROKE),
    )
    return [encoding.place(band, x=alt.value(0), x2=alt.value("width"), fill=fill)]


def _error_layers(rows: list[dict[str, Any]], encoding: _Encoding) -> list[alt.Chart]:
    noisy = [row for row in rows if row["status"] == common.NOISY]
    if not noisy:
        return []
    rule = alt.Chart(alt.Data(values=noisy)).mark_rule(
        color=common.ERROR_BAR_COLOUR, strokeWidth=1.5
    )
    return [encoding.place(rule, x=alt.X("lower:Q"), x2="upper:Q")]


def _label_layers(rows: list[dict[str, Any]], encoding: _Encoding) -> list[alt.Chart]:
    """Write each value past its bar, and "suppressed" or "–" at the start of its row."""
    align: Literal["left", "right"] = "right" if encoding.rtl else "left"
    dx = -TEXT_OFFSET if encoding.rtl else TEXT_OFFSET
    valued = [row for row in rows if row["label_at"] is not None]
    blank = [row for row in rows if row["label_at"] is None]
    layers = []
    if valued:
        text = alt.Chart(alt.Data(values=valued)).mark_text(align=align, dx=dx, baseline="middle")
        layers.append(encoding.place(text, x=alt.X("label_at:Q"), text="text:N"))
    if blank:
        start = alt.value("width") if encoding.rtl else alt.value(0)
        text = alt.Chart(alt.Data(values=blank)).mark_text(
            align=align, dx=dx, baseline="middle", fontStyle="italic"
        )
        layers.append(encoding.place(text, x=start, text="text:N"))
    return layers


def _notes(data: Sequence[Datum]) -> list[str]:
    lines = common.notes(data)
    if any(datum.status == common.EMPTY for datum in data):
        lines.append(_("–: no value to measure."))
    return lines
