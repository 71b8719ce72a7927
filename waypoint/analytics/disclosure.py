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
import itertools
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waypoint.analytics import privacy
from waypoint.analytics.privacy import PrivateRelease
from waypoint.analytics.table import TOTAL, Cell, CellStatus, Key, StatTable

HIDDEN = frozenset({CellStatus.PRIMARY, CellStatus.SECONDARY})


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
    cells stay published), then, with ``secondary``, SECONDARY where needed so that no hidden
    value follows from the published ones (see ``exposed_cells``)."""
    status = {
        key: CellStatus.PRIMARY if 0 < cell.count < threshold else CellStatus.PUBLISHED
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

    A complement is chosen to lose little: a non-zero cell before a zero one (a zero complement
    would leave the line's residual equal to the hidden value), an inner cell before a total,
    a cell whose other lines already hold a hidden cell (it then creates no new line to
    protect) before one whose lines do not, then the smallest count."""

    def __init__(self, table: StatTable, status: dict[Key, CellStatus]) -> None:
        self.table = table
        self.status = status
        self.lines = [tuple(cell.key for cell in cells) for _, cells in table.lines()]
        self.lines_of: dict[Key, list[int]] = defaultdict(list)
        for index, line in enumerate(self.lines):
            for key in line:
                self.lines_of[key].append(index)
        self.hidden_in = [sum(status[key] in HIDDEN for key in line) for line in self.lines]
        self.queue = deque(index for index, hidden in enumerate(self.hidden_in) if hidden == 1)

    def run(self) -> None:
        self.close_lines()
        while exposed := exposed_cells(self.lines, self.status):
            used: set[int] = set()
            for key in exposed:
                # One complement per line and round: a complement often protects several cells.
                if used.isdisjoint(self.lines_of[key]):
                    choice = self.best(self.around(key)) or self.best(self.published())
                    if choice is None:
                        raise AssertionError("an exposed cell with every cell hidden")
                    used.update(self.lines_of[choice])
                    self.hide(choice)
            self.close_lines()

    def close_lines(self) -> None:
        while self.queue:
            index = self.queue.popleft()
            if self.hidden_in[index] == 1:
                choice = self.best(k for k in self.lines[index] if self.is_published(k))
                if choice is not None:
                    self.hide(choice)

    def hide(self, key: Key) -> None:
        self.status[key] = CellStatus.SECONDARY
        for index in self.lines_of[key]:
            self.hidden_in[index] += 1
            if self.hidden_in[index] == 1:
                self.queue.append(index)

    def is_published(self, key: Key) -> bool:
        return self.status[key] not in HIDDEN

    def around(self, key: Key) -> Iterator[Key]:
        for index in self.lines_of[key]:
            yield from (k for k in self.lines[index] if self.is_published(k))

    def published(self) -> Iterator[Key]:
        return (key for key in self.status if self.is_published(key))

    def best(self, candidates: Iterable[Key]) -> Key | None:
        return min(candidates, key=self.cost, default=None)

    def cost(self, key: Key) -> tuple[bool, int, int, int, Key]:
        count = self.table.cells[key].count
        new_lines = sum(1 for index in self.lines_of[key] if self.hidden_in[index] == 0)
        return (count == 0, key.count(TOTAL), new_lines, count, key)


# Arithmetic modulo a 61-bit prime keeps elimination exact and fast in pure Python; it could
# differ from rational arithmetic only if the prime divided a minor of the 0/±1 line matrix,
# which is far smaller than the prime for any table Waypoint makes.
_PRIME = (1 << 61) - 1


def exposed_cells(lines: Sequence[Sequence[Key]], status: dict[Key, CellStatus]) -> list[Key]:
    """Return the hidden cells whose value follows from the published cells: those fixed by the
    system "the categories of a line sum to its total" over every line of the cube.

    The system restricted to the hidden cells is reduced to row echelon form; a hidden cell is
    determined exactly when its pivot row holds no other unknown. Lines count as equations even
    in tables that are not additive, which can only hide more than needed.
    """
    hidden = sorted(key for key, value in status.items() if value in HIDDEN)
    column = {key: index for index, key in enumerate(hidden)}
    rows = [
        {
            column[key]: (-1 if position == len(line) - 1 else 1) % _PRIME
            for position, key in enumerate(line)
            if key in column
        }
        for line in lines
    ]
    pivots: dict[int, dict[int, int]] = {}
    # Short rows first keep the reduced rows short (several times faster on large tables).
    for row in sorted((row for row in rows if row), key=len):
        _eliminate(pivots, row)
    return [hidden[pivot] for pivot, row in sorted(pivots.items()) if len(row) == 1]


def _eliminate(pivots: dict[int, dict[int, int]], row: dict[int, int]) -> None:
    """Add ``row`` to the reduced row echelon form ``pivots`` (pivot column → its row)."""
    for pivot in [column for column in row if column in pivots]:
        # Pivot rows hold no other pivot column, so each subtraction leaves the others alone.
        _subtract(row, row[pivot], pivots[pivot])
    if not row:
        return
    pivot = min(row)
    inverse = pow(row[pivot], -1, _PRIME)
    for column in row:
        row[column] = row[column] * inverse % _PRIME
    for other in pivots.values():
        if pivot in other:
            _subtract(other, other[pivot], row)
    pivots[pivot] = row


def _subtract(row: dict[int, int], factor: int, pivot_row: dict[int, int]) -> None:
    for column, value in pivot_row.items():
        result = (row.get(column, 0) - factor * value) % _PRIME
        if result:
            row[column] = result
        else:
            row.pop(column, None)
