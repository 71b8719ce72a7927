from __future__ import annotations

from ninja import Field, Schema

LABELS = Field(
    description="The label in each of the six UN languages, by language code: en, fr, es, ar, "
    "ru, zh-hans."
)


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-3, the code Waypoint records.")
    alpha2: str
    numeric: str
    labels: dict[str, str] = LABELS
    official_name: str
    m49: str = Field(description="UN M49 code; empty where the UN table has none.")
    region: str | None = Field(description="M49 code of the region.")
    subregion: str | None
    intermediate_region: str | None
    deprecated: bool


class CountryPage(Schema):
    items: list[CountryOut]
    count: int


class CurrencyOut(Schema):
    code: str = Field(description="ISO 4217.")
    numeric: str
    labels: dict[str, str] = LABELS
    deprecated: bool


class CurrencyPage(Schema):
    items: list[CurrencyOut]
    count: int


class IccsOut(Schema):
    code: str = Field(description="ICCS 2015 code.")
    level: int
    parent: str | None
    labels: dict[str, str] = LABELS
    deprecated: bool


class IccsPage(Schema):
    items: list[IccsOut]
    count: int


class VocabularyOut(Schema):
    code: str = Field(description="The vocabulary's name, e.g. `sex`, `violence_form`.")
    terms: int = Field(description="How many terms it has.")


class VocabularyPage(Schema):
    items: list[VocabularyOut]
    count: int


class TermOut(Schema):
    code: str
    labels: dict[str, str] = LABELS
    broader: str | None = Field(description="The code of the broader term, if any.")
    description: str
    source: str = Field(description="The standard the term follows.")
    deprecated: bool = Field(description="Kept for old records; not for new ones.")


class TermPage(Schema):
    vocabulary: str
    items: list[TermOut]
    count: int
