"""Changes to organisations' memberships and sharing agreements, each by an acting user."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
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


class LastAdministrator(ValueError):
    """The change would leave an organisation without an administrator."""


class UserExists(ValueError):
    """A new user was asked for under a user name that is taken."""


class NotAssignable(ValueError):
    """The user cannot hold an organisation role (a platform administrator)."""


def set_member_roles(
    *, actor: Any, user: Any, organisation: Organisation, roles: Iterable[str]
) -> list[str]:
    """Give a user exactly these roles in the organisation (none removes them from it).

    Refuses to leave the organisation without an administrator, and refuses any role to a
    platform administrator, who holds none. Answers the roles the user holds afterwards.
    """
    require_admin(actor, organisation)
    wanted = {Role(role).value for role in roles}
    if wanted and user.is_superuser:
        raise NotAssignable(f"{user.get_username()} is a platform administrator")
    with transaction.atomic():
        # Lock the organisation so that two administrators cannot remove each other at once.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        held = set(
            Membership.objects.filter(user=user, organisation=organisation).values_list(
                "role", flat=True
            )
        )
        if Role.ORG_ADMIN in held - wanted and _other_admins(user, organisation) == 0:
            raise LastAdministrator(f"{organisation.code} would have no administrator left")
        for role in sorted(held - wanted):
            revoke_role(actor=actor, user=user, organisation=organisation, role=role)
        for role in sorted(wanted - held):
            grant_role(actor=actor, user=user, organisation=organisation, role=role)
    return sorted(wanted)


def _other_admins(user: Any, organisation: Organisation) -> int:
    return (
        Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN)
        .exclude(user=user)
        .filter(user__is_active=True)
        .count()
    )


def create_member(
    *, actor: Any, organisation: Organisation, username: str, roles: Iterable[str], email: str = ""
) -> tuple[Any, str]:
    """Create a user account with roles in the organisation and a one-time password.

    Answers the user and the password, to be shown once to the administrator, who hands it over;
    the new user changes it on their account page (and, where required, sets up two-factor
    sign-in at first sign-in), as with ``waypoint create_user``.
    """
    require_admin(actor, organisation)
    model = get_user_model()
    password = secrets.token_urlsafe(18)
    with transaction.atomic():
        if model._default_manager.filter(username__iexact=username).exists():
            raise UserExists(username)
        user = model._default_manager.create_user(username, email=email, password=password)
        record(
            actor=actor,
            action=Action.CREATE,
            organisation=organisation,
            target=Target("user", user.get_username(), organisation),
        )
        for role in sorted({Role(role).value for role in roles}):
            grant_role(actor=actor, user=user, organisation=organisation, role=role)
    return user, password
