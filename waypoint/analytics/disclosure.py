"""The disclosure gate: ``protect()`` is the one way a statistical table leaves Waypoint.

Every page, API answer, export and report takes a ``ProtectedTable``, and only ``protect()`` makes
one. It applies one of three policies to a copy of the runner's ``StatTable``:

- small-cell suppression (the default): cells counting fewer contributors than the threshold are
  hidden (primary suppression), then more cells are hidden until no hidden value follows from the
  published figures by the equations that tie each line of the table to its total (secondary
  suppression);
- differential privacy for a public release (``release=PrivateRelease(...)``): calibrated noise
  on every count, paid for from the dataset's privacy budget (``analytics.privacy``);
- none, for a platform administrator checking the tables against their source
  (``unprotected=True``); the footnote says so.

docs/statistics.md explains the methods and their guarantees.
"""

from __future__ import annotations

import enum
import heapq
import itertools
import math
import random
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waypoint.analytics import privacy
from waypoint.analytics.privacy import PrivateRelease
from waypoint.analytics.table import TOTAL, Cell, CellStatus, Key, StatTable

HIDDEN = frozenset({CellStatus.PRIMARY, CellStatus.SECONDARY})

_T = TypeVar("_T")


class Method(enum.StrEnum):
    SUPPRESSION = "suppression"
    DIFFERENTIAL_PRIVACY = "differential_privacy"
    NONE = "none"


@dataclass(frozen=True)
class Policy:
    """What ``protect()`` did to a table: the method, whether for a public release, and its
    parameters (the threshold for suppression; the dataset and ε for differential privacy)."""

    method: Method
    public: bool
    threshold: int | None = None
    primary: int = 0
    secondary: int = 0
    dataset: str | None = None
    epsilon: float | None = None


@dataclass(frozen=True)
class ProtectedCell:
    """One cell as it may be shown: ``count`` and every value are None when it is suppressed;
    ``margin`` is the half-width of the 95 % error interval of a noisy cell."""

    key: Key
    labels: tuple[str, ...]
    values: dict[str, float | None]
    count: int | None
    status: CellStatus
    margin: float | None

    @property
    def suppressed(self) -> bool:
        return self.status in HIDDEN

    @property
    def noisy(self) -> bool:
        return self.status is CellStatus.NOISY

    @property
    def is_total(self) -> bool:
        return TOTAL in self.key


@dataclass(frozen=True)
class ProtectedTable:
    """A table that passed the gate. ``table`` is a protected copy of the runner's table: a
    suppressed cell keeps no value, and its ``count`` is None (not 0, whatever ``Cell`` declares)
    so that arithmetic on a hidden figure fails instead of showing a zero. Renderers read cells
    through ``rows()`` or ``cell()``. ``footnote`` describes the protection and is also the last
    of ``table.footnotes``."""

    table: StatTable
    policy: Policy
    footnote: str

    @property
    def table_id(self) -> str:
        return self.table.table_id

    @property
    def unprotected(self) -> bool:
        return self.policy.method is Method.NONE

    @property
    def footnotes(self) -> list[str]:
        return list(self.table.footnotes)

    def cell(self, *key: str) -> ProtectedCell:
        return self._view(self.table.cells[tuple(key)])

    def rows(self, *, totals: bool = True) -> Iterator[ProtectedCell]:
        """Every cell in display order (categories as the dimensions list them, each
        dimension's total after its categories); without totals when ``totals`` is False."""
        axes = [(*dimension.categories, TOTAL) for dimension in self.table.dimensions]
        for key in itertools.product(*axes):
            if totals or TOTAL not in key:
                yield self._view(self.table.cells[key])

    def _view(self, cell: Cell) -> ProtectedCell:
        labels = tuple(
            _("Total") if category == TOTAL else dimension.label_of(category)
            for dimension, category in zip(self.table.dimensions, cell.key, strict=True)
        )
        count = None if cell.suppressed else cell.count
        return ProtectedCell(cell.key, labels, dict(cell.values), count, cell.status, cell.margin)


