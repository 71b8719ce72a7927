"""Who is on the other end of a request: the address throttling and the session list use."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_LENGTH = 300


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, trusting X-Forwarded-For only as far as our own proxies.

    Each of ``WAYPOINT_TRUSTED_PROXIES`` proxies appends the address it received the request from,
    so the client is that many entries from the right; anything further left is the client's word.
    """
    proxies = settings.WAYPOINT_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]
