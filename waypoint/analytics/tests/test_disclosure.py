"""The disclosure gate: small-cell suppression, secondary suppression tested by an attacker, and
unprotected tables for the platform administrator alone."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.test import SimpleTestCase, override_settings, tag

from waypoint.analytics import disclosure
from waypoint.analytics.disclosure import (
    HIDDEN,
    Method,
    ProtectedTable,
    exposed_cells,
    protect,
    suppression_pattern,
)
from waypoint.analytics.table import TOTAL, Cell, CellStatus, Dimension, Key, StatTable
from waypoint.test import BaseTestCase

THRESHOLDS = {"WAYPOINT_STATS_THRESHOLD": 5, "WAYPOINT_STATS_PUBLIC_THRESHOLD": 10}


def make_cube(
    dimensions: Mapping[str, Sequence[str]],
    inner: Mapping[Key, int],
    *,
    table_id: str = "test_table",
    additive: bool = True,
    contributions: int = 1,
) -> StatTable:
    """Build a count table with every marginal total from its inner counts (missing ones are 0)."""
    axes = [
        Dimension(name, name.title(), tuple(categories)) for name, categories in dimensions.items()
    ]
    counts: dict[Key, int] = {}
    for key in itertools.product(*(axis.categories for axis in axes)):
        for mask in itertools.product((False, True), repeat=len(key)):
            cube_key = tuple(
                TOTAL if masked else part for masked, part in zip(mask, key, strict=True)
            )
            counts[cube_key] = counts.get(cube_key, 0) + inner.get(key, 0)
    cells = {key: Cell(key, count, {"count": count}) for key, count in counts.items()}
    return StatTable(
        table_id,
        "Test table",
        tuple(axes),
        ("count",),
        "persons",
        cells,
        footnotes=["Counted: test persons."],
        additive=additive,
        contributions=contributions,
    )


def random_cube(rng: random.Random, dimensions: int) -> StatTable:
    """A table of 1 to 3 dimensions with a mix of zeros, small and large counts."""
    sizes = [rng.randint(2, 7 if dimensions == 1 else 5 if dimensions == 2 else 3)]
    sizes += [rng.randint(2, 5 if dimensions == 2 else 3) for _ in range(dimensions - 1)]
    axes = {f"d{index}": [f"c{j}" for j in range(size)] for index, size in enumerate(sizes)}
    inner = {}
    for key in itertools.product(*axes.values()):
        draw = rng.random()
        inner[key] = 0 if draw < 0.2 else rng.randint(1, 4) if draw < 0.5 else rng.randint(5, 40)
    return make_cube(axes, inner)


def skewed_cube(rng: random.Random, sizes: Sequence[int], contributors: int) -> StatTable:
    """A sparse table of ``len(sizes)`` dimensions counting ``contributors`` drawn with skewed
    weights (the first category of each dimension most often): many zeros, many small counts and
    a few large ones, as in a table by citizenship."""
    axes = {f"d{index}": [f"c{j:03d}" for j in range(size)] for index, size in enumerate(sizes)}
    draws = [
        rng.choices(
            categories, weights=[1 / (j + 1) for j in range(len(categories))], k=contributors
        )
        for categories in axes.values()
    ]
    inner: dict[Key, int] = {}
    for key in zip(*draws, strict=True):
        inner[key] = inner.get(key, 0) + 1
    return make_cube(axes, inner)


# --- The attacker --------------------------------------------------------------------------------


def published_values(protected: ProtectedTable) -> dict[Key, int | None]:
    """All an outsider gets: the published counts, None where a cell is suppressed."""
    return {cell.key: cell.count for cell in protected.rows()}


def cube_lines(dimensions: Sequence[Sequence[str]]) -> list[list[Key]]:
    """Every line of the cube, its total last, worked out here independently of the gate."""
    axes = [(*categories, TOTAL) for categories in dimensions]
    lines = []
    for index, axis in enumerate(axes):
        others = [a for position, a in enumerate(axes) if position != index]
        for fixed in itertools.product(*others):
            lines.append([(*fixed[:index], category, *fixed[index:]) for category in axis])
    return lines


def attack(
    dimensions: Sequence[Sequence[str]], published: Mapping[Key, int | None]
) -> dict[Key, Fraction]:
    """Try to recover suppressed values from the published ones: repeated subtraction along every
    line, then exact rational solution of the whole system "each line sums to its total"
    (for two dimensions, the row and column system). Return what was recovered."""
    lines = cube_lines(dimensions)
    known: dict[Key, Fraction] = {
        key: Fraction(value) for key, value in published.items() if value is not None
    }
    recovered = _subtract_along_lines(lines, known)
    recovered.update(_solve_line_system(lines, known))
    return recovered


def _subtract_along_lines(
    lines: list[list[Key]], known: dict[Key, Fraction]
) -> dict[Key, Fraction]:
    recovered: dict[Key, Fraction] = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            missing = [key for key in line if key not in known]
            if len(missing) != 1:
                continue
            *inner, total = line
            target = missing[0]
            if target == total:
                value = sum((known[key] for key in inner), Fraction(0))
            else:
                value = known[total] - sum(
                    (known[key] for key in inner if key != target), Fraction(0)
                )
            known[target] = recovered[target] = value
            progress = True
    return recovered


def _solve_line_system(
    lines: list[list[Key]], known: Mapping[Key, Fraction]
) -> dict[Key, Fraction]:
    unknowns = sorted({key for line in lines for key in line if key not in known})
    column = {key: index for index, key in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * (len(unknowns) + 1)
        for position, key in enumerate(line):
            sign = -1 if position == len(line) - 1 else 1
            if key in column:
                row[column[key]] += sign
            else:
                row[-1] -= sign * known[key]
        if any(row[:-1]):
            rows.append(row)
    pivots = _reduced_row_echelon(rows, len(unknowns))
    return {
        unknowns[col]: row[-1]
        for col, row in pivots.items()
        if not any(row[other] for other in range(len(unknowns)) if other != col)
    }


def _reduced_row_echelon(rows: list[list[Fraction]], width: int) -> dict[int, list[Fraction]]:
    pivots: dict[int, list[Fraction]] = {}
    remaining = rows
    for col in range(width):
        chosen = next((row for row in remaining if row[col] != 0), None)
        if chosen is None:
            continue
        remaining = [row for row in remaining if row is not chosen]
        chosen = [value / chosen[col] for value in chosen]
        for group in (remaining, list(pivots.values())):
            for row in group:
                factor = row[col]
                if factor:
                    row[:] = [a - factor * b for a, b in zip(row, chosen, strict=True)]
        pivots[col] = chosen
    return pivots


def sparse_attack(
    dimensions: Sequence[Sequence[str]], published: Mapping[Key, int | None]
) -> dict[Key, Fraction]:
    """``attack`` for tables too large for its dense solver: the same repeated subtraction, then
    the whole line system reduced exactly, as sparse rows of fractions."""
    lines = cube_lines(dimensions)
    known: dict[Key, Fraction] = {
        key: Fraction(value) for key, value in published.items() if value is not None
    }
    recovered = _subtract_along_lines(lines, known)
    recovered.update(_solve_sparse_line_system(lines, known))
    return recovered


SparseRow = tuple[dict[Key, Fraction], Fraction]  # unknowns' coefficients, constant term


def _solve_sparse_line_system(
    lines: list[list[Key]], known: Mapping[Key, Fraction]
) -> dict[Key, Fraction]:
    rows: list[SparseRow] = []
    for line in lines:
        coefficients: dict[Key, Fraction] = {}
        constant = Fraction(0)
        for position, key in enumerate(line):
            sign = -1 if position == len(line) - 1 else 1
            if key in known:
                constant -= sign * known[key]
            else:
                coefficients[key] = Fraction(sign)
        if coefficients:
            rows.append((coefficients, constant))
    pivots: dict[Key, SparseRow] = {}
    for row in sorted(rows, key=lambda row: len(row[0])):
        for column in [column for column in row[0] if column in pivots]:
            row = _minus(row, row[0][column], pivots[column])
        if row[0]:
            pivot = min(row[0])
            scale = row[0][pivot]
            row = ({key: value / scale for key, value in row[0].items()}, row[1] / scale)
            for column, other in pivots.items():
                if pivot in other[0]:
                    pivots[column] = _minus(other, other[0][pivot], row)
            pivots[pivot] = row
    return {column: row[1] for column, row in pivots.items() if len(row[0]) == 1}


def _minus(row: SparseRow, factor: Fraction, other: SparseRow) -> SparseRow:
    """``row`` minus ``factor`` times ``other``."""
    coefficients = dict(row[0])
    for key, value in other[0].items():
        coefficients[key] = coefficients.get(key, Fraction(0)) - factor * value
        if not coefficients[key]:
            del coefficients[key]
    return coefficients, row[1] - factor * other[1]


def bridge_table() -> StatTable:
    """Two blocks of small cells, joined by one small cell (r2, c3): every line holds two or more
    small cells, yet the joining cell follows from the row and column totals."""
    rows, columns = ["r1", "r2", "r3", "r4"], ["c1", "c2", "c3", "c4"]
    small = {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"), ("r3", "c3")}
    small |= {("r3", "c4"), ("r4", "c3"), ("r4", "c4"), ("r2", "c3")}
    inner: dict[Key, int] = {
        key: 2 if key in small else 50 for key in itertools.product(rows, columns)
    }
    return make_cube({"row": rows, "column": columns}, inner)


def categories_of(table: StatTable) -> list[tuple[str, ...]]:
    return [dimension.categories for dimension in table.dimensions]


def primary_only(table: StatTable, threshold: int) -> dict[Key, int | None]:
    """What a gate without secondary suppression would publish."""
    status = suppression_pattern(table, threshold, secondary=False)
    return {
        key: None if status[key] is CellStatus.PRIMARY else cell.count
        for key, cell in table.cells.items()
    }


# --- Tests ---------------------------------------------------------------------------------------

TWO_BY_THREE = make_cube(
    {"sex": ["female", "male"], "year": ["2023", "2024", "2025"]},
    {
        ("female", "2023"): 2,
        ("female", "2024"): 10,
        ("female", "2025"): 20,
        ("male", "2023"): 15,
        ("male", "2024"): 12,
        ("male", "2025"): 30,
    },
)


@override_settings(**THRESHOLDS)
class PrimarySuppressionTests(SimpleTestCase):
    def test_it_suppresses_cells_below_the_internal_default(self) -> None:
        table = make_cube(
            {"sex": ["female", "male", "unknown"]},
            {("female",): 4, ("male",): 5, ("unknown",): 30},
        )
        protected = protect(table, actor=None)
        self.assertEqual(protected.cell("female").status, CellStatus.PRIMARY)
        # 5 is not below the threshold: hidden only as the complement of the female cell.
        self.assertEqual(protected.cell("male").status, CellStatus.SECONDARY)
        self.assertEqual(protected.cell("unknown").count, 30)
        self.assertEqual(protected.policy.threshold, 5)

    def test_it_applies_the_stricter_public_default(self) -> None:
        table = make_cube({"sex": ["female", "male"]}, {("female",): 9, ("male",): 30})
        self.assertFalse(protect(table, actor=None).cell("female").suppressed)
        public = protect(table, actor=None, public=True)
        self.assertEqual(public.cell("female").status, CellStatus.PRIMARY)
        self.assertEqual(public.policy.threshold, 10)
        self.assertTrue(public.policy.public)

    def test_it_applies_an_explicit_stricter_threshold(self) -> None:
        table = make_cube({"sex": ["female", "male"]}, {("female",): 11, ("male",): 30})
        protected = protect(table, actor=None, public=True, threshold=12)
        self.assertEqual(protected.cell("female").status, CellStatus.PRIMARY)
        self.assertEqual(protected.policy.threshold, 12)

    def test_it_refuses_a_threshold_below_the_configured_one(self) -> None:
        with self.assertRaisesMessage(ValueError, "below the configured minimum of 10"):
            protect(TWO_BY_THREE, actor=None, public=True, threshold=3)

    @override_settings(WAYPOINT_STATS_THRESHOLD=3, WAYPOINT_STATS_PUBLIC_THRESHOLD=4)
    def test_it_reads_its_thresholds_from_the_settings(self) -> None:
        table = make_cube({"sex": ["female", "male"]}, {("female",): 3, ("male",): 30})
        self.assertFalse(protect(table, actor=None).cell("female").suppressed)
        self.assertTrue(protect(table, actor=None, public=True).cell("female").suppressed)

    def test_it_suppresses_a_total_below_the_threshold(self) -> None:
        table = make_cube(
            {"year": ["2023"], "sex": ["female", "male"]},
            {("2023", "female"): 2, ("2023", "male"): 2},
        )
        protected = protect(table, actor=None)
        self.assertEqual(protected.cell(TOTAL, TOTAL).status, CellStatus.PRIMARY)
        self.assertEqual(protected.cell("2023", TOTAL).status, CellStatus.PRIMARY)
        self.assertIsNone(protected.cell(TOTAL, TOTAL).count)

    def test_it_publishes_zero_cells(self) -> None:
        table = make_cube({"sex": ["female", "male", "unknown"]}, {("female",): 2, ("male",): 40})
        protected = protect(table, actor=None)
        self.assertEqual(protected.cell("unknown").count, 0)
        self.assertEqual(protected.cell("unknown").status, CellStatus.PUBLISHED)
        # The complement of the small female cell is the male one, never the zero.
        self.assertEqual(protected.cell("male").status, CellStatus.SECONDARY)

    def test_it_hides_every_measure_of_a_suppressed_non_count_cell(self) -> None:
        # Fees paid: three measures per cell; ``count`` is the number of persons who paid.
        routes = ("central_med", "eastern_med", "western_balkans")
        counts = {"central_med": 3, "eastern_med": 8, "western_balkans": 40, TOTAL: 51}
        fees = {"median": 1500.0, "q1": 900.0, "q3": 2400.0}
        cells: dict[Key, Cell] = {
            (route,): Cell((route,), count, dict(fees)) for route, count in counts.items()
        }
        dimension = Dimension("route", "Route", routes)
        table = StatTable(
            "fees_by_route", "Fees", (dimension,), ("median", "q1", "q3"), "persons", cells
        )
        protected = protect(table, actor=None)
        hidden = protected.cell("central_med")
        self.assertEqual(hidden.status, CellStatus.PRIMARY)
        self.assertEqual(hidden.values, {"median": None, "q1": None, "q3": None})
        self.assertIsNone(hidden.count)
        # Counts are published beside the measures, so the smallest other route hides too.
        self.assertEqual(protected.cell("eastern_med").status, CellStatus.SECONDARY)
        self.assertEqual(protected.cell("western_balkans").values["median"], 1500.0)
        self.assertEqual(protected.cell("western_balkans").count, 40)

    def test_it_shows_suppressed_cells_as_none_never_as_zero(self) -> None:
        protected = protect(TWO_BY_THREE, actor=None)
        hidden = protected.table.cell("female", "2023")
        self.assertIsNone(hidden.count)
        self.assertEqual(hidden.values, {"count": None})
        with self.assertRaises(TypeError):
            hidden.count + 1

    def test_it_does_not_change_the_table_it_protects(self) -> None:
        before = {
            key: (cell.count, dict(cell.values), cell.status)
            for key, cell in TWO_BY_THREE.cells.items()
        }
        footnotes = list(TWO_BY_THREE.footnotes)
        protect(TWO_BY_THREE, actor=None)
        after = {
            key: (cell.count, dict(cell.values), cell.status)
            for key, cell in TWO_BY_THREE.cells.items()
        }
        self.assertEqual(after, before)
        self.assertEqual(TWO_BY_THREE.footnotes, footnotes)

    def test_it_says_what_it_suppressed_in_a_footnote(self) -> None:
        protected = protect(TWO_BY_THREE, actor=None)
        self.assertEqual(
            protected.footnote,
            "Cells counting fewer than 5 persons are suppressed (1 cell). 3 more cells are "
            "suppressed so that no suppressed cell can be recovered from totals.",
        )
        self.assertEqual(protected.footnotes, ["Counted: test persons.", protected.footnote])
        self.assertEqual((protected.policy.primary, protected.policy.secondary), (1, 3))

    def test_it_says_when_nothing_is_suppressed(self) -> None:
        table = make_cube({"sex": ["female", "male"]}, {("female",): 7, ("male",): 8})
        self.assertEqual(
            protect(table, actor=None).footnote,
            "Cells counting fewer than 5 persons are suppressed; no cell of this table is.",
        )

    def test_it_lists_rows_in_display_order_with_labels(self) -> None:
        protected = protect(TWO_BY_THREE, actor=None)
        rows = list(protected.rows())
        self.assertEqual(len(rows), 12)
        self.assertEqual(rows[0].key, ("female", "2023"))
        self.assertEqual(rows[3].key, ("female", TOTAL))
        self.assertEqual(rows[-1].labels, ("Total", "Total"))
        self.assertEqual([row.key for row in protected.rows(totals=False)][-1], ("male", "2025"))
        self.assertEqual(protected.policy.method, Method.SUPPRESSION)


@override_settings(**THRESHOLDS)
class SecondarySuppressionTests(SimpleTestCase):
    def test_without_secondary_suppression_the_attacker_recovers_the_hidden_cell(self) -> None:
        recovered = attack(categories_of(TWO_BY_THREE), primary_only(TWO_BY_THREE, 5))
        self.assertEqual(recovered, {("female", "2023"): 2})

    def test_the_attacker_recovers_nothing_from_the_protected_table(self) -> None:
        protected = protect(TWO_BY_THREE, actor=None)
        self.assertEqual(attack(categories_of(TWO_BY_THREE), published_values(protected)), {})
        hidden = {row.key for row in protected.rows() if row.suppressed}
        self.assertEqual(
            hidden,
            {("female", "2023"), ("female", "2024"), ("male", "2023"), ("male", "2024")},
        )

    def test_it_leaves_no_line_with_a_single_suppressed_cell(self) -> None:
        for seed in range(30):
            table = random_cube(random.Random(seed), 1 + seed % 3)
            published = published_values(protect(table, actor=None))
            for line in cube_lines(categories_of(table)):
                hidden = sum(published[key] is None for key in line)
                self.assertNotEqual(hidden, 1, f"seed {seed}: {line}")

    def test_it_protects_a_one_dimensional_table_whose_total_is_small(self) -> None:
        table = make_cube(
            {"citizenship": ["ERI", "SDN", "unknown"]}, {("ERI",): 1, ("SDN",): 2, ("unknown",): 1}
        )
        published = published_values(protect(table, actor=None))
        self.assertEqual(set(published.values()), {None})
        self.assertEqual(attack(categories_of(table), published), {})

    def test_it_closes_a_bridge_that_checking_line_by_line_misses(self) -> None:
        table = bridge_table()
        naive = primary_only(table, 5)
        for line in cube_lines(categories_of(table)):
            self.assertNotEqual(sum(naive[key] is None for key in line), 1)
        self.assertEqual(attack(categories_of(table), naive), {("r2", "c3"): 2})
        protected = protect(table, actor=None)
        self.assertEqual(attack(categories_of(table), published_values(protected)), {})

    def test_it_protects_the_bridge_with_the_cheapest_box(self) -> None:
        protected = protect(bridge_table(), actor=None)
        secondary = [row.key for row in protected.rows() if row.status is CellStatus.SECONDARY]
        # One more cell makes a rectangle of hidden cells with the joining cell: values can move
        # by ±1 around it without changing any row or column total.
        self.assertEqual(len(secondary), 1)
        [(row, column)] = secondary
        self.assertTrue(protected.cell("r2", column).suppressed)
        self.assertTrue(protected.cell(row, "c3").suppressed)

    def test_its_own_check_finds_what_the_attacker_finds(self) -> None:
        table = make_cube(
            {"row": ["a", "b", "c"], "column": ["x", "y"]},
            {
                ("a", "x"): 1,
                ("a", "y"): 30,
                ("b", "x"): 20,
                ("b", "y"): 30,
                ("c", "x"): 9,
                ("c", "y"): 9,
            },
        )
        status = suppression_pattern(table, 5, secondary=False)
        lines = [[cell.key for cell in cells] for _, cells in table.lines()]
        self.assertEqual(exposed_cells(lines, status), [("a", "x")])

    def test_its_own_check_finds_what_the_attacker_finds_in_random_tables(self) -> None:
        tables_with_exposed_cells = 0
        for dimensions in (1, 2, 3):
            for seed in range(20):
                rng = random.Random(5000 * dimensions + seed)
                table = random_cube(rng, dimensions)
                # Any pattern, not only suppression's: each cell hidden with odds of 2 in 5.
                status = {
                    key: CellStatus.PRIMARY if rng.random() < 0.4 else CellStatus.PUBLISHED
                    for key in table.cells
                }
                published = {
                    key: None if status[key] is CellStatus.PRIMARY else cell.count
                    for key, cell in table.cells.items()
                }
                lines = cube_lines(categories_of(table))
                found = attack(categories_of(table), published)
                self.assertEqual(exposed_cells(lines, status), sorted(found), f"seed {seed}")
                tables_with_exposed_cells += bool(found)
        self.assertGreater(tables_with_exposed_cells, 20)

    def test_it_prefers_small_inner_cells_as_complements(self) -> None:
        table = make_cube(
            {"route": ["central", "eastern", "western"]},
            {("central",): 3, ("eastern",): 90, ("western",): 12},
        )
        protected = protect(table, actor=None)
        self.assertEqual(protected.cell("western").status, CellStatus.SECONDARY)
        self.assertFalse(protected.cell("eastern").suppressed)
        self.assertFalse(protected.cell(TOTAL).suppressed)

    def test_the_attacker_recovers_nothing_from_random_tables(self) -> None:
        failures_without_secondary = 0
        for dimensions in (1, 2, 3):
            for seed in range(40):
                table = random_cube(random.Random(1000 * dimensions + seed), dimensions)
                protected = protect(table, actor=None)
                recovered = attack(categories_of(table), published_values(protected))
                self.assertEqual(recovered, {}, f"{dimensions}-D table, seed {seed}")
                naive = attack(categories_of(table), primary_only(table, 5))
                for key, value in naive.items():
                    self.assertEqual(value, table.cells[key].count)
                failures_without_secondary += bool(naive)
        # The attacker works: without secondary suppression it breaks many of the same tables.
        self.assertGreater(failures_without_secondary, 60)

    @tag("slow")
    def test_it_protects_a_large_three_dimensional_table_in_reasonable_time(self) -> None:
        rng = random.Random(7)
        axes = {
            "citizenship": [f"c{index:03d}" for index in range(60)],
            "sex": ["female", "male", "unknown"],
            "year": [str(year) for year in range(2018, 2026)],
        }
        inner = {
            key: rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 25, 60])
            for key in itertools.product(*axes.values())
        }
        table = make_cube(axes, inner)
        protected = protect(table, actor=None)
        lines = [[cell.key for cell in cells] for _, cells in protected.table.lines()]
        status = {row.key: row.status for row in protected.rows()}
        self.assertEqual(exposed_cells(lines, status), [])
        for line in lines:
            self.assertNotEqual(
                sum(status[key] in {CellStatus.PRIMARY, CellStatus.SECONDARY} for key in line), 1
            )

    @tag("slow")
    def test_the_attacker_recovers_nothing_from_large_sparse_four_dimensional_tables(self) -> None:
        boxes = mock.patch.object(
            disclosure._Complements,
            "cheapest_box",
            autospec=True,
            side_effect=disclosure._Complements.cheapest_box,
        )
        recovered_without_secondary = 0
        for seed in range(3):
            # 4 × 3 × 10 × 5 categories and their totals: 1,320 cells, about 500 of them small.
            table = skewed_cube(random.Random(seed), (4, 3, 10, 5), 1500)
            with boxes as box:
                protected = protect(table, actor=None)
            # Closing lines leaves cells exposed in these tables; boxes protect them.
            self.assertGreater(box.call_count, 0, f"seed {seed}")
            recovered = sparse_attack(categories_of(table), published_values(protected))
            self.assertEqual(recovered, {}, f"seed {seed}")
            naive = sparse_attack(categories_of(table), primary_only(table, 5))
            for key, value in naive.items():
                self.assertEqual(value, table.cells[key].count)
            recovered_without_secondary += len(naive)
        self.assertGreater(recovered_without_secondary, 0)

    @tag("slow")
    def test_it_solves_the_line_system_once_for_a_table_the_size_of_the_offenders_one(
        self,
    ) -> None:
        # 7 stages × 5 sexes × 62 citizenships × 11 years and their totals: 36,288 cells, where
        # an elimination per round of complements would take minutes.
        table = skewed_cube(random.Random(3), (7, 5, 62, 11), 20_000)
        with mock.patch.object(disclosure, "_echelon", wraps=disclosure._echelon) as echelon:
            protected = protect(table, actor=None)
        self.assertEqual(echelon.call_count, 1)
        self.assertGreater(protected.policy.secondary, 0)
        status = {row.key: row.status for row in protected.rows()}
        lines = cube_lines(categories_of(table))
        self.assertEqual(exposed_cells(lines, status), [])
        for line in lines:
            self.assertNotEqual(sum(status[key] in HIDDEN for key in line), 1)


@override_settings(**THRESHOLDS)
class UnprotectedTableTests(BaseTestCase):
    def test_it_gives_the_platform_administrator_the_true_figures_marked_unprotected(self) -> None:
        protected = protect(TWO_BY_THREE, actor=self.eve, unprotected=True)
        self.assertTrue(protected.unprotected)
        self.assertEqual(protected.cell("female", "2023").count, 2)
        self.assertEqual(protected.cell("female", "2023").status, CellStatus.PUBLISHED)
        self.assertIn("UNPROTECTED", protected.footnote)
        self.assertEqual(protected.footnotes[-1], protected.footnote)

    def test_it_refuses_unprotected_figures_to_everyone_else(self) -> None:
        for actor in (self.amara, self.bruno, self.chen, self.dana, None):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                protect(TWO_BY_THREE, actor=actor, unprotected=True)

    def test_it_refuses_unprotected_figures_to_a_disabled_administrator(self) -> None:
        self.eve.is_active = False
        with self.assertRaises(PermissionDenied):
            protect(TWO_BY_THREE, actor=self.eve, unprotected=True)

    def test_it_protects_the_administrators_tables_unless_asked(self) -> None:
        protected = protect(TWO_BY_THREE, actor=self.eve)
        self.assertFalse(protected.unprotected)
        self.assertIsNone(protected.cell("female", "2023").count)
