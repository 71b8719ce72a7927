"""The signed-in sessions of each user, for the account page's list of active sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

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
