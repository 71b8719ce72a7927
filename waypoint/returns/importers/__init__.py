"""The layouts aggregate returns are imported from, one module each; ``REGISTRY`` lists them in
the order ``auto`` tries them."""

from __future__ import annotations

from waypoint.bulk import registry
from waypoint.bulk.sources import Table
from waypoint.returns.importers import frontex, glotip, native
from waypoint.returns.importers.formats import Format

REGISTRY: tuple[Format, ...] = (native.FORMAT, glotip.FORMAT, frontex.FORMAT)
NAMES = tuple(fmt.name for fmt in REGISTRY)

THRESHOLD = registry.THRESHOLD


def get(name: str) -> Format:
    return registry.named(REGISTRY, name)


def detect(tables: list[Table]) -> Format:
    """The layout the headers match best, or a SourceError naming what was tried."""
    return registry.detect(REGISTRY, tables)
