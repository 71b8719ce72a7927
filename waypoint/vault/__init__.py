"""Encryption at rest of the owner-only field classes (personal, restricted, firewalled).

``reveal`` and ``blind_index_for`` are the two functions the rest of Waypoint calls; see
docs/encryption.md for keys, rotation and what the encryption protects against.
"""

from __future__ import annotations

from typing import Any


def reveal(instance: Any, field_name: str) -> str:
    """The plaintext of a sealed field; the caller has checked access and records the event."""
    from waypoint.vault.sealing import reveal as reveal_value

    return reveal_value(instance, field_name)


def blind_index_for(kind: str, value: str) -> str:
    """The blind index to search an identifier of ``kind`` by (exact match after normalising)."""
    from waypoint.vault.sealing import blind_index_for as index

    return index(kind, value)
