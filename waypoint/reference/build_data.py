"""Regenerate the country, region and currency tables in ``reference/data/`` from their sources.

    python -m waypoint.reference.build_data --m49 path/to/unsd_m49_2024_semicolon.csv

Sources: pycountry (ISO 3166-1 and ISO 4217 with the iso-codes translations) and the UN M49 table
as exported by the UN Statistics Division (semicolon-separated, zero-padded codes). The M49 file is
read from wherever it lives; only the derived tables are kept in the repository.

The output is deterministic: the same pycountry release and the same M49 file give byte-identical
CSV files (a test checks this). Countries are matched to M49 on the numeric code and the alpha-3
code together, never on names, and every code is read as a string (Namibia's alpha-2 is ``NA``).
"""

from __future__ import annotations

import argparse
import csv
import gettext
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Our language codes and the iso-codes locale that provides each translation.
LOCALES = {"fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-hans": "zh_CN"}
NAME_COLUMNS = [f"name_{language}" for language in LOCALES]

#: Translations missing from the iso-codes catalogues of the pinned pycountry release.
COUNTRY_NAME_GAPS = {("TUR", "ar"): "تركيا"}

#: Areas that ISO 3166-1 does not list but the statistics Waypoint reads do, under the
#: user-assigned codes (ISO 3166-1 leaves XA–XZ and XAA–XZZ to users) their publishers share.
#: Kosovo: XK and XKX as Eurostat, Frontex, the World Bank and UN statistics use them. It has no
#: numeric code, so ``numeric`` is empty (see ``models.Country.numeric``); the official name is
#: the wording of UN documents; M49 does not list it, so it takes its neighbours' region.
USER_ASSIGNED_COUNTRIES = (
    {
        "alpha2": "XK",
        "alpha3": "XKX",
        "numeric": "",
        "name": "Kosovo",
        "official_name": "Kosovo under UNSC resolution 1244 (1999)",
        "name_fr": "Kosovo",
        "name_es": "Kosovo",
        "name_ar": "كوسوفو",
        "name_ru": "Косово",
        "name_zh-hans": "科索沃",
        "m49": "",
        "region": "150",
        "subregion": "039",
        "intermediate_region": "",
        "least_developed": "0",
        "landlocked_developing": "0",
        "small_island_developing": "0",
        "m49_unmapped_reason": (
            "Not listed separately in UN M49; placed in Europe, Southern Europe, the "
            "sub-region of its neighbours."
        ),
    },
)

#: UN M49 region names in the other official languages (the M49 file carries English only).
REGION_NAMES = {
    "002": ("Afrique", "África", "أفريقيا", "Африка", "非洲"),
    "019": ("Amériques", "Américas", "الأمريكتان", "Америка", "美洲"),
    "142": ("Asie", "Asia", "آسيا", "Азия", "亚洲"),
    "150": ("Europe", "Europa", "أوروبا", "Европа", "欧洲"),
    "009": ("Océanie", "Oceanía", "أوقيانوسيا", "Океания", "大洋洲"),
    "015": (
        "Afrique septentrionale",
        "África septentrional",
        "شمال أفريقيا",
        "Северная Африка",
        "北非",
    ),
    "202": (
        "Afrique subsaharienne",
        "África subsahariana",
        "أفريقيا جنوب الصحراء الكبرى",
        "Африка к югу от Сахары",
        "撒哈拉以南非洲",
    ),
    "014": ("Afrique orientale", "África oriental", "شرق أفريقيا", "Восточная Африка", "东部非洲"),
    "017": ("Afrique centrale", "África central", "وسط أفريقيا", "Центральная Африка", "中部非洲"),
    "018": ("Afrique australe", "África meridional", "الجنوب الأفريقي", "Южная Африка", "南部非洲"),
    "011": (
        "Afrique occidentale",
        "África occidental",
        "غرب أفريقيا",
        "Западная Африка",
        "西部非洲",
    ),
    "419": (
        "Amérique latine et Caraïbes",
        "América Latina y el Caribe",
        "أمريكا اللاتينية ومنطقة البحر الكاريبي",
        "Латинская Америка и Карибский бассейн",
        "拉丁美洲和加勒比",
    ),
    "029": ("Caraïbes", "Caribe", "منطقة البحر الكاريبي", "Карибский бассейн", "加勒比"),
    "013": ("Amérique centrale", "Centroamérica", "أمريكا الوسطى", "Центральная Америка", "中美洲"),
    "005": ("Amérique du Sud", "América del Sur", "أمريكا الجنوبية", "Южная Америка", "南美洲"),
    "021": (
        "Amérique septentrionale",
        "América septentrional",
        "أمريكا الشمالية",
        "Северная Америка",
        "北美洲",
    ),
    "143": ("Asie centrale", "Asia central", "آسيا الوسطى", "Центральная Азия", "中亚"),
    "030": ("Asie orientale", "Asia oriental", "شرق آسيا", "Восточная Азия", "东亚"),
    "035": ("Asie du Sud-Est", "Asia sudoriental", "جنوب شرق آسيا", "Юго-Восточная Азия", "东南亚"),
    "034": ("Asie du Sud", "Asia meridional", "جنوب آسيا", "Южная Азия", "南亚"),
    "145": ("Asie occidentale", "Asia occidental", "غرب آسيا", "Западная Азия", "西亚"),
    "151": ("Europe orientale", "Europa oriental", "أوروبا الشرقية", "Восточная Европа", "东欧"),
    "154": (
        "Europe septentrionale",
        "Europa septentrional",
        "أوروبا الشمالية",
        "Северная Европа",
        "北欧",
    ),
    "039": ("Europe méridionale", "Europa meridional", "أوروبا الجنوبية", "Южная Европа", "南欧"),
    "155": ("Europe occidentale", "Europa occidental", "أوروبا الغربية", "Западная Европа", "西欧"),
    "053": (
        "Australie et Nouvelle-Zélande",
        "Australia y Nueva Zelandia",
        "أستراليا ونيوزيلندا",
        "Австралия и Новая Зеландия",
        "澳大利亚和新西兰",
    ),
    "054": ("Mélanésie", "Melanesia", "ميلانيزيا", "Меланезия", "美拉尼西亚"),
    "057": ("Micronésie", "Micronesia", "ميكرونيزيا", "Микронезия", "密克罗尼西亚"),
    "061": ("Polynésie", "Polinesia", "بولينيزيا", "Полинезия", "波利尼西亚"),
}

