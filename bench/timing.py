"""Small timing helpers for the benchmarks in this folder (``from timing import best_of``)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def best_of(function: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """The fastest of ``repeat`` timings of ``number`` calls, in seconds per call.

    The minimum is the figure least disturbed by the rest of the machine; garbage collection is
    paused while timing, as ``timeit`` does.
    """
    times = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            for _ in range(number):
                function()
            times.append((time.perf_counter() - started) / number)
    finally:
        if enabled:
            gc.enable()
    return min(times)


def ratio(candidate: float, baseline: float) -> float:
    """``candidate / baseline`` rounded to 3 places: below 1 means faster than the baseline."""
    if baseline <= 0:
        raise ValueError("the baseline took no measurable time; give it more work")
    return round(candidate / baseline, 3)
