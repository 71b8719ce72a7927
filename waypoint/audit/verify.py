"""Walking the chain: recompute every hash in sequence order and name the first broken link.

The walk streams events in chunks, so its memory does not grow with the log. It reads the chain
head first: every event up to the head's number had committed by then, so events appended while
the walk runs can never be mistaken for missing ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from waypoint.audit.chain import GENESIS, HASHED_FIELDS, digest, format_timestamp
from waypoint.audit.models import AuditEvent, ChainHead

CHUNK = 5000
COLUMNS = (*HASHED_FIELDS, "hash")


@dataclass(frozen=True)
class BrokenLink:
    sequence: int
    timestamp: datetime.datetime | None
    problem: str
    expected: str = ""
    found: str = ""

    def __str__(self) -> str:
        when = f" ({format_timestamp(self.timestamp)})" if self.timestamp else ""
        text = f"broken link at event {self.sequence}{when}: {self.problem}"
        if self.expected or self.found:
            text += f"; expected {self.expected}, found {self.found}"
        return text


@dataclass(frozen=True)
class Verdict:
    events: int
    last_hash: str
    broken: BrokenLink | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_chain(
    *,
    anchors: Mapping[int, str] | None = None,
    progress: Callable[[int], object] | None = None,
) -> Verdict:
    """Check the whole chain; ``anchors`` maps event numbers to hashes kept outside the database
    (an earlier ``intact`` line), which catches a chain rewritten from that point on."""
    anchors = dict(anchors or {})
    head = ChainHead.objects.filter(pk=1).values_list("sequence", "hash").first()
    rows = AuditEvent.objects.order_by("sequence").values_list(*COLUMNS)
    walk = _Walk(head=head, anchors=anchors)
    broken = walk.run(rows.iterator(chunk_size=CHUNK), progress)
    return Verdict(walk.count, walk.previous, broken)


class _Walk:
    def __init__(self, *, head: tuple[int, str] | None, anchors: dict[int, str]) -> None:
        self.head_missing = head is None
        self.head_sequence, self.head_hash = head or (0, GENESIS)
        self.anchors = anchors
        self.count = 0
        self.previous = GENESIS

    def run(
        self, rows: Iterable[tuple[Any, ...]], progress: Callable[[int], object] | None
    ) -> BrokenLink | None:
        for values in rows:
            row = dict(zip(COLUMNS, values, strict=True))
            broken = self.check(row)
            if broken is not None:
                return broken
            self.count += 1
            self.previous = row["hash"]
            if progress is not None and self.count % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(self.count % 1000)
        return self.check_end()

    def check(self, row: dict[str, Any]) -> BrokenLink | None:
        sequence, when = row["sequence"], row["timestamp"]
        expected_sequence = self.count + 1
        if sequence != expected_sequence:
            return BrokenLink(
                expected_sequence,
                when,
                f"event {expected_sequence} is missing (deleted?): after event "
                f"{expected_sequence - 1} comes event {sequence}",
            )
        if row["previous_hash"] != self.previous:
            return BrokenLink(
                sequence,
                when,
                "it does not chain to the event before it (previous hash)",
                self.previous,
                row["previous_hash"],
            )
        recomputed = digest(row)
        if recomputed != row["hash"]:
            return BrokenLink(sequence, when, "its fields were changed", recomputed, row["hash"])
        return self.check_references(sequence, when, row["hash"])

    def check_references(
        self, sequence: int, when: datetime.datetime, found: str
    ) -> BrokenLink | None:
        anchor = self.anchors.get(sequence)
        if anchor is not None and anchor != found:
            return BrokenLink(sequence, when, "it differs from the anchor", anchor, found)
        if sequence == self.head_sequence and found != self.head_hash:
            return BrokenLink(
                sequence, when, "it differs from the chain head", self.head_hash, found
            )
        return None

    def check_end(self) -> BrokenLink | None:
        last = self.count
        if last < self.head_sequence:
            missing = f"events {last + 1} to {self.head_sequence} are"
            if last + 1 == self.head_sequence:
                missing = f"event {self.head_sequence} is"
            return BrokenLink(
                last + 1,
                None,
                f"{missing} missing from the end of the chain "
                f"(the chain head records event {self.head_sequence})",
            )
        if self.head_missing and last > 0:
            return BrokenLink(
                last, None, "the chain head (the record of the last event) is missing"
            )
        beyond = sorted(sequence for sequence in self.anchors if sequence > last)
        if beyond:
            return BrokenLink(beyond[0], None, "the anchored event is missing")
        return None