COUNTRY_COLUMNS = [
    "alpha2",
    "alpha3",
    "numeric",
    "name",
    "official_name",
    *NAME_COLUMNS,
    "m49",
    "region",
    "subregion",
    "intermediate_region",
    "least_developed",
    "landlocked_developing",
    "small_island_developing",
    "m49_unmapped_reason",
]
REGION_COLUMNS = ["m49", "level", "parent", "name", *NAME_COLUMNS]
CURRENCY_COLUMNS = ["code", "numeric", "name", *NAME_COLUMNS]

#: M49 columns: (code column, name column, our level) from the broadest grouping down.
M49_LEVELS = (
    ("Region Code", "Region Name", "region"),
    ("Sub-region Code", "Sub-region Name", "subregion"),
    ("Intermediate Region Code", "Intermediate Region Name", "intermediate"),
)


#: The M49 export's ISO columns (older exports have no alpha-2).
M49_ISO_COLUMNS = ("ISO-alpha2 Code", "ISO-alpha3 Code")


def read_m49(path: Path) -> list[dict[str, str]]:
    """Read the UNSD export; every value stays a string, codes are left-padded to three digits."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    for row in rows:
        for column in ("M49 Code", *(code for code, _, _ in M49_LEVELS)):
            row[column] = row[column].strip().zfill(3) if row[column].strip() else ""
    return rows


class _Untranslated(gettext.NullTranslations):
    """Answer "" for a text the catalogue lacks, where gettext would hand back the English."""

    def gettext(self, message: str) -> str:
        return ""


def translator(domain: str, language: str) -> gettext.NullTranslations:
    locale = LOCALES[language]
    translation = gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale])
    translation.add_fallback(_Untranslated())
    return translation


def translate(translation: gettext.NullTranslations, text: str) -> str:
    """The catalogue's translation, or "" when the catalogue has none for this text."""
    return translation.gettext(text)


