"""The export formats, one module each, listed in ``REGISTRY``."""

from __future__ import annotations

from waypoint.bulk.exporters import csv, htcds, json, xlsx
from waypoint.bulk.exporters.base import Exporter

REGISTRY: tuple[Exporter, ...] = (
    csv.EXPORTER,
    xlsx.EXPORTER,
    json.EXPORTER,
    htcds.EXPORTER,
    htcds.XLSX_EXPORTER,
)
NAMES = tuple(exporter.name for exporter in REGISTRY)
#: Formats that also come as a ZIP of one file per table (asked for by a ``.zip`` file name).
ARCHIVES: dict[str, Exporter] = {csv.EXPORTER.name: csv.ARCHIVE}


def get(name: str, *, archive: bool = False) -> Exporter:
    """The exporter called ``name`` (its ZIP variant with ``archive``); KeyError if none."""
    if archive:
        return ARCHIVES[name]
    for exporter in REGISTRY:
        if exporter.name == name:
            return exporter
    raise KeyError(name)
