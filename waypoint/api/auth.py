"""Bearer-token authentication for the API.

Only tokens authenticate: a signed-in session does not, so that no page of another site can make
a browser write through the API (the API takes no CSRF token). A token is accepted while it is
neither revoked nor expired and its user is active and a member of an active organisation; each
of these is checked on every request, so revoking a token, disabling a user or ending their last
membership takes effect on the next one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from waypoint.api import credentials
from waypoint.api.models import ApiToken
from waypoint.orgs.models import Membership

#: How stale ``last_used_at`` may get before a request writes it again (one write per minute at
#: most, not one per request).
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def authenticate_token(text: str) -> ApiToken | None:
    """The token that ``text`` presents, if it may be used now; None otherwise."""
    credential = credentials.parse(text)
    if credential is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=credential.prefix).first()
    if token is None or not credentials.matches(credential.secret, token.secret_digest):
        return None
    if not token.is_usable or not _may_use_api(token.user):
        return None
    _note_use(token)
    return token


def _may_use_api(user: Any) -> bool:
    return bool(user.is_active) and (
        Membership.objects.filter(user_id=user.pk, organisation__is_active=True).exists()
    )


def _note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class TokenAuth(HttpBearer):
    """``Authorization: Bearer wpt_…``; the operation gets the token as ``request.auth``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate_token(token)


def actor(request: HttpRequest) -> Any:
    """The user an authenticated API request acts for."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.user
