"""Writing the audit log: ``record()`` is the only way an event gets in.

Call it inside the action's own transaction, as its last step: the event commits with the action
or not at all, and the chain head stays locked (every other audited write waits) for as short a
time as possible.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from waypoint.audit.chain import GENESIS
from waypoint.audit.details import clean_details, printable
from waypoint.audit.models import JUSTIFIED_ACTIONS, Action, AuditEvent, ChainHead
from waypoint.orgs.access import member_organisations
from waypoint.orgs.models import Organisation

TARGET_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TARGET_ID = 150
MAX_JUSTIFICATION = 2000
MAX_USER_AGENT = 300


@dataclass(frozen=True)
class Target:
    """What an event is about, named by its kind and public identifier (never an internal id),
    with the organisation that owns it."""

    type: str = ""
    id: str = ""
    organisation: Organisation | None = None

    def __post_init__(self) -> None:
        if self.type and not TARGET_TYPE.match(self.type):
            raise ValueError(f"{self.type!r} is not a kind of record (lower-case, e.g. incident)")
        if len(self.id) > MAX_TARGET_ID:
            raise ValueError(f"a record identifier has at most {MAX_TARGET_ID} characters")


def sole_organisation(user: Any) -> Organisation | None:
    """The organisation a user acts for when only one is possible."""
    organisations = member_organisations(user)
    return organisations[0] if len(organisations) == 1 else None


def describe(target: Any) -> Target:
    """Name a record for the log: organisations by public id, users by user name, and any other
    row by its ``public_id`` and owner (``owner``, ``organisation`` or its incident's owner)."""
    if target is None:
        return Target()
    if isinstance(target, Target):
        return target
    if isinstance(target, Organisation):
        return Target("organisation", str(target.public_id), target)
    if isinstance(target, AbstractBaseUser):
        return Target("user", target.get_username(), sole_organisation(target))
    public_id = getattr(target, "public_id", None)
    if public_id is None:
        raise TypeError(
            f"{type(target).__name__} has no public id; describe it with Target(type, id, owner)"
        )
    return Target(target._meta.model_name, str(public_id), _owner(target))


def _owner(row: Any) -> Organisation | None:
    for path in ("owner", "organisation", "incident.owner", "person.incident.owner"):
        value = row
        for name in path.split("."):
            value = getattr(value, name, None)
        if isinstance(value, Organisation):
            return value
    return None


def client_of(request: Any) -> tuple[str, str]:
    """The client address and browser of a request; behind a proxy, REMOTE_ADDR must be set
    from the forwarded address by the proxy set-up, never from a header the client controls."""
    if request is None:
        return "", ""
    meta = getattr(request, "META", {})
    try:
        address = ipaddress.ip_address(meta.get("REMOTE_ADDR", "")).compressed
    except ValueError:
        address = ""
    return address, printable(str(meta.get("HTTP_USER_AGENT", "")))[:MAX_USER_AGENT]


def record(
    *,
    actor: Any,
    action: str,
    organisation: Organisation | None = None,
    target: Any = None,
    details: Mapping[str, Any] | None = None,
    justification: str = "",
    request: Any = None,
) -> AuditEvent:
    """Append one event to the audit log, in the caller's transaction (or a new one).

    ``actor`` is the acting user (None for the system or an anonymous visitor); ``organisation``
    the organisation they acted for; ``target`` a row with a public id, a user, an organisation or
    a ``Target``; ``details`` only keys listed in ``waypoint.audit.details`` (names of changed
    fields, codes and counts, never values). Raises ``UnsafeDetails`` or ``ValueError`` before
    writing anything.
    """
    action = Action(action)
    about = describe(target)
    safe_details = clean_details(details or {})
    justification = printable(justification).strip()
    if action in JUSTIFIED_ACTIONS and not justification:
        raise ValueError(f"{action.value} needs a justification typed by the user")
    if len(justification) > MAX_JUSTIFICATION:
        raise ValueError(f"a justification has at most {MAX_JUSTIFICATION} characters")
    user = actor if getattr(actor, "is_authenticated", False) else None
    address, agent = client_of(request)
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        event = AuditEvent(
            sequence=head.sequence + 1,
            timestamp=timezone.now(),
            actor=user,
            actor_username=user.get_username() if user else "",
            organisation=organisation,
            organisation_code=organisation.code if organisation else "",
            action=action.value,
            target_type=about.type,
            target_id=about.id,
            target_organisation=about.organisation,
            target_organisation_code=about.organisation.code if about.organisation else "",
            details=safe_details,
            justification=justification,
            client_ip=address,
            user_agent=agent,
            previous_hash=head.hash,
        )
        event.hash = event.computed_hash()
        event.save()
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def _locked_head() -> ChainHead:
    """Lock the chain head for the rest of the transaction (PostgreSQL: SELECT … FOR UPDATE;
    SQLite serialises writers already, every transaction beginning IMMEDIATE)."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # A new database (or one just flushed): start from the last event, if any is left.
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, last_hash = last or (0, GENESIS)
        ChainHead.objects.get_or_create(pk=1, defaults={"sequence": sequence, "hash": last_hash})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head
