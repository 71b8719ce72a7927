"""What an audit event may say about itself: a closed list of keys, each with a value shape that
cannot carry the value of a case field (the only names it holds are staff user names).

The audit log outlives the records it describes and is read by auditors of several organisations,
so it never holds the value of a field: a change is recorded by the names of the fields that
changed, never by their old or new values. ``clean_details`` refuses any key not listed here, and
any value that does not fit its key's shape, so that a caller cannot slip a name, a date of birth
or a narrative into the log by mistake.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\[[0-9]+\])?(\.[a-z_][a-z0-9_]*(\[[0-9]+\])?)*$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_.+:-]{0,63}$")
ORG_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
MAX_FIELDS = 300
MAX_USERNAME = 150


class UnsafeDetails(ValueError):
    """Details that the audit log does not know to be free of personal values."""


def _field_names(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) > MAX_FIELDS:
        raise UnsafeDetails(f"expected a list of at most {MAX_FIELDS} field names")
    for name in value:
        if not isinstance(name, str) or len(name) > 100 or not FIELD_NAME.match(name):
            raise UnsafeDetails(f"{name!r} is not a field name")
    return sorted(set(value))


def _field_name(value: Any) -> str:
    return _field_names([value])[0]


def _code(value: Any) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        raise UnsafeDetails(f"{value!r} is not a code (lower-case letters, digits, _ . + : -)")
    return value


def _org_code(value: Any) -> str:
    if not isinstance(value, str) or not ORG_CODE.match(value):
        raise UnsafeDetails(f"{value!r} is not an organisation code")
    return value


def _org_codes(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) > MAX_FIELDS:
        raise UnsafeDetails(f"expected a list of at most {MAX_FIELDS} organisation codes")
    return sorted({_org_code(code) for code in value})


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UnsafeDetails(f"{value!r} is not a count")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise UnsafeDetails(f"{value!r} is not true or false")
    return value


def _public_id(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise UnsafeDetails(f"{value!r} is not a public identifier (UUID)") from None


def _username(value: Any) -> str:
    """A user name as typed at sign-in: kept for security auditing, cut to the field's length."""
    if not isinstance(value, str):
        raise UnsafeDetails(f"{value!r} is not a user name")
    return printable(value)[:MAX_USERNAME]


def _usernames(value: Any) -> list[str]:
    """Staff user names (named users of a record), never names of persons in a case."""
    if not isinstance(value, list | tuple) or len(value) > MAX_FIELDS:
        raise UnsafeDetails(f"expected a list of at most {MAX_FIELDS} user names")
    return sorted({_username(name) for name in value})


def printable(text: str) -> str:
    """Drop control characters (NUL is refused by PostgreSQL text) but keep line breaks."""
    return "".join(c for c in text if c.isprintable() or c in "\n\t")


SAFE_DETAILS: dict[str, Callable[[Any], Any]] = {
    # Changes: names of the fields that changed, never their values.
    "fields": _field_names,
    "field": _field_name,
    # Workflow and sharing codes (vocabulary codes, not free text).
    "from_status": _code,
    "to_status": _code,
    "from_stage": _code,
    "to_stage": _code,
    "from_label": _code,
    "to_label": _code,
    "role": _code,
    "change": _code,
    "reason": _code,
    "method": _code,
    "format": _code,
    "table": _code,
    "result": _code,
    "partner": _org_code,
    "partners": _org_codes,
    "person": _public_id,
    "request": _public_id,
    "job": _public_id,
    # Sizes of what was written, exported or verified.
    "count": _count,
    "persons": _count,
    "legs": _count,
    "selectors": _count,
    "created": _count,
    "updated": _count,
    "unchanged": _count,
    "rejected": _count,
    "events": _count,
    "first_broken": _count,
    "from_key_version": _count,
    "to_key_version": _count,
    "public": _flag,
    "dry_run": _flag,
    # The user name typed at a failed sign-in (there is no actor to name).
    "username": _username,
    # Staff user names named on a record (TLP:AMBER+STRICT).
    "users": _usernames,
}


def clean_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """Return the details in their stored shape, or raise ``UnsafeDetails``."""
    if not isinstance(details, Mapping):
        raise UnsafeDetails("details must be a mapping")
    unknown = sorted(str(key) for key in details if key not in SAFE_DETAILS)
    if unknown:
        raise UnsafeDetails(
            f"the audit log does not record {', '.join(unknown)}; record the names of changed "
            'fields ("fields") and codes, never values (see waypoint.audit.details)'
        )
    cleaned = {}
    for key, value in details.items():
        try:
            cleaned[key] = SAFE_DETAILS[key](value)
        except UnsafeDetails as error:
            raise UnsafeDetails(f"{key}: {error}") from None
    return cleaned