def protect(
    table: StatTable,
    *,
    actor: Any,
    public: bool = False,
    threshold: int | None = None,
    release: PrivateRelease | None = None,
    unprotected: bool = False,
) -> ProtectedTable:
    """Return the protected copy of ``table`` that ``actor`` may be shown; never change ``table``.

    Suppress small cells with ``threshold`` (default: WAYPOINT_STATS_THRESHOLD, or the stricter
    WAYPOINT_STATS_PUBLIC_THRESHOLD when ``public``; an explicit one may only be stricter). With
    ``release`` (public releases only), add differentially private noise instead and record the
    spend in the privacy-budget ledger, refusing an overspend with ``privacy.BudgetExceeded``.
    ``unprotected`` skips protection for a platform administrator and raises PermissionDenied for
    anyone else.
    """
    if unprotected:
        return _unprotected(table, actor=actor, public=public, release=release)
    if release is not None:
        return _private(table, actor=actor, public=public, release=release, threshold=threshold)
    return _suppressed(table, threshold=effective_threshold(public, threshold), public=public)


def effective_threshold(public: bool, requested: int | None = None) -> int:
    """Return the threshold to apply: the configured one, or a stricter one asked for."""
    minimum = (
        settings.WAYPOINT_STATS_PUBLIC_THRESHOLD if public else settings.WAYPOINT_STATS_THRESHOLD
    )
    if requested is None:
        return int(minimum)
    if requested < minimum:
        raise ValueError(
            _("A threshold of %(requested)d is below the configured minimum of %(minimum)d.")
            % {"requested": requested, "minimum": minimum}
        )
    return requested


def _suppressed(table: StatTable, *, threshold: int, public: bool) -> ProtectedTable:
    """Apply primary and secondary suppression with ``threshold`` to a copy of ``table``."""
    status = suppression_pattern(table, threshold)
    primary = sum(1 for value in status.values() if value is CellStatus.PRIMARY)
    secondary = sum(1 for value in status.values() if value is CellStatus.SECONDARY)
    policy = Policy(Method.SUPPRESSION, public, threshold, primary, secondary)
    cells = {key: _masked(cell, status[key]) for key, cell in table.cells.items()}
    return _packed(table, cells, policy, _suppression_footnote(table, policy))


def suppression_pattern(
    table: StatTable, threshold: int, *, secondary: bool = True
) -> dict[Key, CellStatus]:
    """Decide which cells to hide: PRIMARY where 0 < count < threshold (totals included; zero
    cells stay published) or where the runner already withheld the cell (a sum over a figure its
    publisher censored), then, with ``secondary``, SECONDARY where needed so that no hidden value
    follows from the published ones (see ``exposed_cells``)."""
    primary, published = CellStatus.PRIMARY, CellStatus.PUBLISHED
    status = {
        key: primary if 0 < cell.count < threshold or cell.status is primary else published
        for key, cell in table.cells.items()
    }
    if secondary and CellStatus.PRIMARY in status.values():
        _Complements(table, status).run()
    return status


def _masked(cell: Cell, status: CellStatus) -> Cell:
    if status not in HIDDEN:
        return replace(cell, values=dict(cell.values), status=status)
    # None, not 0: a hidden figure must never pass for a zero (see ProtectedTable).
    hidden_count = cast(int, None)
    return Cell(cell.key, hidden_count, dict.fromkeys(cell.values), status)


def _packed(
    table: StatTable, cells: dict[Key, Cell], policy: Policy, footnote: str
) -> ProtectedTable:
    copy = replace(table, cells=cells, footnotes=[*table.footnotes, footnote])
    return ProtectedTable(copy, policy, footnote)


def _unit(table: StatTable) -> str:
    return str(table.unit) or _("contributors")


def _suppression_footnote(table: StatTable, policy: Policy) -> str:
    values = {
        "threshold": policy.threshold,
        "unit": _unit(table),
        "primary": policy.primary,
        "secondary": policy.secondary,
    }
    if not policy.primary:
        return (
            _(
                "Cells counting fewer than %(threshold)d %(unit)s are suppressed; "
                "no cell of this table is."
            )
            % values
        )
    text = (
        ngettext(
            "Cells counting fewer than %(threshold)d %(unit)s are suppressed (%(primary)d cell).",
            "Cells counting fewer than %(threshold)d %(unit)s are suppressed (%(primary)d cells).",
            policy.primary,
        )
        % values
    )
    if policy.secondary:
        text += (
            " "
            + ngettext(
                "%(secondary)d more cell is suppressed so that no suppressed cell can be "
                "recovered from totals.",
                "%(secondary)d more cells are suppressed so that no suppressed cell can be "
                "recovered from totals.",
                policy.secondary,
            )
            % values
        )
    return text


