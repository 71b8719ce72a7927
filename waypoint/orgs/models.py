"""Organisations, their members and the roles members hold."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fieldclasses import INTERNAL, PUBLIC, FieldClass
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

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "code": PUBLIC,
        "name": PUBLIC,
        "type": PUBLIC,
        "country": PUBLIC,
        "purposes": INTERNAL,
        "is_active": INTERNAL,
        "created_at": INTERNAL,
    }

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

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "user": INTERNAL,
        "organisation": INTERNAL,
        "role": INTERNAL,
        "created_at": INTERNAL,
    }

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation.code}"


class SharingAgreementQuerySet(models.QuerySet["SharingAgreement"]):
    def active(self) -> SharingAgreementQuerySet:
        return self.filter(revoked_at__isnull=True)


class SharingAgreement(models.Model):
    """A standing agreement: the owner shares all its TLP:AMBER records with the partner.

    Revoking it takes effect at once; the row stays as history.
    """

    owner = models.ForeignKey(
        Organisation, models.CASCADE, related_name="agreements_as_owner", verbose_name=_("owner")
    )
    partner = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="agreements_as_partner",
        verbose_name=_("partner"),
    )
    note = models.TextField(_("terms and purpose"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = SharingAgreementQuerySet.as_manager()

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "owner": INTERNAL,
        "partner": INTERNAL,
        "note": INTERNAL,
        "created_by": INTERNAL,
        "created_at": INTERNAL,
        "revoked_by": INTERNAL,
        "revoked_at": INTERNAL,
    }

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "partner"],
                condition=models.Q(revoked_at__isnull=True),
                name="agreement_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(owner=models.F("partner")), name="agreement_not_with_itself"
            ),
        ]
        verbose_name = _("sharing agreement")

    def __str__(self) -> str:
        return f"{self.owner.code} → {self.partner.code}"
