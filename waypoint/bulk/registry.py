"""Choosing a layout from a registry of importers, by name or from a file's headers: shared by
the incident importers (``bulk.importers``) and the returns importers (``returns.importers``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from waypoint.bulk.sources import SourceError, Table

#: How sure ``auto`` must be before it picks a layout.
THRESHOLD = 0.5


class Layout(Protocol):
    """What a registry entry gives: its name and how surely it recognises some tables."""

    @property
    def name(self) -> str: ...

    @property
    def recognise(self) -> Callable[[list[Table]], float]: ...


L = TypeVar("L", bound=Layout)


def named(registry: Sequence[L], name: str) -> L:
    for layout in registry:
        if layout.name == name:
            return layout
    raise KeyError(name)


def detect(registry: Sequence[L], tables: list[Table]) -> L:
    """The layout the headers match best, or a SourceError naming what was tried."""
    scores = sorted(
        ((layout.recognise(tables), index) for index, layout in enumerate(registry)), reverse=True
    )
    best, index = scores[0]
    if best < THRESHOLD:
        headers = ", ".join(list(tables[0].headers.values())[:8])
        names = ", ".join(layout.name for layout in registry)
        raise SourceError(
            tables[0].file,
            f"the layout was not recognised from its header ({headers}, …); "
            f"name it with --format ({names})",
        )
    return registry[index]
