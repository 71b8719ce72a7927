"""Changes to organisations' memberships and sharing agreements, each by an acting user."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from waypoint.audit.log import Target, record
from waypoint.audit.models import Action
from waypoint.orgs.access import AccessDenied, roles_in
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement


def require_admin(actor: Any, organisation: Organisation) -> None:
    if Role.ORG_ADMIN not in roles_in(actor, organisation):
        raise AccessDenied(f"{actor} is not an administrator of {organisation.code}")


def add_partner(
    *, actor: Any, owner: Organisation, partner: Organisation, note: str = ""
) -> SharingAgreement:
    """Share all of the owner's TLP:AMBER records with a partner organisation, from now on."""
    require_admin(actor, owner)
    if partner.pk == owner.pk:
        raise ValueError("an organisation cannot be its own partner")
    with transaction.atomic():
        existing = SharingAgreement.objects.active().filter(owner=owner, partner=partner).first()
        if existing is not None:
            return existing
        agreement = SharingAgreement.objects.create(
            owner=owner, partner=partner, note=note, created_by=actor
        )
        record(actor=actor, action=Action.PARTNER_ADDED, organisation=owner, target=partner)
        return agreement


def revoke_partner(*, actor: Any, agreement: SharingAgreement) -> SharingAgreement:
    """End a sharing agreement; the partner stops seeing the owner's AMBER records at once."""
    require_admin(actor, agreement.owner)
    with transaction.atomic():
        locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.revoked_at is None:
            locked.revoked_at, locked.revoked_by = timezone.now(), actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
            record(
                actor=actor,
                action=Action.PARTNER_REVOKED,
                organisation=agreement.owner,
                target=agreement.partner,
            )
    agreement.refresh_from_db()
    return agreement


def grant_role(*, actor: Any, user: Any, organisation: Organisation, role: str) -> Membership:
    require_admin(actor, organisation)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=Role(role)
        )
        if created:
            record(
                actor=actor,
                action=Action.MEMBERSHIP_CHANGED,
                organisation=organisation,
                target=Target("user", user.get_username(), organisation),
                details={"role": role, "change": "granted"},
            )
    return membership


def revoke_role(*, actor: Any, user: Any, organisation: Organisation, role: str) -> None:
    require_admin(actor, organisation)
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(
            user=user, organisation=organisation, role=role
        ).delete()
        if deleted:
            record(
                actor=actor,
                action=Action.MEMBERSHIP_CHANGED,
                organisation=organisation,
                target=Target("user", user.get_username(), organisation),
                details={"role": role, "change": "revoked"},
            )
