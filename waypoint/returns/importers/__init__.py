"""The layouts aggregate returns are imported from, one module each; ``REGISTRY`` lists them in
the order ``auto`` tries them."""

from __future__ import annotations

from waypoint.bulk.sources import SourceError, Table
from waypoint.returns.importers import frontex, glotip, native
from waypoint.returns.importers.formats import Format

REGISTRY: tuple[Format, ...] = (native.FORMAT, glotip.FORMAT, frontex.FORMAT)
NAMES = tuple(fmt.name for fmt in REGISTRY)

#: How sure ``auto`` must be before it picks a layout.
THRESHOLD = 0.5


def get(name: str) -> Format:
    for fmt in REGISTRY:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def detect(tables: list[Table]) -> Format:
    """The layout the headers match best, or a SourceError naming what was tried."""
    scores = sorted(
        ((fmt.recognise(tables), index) for index, fmt in enumerate(REGISTRY)), reverse=True
    )
    best, index = scores[0]
    if best < THRESHOLD:
        headers = ", ".join(list(tables[0].headers.values())[:8])
        raise SourceError(
            tables[0].file,
            f"the layout was not recognised from its header ({headers}, …); "
            f"name it with --format ({', '.join(NAMES)})",
        )
    return REGISTRY[index]
