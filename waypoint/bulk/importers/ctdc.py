"""The ctdc layout (being mapped); recognises nothing yet."""

from waypoint.bulk.formats import Format

FORMAT = Format(
    name="ctdc", title="ctdc", recognise=lambda tables: 0.0, read=lambda tables, context: iter(())
)
