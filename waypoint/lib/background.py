"""Compute the items of an iterator in a forked child process while this one consumes them.

Generating records and writing them (the demo data) each take about half of a bulk job and
depend on each other only through their order; on a machine with two cores a forked child
computes the next items while the parent uses the last ones. Items come through a bounded queue
in order, so the parent sees exactly the items ``make()`` gives in one process.

The child shares the parent's memory as it was at the fork (caches included) and its open file
descriptors, database connections among them: ``detach`` runs first in the child to put such
things out of its reach, and the child leaves through ``os._exit`` so that no exit handler of
the parent's runs in it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue as queues
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 500
AHEAD = 8  # chunks the child may run ahead of the consumer, to bound memory
#: Seconds between checks that the other process is still there.
PATIENCE = 1.0
_DONE = None


class BackgroundFailed(RuntimeError):
    """The child process failed in a way it could not report, or died."""


def can_fork() -> bool:
    """Whether a child would help and may be made here: fork exists, there is a second CPU,
    this process may have children (a daemonic worker, such as the parallel test runner's, may
    not) and no other thread runs (a fork copies locks other threads may hold)."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) >= 2
        and not multiprocessing.current_process().daemon
        and threading.active_count() == 1
    )


def in_background(
    make: Callable[[], Iterator[T]], *, detach: Callable[[], None] | None = None
) -> Iterator[T]:
    """Iterate over ``make()`` computed in a forked child; in this process where ``can_fork()``
    says no. An exception in the child is raised here, after the items before it."""
    if not can_fork():
        yield from make()
        return
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=AHEAD)
    child = context.Process(target=_produce, args=(make, detach, channel), daemon=True)
    child.start()
    try:
        while (chunk := _receive(channel, child)) is not _DONE:
            if isinstance(chunk, BaseException):
                raise chunk
            yield from chunk
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _receive(channel: Any, child: Any) -> Any:
    while True:
        try:
            return channel.get(timeout=PATIENCE)
        except queues.Empty:
            if not child.is_alive():
                raise BackgroundFailed(
                    f"the background process ended without finishing (exit code {child.exitcode})"
                ) from None


def _produce(
    make: Callable[[], Iterator[T]], detach: Callable[[], None] | None, channel: Any
) -> None:
    status = 0
    parent = os.getppid()
    chunk: list[T] = []
    try:
        if detach:
            detach()
        for item in make():
            chunk.append(item)
            if len(chunk) == CHUNK:
                _send(channel, chunk, parent)
                chunk = []
        if chunk:
            _send(channel, chunk, parent)
        _send(channel, _DONE, parent)
    except _Orphaned:
        status = 1
    except BaseException as error:  # reported to the parent, which raises it
        _send_error(channel, chunk, error, parent)
        status = 1
    finally:
        if status == 0:
            channel.close()
            channel.join_thread()
        os._exit(status)


class _Orphaned(Exception):
    """The parent is gone (killed): nobody will read what the child computes."""


def _send(channel: Any, item: Any, parent: int) -> None:
    while True:
        try:
            channel.put(item, timeout=PATIENCE)
            return
        except queues.Full:
            if os.getppid() != parent:
                raise _Orphaned from None


def _send_error(channel: Any, chunk: list[Any], error: BaseException, parent: int) -> None:
    """Send the items made before the error, then the error (as it is, when it survives
    pickling)."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        error = BackgroundFailed(f"{type(error).__name__}: {error}")
    try:
        if chunk:
            _send(channel, chunk, parent)
        _send(channel, error, parent)
        channel.close()
        channel.join_thread()
    except _Orphaned:
        pass
