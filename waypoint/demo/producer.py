"""Generate demo records in a second process while this one seals and writes them.

Generating and writing each take about half of the demo's time, and they do not depend on each
other beyond order, so on a machine with two cores a forked child generates the next records
while the parent writes (``waypoint.lib.background``). The records come in generation order, so
the data are exactly those the same seed gives in one process.
"""

from waypoint.lib.background import in_background

__all__ = ["in_background"]
