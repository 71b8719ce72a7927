"""The audit log: who did what, acting for which organisation, to which record, when and why.

Events are append-only and hash-chained (``waypoint.audit.chain``). They are written only by
``waypoint.audit.log.record``, inside the transaction of the action they describe; this module
refuses every other way of writing, changing or deleting them, and the database triggers installed
by the migration (``waypoint.audit.protection``) refuse it again below the ORM.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waypoint.audit.chain import GENESIS, HASHED_FIELDS, digest
from waypoint.lib.fieldclasses import INTERNAL, FieldClass
from waypoint.orgs.models import Organisation


class Action(models.TextChoices):
    """Everything the audit log records. Values are stable: scripts and filters rely on them."""

    # Sessions and accounts
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("sign-in failed")
    LOGIN_LOCKED_OUT = "login_locked_out", _("locked out after failed sign-ins")
    LOGOUT = "logout", _("signed out")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("two-factor sign-in turned off")
    TWO_FACTOR_FAILED = "two_factor_failed", _("two-factor code refused")
    RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    # Records
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    STATUS_CHANGE = "status_change", _("status changed")
    IMPORT = "import", _("imported")
    EXPORT = "export", _("exported")
    RETENTION_PURGE = "retention_purge", _("deleted at the end of its retention period")
    # Sharing
    LABEL_CHANGE_REQUESTED = "label_change_requested", _("label change requested")
    LABEL_CHANGE_APPROVED = "label_change_approved", _("label change approved")
    LABEL_CHANGE_REJECTED = "label_change_rejected", _("label change rejected")
    LABEL_CHANGE_WITHDRAWN = "label_change_withdrawn", _("label change withdrawn")
    LABEL_CHANGED = "label_changed", _("label changed")
    PARTNER_ADDED = "partner_added", _("partner organisation added")
    PARTNER_REVOKED = "partner_revoked", _("partner organisation revoked")
    NAMED_USER_ADDED = "named_user_added", _("named user added")
    NAMED_USER_REMOVED = "named_user_removed", _("named user removed")
    STATISTICS_INCLUSION_CHANGED = (
        "statistics_inclusion_changed",
        _("inclusion in published statistics changed"),
    )
    # Protected data
    VIEW_PERSONAL = "view_personal", _("personal data viewed")
    VIEW_RESTRICTED = "view_restricted", _("restricted data viewed")
    VIEW_FIREWALLED = "view_firewalled", _("firewalled data viewed")
    REVEAL = "reveal", _("hidden value revealed")
    IDENTIFIER_SEARCH = "identifier_search", _("searched by personal identifier")
    # Administration
    MEMBERSHIP_CHANGED = "membership_changed", _("membership changed")
    USER_DISABLED = "user_disabled", _("user disabled")
    USER_ENABLED = "user_enabled", _("user enabled")
    KEY_CREATED = "key_created", _("encryption key created")
    KEY_ROTATION = "key_rotation", _("encryption key rotated")
    # Statistics
    STATISTICS_RELEASE = "statistics_release", _("statistics released")
    # The audit log itself
    AUDIT_VIEW = "audit_view", _("audit log viewed")
    AUDIT_VERIFY = "audit_verify", _("audit log verified")


# A user must say why before seeing these; the reason is kept with the event.
JUSTIFIED_ACTIONS = frozenset({Action.VIEW_RESTRICTED, Action.VIEW_FIREWALLED, Action.REVEAL})

# What the platform administrator, who reads no case content, may see of the log: events about
# organisations, users, keys and the log itself, and never any event about reading or moving data.
PLATFORM_TARGET_TYPES = frozenset({"organisation", "user", "key", "audit_log"})
CASE_CONTENT_ACTIONS = frozenset(
    {
        Action.VIEW_PERSONAL,
        Action.VIEW_RESTRICTED,
        Action.VIEW_FIREWALLED,
        Action.REVEAL,
        Action.IDENTIFIER_SEARCH,
        Action.IMPORT,
        Action.EXPORT,
        Action.RETENTION_PURGE,
        Action.STATISTICS_RELEASE,
    }
)

# References that become NULL when what they point to is deleted; the text copies stay.
NULLABLE_REFERENCES = frozenset({"actor", "organisation", "target_organisation"})


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: Any) -> AuditEventQuerySet:
        from waypoint.audit.access import visibility_condition

        condition = visibility_condition(user)
        return self.none() if condition is None else self.filter(condition)

    def by(self, username: str) -> AuditEventQuerySet:
        return self.filter(actor_username=username)

    def involving(self, organisation_code: str) -> AuditEventQuerySet:
        """Events of someone acting for the organisation, or about one of its records."""
        return self.filter(
            models.Q(organisation_code=organisation_code)
            | models.Q(target_organisation_code=organisation_code)
        )

    def of_action(self, action: str) -> AuditEventQuerySet:
        return self.filter(action=action)

    def about(self, target_id: str) -> AuditEventQuerySet:
        return self.filter(target_id=target_id)

    def since(self, moment: datetime.datetime) -> AuditEventQuerySet:
        return self.filter(timestamp__gte=moment)

    def before(self, moment: datetime.datetime) -> AuditEventQuerySet:
        return self.filter(timestamp__lt=moment)

    def update(self, **kwargs: Any) -> int:
        # Deleting a user or an organisation sets its references to NULL; nothing else changes.
        if (
            kwargs
            and set(kwargs) <= NULLABLE_REFERENCES
            and all(v is None for v in kwargs.values())
        ):
            return super().update(**kwargs)
        raise AppendOnlyError("audit events are append-only; they cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only; they cannot be deleted")

    def bulk_create(
        self,
        objs: Iterable[AuditEvent],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> NoReturn:
        raise AppendOnlyError("write audit events one by one with waypoint.audit.log.record()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only; they cannot be updated")


class AuditEvent(models.Model):
    """One thing that happened, chained by its hash to everything that happened before."""

    sequence = models.PositiveBigIntegerField(_("number"), primary_key=True)
    timestamp = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting for"),
    )
    organisation_code = models.CharField(_("acting for"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("kind of record"), max_length=40, blank=True)
    target_id = models.CharField(_("record"), max_length=150, blank=True, db_index=True)
    target_organisation = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("record owner"),
    )
    target_organisation_code = models.CharField(_("record owner"), max_length=32, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    client_ip = models.CharField(_("client address"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    # Events name staff, organisations and records, never a value of a case field; free text is
    # limited to the justification a user types and the user name typed at a failed sign-in.
    field_classes: ClassVar[dict[str, FieldClass]] = {"*": INTERNAL}

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} by {self.actor_username or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only; they cannot be changed")
        if self.hash != self.computed_hash():
            raise AppendOnlyError("write audit events with waypoint.audit.log.record()")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only; they cannot be deleted")

    def details_summary(self) -> str:
        """The details as one line of text: ``fields: label, status; to_status: submitted``."""
        parts = []
        for key, value in sorted(self.details.items()):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            parts.append(f"{key}: {shown}")
        return "; ".join(parts)

    def hashed_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def computed_hash(self) -> str:
        return digest(self.hashed_fields())


class ChainHead(models.Model):
    """The last event of the chain, in a single row.

    ``record()`` locks this row before appending, so that appends serialise and no two events
    chain to the same predecessor; ``audit verify`` compares it with the last event, so that events
    cut from the end of the chain do not go unnoticed.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    field_classes: ClassVar[dict[str, FieldClass]] = {"*": INTERNAL}

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_chainhead_single_row")
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash}"