def _unprotected(
    table: StatTable, *, actor: Any, public: bool, release: PrivateRelease | None
) -> ProtectedTable:
    if not (getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False)):
        raise PermissionDenied(
            _("Only a platform administrator may see statistics without disclosure control.")
        )
    if release is not None:
        raise ValueError(_("An unprotected table cannot also be a differentially private one."))
    cells = {key: replace(cell, values=dict(cell.values)) for key, cell in table.cells.items()}
    footnote = _(
        "UNPROTECTED: no disclosure control was applied (a platform administrator’s check "
        "against the source data). Do not publish or share these figures."
    )
    return _packed(table, cells, Policy(Method.NONE, public), footnote)


def _private(
    table: StatTable,
    *,
    actor: Any,
    public: bool,
    release: PrivateRelease,
    threshold: int | None,
) -> ProtectedTable:
    if not public:
        raise ValueError(
            _("A differentially private release is a public release; pass public=True.")
        )
    if threshold is not None:
        raise ValueError(_("A differentially private release applies no threshold."))
    result = privacy.release_table(table, release, actor=actor)
    policy = Policy(
        Method.DIFFERENTIAL_PRIVACY, True, dataset=release.dataset, epsilon=release.epsilon
    )
    return _packed(table, result.cells, policy, result.footnote)


