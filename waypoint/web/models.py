"""Staff data of the web application: each user's signed-in sessions (for the account page's
list of active sessions) and their saved incident filters."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fieldclasses import INTERNAL, FieldClass


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    def active(self) -> UserSessionQuerySet:
        """Sessions that have been used within the idle time and are younger than the longest age."""
        now = timezone.now()
        idle = timedelta(seconds=settings.WAYPOINT_SESSION_IDLE_SECONDS)
        longest = timedelta(seconds=settings.SESSION_COOKIE_AGE)
        return self.filter(last_seen__gte=now - idle, created_at__gte=now - longest)


class UserSession(models.Model):
    """One signed-in session. Deleting the Django session (sign-out, expiry) deletes this row."""

    session = models.OneToOneField(Session, models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("signed in"))
    last_seen = models.DateTimeField(_("last seen"))
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = UserSessionQuerySet.as_manager()

    # Staff data, not case data: shown only to the user it describes (and the platform's
    # operators through the database), and deleted with the session.
    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "session": INTERNAL,
        "user": INTERNAL,
        "created_at": INTERNAL,
        "last_seen": INTERNAL,
        "ip_address": INTERNAL,
        "user_agent": INTERNAL,
    }

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("session")


class SavedFilterQuerySet(models.QuerySet["SavedFilter"]):
    def of(self, user: Any) -> SavedFilterQuerySet:
        """The filters ``user`` saved: nobody else ever sees or applies them."""
        return self.filter(user_id=user.pk)


class SavedFilter(models.Model):
    """The filters of the incident list, saved by one user under a name.

    ``query`` is the list's query string as ``waypoint.cases.search`` writes it: the filters and
    the order, never a page number and never an identifier searched for (identifiers are personal
    data and are not kept outside the records).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    objects = SavedFilterQuerySet.as_manager()

    # Staff data, not case data: the filters of one user's list, shown only to that user.
    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "user": INTERNAL,
        "name": INTERNAL,
        "query": INTERNAL,
        "created_at": INTERNAL,
    }

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name"),
        ]
        verbose_name = _("saved filter")

    def __str__(self) -> str:
        return self.name
