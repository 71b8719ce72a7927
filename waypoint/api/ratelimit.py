"""Rate limits per API token: a fixed-window counter in Django's cache.

Each token may make ``WAYPOINT_API_RATE`` requests per window (600 a minute unless configured);
beyond that the API answers 429 with ``Retry-After``. The counters live in the default cache: a
local-memory cache counts per process, so a deployment that runs several processes needs a shared
cache (``WAYPOINT_CACHE=database``) for the limit to hold across them (docs/api.md).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from waypoint.api.rates import Rate, parse_rate


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    #: Seconds until the current window ends, when the request was refused.
    retry_after: int = 0


def current_rate() -> Rate:
    """Read on every request, so that a changed setting (and a test's override) applies at once."""
    return parse_rate(settings.WAYPOINT_API_RATE)


def clock() -> float:
    """Seconds since the epoch; one name for tests to set the hour of a window."""
    return time.time()


def hit(token_id: int, rate: Rate | None = None, now: float | None = None) -> Verdict:
    """Count one request of a token in the current window and say whether it may go ahead."""
    rate = rate or current_rate()
    now = clock() if now is None else now
    window = int(now // rate.seconds)
    key = f"waypoint:api-rate:{token_id}:{rate.seconds}:{window}"
    # add() starts the window's counter only if no request has started it. incr() is atomic in
    # the local-memory cache (and Redis or Memcached); the database cache reads and writes, so
    # simultaneous requests may be counted once: the limit loosens a little, never tightens.
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.requests:
        return Verdict(True)
    return Verdict(False, max(1, math.ceil((window + 1) * rate.seconds - now)))


class TokenRate(BaseThrottle):
    """django-ninja's throttle hook: counts the requests of the authenticated token."""

    def __init__(self) -> None:
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            return True
        verdict = hit(token.pk)
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None) or None
