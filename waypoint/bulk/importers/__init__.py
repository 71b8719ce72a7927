"""The import formats, one module each; ``REGISTRY`` lists them in the order ``auto`` tries."""

from __future__ import annotations

from waypoint.bulk import registry
from waypoint.bulk.formats import Format
from waypoint.bulk.importers import ctdc, htcds, mmp, native
from waypoint.bulk.sources import Table

REGISTRY: tuple[Format, ...] = (native.FORMAT, ctdc.FORMAT, htcds.FORMAT, mmp.FORMAT)
NAMES = tuple(fmt.name for fmt in REGISTRY)

THRESHOLD = registry.THRESHOLD


def get(name: str) -> Format:
    return registry.named(REGISTRY, name)


def detect(tables: list[Table]) -> Format:
    """The layout the headers match best, or a SourceError naming what was tried."""
    return registry.detect(REGISTRY, tables)