def country_rows(m49_rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """The ISO 3166-1 countries and the user-assigned ones, by alpha-3 code."""
    m49_rows = list(m49_rows)
    rows = list(iso_country_rows(m49_rows))
    taken = _codes(rows, ("alpha2", "alpha3")) | _codes(m49_rows, M49_ISO_COLUMNS)
    for row in USER_ASSIGNED_COUNTRIES:
        if taken & {row["alpha2"], row["alpha3"]}:
            # A code that ISO or M49 now list is theirs: the supplement must give way.
            raise ValueError(f"{row['alpha3']} is listed now; take it out of the supplement")
        rows.append(row)
    return sorted(rows, key=lambda row: row["alpha3"])


def _codes(rows: Iterable[dict[str, str]], columns: Iterable[str]) -> set[str]:
    return {row[column] for row in rows for column in columns if row.get(column)}


def iso_country_rows(m49_rows: list[dict[str, str]]) -> Iterator[dict[str, str]]:
    by_numeric = {row["M49 Code"]: row for row in m49_rows}
    by_alpha3 = {row["ISO-alpha3 Code"]: row for row in m49_rows if row["ISO-alpha3 Code"]}
    translations = {language: translator("iso3166-1", language) for language in LOCALES}
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        m49 = by_numeric.get(country.numeric)
        if m49 is not by_alpha3.get(country.alpha_3):
            raise ValueError(f"M49 codes disagree for {country.alpha_3} ({country.numeric})")
        row = {
            "alpha2": country.alpha_2,
            "alpha3": country.alpha_3,
            "numeric": country.numeric,
            "name": country.name,
            "official_name": getattr(country, "official_name", ""),
        }
        for language, translation in translations.items():
            name = translate(translation, country.name)
            name = name or COUNTRY_NAME_GAPS.get((country.alpha_3, language), "")
            if not name:
                raise ValueError(f"no {language} name for {country.alpha_3}; add it to the gaps")
            row[f"name_{language}"] = name
        row.update(_m49_columns(m49))
        yield row


def _m49_columns(m49: dict[str, str] | None) -> dict[str, str]:
    if m49 is None:
        return {
            "m49": "",
            "region": "",
            "subregion": "",
            "intermediate_region": "",
            "least_developed": "0",
            "landlocked_developing": "0",
            "small_island_developing": "0",
            "m49_unmapped_reason": "Not listed in the UN M49 table, so no region applies.",
        }
    unmapped = "" if m49["Region Code"] else "Listed in UN M49 without a region or sub-region."
    return {
        "m49": m49["M49 Code"],
        "region": m49["Region Code"],
        "subregion": m49["Sub-region Code"],
        "intermediate_region": m49["Intermediate Region Code"],
        "least_developed": _flag(m49["Least Developed Countries (LDC)"]),
        "landlocked_developing": _flag(m49["Land Locked Developing Countries (LLDC)"]),
        "small_island_developing": _flag(m49["Small Island Developing States (SIDS)"]),
        "m49_unmapped_reason": unmapped,
    }


def _flag(value: str) -> str:
    return "1" if value.strip().lower() == "x" else "0"


def region_rows(m49_rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    regions: dict[str, dict[str, str]] = {}
    for row in m49_rows:
        parent = ""
        for code_column, name_column, level in M49_LEVELS:
            code = row[code_column]
            if not code:
                continue
            regions.setdefault(code, _region(code, level, parent, row[name_column]))
            parent = code
    order = {level: index for index, (_, _, level) in enumerate(M49_LEVELS)}
    return sorted(regions.values(), key=lambda r: (order[r["level"]], r["m49"]))


def _region(code: str, level: str, parent: str, name: str) -> dict[str, str]:
    if code not in REGION_NAMES:
        raise ValueError(f"M49 region {code} {name!r} has no translations in REGION_NAMES")
    row = {"m49": code, "level": level, "parent": parent, "name": name}
    row.update(zip(NAME_COLUMNS, REGION_NAMES[code], strict=True))
    return row


def currency_rows() -> Iterator[dict[str, str]]:
    translations = {language: translator("iso4217", language) for language in LOCALES}
    for currency in sorted(pycountry.currencies, key=lambda c: c.alpha_3):
        row = {
            "code": currency.alpha_3,
            "numeric": getattr(currency, "numeric", ""),
            "name": currency.name,
        }
        for language, translation in translations.items():
            row[f"name_{language}"] = translate(translation, currency.name)
        yield row


def to_csv(columns: list[str], rows: Iterable[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build(m49_path: Path) -> dict[str, bytes]:
    """Return the content of each generated file, keyed by file name."""
    m49_rows = read_m49(m49_path)
    return {
        "regions.csv": to_csv(REGION_COLUMNS, region_rows(m49_rows)),
        "countries.csv": to_csv(COUNTRY_COLUMNS, country_rows(m49_rows)),
        "currencies.csv": to_csv(CURRENCY_COLUMNS, currency_rows()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m49", type=Path, required=True, help="UNSD M49 export (semicolons)")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="directory to write to")
    args = parser.parse_args(argv)
    for name, content in build(args.m49).items():
        (args.out / name).write_bytes(content)
        rows = content.count(b"\n") - 1
        print(f"wrote {args.out / name} ({rows} rows)")


if __name__ == "__main__":
    main()
