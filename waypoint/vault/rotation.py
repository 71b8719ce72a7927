"""Key rotation: each organisation gets a new data key version, every value sealed with an older
version is re-sealed with it, and the older versions are retired once no value uses them.

A rotation survives being killed at any point. New versions for all the organisations concerned
are created in one transaction, and the versions they replace are marked retiring; values are then
re-sealed in batches, each batch committed on its own; values are chosen by the version written in
their token, so a value is either re-sealed or not, never half. A later run that finds retiring
keys resumes: it creates no new version and takes up the values still on older ones.

Running servers seal new values with the newest version from the moment it is committed (they
read the active key on every write), so nothing written during a rotation is left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from waypoint.orgs.models import Organisation
from waypoint.vault import crypto, keys
from waypoint.vault.fields import SealedTextField
from waypoint.vault.models import KeyState, OrganisationKey
from waypoint.vault.sealing import Sealed, SealedValueError

BATCH = 1000


@dataclass(frozen=True)
class SealedColumn:
    model: type[models.Model]
    field: SealedTextField

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def organisation_path(self) -> str:
        return self.model.sealing_organisation_path  # type: ignore[attr-defined,no-any-return]

    def left_behind(self, rotations: Iterable[Rotation]) -> models.QuerySet[Any]:
        """Rows of the rotating organisations whose value is on another version than their
        organisation's new one."""
        name, path = self.field.name, self.organisation_path
        organisations: dict[int, list[int]] = {}
        for rotation in rotations:
            organisations.setdefault(rotation.version, []).append(rotation.organisation.pk)
        behind = models.Q()
        for version, ids in sorted(organisations.items()):
            current = {f"{name}__startswith": f"{crypto.TOKEN_PREFIX}{version}."}
            behind |= models.Q(**{f"{path}__in": ids}) & ~models.Q(**current)
        sealed = {f"{name}__startswith": crypto.TOKEN_PREFIX}
        return self.model._base_manager.filter(behind, **sealed)

    def write(self, updates: list[tuple[str, int]]) -> None:
        """Store new tokens by primary key: (token, pk) pairs."""
        quote, meta = connection.ops.quote_name, self.model._meta
        table, column = quote(meta.db_table), quote(str(self.field.column))
        pk = meta.pk
        assert pk is not None
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement for the batch; executemany would run one UPDATE per value.
                tokens, keys = zip(*updates, strict=True)
                cursor.execute(
                    f"UPDATE {table} SET {column} = batch.token "
                    f"FROM unnest(%s::{pk.db_type(connection)}[], %s::text[]) AS batch(pk, token) "
                    f"WHERE {table}.{quote(str(pk.column))} = batch.pk",
                    [list(keys), list(tokens)],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET {column} = %s WHERE {quote(str(pk.column))} = %s", updates
                )


def sealed_columns() -> list[SealedColumn]:
    """Every sealed field of every model."""
    return [
        SealedColumn(model, model_field)
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, SealedTextField)
    ]


@dataclass
class Rotation:
    """One organisation's rotation to ``version``."""

    organisation: Organisation
    version: int
    resumed: bool
    resealed: int = 0
    retired: list[int] = field(default_factory=list)
    keys: dict[int, crypto.DataKey] = field(default_factory=dict, repr=False)

    def key(self, version: int) -> crypto.DataKey:
        if version not in self.keys:
            self.keys[version] = keys.key_version(self.organisation.pk, version)
        return self.keys[version]


def start(organisations: Iterable[Organisation], *, resume_only: bool = False) -> list[Rotation]:
    """Begin a rotation for each organisation that has keys, or resume its unfinished one.

    If any of them has an unfinished rotation, only unfinished rotations are resumed, so that a
    run repeated after being killed never starts a second rotation. Answers one ``Rotation`` per
    organisation with work to do, in the order of their codes.
    """
    ordered = sorted(organisations, key=lambda organisation: organisation.code)
    with transaction.atomic():
        found = {
            organisation.pk: list(
                OrganisationKey.objects.select_for_update()
                .filter(organisation=organisation)
                .order_by("version")
            )
            for organisation in ordered
        }
        unfinished = any(_retiring(rows) for rows in found.values())
        rotations = []
        for organisation in ordered:
            rows = found[organisation.pk]
            if _retiring(rows):
                rotations.append(_resumed(organisation, rows))
            elif rows and not unfinished and not resume_only:
                rotations.append(_begun(organisation, rows))
        return rotations


def _retiring(rows: list[OrganisationKey]) -> list[int]:
    return [row.version for row in rows if row.state == KeyState.RETIRING]


