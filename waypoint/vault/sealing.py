"""Sealing values of rows and revealing them again.

A row with sealed fields has a stable ``public_id`` (set when the row is built) and a method
``sealing_organisation_id()`` naming the organisation whose key seals it; its class names the
same organisation as a query path in ``sealing_organisation_path`` (for key rotation).

``reveal`` decrypts; it checks nothing. The caller has already decided that the user may see the
value and records the audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from waypoint.vault import crypto, keys, normalise


class Sealed:
    """A sealed value as loaded from the database: opaque until revealed.

    It never holds or shows the plaintext; ``str()`` gives ``[sealed]``, so that a template or a
    log line that meets it by mistake shows nothing of the value.
    """

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    @property
    def version(self) -> int:
        return crypto.token_version(self.token)

    def __str__(self) -> str:
        return "[sealed]"

    def __repr__(self) -> str:
        return "<Sealed>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sealed):
            return self.token == other.token
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.token)


class SealedValueError(Exception):
    """A sealed value does not open for the row and column it is read from."""


def aad_of(instance: models.Model, column: str) -> bytes:
    public_id = getattr(instance, "public_id", None)
    if public_id is None:
        raise ValueError(f"{type(instance).__name__} needs a public_id before it can be sealed")
    return crypto.field_aad(instance._meta.db_table, column, str(public_id))


def seal_for(instance: models.Model, column: str, plaintext: str) -> Sealed:
    """Seal a value of ``instance`` with its organisation's active key."""
    organisation_id = instance.sealing_organisation_id()  # type: ignore[attr-defined]
    key = keys.active_key(organisation_id)
    return Sealed(crypto.seal(key, plaintext, aad_of(instance, column)))


def reveal(instance: models.Model, field_name: str) -> str:
    """The plaintext of a sealed field of ``instance``; the caller has checked access."""
    value = getattr(instance, field_name)
    if not isinstance(value, Sealed):
        return "" if value is None else str(value)
    organisation_id = instance.sealing_organisation_id()  # type: ignore[attr-defined]
    key = keys.key_version(organisation_id, _version(instance, field_name, value))
    return _open(instance, field_name, key, value)


def reveal_each(instances: Iterable[models.Model], field_name: str) -> list[str]:
    """``reveal`` for many rows, fetching each key once."""
    found: dict[tuple[int, int], crypto.DataKey] = {}
    revealed = []
    for instance in instances:
        value = getattr(instance, field_name)
        if not isinstance(value, Sealed):
            revealed.append("" if value is None else str(value))
            continue
        place = (
            instance.sealing_organisation_id(),  # type: ignore[attr-defined]
            _version(instance, field_name, value),
        )
        if place not in found:
            found[place] = keys.key_version(*place)
        revealed.append(_open(instance, field_name, found[place], value))
    return revealed


def _version(instance: models.Model, field_name: str, value: Sealed) -> int:
    try:
        return value.version
    except crypto.MalformedToken:
        raise SealedValueError(f"{_where(instance, field_name)} is not a sealed value") from None


def _open(instance: models.Model, field_name: str, key: crypto.DataKey, value: Sealed) -> str:
    column = str(instance._meta.get_field(field_name).column)  # type: ignore[union-attr]
    try:
        return crypto.open_token(key, value.token, aad_of(instance, column))
    except crypto.OpenFailed as error:
        raise SealedValueError(f"{_where(instance, field_name)} does not open: {error}") from None


def _where(instance: models.Model, field_name: str) -> str:
    return f"{instance._meta.label}.{field_name} of row {getattr(instance, 'public_id', '?')}"


def blind_index_for(kind: str, value: str) -> str:
    """The blind index of an identifier of ``kind``, or "" when the kind is not indexed.

    Search with it: ``PersonIdentifier.objects.filter(value_index=blind_index_for("phone", n))``.
    """
    normalised = normalise.normalise(kind, value)
    if not normalised:
        return ""
    return crypto.blind_index(keys.index_key(), kind, normalised)


class BulkSealer:
    """Seal values and compute indexes for writers that bypass ``save()`` (the demo writer,
    migrations): keys are fetched once per organisation, not once per value."""

    def __init__(self) -> None:
        self._keys: dict[int, crypto.DataKey] = {}
        self._index_key: bytes | None = None

    def key_for(self, organisation_id: int) -> crypto.DataKey:
        key = self._keys.get(organisation_id)
        if key is None:
            key = self._keys[organisation_id] = keys.active_key(organisation_id)
        return key

    def seal(self, organisation_id: int, table: str, column: str, row: Any, plaintext: str) -> str:
        """The token of ``plaintext`` for one row's column (``row`` is its public id)."""
        aad = crypto.field_aad(table, column, str(row))
        return crypto.seal(self.key_for(organisation_id), plaintext, aad)

    def index(self, kind: str, value: str) -> str:
        normalised = normalise.normalise(kind, value)
        if not normalised:
            return ""
        if self._index_key is None:
            self._index_key = keys.index_key()
        return crypto.blind_index(self._index_key, kind, normalised)
