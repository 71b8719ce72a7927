"""The hash chain: how an audit event's fields become its SHA-256 hash.

Each event's hash covers a canonical JSON serialisation of its recorded fields, including the hash
of the event before it (``previous_hash``); the first event chains to ``GENESIS``. Changing,
removing or inserting any event therefore changes a hash that the next event, the chain head or an
anchor kept elsewhere no longer matches.

Only text copies are hashed (the actor's user name, the organisation codes), never the foreign
keys: those become NULL when a user or organisation is deleted, and the event must stay verifiable.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64

HASHED_FIELDS = (
    "sequence",
    "timestamp",
    "actor_username",
    "organisation_code",
    "action",
    "target_type",
    "target_id",
    "target_organisation_code",
    "details",
    "justification",
    "client_ip",
    "user_agent",
    "previous_hash",
)


def format_timestamp(value: datetime.datetime) -> str:
    """Write an aware time in UTC to the microsecond, the precision both databases keep."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: Mapping[str, Any]) -> bytes:
    """Serialise the hashed fields with sorted keys and no spaces, so the bytes never vary."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["timestamp"] = format_timestamp(fields["timestamp"])
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def digest(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()
