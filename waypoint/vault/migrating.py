"""Sealing values written before their fields were sealed, from data migrations.

Works with the historical models a migration is given, so that it keeps working whatever the
models become later. Values that are already tokens are left as they are, so it can run twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from waypoint.vault import crypto, keys, normalise
from waypoint.vault.sealing import Sealed

BATCH = 1000


@dataclass(frozen=True)
class SealedColumns:
    """What to seal in one model: its fields, and blind indexes as (source, kind, index)."""

    model: str
    organisation_path: str
    fields: tuple[str, ...]
    indexes: tuple[tuple[str, str, str], ...] = ()


class HistoricalKeys:
    """Keys through the historical models: the active key of each organisation (created if it
    has none) and the index key."""

    def __init__(self, apps: Any) -> None:
        self.keys = apps.get_model("vault", "OrganisationKey")
        self.index_keys = apps.get_model("vault", "IndexKey")
        self.organisations = apps.get_model("orgs", "Organisation")
        self.found: dict[int, crypto.DataKey] = {}
        self.index_key: bytes | None = None

    def active(self, organisation_id: int) -> crypto.DataKey:
        if organisation_id not in self.found:
            self.found[organisation_id] = self._active(organisation_id)
        return self.found[organisation_id]

    def _active(self, organisation_id: int) -> crypto.DataKey:
        public_id = self.organisations.objects.values_list("public_id", flat=True).get(
            pk=organisation_id
        )
        row = self.keys.objects.filter(organisation_id=organisation_id, state="active").first()
        if row is None:
            versions = self.keys.objects.filter(organisation_id=organisation_id)
            version = (versions.aggregate(latest=Max("version"))["latest"] or 0) + 1
            aad = crypto.data_key_aad(str(public_id), version)
            wrapped = crypto.wrap_key(keys.master_key(), crypto.generate_key(), aad)
            row = self.keys.objects.create(
                organisation_id=organisation_id, version=version, wrapped_key=wrapped
            )
        return keys.open_data_key(row.wrapped_key, public_id, row.version, organisation_id)

    def index(self, kind: str, value: str) -> str:
        normalised = normalise.normalise(kind, value)
        if not normalised:
            return ""
        if self.index_key is None:
            self.index_key = self._index_key()
        return crypto.blind_index(self.index_key, kind, normalised)

    def _index_key(self) -> bytes:
        row = self.index_keys.objects.filter(pk=1).first()
        if row is None:
            wrapped = crypto.wrap_key(
                keys.master_key(), crypto.generate_key(), crypto.INDEX_KEY_AAD
            )
            row = self.index_keys.objects.create(pk=1, wrapped_key=wrapped)
        return crypto.unwrap_key(keys.master_key(), row.wrapped_key, crypto.INDEX_KEY_AAD)


def seal_existing(apps: Any, app_label: str, spec: SealedColumns, found: HistoricalKeys) -> int:
    """Seal the plaintext left in ``spec``'s columns; answer how many rows changed."""
    model = apps.get_model(app_label, spec.model)
    meta = model._meta
    kinds = tuple(kind for _, kind, _ in spec.indexes)
    columns = ("pk", "public_id", spec.organisation_path, *spec.fields, *kinds)
    changed, last = 0, 0
    while True:
        rows = list(
            model._base_manager.filter(pk__gt=last).order_by("pk").values_list(*columns)[:BATCH]
        )
        if not rows:
            return changed
        for pk, public_id, organisation_id, *rest in rows:
            plain = dict(zip(spec.fields, rest[: len(spec.fields)], strict=True))
            kind_of = dict(zip(kinds, rest[len(spec.fields) :], strict=True))
            updates: dict[str, Any] = {}
            for name, value in plain.items():
                raw = value.token if isinstance(value, Sealed) else value
                if not raw or crypto.is_token(raw):
                    continue
                aad = crypto.field_aad(meta.db_table, meta.get_field(name).column, str(public_id))
                updates[name] = Sealed(crypto.seal(found.active(organisation_id), raw, aad))
                for source, kind, index in spec.indexes:
                    if source == name:
                        updates[index] = found.index(kind_of[kind], raw)
            if updates:
                model._base_manager.filter(pk=pk).update(**updates)
                changed += 1
            last = pk
