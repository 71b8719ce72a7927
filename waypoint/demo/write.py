"""Writing demo data: the organisations and users, then generated incidents in bulk
(``waypoint.cases.writing``)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from waypoint.cases.models import Incident
from waypoint.cases.writing import BATCH, MODELS, write_incidents
from waypoint.demo.personas import (
    DEMO_PASSWORD,
    ORGANISATIONS,
    USERS,
    Owner,
    World,
    organisation_public_id,
    recording_roles,
)
from waypoint.orgs.models import Membership, Organisation, SharingAgreement

__all__ = ["BATCH", "MODELS", "ensure_world", "write_incidents"]

#: Standing sharing agreements (owner, partner): each owner's TLP:AMBER records reach the partner.
#: Org A (Italy) and Org B (Greece) share both ways, as the personas Amara and Chen expect.
AGREEMENTS = (
    ("ITA-POL", "GRC-HP"),
    ("GRC-HP", "ITA-POL"),
    ("ESP-GC", "MAR-DMB"),
    ("MEX-INM", "USA-HSI"),
    ("USA-HSI", "MEX-INM"),
    ("THA-DSI", "MYS-PDRM"),
)


def ensure_world() -> World:
    """Create the demo organisations, users and sharing agreements that do not exist yet;
    answer who records what."""
    organisations = _organisations()
    _users(organisations)
    _agreements(organisations)
    return World([_owner(organisation) for organisation in organisations.values()])


def _organisations() -> dict[str, Organisation]:
    organisations = {}
    for spec in ORGANISATIONS:
        organisations[spec.code], _ = Organisation.objects.get_or_create(
            code=spec.code,
            defaults={
                "public_id": organisation_public_id(spec.code),
                "name": spec.name,
                "type": spec.type,
                "country": spec.country,
                "purposes": list(spec.purposes),
            },
        )
    return organisations


def _users(organisations: dict[str, Organisation]) -> None:
    # One hash for the one published demo password: Argon2 takes a noticeable time per hash.
    password = make_password(DEMO_PASSWORD)
    for spec in USERS:
        user, _ = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.org",
                "password": password,
                "is_staff": spec.platform_admin,
                "is_superuser": spec.platform_admin,
            },
        )
        if spec.organisation is None:
            continue
        for role in spec.roles:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[spec.organisation], role=role
            )


def _agreements(organisations: dict[str, Organisation]) -> None:
    for owner, partner in AGREEMENTS:
        if owner in organisations and partner in organisations:
            SharingAgreement.objects.get_or_create(
                owner=organisations[owner],
                partner=organisations[partner],
                revoked_at=None,
                defaults={"note": "Demo agreement"},
            )


def _owner(organisation: Organisation) -> Owner:
    recorders, reviewers = set(), set()
    memberships = Membership.objects.filter(organisation=organisation, user__is_active=True)
    for user_id, role in memberships.values_list("user_id", "role").order_by("user_id", "role"):
        records, reviews = recording_roles((role,))
        if records:
            recorders.add(user_id)
        if reviews:
            reviewers.add(user_id)
    return Owner(
        organisation.id,
        organisation.code,
        organisation.country,
        organisation.type,
        tuple(sorted(recorders)),
        tuple(sorted(reviewers or recorders)),
        used=Incident.objects.filter(owner=organisation).count(),
    )
