"""API tokens: a user's credentials for the REST API.

A token reads ``wpt_<prefix>_<secret>``. The prefix is stored in clear to find the row and to
name the token on the account page; the secret (256 random bits) is stored only as its SHA-256
digest, so the database never holds a usable token. A plain digest is enough because the secret is
random and long: there is nothing to guess from it.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fieldclasses import INTERNAL, FieldClass


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def of(self, user: Any) -> ApiTokenQuerySet:
        return self.filter(user_id=user.pk)

    def usable(self) -> ApiTokenQuerySet:
        """Tokens neither revoked nor expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)


class ApiToken(models.Model):
    """One API token of one user, created, listed and revoked by that user only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    # Staff credentials, not case data: shown only to the user they belong to. The owner-only
    # classes are for sealed case values; the digest is not sealed (it is not the token and cannot
    # be turned back into one) and no page, answer or log ever shows it.
    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "user": INTERNAL,
        "name": INTERNAL,
        "prefix": INTERNAL,
        "secret_digest": INTERNAL,
        "created_at": INTERNAL,
        "last_used_at": INTERNAL,
        "expires_at": INTERNAL,
        "revoked_at": INTERNAL,
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} (wpt_{self.prefix}_…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired
