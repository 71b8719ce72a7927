"""Request rates such as ``600/min``: parsing and checking them, without Django."""

from __future__ import annotations

import re
from dataclasses import dataclass

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
SHAPE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.requests}/{self.seconds}s"


def parse_rate(text: str) -> Rate:
    """``"600/min"`` as 600 requests per 60 seconds; raises ValueError saying what is accepted."""
    match = SHAPE.match(text.lower())
    if not match or match[2] not in PERIODS or int(match[1]) < 1:
        units = ", ".join(PERIODS)
        raise ValueError(
            f"{text!r} is not a rate: write a number of requests (at least 1), '/' and one of "
            f"{units} (e.g. 600/min)"
        )
    return Rate(int(match[1]), PERIODS[match[2]])
