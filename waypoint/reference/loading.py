"""Load the reference tables in ``reference/data/`` into the database.

Each ``load_*`` function has the ``RunPython`` signature and works on the historical models of
the migration that calls it. Loading is an idempotent upsert keyed on the standard code: rows in
the file are created or updated, rows no longer in the file are marked deprecated (never deleted,
so old records keep pointing at them), and a ``ReferenceRelease`` row records what was loaded.

When a data file changes, add a data migration that calls the same loader again.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Our six languages; English is the ``name`` column, the others are ``name_<language>``.
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh-hans")

BATCH_SIZE = 500


@dataclass(frozen=True)
class Dataset:
    name: str
    filename: str
    version: str
    source: str

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename

    def rows(self) -> list[dict[str, str]]:
        # The csv module keeps every value a string: Namibia's "NA" and code "0101" survive.
        with self.path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def release_version(self) -> str:
        """The version label plus a digest of the file, so that any edit shows in the release."""
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:8]
        return f"{self.version}+{digest}"


REGIONS = Dataset(
    "m49_regions",
    "regions.csv",
    "M49 2024",
    "UN Statistics Division, Standard country or area codes for statistical use (M49), 2024 export",
)
COUNTRIES = Dataset(
    "iso3166_countries",
    "countries.csv",
    "pycountry 26.2.16",
    "ISO 3166-1 via pycountry 26.2.16 (iso-codes names and translations), grouped by UN M49 2024; "
    "Kosovo under the user-assigned code XKX (build_data.USER_ASSIGNED_COUNTRIES)",
)
CURRENCIES = Dataset(
    "iso4217_currencies",
    "currencies.csv",
    "pycountry 26.2.16",
    "ISO 4217 via pycountry 26.2.16 (iso-codes names and translations)",
)
ICCS = Dataset(
    "iccs_2015",
    "iccs.csv",
    "ICCS 1.0",
    "UNODC International Classification of Crime for Statistical Purposes, version 1.0 (2015); "
    "codes in scope, each with the source that verified it",
)
VOCABULARIES = Dataset(
    "vocabularies",
    "vocabularies.csv",
    "2",
    "Waypoint controlled vocabularies following CTDC, HTCDS, IOM Missing Migrants Project, "
    "OSCE-ODIHR, ISIC Rev.4 and the UNTOC protocols (source given per term)",
)
DATASETS = (REGIONS, COUNTRIES, CURRENCIES, ICCS, VOCABULARIES)


def load_regions(apps: Any, schema_editor: Any) -> None:
    Region = apps.get_model("reference", "Region")
    order = {"region": 0, "subregion": 1, "intermediate": 2}
    rows = sorted(REGIONS.rows(), key=lambda row: (order[row["level"]], row["m49"]))
    objects = [
        _build(
            Region,
            m49=row["m49"],
            level=row["level"],
            parent_id=row["parent"] or None,
            **_names(row),
        )
        for row in rows
    ]
    _upsert(Region, objects, ["m49"])
    _record(apps, REGIONS, len(objects))


def load_countries(apps: Any, schema_editor: Any) -> None:
    Country = apps.get_model("reference", "Country")
    objects = [_build(Country, **_country(row)) for row in COUNTRIES.rows()]
    _upsert(Country, objects, ["alpha3"])
    _record(apps, COUNTRIES, len(objects))


def load_currencies(apps: Any, schema_editor: Any) -> None:
    Currency = apps.get_model("reference", "Currency")
    objects = [
        _build(Currency, code=row["code"], numeric=row["numeric"], **_names(row))
        for row in CURRENCIES.rows()
    ]
    _upsert(Currency, objects, ["code"])
    _record(apps, CURRENCIES, len(objects))


def load_iccs(apps: Any, schema_editor: Any) -> None:
    IccsCode = apps.get_model("reference", "IccsCode")
    rows = sorted(ICCS.rows(), key=lambda row: (int(row["level"]), row["code"]))
    objects = [
        _build(
            IccsCode,
            code=row["code"],
            level=int(row["level"]),
            parent_id=row["parent"] or None,
            notes=row["notes"],
            **_names(row),
        )
        for row in rows
    ]
    _upsert(IccsCode, objects, ["code"])
    _record(apps, ICCS, len(objects))


def load_vocabularies(apps: Any, schema_editor: Any) -> None:
    Term = apps.get_model("reference", "Term")
    objects = [_build(Term, **_term(row)) for row in VOCABULARIES.rows()]
    _upsert(Term, objects, ["vocabulary", "code"])
    _record(apps, VOCABULARIES, len(objects))


def _country(row: dict[str, str]) -> dict[str, Any]:
    return {
        "alpha3": row["alpha3"],
        "alpha2": row["alpha2"],
        "numeric": row["numeric"],
        "official_name": row["official_name"],
        "m49": row["m49"],
        "region_id": row["region"] or None,
        "subregion_id": row["subregion"] or None,
        "intermediate_region_id": row["intermediate_region"] or None,
        "m49_unmapped_reason": row["m49_unmapped_reason"],
        "least_developed": _bool(row["least_developed"]),
        "landlocked_developing": _bool(row["landlocked_developing"]),
        "small_island_developing": _bool(row["small_island_developing"]),
        **_names(row),
    }


def _term(row: dict[str, str]) -> dict[str, Any]:
    return {
        "vocabulary": row["vocabulary"],
        "code": row["code"],
        "parent_code": row["parent_code"],
        "position": int(row["position"]),
        "description": row["description"],
        "source": row["source"],
        **_names(row, deprecated=_bool(row["deprecated"])),
    }


def _names(row: dict[str, str], deprecated: bool = False) -> dict[str, Any]:
    """The English name, the translations present in the row, and the deprecation flag."""
    names = {"en": row["name"]}
    for language in LANGUAGES[1:]:
        if row.get(f"name_{language}"):
            names[language] = row[f"name_{language}"]
    return {"name": row["name"], "names": names, "deprecated": deprecated}


def _build(model: Any, **values: Any) -> Any:
    """An unsaved instance, ignoring columns the historical model does not have (yet)."""
    known = {name for f in model._meta.concrete_fields for name in (f.name, f.attname)}
    return model(**{name: value for name, value in values.items() if name in known})


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes"}


def _upsert(model: Any, objects: list[Any], keys: list[str]) -> None:
    """Create or update ``objects`` by their standard code; deprecate rows the file dropped."""
    present = set(model.objects.values_list(*keys))
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    update = [name for name in fields if name not in keys]
    model.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=keys,
        update_fields=update,
        batch_size=BATCH_SIZE,
    )
    loaded = {tuple(getattr(obj, key) for key in keys) for obj in objects}
    _deprecate(model, keys, (values for values in present if tuple(values) not in loaded))


def _deprecate(model: Any, keys: list[str], stale: Iterable[tuple[Any, ...]]) -> None:
    for values in stale:
        model.objects.filter(**dict(zip(keys, values, strict=True))).update(deprecated=True)


def _record(apps: Any, dataset: Dataset, rows: int) -> None:
    ReferenceRelease = apps.get_model("reference", "ReferenceRelease")
    ReferenceRelease.objects.update_or_create(
        dataset=dataset.name,
        defaults={
            "version": dataset.release_version(),
            "source": dataset.source,
            "rows": rows,
        },
    )


def noop(apps: Any, schema_editor: Any) -> None:
    """Reverse of a load: keep the rows, since other tables may point at them."""
