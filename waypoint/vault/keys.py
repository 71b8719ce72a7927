"""Finding, creating and checking the keys: the one place that reads the master key.

Key rows are read from the database every time a value is sealed (one small indexed query), so
that a rotation started by ``waypoint rotate_keys`` takes effect in every running server at once,
and a key created in a transaction that is later rolled back is never used. Only the unwrapping
is remembered, by the wrapped bytes themselves, which is safe whatever happens to the rows.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, models, transaction

from waypoint.orgs.models import Organisation
from waypoint.vault import crypto
from waypoint.vault.models import IndexKey, KeyState, OrganisationKey

MASTER_KEY_SETTING = "WAYPOINT_MASTER_KEY or WAYPOINT_MASTER_KEY_FILE"


class MasterKeyMismatch(Exception):
    """The master key cannot open the keys stored in the database."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"the master key does not match this database ({MASTER_KEY_SETTING}): it cannot "
            f"open {what}. Give the master key this database was set up with; nothing has been "
            "written"
        )


class KeyMissing(Exception):
    """A value names a key version its organisation does not have."""


def master_key() -> bytes:
    return _decoded(settings.WAYPOINT_MASTER_KEY)


@lru_cache(maxsize=4)
def _decoded(text: str) -> bytes:
    return crypto.key_from_text(text, "WAYPOINT_MASTER_KEY")


@lru_cache(maxsize=4096)
def _unwrapped(master: bytes, wrapped: str, aad: bytes) -> bytes:
    return crypto.unwrap_key(master, wrapped, aad)


@lru_cache(maxsize=4096)
def _data_key(master: bytes, wrapped: str, organisation: str, version: int) -> crypto.DataKey:
    aad = crypto.data_key_aad(organisation, version)
    return crypto.data_key(version, crypto.unwrap_key(master, wrapped, aad))


def open_data_key(
    wrapped: str, organisation_public_id: object, version: int, organisation_label: object
) -> crypto.DataKey:
    """Unwrap a stored data key; the label names the organisation in the error."""
    try:
        return _data_key(master_key(), wrapped, str(organisation_public_id), version)
    except crypto.OpenFailed:
        raise MasterKeyMismatch(
            f"data key version {version} of organisation {organisation_label}"
        ) from None


KEY_COLUMNS = ("version", "wrapped_key", "organisation__public_id", "organisation_id")


def active_key(organisation_id: int) -> crypto.DataKey:
    """The key that seals the organisation's new values; created on first use."""
    row = _active_row(organisation_id)
    if row is None:
        row = _create_first_key(organisation_id)
    version, wrapped, public_id, _ = row
    return open_data_key(wrapped, public_id, version, organisation_id)


def _active_row(organisation_id: int) -> tuple[int, str, object, int] | None:
    keys = OrganisationKey.objects.filter(organisation_id=organisation_id, state=KeyState.ACTIVE)
    return keys.values_list(*KEY_COLUMNS).first()


def key_version(organisation_id: int, version: int) -> crypto.DataKey:
    """The key that sealed values of ``version``, whatever its state."""
    keys = OrganisationKey.objects.filter(organisation_id=organisation_id, version=version)
    row = keys.values_list(*KEY_COLUMNS).first()
    if row is None:
        raise KeyMissing(f"organisation {organisation_id} has no data key version {version}")
    return open_data_key(row[1], row[2], version, organisation_id)


def _create_first_key(organisation_id: int) -> tuple[int, str, object, int]:
    organisation = Organisation.objects.get(pk=organisation_id)
    try:
        with transaction.atomic():
            key = create_key(organisation)
    except IntegrityError:
        # Another transaction created it first; use theirs.
        row = _active_row(organisation_id)
        if row is None:
            raise
        return row
    return key.version, key.wrapped_key, organisation.public_id, organisation_id


def create_key(organisation: Organisation) -> OrganisationKey:
    """Create the organisation's next key version, active. Call in a transaction in which the
    previous active key (if any) is no longer active."""
    versions = OrganisationKey.objects.filter(organisation=organisation)
    latest = versions.aggregate(latest=models.Max("version"))["latest"] or 0
    version = latest + 1
    aad = crypto.data_key_aad(str(organisation.public_id), version)
    key = OrganisationKey.objects.create(
        organisation=organisation,
        version=version,
        wrapped_key=crypto.wrap_key(master_key(), crypto.generate_key(), aad),
    )
    _audit_key_created(key)
    return key


def _audit_key_created(key: OrganisationKey) -> None:
    from waypoint.audit.log import Target, record

    record(
        actor=None,
        action="key_created",
        organisation=key.organisation,
        target=Target("key", str(key.public_id), key.organisation),
        details={"to_key_version": key.version},
    )


def index_key() -> bytes:
    """The platform's blind-index key; created on first use."""
    wrapped = IndexKey.objects.filter(pk=1).values_list("wrapped_key", flat=True).first()
    if wrapped is None:
        wrapped = _create_index_key()
    try:
        return _unwrapped(master_key(), wrapped, crypto.INDEX_KEY_AAD)
    except crypto.OpenFailed:
        raise MasterKeyMismatch("the blind-index key") from None


def _create_index_key() -> str:
    wrapped = crypto.wrap_key(master_key(), crypto.generate_key(), crypto.INDEX_KEY_AAD)
    try:
        with transaction.atomic():
            IndexKey.objects.create(pk=1, wrapped_key=wrapped)
    except IntegrityError:
        return IndexKey.objects.values_list("wrapped_key", flat=True).get(pk=1)
    return wrapped


def verify_master_key() -> None:
    """Raise ``MasterKeyMismatch`` unless the master key opens every key in the database."""
    master = master_key()
    for wrapped in IndexKey.objects.values_list("wrapped_key", flat=True):
        try:
            _unwrapped(master, wrapped, crypto.INDEX_KEY_AAD)
        except crypto.OpenFailed:
            raise MasterKeyMismatch("the blind-index key") from None
    stored = OrganisationKey.objects.values_list(
        "version", "wrapped_key", "organisation__public_id", "organisation__code"
    )
    for version, wrapped, public_id, code in stored:
        open_data_key(wrapped, public_id, version, code)
