"""Checks of command-line values for ``create_org`` and ``create_user``.

Each answers the cleaned value or raises a usage error (exit status 2) that says what is accepted.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from waypoint.orgs.models import Organisation, Role
from waypoint.reference import catalogue

USAGE = 2


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE)


def organisation_code(value: str) -> str:
    field: Any = Organisation._meta.get_field("code")
    try:
        field.run_validators(value)  # the pattern and the length
    except ValidationError:
        hint = f"; did you mean {value.upper()}?" if value.upper() != value else ""
        raise usage_error(
            f"organisation code {value!r} is not accepted: use up to 32 capital letters, digits, "
            f"'-' and '_', starting with a letter or digit (e.g. ITA-POL){hint}"
        ) from None
    return value


def name(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 200:
        raise usage_error("--name must be between 1 and 200 characters")
    return value


def country(value: str) -> str:
    code = value.strip().upper()
    accepted = catalogue.country_codes()
    if code in accepted:
        return code
    raise usage_error(
        f"unknown country {value!r}: use an ISO 3166-1 alpha-3 code (e.g. ITA, GRC, NGA)"
        + _suggestions(code, accepted)
    )


def term(value: str, vocabulary: str, what: str) -> str:
    accepted = catalogue.vocabulary_codes(vocabulary, include_deprecated=False)
    if value in accepted:
        return value
    raise usage_error(
        f"unknown {what} {value!r}; accepted: {', '.join(sorted(accepted))}"
        + _suggestions(value, accepted)
    )


def terms(values: Iterable[str], vocabulary: str, what: str) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        code = term(value, vocabulary, what)
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def existing_organisation(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        codes = frozenset(Organisation.objects.values_list("code", flat=True))
        known = _suggestions(code, codes) or (
            "; create it first with `waypoint create_org`" if codes else "; there are none yet"
        )
        raise usage_error(f"unknown organisation {code!r}{known}")
    if not organisation.is_active:
        raise usage_error(
            f"organisation {code} is inactive; reactivate it in the administration site"
        )
    return organisation


def role(value: str) -> str:
    if value in Role.values:
        return value
    accepted = ", ".join(f"{choice.value} ({choice.label})" for choice in Role)
    raise usage_error(f"unknown role {value!r}; accepted: {accepted}")


def username(value: str) -> str:
    user_model = get_user_model()
    field: Any = user_model._meta.get_field(user_model.USERNAME_FIELD)
    try:
        field.run_validators(value)
        if not value or len(value) > (field.max_length or 150):
            raise ValidationError("length")
    except ValidationError:
        raise usage_error(
            f"user name {value!r} is not accepted: use up to {field.max_length} letters, digits "
            "and the characters @ . + - _"
        ) from None
    return value


def password_from_file(path: str, for_username: str) -> str:
    """Read a password from a file (``-`` for standard input), never from the command line."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise usage_error(f"cannot read --password-file {path}: {reason}") from None
    password = text.rstrip("\r\n")
    if not password:
        raise usage_error(f"--password-file {path} is empty")
    try:
        validate_password(password, get_user_model()(username=for_username))
    except ValidationError as exc:
        reasons = " ".join(str(message) for message in exc.messages)
        raise usage_error(f"the password in {path} is not accepted: {reasons}") from None
    return password


def _suggestions(value: str, accepted: frozenset[str]) -> str:
    closest = catalogue.closest(value, accepted)
    return f"; did you mean {', '.join(closest)}?" if closest else ""
