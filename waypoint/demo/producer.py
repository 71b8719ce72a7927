"""Generate demo records in a second process while this one seals and writes them.

Generating and writing each take about half of the demo's time, and they do not depend on each
other beyond order, so on a machine with two cores a forked child generates the next records
while the parent writes. The records come through a bounded queue in generation order, so the
data are exactly those the same seed gives in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any

from waypoint.demo.records import IncidentRecord

CHUNK = 500
AHEAD = 8  # chunks the child may run ahead of the writer, to bound memory
_DONE = None


def in_background(make: Callable[[], Iterator[IncidentRecord]]) -> Iterator[IncidentRecord]:
    """Iterate over ``make()`` computed in a forked child process; fall back to this process
    where fork is unavailable, only one CPU is there to use, or this process may not have
    children of its own (a daemonic worker, such as the parallel test runner's)."""
    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or (os.cpu_count() or 1) < 2
        or multiprocessing.current_process().daemon
    ):
        yield from make()
        return
    context = multiprocessing.get_context("fork")
    queue: Any = context.Queue(maxsize=AHEAD)
    child = context.Process(target=_produce, args=(make, queue), daemon=True)
    child.start()
    try:
        while (chunk := queue.get()) is not _DONE:
            if isinstance(chunk, BaseException):
                raise chunk
            yield from chunk
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _produce(make: Callable[[], Iterator[IncidentRecord]], queue: Any) -> None:
    # The child shares the parent's open database connection and must never use or close it:
    # it only computes, and leaves through os._exit so no exit handler touches the connection.
    status = 0
    try:
        chunk: list[IncidentRecord] = []
        for record in make():
            chunk.append(record)
            if len(chunk) == CHUNK:
                queue.put(chunk)
                chunk = []
        if chunk:
            queue.put(chunk)
        queue.put(_DONE)
    except BaseException as error:  # reported to the parent, which raises it
        queue.put(RuntimeError(f"generating demo data failed: {error!r}"))
        status = 1
    finally:
        queue.close()
        queue.join_thread()
        os._exit(status)
