"""Line chart of a measure by year, one line per category of an optional second dimension.

A withheld value breaks its line (a line drawn through it would invent one) and its year gets a
hatched band naming the series withheld; noisy values carry error bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from waypoint.analytics.charts import common
from waypoint.analytics.charts.common import Datum, HasTable, Look, Spec
from waypoint.analytics.table import StatTable


def trend_chart(
    source: StatTable | HasTable,
    *,
    measure: str | None = None,
    time: str = "year",
    series: str | None = None,
    where: Mapping[str, str] | None = None,
    include_total: bool = False,
    title: str | None = None,
    value_title: str | None = None,
    language: str | None = None,
    rtl: bool | None = None,
    width: int = 560,
    height: int = 300,
) -> Spec:
    """Return the Vega-Lite specification of a line chart of ``measure`` along the ``time``
    dimension, one line per category of ``series`` when given (its total too when
    ``include_total``), every other dimension at its total or at the category ``where`` names."""
    table = common.as_table(source)
    measure = common.measure_of(table, measure)
    style = common.look(language, rtl)
    along = (time,) if series is None else (time, series)
    data = common.select(table, measure, along, where, totals=along[1:] if include_total else ())
    value_name = value_title or common.value_title(table, measure)
    names = _series_names(data, series is not None, value_name)
    rows = [_row(datum, series is not None, value_name, style) for datum in data]
    times = list(dict.fromkeys(datum.labels[0] for datum in data))
    axis = _TimeAxis(times, _dimension_label(table, time))
    colour = _colour(names, series and _dimension_label(table, series), series is not None)
    layers = [
        *_suppressed_layers(data, series is not None, axis, height),
        *_error_layers(rows, axis, colour),
        _line_layer(rows, axis, colour, value_name),
    ]
    chart = alt.layer(*layers).properties(width=width, height=height)
    heading = common.title(title or str(table.title), _notes(data))
    return common.finish(chart.to_dict(), style, heading)


class _TimeAxis:
    """The time axis every layer shares: a band per period, so that a withheld period can be
    shaded across its whole width, with points and lines at the middle of each band."""

    def __init__(self, times: list[str], title: str) -> None:
        self.times, self.title = times, title

    def band(self) -> alt.X:
        return self.x()

    def middle(self) -> alt.X:
        return self.x(bandPosition=0.5)

    def x(self, **options: Any) -> alt.X:
        return alt.X(
            "time:O",
            sort=self.times,
            scale=alt.Scale(type="band", paddingInner=0.35, paddingOuter=0.15),
            axis=alt.Axis(title=self.title, labelAngle=0),
            **options,
        )


def _dimension_label(table: StatTable, name: str) -> str:
    return next(str(d.label) for d in table.dimensions if d.name == name)


def _series_names(data: Sequence[Datum], has_series: bool, value_name: str) -> list[str]:
    if not has_series:
        return [value_name]
    return list(dict.fromkeys(datum.labels[1] for datum in data))


def _row(datum: Datum, has_series: bool, value_name: str, style: Look) -> dict[str, Any]:
    return {
        "time": datum.labels[0],
        "series": datum.labels[1] if has_series else value_name,
        "value": datum.value,
        "lower": datum.lower,
        "upper": datum.upper,
        "status": datum.status,
        "text": common.value_text(datum, style),
    }


def _colour(names: list[str], legend_title: str | None, has_series: bool) -> alt.Color:
    # Every layer that shares the scale gives the same legend: one that said None would hide it.
    return alt.Color(
        "series:N",
        sort=names,
        scale=alt.Scale(domain=names, range=common.series_colours(len(names))),
        legend=alt.Legend(title=legend_title, symbolType="stroke") if has_series else None,
    )


def _line_layer(
    rows: list[dict[str, Any]], axis: _TimeAxis, colour: alt.Color, value_name: str
) -> alt.Chart:
    # "break-paths-show-domains": a missing value breaks the line rather than being skipped.
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line(
            point=alt.OverlayMarkDef(size=45, filled=True),
            strokeWidth=2.5,
            invalid="break-paths-show-domains",
        )
        .encode(
            x=axis.middle(),
            y=alt.Y("value:Q", title=value_name, scale=alt.Scale(zero=True)),
            color=colour,
        )
    )


def _error_layers(
    rows: list[dict[str, Any]], axis: _TimeAxis, colour: alt.Color
) -> list[alt.Chart]:
    noisy = [row for row in rows if row["status"] == common.NOISY]
    if not noisy:
        return []
    return [
        alt.Chart(alt.Data(values=noisy))
        .mark_rule(strokeWidth=1.5, opacity=0.8)
        .encode(
            x=axis.middle(),
            y="lower:Q",
            y2="upper:Q",
            color=colour,
        )
    ]


def _suppressed_layers(
    data: Sequence[Datum], has_series: bool, axis: _TimeAxis, height: int
) -> list[alt.Chart]:
    withheld: dict[str, list[str]] = {}
    for datum in data:
        if datum.status == common.SUPPRESSED:
            withheld.setdefault(datum.labels[0], []).extend(datum.labels[1:])
    if not withheld:
        return []
    bands = [
        {"time": time, "status": _("Suppressed"), "text": _band_text(labels, has_series)}
        for time, labels in withheld.items()
    ]
    band = (
        alt.Chart(alt.Data(values=bands))
        .mark_rect(stroke=common.SUPPRESSED_STROKE, strokeDash=common.SUPPRESSED_DASH)
        .encode(
            x=axis.band(),
            y=alt.value(0),
            y2=alt.value("height"),
            fill=alt.Fill(
                "status:N",
                scale=alt.Scale(domain=[_("Suppressed")], range=[common.HATCH_FILL]),
                legend=alt.Legend(title=None, symbolStrokeColor=common.SUPPRESSED_STROKE),
            ),
        )
    )
    label = (
        alt.Chart(alt.Data(values=bands))
        .mark_text(angle=270, fontSize=11, color=common.TEXT_COLOUR)
        .encode(x=axis.middle(), y=alt.value(height / 2), text="text:N")
    )
    return [band, label]


def _band_text(labels: list[str], has_series: bool) -> str:
    if not has_series:
        return _("suppressed")
    return _("suppressed: %(series)s") % {"series": ", ".join(labels)}


def _notes(data: Sequence[Datum]) -> list[str]:
    lines = common.notes(data)
    if any(datum.status == common.EMPTY for datum in data):
        lines.append(_("A gap in a line without hatching: no value to measure."))
    return lines
