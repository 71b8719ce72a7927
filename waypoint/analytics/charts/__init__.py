"""Charts and maps of protected statistical tables, drawn on the server to SVG and PNG.

Each chart function takes a table as it leaves the disclosure gate (a ``ProtectedTable`` or its
``StatTable``) and returns a Vega-Lite specification that carries everything it draws: data,
country shapes, fonts and number format of the language. ``to_svg`` and ``to_png`` draw it, once:
rendered pictures are cached on disk. docs/charts.md explains the choices.
"""

from waypoint.analytics.charts.breakdown import breakdown_chart
from waypoint.analytics.charts.choropleth import choropleth
from waypoint.analytics.charts.flows import (
    Amount,
    FlowEdge,
    FlowGraph,
    FlowNode,
    FlowRow,
    Flows,
    Route,
    flow_map,
    flows,
    routes_from_table,
)
from waypoint.analytics.charts.render import ChartCache, to_png, to_svg
from waypoint.analytics.charts.trends import trend_chart

__all__ = [
    "Amount",
    "ChartCache",
    "FlowEdge",
    "FlowGraph",
    "FlowNode",
    "FlowRow",
    "Flows",
    "Route",
    "breakdown_chart",
    "choropleth",
    "flow_map",
    "flows",
    "routes_from_table",
    "to_png",
    "to_svg",
    "trend_chart",
]
