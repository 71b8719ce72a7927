"""Classes of data. Every field of every model declares one; the class decides who may read the
field, whether it is encrypted at rest, whether it may leave in exports and logs, and how long it
is kept.

- ``PUBLIC``: may appear in published aggregate statistics (codes such as kind, country, year).
- ``INTERNAL``: seen by everyone who may see the record, owner and partners alike.
- ``PERSONAL``: identifies a person or tells their story (names, dates of birth, document
  numbers, narratives). Owner organisation only; encrypted at rest.
- ``RESTRICTED``: investigative intelligence (selectors, source references). Owner organisation
  only; encrypted; every view is logged with the reason the user gives.
- ``FIREWALLED``: victims' and witnesses' migration status, addresses and contacts. Owner
  organisation only; encrypted; never used in statistics shared outside the owner.
"""

from __future__ import annotations

from enum import StrEnum


class FieldClass(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    RESTRICTED = "restricted"
    FIREWALLED = "firewalled"

    @property
    def owner_only(self) -> bool:
        return self in OWNER_ONLY

    @property
    def requires_justification(self) -> bool:
        return self is FieldClass.RESTRICTED


#: Classes that never leave the owner organisation and are encrypted at rest.
OWNER_ONLY = frozenset({FieldClass.PERSONAL, FieldClass.RESTRICTED, FieldClass.FIREWALLED})

PUBLIC = FieldClass.PUBLIC
INTERNAL = FieldClass.INTERNAL
PERSONAL = FieldClass.PERSONAL
RESTRICTED = FieldClass.RESTRICTED
FIREWALLED = FieldClass.FIREWALLED
