"""Keys of the vault: a data key per organisation and version, and the platform's index key.

Both are stored wrapped (AES-GCM) by the master key, which never enters the database. Their
``wrapped_key`` fields are classified internal although they are key material: without the master
key they are random bytes, and with it the owner-only classes are readable anyway. They are never
shown on a page, exported or logged.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fieldclasses import INTERNAL, FieldClass
from waypoint.orgs.models import Organisation


class KeyState(models.TextChoices):
    #: Seals new values; one per organisation.
    ACTIVE = "active", _("active")
    #: Replaced by a newer version; values sealed with it are being re-sealed.
    RETIRING = "retiring", _("retiring")
    #: No value uses it any more; kept so that a restored backup still opens.
    RETIRED = "retired", _("retired")


class OrganisationKey(models.Model):
    """One version of an organisation's data key, wrapped by the master key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="data_keys", verbose_name=_("organisation")
    )
    version = models.PositiveIntegerField(_("version"))
    wrapped_key = models.CharField(max_length=100, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=KeyState.choices, default=KeyState.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "organisation": INTERNAL,
        "version": INTERNAL,
        "wrapped_key": INTERNAL,
        "state": INTERNAL,
        "created_at": INTERNAL,
        "retired_at": INTERNAL,
    }

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="organisation_key_unique_version"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(state="active"),
                name="organisation_key_one_active",
            ),
        ]
        ordering = ["organisation", "version"]
        verbose_name = _("organisation data key")

    def __str__(self) -> str:
        return f"data key {self.version} of organisation {self.organisation_id} ({self.state})"


class IndexKey(models.Model):
    """The platform's one blind-index key, wrapped by the master key.

    One key for all organisations, so that an identifier recorded by two organisations has the
    same index; whether one may learn of the other's record is decided by consent, not by keys.
    """

    wrapped_key = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "wrapped_key": INTERNAL,
        "created_at": INTERNAL,
    }

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="index_key_single")]
        verbose_name = _("blind index key")

    def __str__(self) -> str:
        return "blind index key"
