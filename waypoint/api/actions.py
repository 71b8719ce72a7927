"""Creating and revoking API tokens, each audited in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.api import credentials
from waypoint.api.models import ApiToken
from waypoint.audit.log import Target, record, sole_organisation
from waypoint.audit.models import Action
from waypoint.orgs.access import AccessDenied, member_organisations

MAX_NAME = 100


class TokenRefused(ValueError):
    """The token cannot be created as asked; ``field`` names the value at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def create_token(
    *, actor: Any, name: str, expires_at: datetime.datetime | None = None, request: Any = None
) -> tuple[ApiToken, str]:
    """Create a token for the acting user; answer it with its text, which is shown only now.

    Only members of an active organisation hold tokens: the API serves case and reference data
    to organisations' staff, and a token stops working when its user has no organisation left.
    """
    if not member_organisations(actor):
        raise AccessDenied(f"{actor} belongs to no active organisation and holds no API token")
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise TokenRefused(
            "name", _("Give the token a name of 1 to %(max)d characters.") % {"max": MAX_NAME}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenRefused("expires_at", _("Give an expiry in the future."))
    if expires_at is not None:
        # PostgreSQL takes offsets up to 15:59 only; any time can be told in UTC.
        expires_at = expires_at.astimezone(datetime.UTC)
    credential = _unused_credential()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=credential.prefix,
            secret_digest=credential.digest,
            expires_at=expires_at,
        )
        record(actor=actor, action=Action.TOKEN_CREATED, request=request, **_about(actor, token))
    return token, credential.text


def revoke_token(*, actor: Any, token: ApiToken, request: Any = None) -> ApiToken:
    """Revoke one of the acting user's tokens; revoking it again changes nothing."""
    if token.user_id != actor.pk:
        raise AccessDenied("only the user a token belongs to can revoke it")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record(
                actor=actor, action=Action.TOKEN_REVOKED, request=request, **_about(actor, locked)
            )
    token.revoked_at = locked.revoked_at
    return token


def _unused_credential() -> credentials.Credential:
    # Prefixes are short enough to read; draw again in the rare case one is taken.
    while True:
        credential = credentials.new_credential()
        if not ApiToken.objects.filter(prefix=credential.prefix).exists():
            return credential


def _about(actor: Any, token: ApiToken) -> dict[str, Any]:
    organisation = sole_organisation(actor)
    return {
        "organisation": organisation,
        "target": Target("api_token", str(token.public_id), organisation),
    }
