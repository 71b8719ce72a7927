"""A statistical table: a measure by one to three dimensions, with explicit unknowns, every
marginal total, and a footnote of what was counted.

Runners (``analytics.statistics``) build a ``StatTable`` from the records a user may see; the
disclosure gate (``analytics.disclosure.protect``) is the only code that turns it into a
``ProtectedTable``, which is the only kind of table pages, the API, exports and reports accept.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

# The category of a marginal total along a dimension, and of a value the record does not give.
TOTAL = "_total"
UNKNOWN = "unknown"

Key = tuple[str, ...]


@dataclass(frozen=True)
class Dimension:
    """One axis of a table: ``name`` as in the table id (``sex``, ``age_group``, ``year``…), the
    categories in display order (``UNKNOWN`` included wherever it occurs) and their labels."""

    name: str
    label: str
    categories: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def label_of(self, category: str) -> str:
        return self.labels.get(category, category)


class CellStatus(enum.StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # suppressed: fewer contributors than the threshold
    SECONDARY = "secondary"  # suppressed so that a primary cell cannot be recovered from totals
    NOISY = "noisy"  # differentially private: value carries calibrated noise


@dataclass
class Cell:
    """The measures of one combination of categories (``TOTAL`` for a margin).

    ``values`` maps each measure of the table to its value; ``count`` is the number of distinct
    contributors (persons or incidents), which decides suppression even when the measure is a
    median. A suppressed cell keeps no value; a noisy one carries ``margin``, the half-width of its
    95 % error interval."""

    key: Key
    count: int
    values: dict[str, float | None]
    status: CellStatus = CellStatus.PUBLISHED
    margin: float | None = None

    @property
    def suppressed(self) -> bool:
        return self.status in (CellStatus.PRIMARY, CellStatus.SECONDARY)


@dataclass
class StatTable:
    """The unprotected result of a runner. ``cells`` holds every combination of the dimensions'
    categories and ``TOTAL`` (the full marginal cube); zero cells are present with count 0.
    ``additive`` says whether each total is the sum of its line (False when a person counts in
    several categories, e.g. several citizenships: then the total counts distinct persons).
    ``contributions`` is the most inner cells one contributor can count in (1 unless a dimension
    takes several values per contributor); differential privacy calibrates its noise to it."""

    table_id: str
    title: str
    dimensions: tuple[Dimension, ...]
    measures: tuple[str, ...]
    unit: str
    cells: dict[Key, Cell]
    footnotes: list[str] = field(default_factory=list)
    additive: bool = True
    contributions: int = 1

    def cell(self, *key: str) -> Cell:
        return self.cells[tuple(key)]

    def inner_cells(self) -> Iterator[Cell]:
        """The cells that are not totals along any dimension."""
        return (cell for cell in self.cells.values() if TOTAL not in cell.key)

    def lines(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        """Every line of the cube: the cells that differ only along one dimension, the total of
        that dimension included, as ``(dimension index, cells)``."""
        for index, dimension in enumerate(self.dimensions):
            seen: set[Key] = set()
            for key in self.cells:
                fixed = key[:index] + key[index + 1 :]
                if fixed in seen:
                    continue
                seen.add(fixed)
                yield (
                    index,
                    [
                        self.cells[(*key[:index], category, *key[index + 1 :])]
                        for category in (*dimension.categories, TOTAL)
                    ],
                )