class _Complements:
    """Secondary suppression: hide complementary cells until no line of the table holds exactly
    one hidden cell and no hidden value follows from the published ones by the line equations.

    A complement that closes a line is chosen to lose little: a non-zero cell before a zero one
    (a zero complement would leave the line's residual equal to the hidden value), an inner cell
    before a total, a cell whose other lines already hold a hidden cell (it then creates no new
    line to protect) before one whose lines do not, then the smallest count. A hidden cell that
    the whole system still determines is then protected by the cheapest *box* around it (see
    ``cheapest_box``).

    Cells are numbered in display order (the last dimension fastest), so that a line is a range
    of numbers: line ``base * d + i`` runs along dimension ``i`` from cell ``base``, whose
    category there is the first."""

    def __init__(self, table: StatTable, status: dict[Key, CellStatus]) -> None:
        self.status = status
        self.axes = [(*dimension.categories, TOTAL) for dimension in table.dimensions]
        self.sizes = [len(axis) for axis in self.axes]
        self.strides = [math.prod(self.sizes[index + 1 :]) for index in range(len(self.axes))]
        self.keys = list(itertools.product(*self.axes))
        self.counts = [table.cells[key].count for key in self.keys]
        self.hidden = [status[key] in HIDDEN for key in self.keys]
        self.hidden_in: dict[int, int] = defaultdict(int)
        for cell in self.hidden_cells():
            for line in self.lines_of(cell):
                self.hidden_in[line] += 1
        single = [line for line, hidden in self.hidden_in.items() if hidden == 1]
        # Lines dimension by dimension, each in display order.
        self.queue = deque(sorted(single, key=lambda line: (line % len(self.sizes), line)))

    def run(self) -> None:
        self.close_lines()
        boxed: set[int] = set()
        for cell in self.exposed():
            if cell not in boxed:  # else a box hidden for another cell holds it already
                box = self.cheapest_box(cell)
                boxed.update(box)
                for corner in box:
                    if not self.hidden[corner]:
                        self.hide(corner)
        # No need to check again: every cell hidden now was either undetermined already (hiding
        # more cells never determines one) or is the corner of a box, which leaves it free.

    def exposed(self) -> list[int]:
        """The hidden cells that the published ones determine (see ``exposed_cells``)."""
        hidden = list(self.hidden_cells())
        column = dict(zip(hidden, itertools.count()))
        rows = []
        for line, count in self.hidden_in.items():
            if count:
                cells = self.cells_of(line)
                total = cells[-1]
                rows.append(
                    {
                        column[cell]: _PRIME - 1 if cell == total else 1
                        for cell in cells
                        if self.hidden[cell]
                    }
                )
        return _determined(hidden, rows)

    def close_lines(self) -> None:
        while self.queue:
            line = self.queue.popleft()
            if self.hidden_in[line] == 1:
                published = [cell for cell in self.cells_of(line) if not self.hidden[cell]]
                # A zero cell comes last whatever else (see ``cost``): most of a long line's.
                choice = self.best(cell for cell in published if self.counts[cell])
                if choice is None:
                    choice = self.best(published)
                if choice is not None:
                    self.hide(choice)

    def hide(self, cell: int) -> None:
        self.hidden[cell] = True
        self.status[self.keys[cell]] = CellStatus.SECONDARY
        for line in self.lines_of(cell):
            self.hidden_in[line] += 1
            if self.hidden_in[line] == 1:
                self.queue.append(line)

    def hidden_cells(self) -> Iterator[int]:
        return itertools.compress(itertools.count(), self.hidden)

    def lines_of(self, cell: int) -> Iterator[int]:
        dimensions = len(self.sizes)
        for index, (size, stride) in enumerate(zip(self.sizes, self.strides, strict=True)):
            yield (cell - cell // stride % size * stride) * dimensions + index

    def cells_of(self, line: int) -> range:
        base, index = divmod(line, len(self.sizes))
        stride = self.strides[index]
        return range(base, base + self.sizes[index] * stride, stride)

    def cheapest_box(self, cell: int) -> list[int]:
        """Return the box around ``cell`` whose published cells cost least to hide (see
        ``price``).

        A box takes two categories along every dimension, the cell's and a partner (another
        category or the total): its 2^d corners. Every line through a box meets exactly two of
        its corners, so the corners can all change at once and leave every line sum as it was:
        one unit more in one and one less in the other, or one more in both when one is the
        line's total. Once they are all hidden, then, none of them follows from the published
        cells. The partners tried along each dimension are the few whose neighbour of the cell
        is cheapest, which keeps the search small in four dimensions."""
        width = _partners_per_dimension(len(self.sizes))
        moves = []
        for size, stride in zip(self.sizes, self.strides, strict=True):
            here = cell // stride % size
            steps = [(other - here) * stride for other in range(size) if other != here]
            if not steps:
                # A dimension without categories: its lines say that every cell is 0.
                raise AssertionError("a hidden cell in a table with an empty dimension")
            steps.sort(key=lambda step: self.price(cell + step))
            moves.append(steps[:width])
        prices: dict[int, int] = {}

        def cost(choice: Sequence[int]) -> int:
            total = 0
            for corner in _corners(cell, choice):
                if corner not in prices:
                    prices[corner] = self.price(corner)
                total += prices[corner]
            return total

        return _corners(cell, min(itertools.product(*moves), key=cost))

    def price(self, cell: int) -> int:
        """What hiding ``cell`` costs a box: nothing if hidden, most if zero; else one cell, a
        little more for each dimension it totals, and less the smaller its count."""
        if self.hidden[cell]:
            return 0
        count = self.counts[cell]
        if count == 0:
            return _ZERO_PRICE
        totals = self.keys[cell].count(TOTAL)
        return _CELL_PRICE + totals * _TOTAL_PRICE + min(count, _TOTAL_PRICE - 1)

    def best(self, candidates: Iterable[int]) -> int | None:
        return min(candidates, key=self.cost, default=None)

    def cost(self, cell: int) -> tuple[bool, int, int, int, Key]:
        count, key = self.counts[cell], self.keys[cell]
        new_lines = sum(1 for line in self.lines_of(cell) if not self.hidden_in[line])
        return (count == 0, key.count(TOTAL), new_lines, count, key)


# A box's price sums its corners': any number of non-zero cells costs less than one zero cell, and
# one more cell costs more than any difference in how many totals or how large the counts (up to
# 2^d corners, each at most d totals and a count capped below _TOTAL_PRICE; d up to 8).
_TOTAL_PRICE = 1 << 20
_CELL_PRICE = 1 << 32
_ZERO_PRICE = 1 << 48
# Combinations of partners a box search tries at most (4 per dimension in four dimensions).
_BOX_SEARCH = 256


def _partners_per_dimension(dimensions: int) -> int:
    width = 1
    while width < _BOX_SEARCH and (width + 1) ** dimensions <= _BOX_SEARCH:
        width += 1
    return width


def _corners(cell: int, moves: Sequence[int]) -> list[int]:
    """The corners of the box from ``cell`` with one move (a step in cell numbers) along each
    dimension."""
    corners = [cell]
    for move in moves:
        corners += [corner + move for corner in corners]
    return corners


# Arithmetic modulo a 61-bit prime keeps elimination exact and fast in pure Python; it could
# differ from rational arithmetic only if the prime divided a minor of the 0/±1 line matrix,
# which is far smaller than the prime for any table Waypoint makes.
_PRIME = (1 << 61) - 1
# The free unknowns of the line system take pseudo-random values from a fixed seed, so that the
# same table is always suppressed the same way.
_SEED = 0x5EED


def exposed_cells(lines: Sequence[Sequence[Key]], status: dict[Key, CellStatus]) -> list[Key]:
    """Return the hidden cells whose value follows from the published cells: those fixed by the
    system "the categories of a line sum to its total" over every line of the cube, in key order.

    The system restricted to the hidden cells (the lines holding one, each hidden cell an unknown)
    is brought to echelon form, and one solution of its homogeneous version is drawn: the free
    unknowns at random, the others by back-substitution. A hidden cell is determined exactly
    when it is 0 in every solution; one that is not comes out 0 in the random one with a
    probability below 2^-60, which could only hide more than needed. Lines count as equations
    even in tables that are not additive, which can only hide more than needed too.
    """
    hidden = sorted(key for key, value in status.items() if value in HIDDEN)
    column = dict(zip(hidden, itertools.count()))
    rows = []
    for line in lines:
        total = len(line) - 1
        row = {
            column[key]: _PRIME - 1 if position == total else 1
            for position, key in enumerate(line)
            if key in column
        }
        if row:
            rows.append(row)
    return _determined(hidden, rows)


def _determined(unknowns: list[_T], rows: list[dict[int, int]]) -> list[_T]:
    """The ``unknowns`` that the homogeneous system ``rows`` (column → coefficient) sets to 0."""
    values = _solution(_echelon(rows, len(unknowns)), len(unknowns))
    return [unknown for unknown, value in zip(unknowns, values, strict=True) if value == 0]


def _echelon(rows: list[dict[int, int]], width: int) -> list[tuple[int, dict[int, int]]]:
    """Eliminate ``rows`` (column → coefficient, over ``width`` columns), shortest row first and
    in it the column fewest rows hold, which keeps the fill-in small; return the pivots in their
    order, each with its row, which holds no column pivoted before it. ``rows`` is consumed."""
    holding: list[set[int]] = [set() for _ in range(width)]
    for number, row in enumerate(rows):
        for column in row:
            holding[column].add(number)
    queue = [(len(row), number) for number, row in enumerate(rows)]
    heapq.heapify(queue)
    done = [False] * len(rows)
    pivots = []
    while queue:
        size, number = heapq.heappop(queue)
        row = rows[number]
        if done[number] or size != len(row):
            continue  # used already, or queued again with its new length
        done[number] = True
        if not row:
            continue
        for column in row:
            holding[column].discard(number)
        pivot = min(row, key=lambda column: (len(holding[column]), column))
        inverse = pow(row[pivot], -1, _PRIME)
        rest = [(column, value) for column, value in row.items() if column != pivot]
        for other in holding[pivot]:
            _subtract(rows[other], other, rows[other].pop(pivot) * inverse % _PRIME, rest, holding)
            heapq.heappush(queue, (len(rows[other]), other))
        holding[pivot].clear()
        pivots.append((pivot, row))
    return pivots


def _subtract(
    row: dict[int, int],
    number: int,
    factor: int,
    entries: list[tuple[int, int]],
    holding: list[set[int]],
) -> None:
    """Subtract ``factor`` × ``entries`` from ``row`` (number ``number``), keeping ``holding``."""
    for column, value in entries:
        if column in row:
            result = (row[column] - factor * value) % _PRIME
            if result:
                row[column] = result
            else:
                del row[column]
                holding[column].discard(number)
        else:
            row[column] = -factor * value % _PRIME
            holding[column].add(number)


def _solution(pivots: list[tuple[int, dict[int, int]]], width: int) -> list[int]:
    """One solution of the homogeneous system in echelon form ``pivots``: every free unknown
    drawn at random (never 0), the pivots solved from the last to the first."""
    rng = random.Random(_SEED)
    pivoted = {pivot for pivot, _row in pivots}
    values = [0 if column in pivoted else rng.randrange(1, _PRIME) for column in range(width)]
    for pivot, row in reversed(pivots):
        rest = sum(value * values[column] for column, value in row.items() if column != pivot)
        values[pivot] = -rest * pow(row[pivot], -1, _PRIME) % _PRIME
    return values
