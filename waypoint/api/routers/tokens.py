"""``/tokens``: the authenticated user's API tokens."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from waypoint.api import actions
from waypoint.api.auth import actor
from waypoint.api.errors import Invalid, NotFound
from waypoint.api.models import ApiToken
from waypoint.api.schemas.common import PageQuery, errors, links
from waypoint.api.schemas.tokens import TokenCreatedOut, TokenIn, TokenPage
from waypoint.cases.validation import Problem

router = Router(tags=["tokens"])


def token_document(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.public_id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "usable": token.is_usable,
    }


@router.get("", response={200: TokenPage, **errors(401, 422, 429)}, summary="List your tokens")
def list_tokens(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Every token of the user the request's token belongs to, newest first, revoked ones too."""
    tokens = ApiToken.objects.of(actor(request))
    window = tokens[page.offset : page.offset + page.limit]
    return {"items": [token_document(token) for token in window], "count": tokens.count()}


@router.post(
    "",
    response={201: TokenCreatedOut, **errors(400, 401, 422, 429)},
    summary="Create a token",
    openapi_extra=links(201, RevokeToken=("revoke_token", "token_id", "$response.body#/id")),
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """Create another token for the same user. The answer holds the token itself, which is
    never shown again: keep it in a secret store."""
    expires_at = payload.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, datetime.UTC)
    try:
        token, text = actions.create_token(
            actor=actor(request), name=payload.name, expires_at=expires_at, request=request
        )
    except actions.TokenRefused as refused:
        raise Invalid(
            _("The token was not created: see the details."),
            [Problem(refused.field, refused.message, "invalid")],
        ) from None
    return Status(201, {**token_document(token), "token": text})


@router.delete(
    "/{uuid:token_id}",
    response={204: None, **errors(401, 404, 429)},
    summary="Revoke a token",
)
def revoke_token(request: HttpRequest, token_id: uuid.UUID) -> Status[None]:
    """Revoke one of the user's tokens (revoking a revoked token changes nothing). A token may
    revoke itself."""
    user = actor(request)
    token = ApiToken.objects.of(user).filter(public_id=token_id).first()
    if token is None:
        raise NotFound(_("You have no token with this id."))
    actions.revoke_token(actor=user, token=token, request=request)
    return Status(204, None)
