"""Weighted draws from a seeded ``random.Random``; the generator's only source of chance.

Tables are built once at import time so that a draw costs one ``random()`` and one bisection.
"""

from __future__ import annotations

import datetime
import uuid
from bisect import bisect
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with relative weights."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, pairs: Mapping[T, float] | Iterable[tuple[T, float]]) -> None:
        items = list(pairs.items() if isinstance(pairs, Mapping) else pairs)
        if not items:
            raise ValueError("a weighted table needs at least one item")
        self.items: tuple[T, ...] = tuple(item for item, _ in items)
        self.cumulative = tuple(accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]

    def pairs(self) -> list[tuple[T, float]]:
        weights = [b - a for a, b in zip((0.0, *self.cumulative), self.cumulative, strict=False)]
        return list(zip(self.items, weights, strict=True))

    def pick(self, rng: Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]

    def sample(self, rng: Random, count: int) -> list[T]:
        """Up to ``count`` distinct items, each drawn by weight."""
        chosen: list[T] = []
        for _ in range(count * 3):
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
                if len(chosen) == count:
                    break
        return chosen


def chance(rng: Random, probability: float) -> bool:
    return rng.random() < probability


def between(rng: Random, low: int, high: int) -> int:
    """An integer from ``low`` to ``high`` inclusive (faster than ``randint``)."""
    return low + int(rng.random() * (high - low + 1))


def skewed(rng: Random, low: int, high: int, power: float = 2.0) -> int:
    """An integer from ``low`` to ``high``, small values more likely (a long right tail)."""
    return low + int((rng.random() ** power) * (high - low + 1))


def some(rng: Random, items: Sequence[T], low: int, high: int) -> list[T]:
    """Between ``low`` and ``high`` distinct items, in their listed order."""
    count = min(len(items), between(rng, low, high))
    picked = sorted(rng.sample(range(len(items)), count))
    return [items[index] for index in picked]


def make_uuid(rng: Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def day(ordinal: int) -> datetime.date:
    return datetime.date.fromordinal(ordinal)


def digits(rng: Random, count: int) -> str:
    return str(rng.getrandbits(64) % (10**count)).zfill(count)


def table(spec: str) -> Weighted[str]:
    """A weighted table written compactly: ``"bus 7, car 2, truck 1"`` (weight 1 if left out)."""
    pairs = []
    for item in spec.split(","):
        code, _, weight = item.strip().partition(" ")
        pairs.append((code, float(weight) if weight else 1.0))
    return Weighted(pairs)


def sequences(spec: str) -> Weighted[tuple[str, ...]]:
    """Weighted sequences of codes: ``"draft 6, draft>submitted 4"``."""
    return Weighted((tuple(item.split(">")), weight) for item, weight in table(spec).pairs())


def codes(spec: str) -> dict[str, str]:
    """A mapping written compactly: ``"ITA EUR, HUN HUF"``."""
    pairs = (item.split() for item in spec.split(","))
    return {key: value for key, value in pairs}


def years(*weights: float, first: int = 2015) -> Weighted[int]:
    """Weights of the years from ``first`` on."""
    return Weighted((first + offset, weight) for offset, weight in enumerate(weights) if weight)
