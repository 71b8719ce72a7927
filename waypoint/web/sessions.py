"""Session rules: a signed-in session is stamped when it starts, seen while used, and ends when
idle for ``WAYPOINT_SESSION_IDLE_SECONDS`` or older than ``SESSION_COOKIE_AGE``.

The stamps live in the session itself (no query to check them); ``UserSession`` mirrors each
session for the account page and is written at most once a minute per session.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from waypoint.web.clients import client_address, user_agent
from waypoint.web.models import UserSession

STARTED = "waypoint.session.started"
SEEN = "waypoint.session.seen"
#: Record activity at most this often (seconds), so that a busy session does not write on every request.
TOUCH_EVERY = 60


def start(request: HttpRequest) -> None:
    """Stamp a session that has just signed in and list it among the user's sessions."""
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now
    record(request)


def record(request: HttpRequest) -> None:
    """List the session under its current key (again after the key changed, e.g. a password change)."""
    session = request.session
    if session.session_key is None:
        session.save()
    started = session.get(STARTED) or int(time.time())
    user: Any = request.user
    UserSession.objects.update_or_create(
        session_id=session.session_key,
        defaults={
            "user": user,
            "created_at": _moment(started),
            "last_seen": _moment(session.get(SEEN) or started),
            "ip_address": client_address(request),
            "user_agent": user_agent(request),
        },
    )


def is_stamped(request: HttpRequest) -> bool:
    return STARTED in request.session and SEEN in request.session


def is_expired(request: HttpRequest) -> bool:
    now = time.time()
    idle = now - float(request.session[SEEN])
    age = now - float(request.session[STARTED])
    return idle > settings.WAYPOINT_SESSION_IDLE_SECONDS or age > settings.SESSION_COOKIE_AGE


def touch(request: HttpRequest) -> None:
    now = int(time.time())
    if now - int(request.session[SEEN]) < TOUCH_EVERY:
        return
    request.session[SEEN] = now
    listed = UserSession.objects.filter(session_id=request.session.session_key)
    if not listed.update(last_seen=_moment(now)):
        record(request)


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)
