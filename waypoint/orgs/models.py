"""Organisations, their members and the roles members hold."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from waypoint.reference.fields import CountryField, TermField, TermListField


class Role(models.TextChoices):
    """What a member may do for an organisation. A user may hold several roles in one."""

    REPORTER = "reporter", _("reporting officer")
    ANALYST = "analyst", _("analyst")
    INTAKE_OFFICER = "intake_officer", _("intake officer")
    ORG_ADMIN = "org_admin", _("organisation administrator")
    AUDITOR = "auditor", _("auditor")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    """A participating organisation. It owns the records it contributes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9_-]*$",
                _(
                    "Use capital letters, digits, “-” and “_”, starting with a letter or digit "
                    "(e.g. ITA-POL)."
                ),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    type = TermField(_("type"), vocabulary="org_type")
    country = CountryField(_("country"), also=())
    purposes = TermListField(_("purposes"), vocabulary="org_purpose")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Membership(models.Model):
    """A user holding one role for one organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation.code}"
