"""The mmp layout (being mapped); recognises nothing yet."""

from waypoint.bulk.formats import Format

FORMAT = Format(
    name="mmp", title="mmp", recognise=lambda tables: 0.0, read=lambda tables, context: iter(())
)
