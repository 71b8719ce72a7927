"""Disclosure control: ``protect()`` with small-cell suppression on tables the size of the largest
standard ones, against primary suppression alone on the same tables in the same run.

The tables are built in memory from seeded synthetic contributors, shaped like what the
standard tables give over 100,000 demo incidents:

- ``offenders``: offenders by stage reached (6 stages and unknown) × sex (5) × citizenship (62)
  × year (10 and unknown), 53,000 offenders: 36,288 cells with their totals, most of them zero
  or small. As in ``offenders_by_stage_sex_citizenship_year``, an offender counts under every
  stage reached (a convicted one was also suspected and prosecuted) and, now and then, under two
  citizenships, and each total counts an offender once, so the table is not additive;
- ``offenders_wide``: the same with 200 citizenships and 12 years, 100,000 offenders (135,072
  cells), to see how the time grows;
- ``victims``: victims by sex (5) × age group (14) × year (11), 22,000 victims: 1,080 cells.

The candidate is ``protect(table, actor=None)`` with the internal threshold: primary and
secondary suppression and the protected copy. The baseline is primary suppression alone
(``suppression_pattern(table, threshold, secondary=False)``), the least the gate does; the ratio
says what secondary suppression costs on top of it. Per table the result also gives the numbers
of cells, of primary and of secondary cells. Target: well under 2 s per table.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from timing import best_of, ratio

from waypoint.analytics.table import TOTAL, Cell, Dimension, StatTable

SEED = 1
REPEAT = 5

#: The stages an offender's record may have reached, as ``offenders_by_stage_sex_citizenship_year``
#: counts them, with the share of offenders whose record is there (in percent).
REACHED: dict[tuple[str, ...], int] = {
    ("suspected",): 30,
    ("suspected", "arrested"): 17,
    ("suspected", "prosecuted"): 16,
    ("suspected", "prosecuted", "convicted"): 23,
    ("suspected", "prosecuted", "acquitted"): 5,
    ("suspected", "discontinued"): 9,
}
STAGES = ("suspected", "arrested", "prosecuted", "convicted", "acquitted", "discontinued")
#: Shares of sexes among offenders and victims (in percent) and of age groups among victims (per
#: thousand), as in the demo's data.
SEXES = {"female": 15, "male": 80, "other": 0, "unknown": 4, "not_stated": 1}
VICTIM_SEXES = {"female": 45, "male": 50, "other": 0, "unknown": 4, "not_stated": 1}
AGE_GROUPS = {
    "0-4": 0, "5-9": 21, "10-14": 13, "15-17": 26, "child": 3, "18-24": 236, "25-34": 330,
    "35-44": 144, "45-54": 41, "55-64": 3, "65+": 1, "adult": 37, "unknown": 116, "not_stated": 31,
}  # fmt: skip
#: The share of offenders with a second citizenship, and of records without a year (in percent).
SECOND_CITIZENSHIP = 4
NO_YEAR = 3

#: name: (citizenships, years, offenders)
OFFENDERS = {"offenders": (62, 10, 53_000), "offenders_wide": (200, 12, 100_000)}
VICTIMS = 22_000

#: A group of contributors: its categories along every dimension, and how many they are.
Group = tuple[tuple[tuple[str, ...], ...], int]
_T = TypeVar("_T")


def run() -> dict[str, object]:
    from django.conf import settings

    threshold = int(settings.WAYPOINT_STATS_THRESHOLD)
    rng = random.Random(SEED)
    tables = {name: offenders_table(rng, *shape) for name, shape in OFFENDERS.items()}
    tables["victims"] = victims_table(rng, VICTIMS)
    results: dict[str, object] = {"seed": SEED, "threshold": threshold}
    for name, table in tables.items():
        results.update(measure(name, table, threshold))
    return results


def measure(name: str, table: StatTable, threshold: int) -> dict[str, object]:
    from waypoint.analytics.disclosure import protect, suppression_pattern

    protected = protect(table, actor=None)
    candidate = best_of(lambda: protect(table, actor=None), repeat=REPEAT)
    baseline = best_of(
        lambda: suppression_pattern(table, threshold, secondary=False), repeat=REPEAT
    )
    return {
        f"{name}_cells": len(table.cells),
        f"{name}_zero_cells": sum(1 for cell in table.cells.values() if not cell.count),
        f"{name}_primary": protected.policy.primary,
        f"{name}_secondary": protected.policy.secondary,
        f"{name}_protect_s": round(candidate, 3),
        f"{name}_baseline_primary_only_s": round(baseline, 5),
        f"{name}_ratio": ratio(candidate, baseline),
    }


# The tables --------------------------------------------------------------------------------------


def offenders_table(rng: random.Random, citizenships: int, years: int, offenders: int) -> StatTable:
    """Offenders by stage reached × sex × citizenship × year, counted as the standard table
    counts them: under every stage reached and every citizenship, once in each total."""
    countries = [f"C{index:03d}" for index in range(citizenships)]
    # Skewed as citizenships are: the most frequent about 140 times as frequent as the rarest.
    weights = [math.exp(-5 * index / citizenships) for index in range(citizenships)]
    calendar = [str(2025 - years + index) for index in range(years)]
    groups: dict[tuple[tuple[str, ...], ...], int] = {}
    for _ in range(offenders):
        held = set(rng.choices(countries, weights))
        if rng.randrange(100) < SECOND_CITIZENSHIP:
            held.update(rng.choices(countries, weights))
        year = "unknown" if rng.randrange(100) < NO_YEAR else rng.choice(calendar)
        group = (_draw(rng, REACHED), (_draw(rng, SEXES),), tuple(sorted(held)), (year,))
        groups[group] = groups.get(group, 0) + 1
    axes = [(*STAGES, "unknown"), tuple(SEXES), tuple(countries), (*calendar, "unknown")]
    return _cube("offenders", axes, groups.items(), additive=False)


def victims_table(rng: random.Random, victims: int) -> StatTable:
    """Victims by sex × age group × year: one category each, so the table is additive."""
    calendar = [str(year) for year in range(2015, 2025)]
    groups: dict[tuple[tuple[str, ...], ...], int] = {}
    for _ in range(victims):
        year = "unknown" if rng.randrange(100) < NO_YEAR else rng.choice(calendar)
        group = ((_draw(rng, VICTIM_SEXES),), (_draw(rng, AGE_GROUPS),), (year,))
        groups[group] = groups.get(group, 0) + 1
    axes = [tuple(VICTIM_SEXES), tuple(AGE_GROUPS), (*calendar, "unknown")]
    return _cube("victims", axes, groups.items(), additive=True)


def _draw(rng: random.Random, shares: Mapping[_T, int]) -> _T:
    return rng.choices(list(shares), list(shares.values()))[0]


def _cube(
    name: str,
    axes: Sequence[Sequence[str]],
    groups: Iterable[Group],
    *,
    additive: bool,
) -> StatTable:
    """The full cube over ``axes``: each group of contributors counts once in every cell it
    falls in, totals included (so a total counts a contributor once, however many categories
    the contributor takes along its dimension)."""
    counts = dict.fromkeys(itertools.product(*((*axis, TOTAL) for axis in axes)), 0)
    for options, count in groups:
        for key in itertools.product(*((*option, TOTAL) for option in options)):
            counts[key] += count
    dimensions = tuple(
        Dimension(f"d{index}", f"Dimension {index}", tuple(axis)) for index, axis in enumerate(axes)
    )
    cells = {key: Cell(key, count, {"count": count}) for key, count in counts.items()}
    return StatTable(name, name, dimensions, ("count",), "persons", cells, additive=additive)


if __name__ == "__main__":
    import sys

    sys.exit("run through the runner: .venv/bin/python bench/run.py disclosure")