def _resumed(organisation: Organisation, rows: list[OrganisationKey]) -> Rotation:
    active = max(row.version for row in rows if row.state == KeyState.ACTIVE)
    return Rotation(organisation, active, resumed=True)


def _begun(organisation: Organisation, rows: list[OrganisationKey]) -> Rotation:
    replaced = [row.pk for row in rows if row.state == KeyState.ACTIVE]
    OrganisationKey.objects.filter(pk__in=replaced).update(state=KeyState.RETIRING)
    return Rotation(organisation, keys.create_key(organisation).version, resumed=False)


def pending(rotations: list[Rotation]) -> dict[int, int]:
    """How many values of each rotating organisation (by id) are still on older versions."""
    counts = {rotation.organisation.pk: 0 for rotation in rotations}
    if not rotations:
        return counts
    for column in sealed_columns():
        path = column.organisation_path
        grouped = column.left_behind(rotations).values(path).annotate(left=models.Count("pk"))
        for row in grouped.order_by():
            counts[row[path]] += row["left"]
    return counts


def reseal(
    rotations: list[Rotation],
    *,
    batch: int = BATCH,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Re-seal every value of the organisations that is on an older version; answer how many.

    One pass over each sealed column, whatever the number of organisations, in windows of
    ``batch`` primary keys: each window is one transaction and costs one range scan of the
    primary key, so the work grows with the size of the table and no query plan can make a
    batch rescan what came before it.
    """
    by_organisation = {rotation.organisation.pk: rotation for rotation in rotations}
    total = 0
    for column in sealed_columns() if rotations else []:
        top = column.model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
        for low in range(0, top, batch):
            done = _reseal_window(column, by_organisation, low, low + batch)
            total += done
            if progress and done:
                progress(done)
    return total


def _reseal_window(
    column: SealedColumn, rotations: dict[int, Rotation], low: int, high: int
) -> int:
    """Re-seal the values left behind among primary keys ``low`` (excluded) to ``high``.

    The query filters by primary key only (and on the token format), so that every database
    reads just the window; which rows are left behind is decided here.
    """
    name = column.field.name
    with transaction.atomic():
        rows = (
            column.model._base_manager.filter(pk__gt=low, pk__lte=high)
            .filter(**{f"{name}__startswith": crypto.TOKEN_PREFIX})
            .order_by("pk")
            .select_for_update(of=("self",))
            .values_list("pk", "public_id", column.organisation_path, name)
        )
        updates = []
        for pk, row, organisation_id, value in rows:
            rotation = rotations.get(organisation_id)
            if rotation is None or _version(column, row, value) == rotation.version:
                continue
            updates.append((_resealed(column, rotation, row, value), pk))
            rotation.resealed += 1
        if updates:
            column.write(updates)
    return len(updates)


def _version(column: SealedColumn, row: Any, value: Sealed) -> int:
    try:
        return value.version
    except crypto.MalformedToken as error:
        raise SealedValueError(f"{column.label} of row {row}: {error}") from None


def _resealed(column: SealedColumn, rotation: Rotation, row: Any, value: Sealed) -> str:
    """The value of ``row`` (a public id) sealed anew with the rotation's version."""
    aad = crypto.field_aad(column.model._meta.db_table, str(column.field.column), str(row))
    try:
        plaintext = crypto.open_token(rotation.key(value.version), value.token, aad)
    except crypto.CryptoError as error:
        raise SealedValueError(
            f"{column.label} of row {row} cannot be re-sealed: {error}"
        ) from None
    return crypto.seal(rotation.key(rotation.version), plaintext, aad)


def finish(rotations: list[Rotation]) -> dict[int, int]:
    """Retire the replaced versions of every organisation none of whose values uses them any
    more; answer the values left behind per organisation (0 for those finished)."""
    with transaction.atomic():
        left = pending(rotations)
        for rotation in rotations:
            if left[rotation.organisation.pk] == 0:
                _retire(rotation)
    return left


def _retire(rotation: Rotation) -> None:
    retiring = OrganisationKey.objects.select_for_update().filter(
        organisation=rotation.organisation, state=KeyState.RETIRING
    )
    rotation.retired = sorted(retiring.values_list("version", flat=True))
    retiring.update(state=KeyState.RETIRED, retired_at=timezone.now())
    _audit(rotation)


def _audit(rotation: Rotation) -> None:
    from waypoint.audit.log import Target, record

    key = OrganisationKey.objects.get(organisation=rotation.organisation, version=rotation.version)
    record(
        actor=None,
        action="key_rotation",
        organisation=rotation.organisation,
        target=Target("key", str(key.public_id), rotation.organisation),
        details={
            "from_key_version": max(rotation.retired, default=0),
            "to_key_version": rotation.version,
            "updated": rotation.resealed,
        },
    )
