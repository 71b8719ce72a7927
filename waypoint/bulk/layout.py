"""The native table layout: its columns, derived from the data model.

Rows are persons in incidents: the incident's columns repeat on each of its persons' rows, and an
incident without itemised persons is one row with the person columns blank. Route legs go in a
second table (``legs``: a sheet of the workbook or a file of a ZIP archive) or, for a plain route,
in the ``route`` column of the incident (``LBY > ITA > DEU``). The importer reads this layout and
the CSV/XLSX exporters write it, so an export re-imports as it is.

Columns are the model fields' names; person fields carry ``person_``, victimisation fields
``victim_``, offender fields ``offender_`` before them. Converters come from the field types, so a
field added to the model is a column of the layout without a change here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models

from waypoint.bulk import mapping
from waypoint.cases.models import Incident, OffenderRecord, Person, RouteLeg, Victimisation
from waypoint.reference.fields import (
    CountryField,
    CountryListField,
    CurrencyField,
    IccsListField,
    TermField,
    TermListField,
)
from waypoint.vault.fields import SealedTermField


@dataclass(frozen=True)
class Column:
    name: str
    #: Which row of the draft it fills: incident, person, victimisation, offender or leg.
    part: str
    field: str
    convert: Callable[[Any], Any]
    #: The field's type in words, for the template's notes and docs/formats.md.
    accepts: str


#: Fields the layout does not carry as plain columns, and why (see docs/formats.md).
NOT_COLUMNS = {
    "id",
    "public_id",
    "owner",
    "incident",
    "person",
    "created_by",
    "created_at",
    "updated_at",
    "value_index",
    # Sharing beyond the label is decided on the record, with four-eyes approval for widening.
    "shared_with",
    "named_users",
    # The offender's stage is its own column pair (offender_stage, offender_stage_date).
    "stage",
}
#: The incident's reference: the key that joins rows and makes re-imports update in place.
REFERENCE = "reference"
PERSON_KEY = "person_ref"
IDENTIFIERS = "person_identifiers"
SELECTORS = "selectors"
ROUTE = "route"
STAGE = "offender_stage"
STAGE_DATE = "offender_stage_date"
LEGS_TABLE = "legs"
#: Columns that are not one model field each.
COMPOUND_COLUMNS = {
    ROUTE: "countries in order, e.g. LBY > ITA > DEU (instead of rows in the legs table)",
    SELECTORS: "kind: value pairs separated by ;, e.g. phone: +218 91 000 0000",
    PERSON_KEY: "the person's own reference within the incident, e.g. V1",
    IDENTIFIERS: "kind: value pairs separated by ;, e.g. passport_number: A1234567",
    STAGE: "criminal-justice stage reached: suspected, arrested, prosecuted, convicted, acquitted, discontinued",
    STAGE_DATE: "date the stage was reached",
}
PARTS: tuple[tuple[str, type[models.Model], str], ...] = (
    ("incident", Incident, ""),
    ("person", Person, "person_"),
    ("victimisation", Victimisation, "victim_"),
    ("offender", OffenderRecord, "offender_"),
)

#: Header words people use for the key columns.
SYNONYMS = {
    "incident_ref": REFERENCE,
    "incident_reference": REFERENCE,
    "ref": REFERENCE,
    "case_id": REFERENCE,
    "case_reference": REFERENCE,
    "incident_id": REFERENCE,
    "person_reference": PERSON_KEY,
    "person_id": PERSON_KEY,
    "role": "person_role",
    "sex": "person_sex",
    "gender": "person_sex",
    "age": "person_age",
    "citizenship": "person_citizenship",
    "nationality": "person_citizenship",
    "person_nationality": "person_citizenship",
    "incident_country": "country",
    "country_of_incident": "country",
    "date": "date_start",
    "incident_date": "date_start",
    "start_date": "date_start",
    "end_date": "date_end",
    "kind": "kinds",
    "sharing_label": "label",
    "tlp": "label",
}


def converter_for(field: models.Field) -> tuple[Callable[[Any], Any], str]:
    """The converter and a description of what a column of this model field accepts."""
    if isinstance(field, SealedTermField | TermField):
        vocabulary = field.vocabulary  # type: ignore[union-attr]
        return mapping.term(vocabulary), f"code of {vocabulary}"
    if isinstance(field, TermListField):
        return mapping.terms(field.vocabulary), f"codes of {field.vocabulary}, separated by ;"
    if isinstance(field, CountryListField):
        return mapping.countries(), "ISO 3166-1 codes separated by ;"
    if isinstance(field, CountryField):
        return mapping.country, "ISO 3166-1 alpha-3 code (alpha-2 and names are read too)"
    if isinstance(field, IccsListField):
        return mapping.iccs_list(), "ICCS codes separated by ;"
    if isinstance(field, CurrencyField):
        return mapping.currency, "ISO 4217 code"
    if isinstance(field, models.DateField):
        return mapping.date, "date: 2024-03-31, 31/03/2024, 2024-03 or 2024"
    if isinstance(field, models.BooleanField):
        return mapping.boolean, "yes or no"
    if isinstance(field, models.DecimalField):
        return mapping.amount, "amount"
    if isinstance(field, models.FloatField):
        return _float, "decimal number"
    if isinstance(field, models.IntegerField):
        return mapping.integer(0, 1_000_000), "whole number"
    if field.choices:
        codes = [str(code) for code, _ in field.choices]
        return _choice(codes), " or ".join(codes)
    limit = getattr(field, "max_length", None) or 100_000
    return mapping.text(limit), f"text (at most {limit} characters)"


def _float(raw: Any) -> float:
    try:
        return float(str(raw).replace(",", "."))
    except ValueError as error:
        raise mapping.Rejected("Not a number.", "a decimal number such as 35.57") from error


def _choice(codes: list[str]) -> Callable[[Any], str]:
    def convert(raw: Any) -> str:
        key = mapping.key_of(raw)
        if key not in codes:
            raise mapping.Rejected(f"“{mapping.text_of(raw)}” is not accepted.", ", ".join(codes))
        return key

    return convert


def _columns_of(part: str, model: type[models.Model], prefix: str) -> list[Column]:
    columns = []
    for field in model._meta.get_fields():
        if not isinstance(field, models.Field) or field.name in NOT_COLUMNS:
            continue
        if field.is_relation:
            continue
        convert, accepts = converter_for(field)
        name = REFERENCE if field.name == REFERENCE else prefix + field.name
        columns.append(Column(name, part, field.name, convert, accepts))
    return columns


@cache
def record_columns() -> tuple[Column, ...]:
    """The columns of the main table, in template order."""
    columns: list[Column] = []
    for part, model, prefix in PARTS:
        columns += _columns_of(part, model, prefix)
    return tuple(columns)


@cache
def leg_columns() -> tuple[Column, ...]:
    return tuple(_columns_of("leg", RouteLeg, ""))


def main_headers() -> list[str]:
    """Header of the main table, with the key and compound columns where a user expects them."""
    names = [column.name for column in record_columns()]
    names.remove(REFERENCE)
    first_person = next(index for index, name in enumerate(names) if name.startswith("person_"))
    names[first_person:first_person] = [ROUTE, SELECTORS, PERSON_KEY]
    names.insert(names.index("person_travel_group") + 1, IDENTIFIERS)
    return [REFERENCE, *names, STAGE, STAGE_DATE]


def leg_headers() -> list[str]:
    return [REFERENCE, *(column.name for column in leg_columns())]


def canonical(header: str) -> str:
    """A normalised header after synonyms (``incident_ref`` → ``reference``)."""
    return SYNONYMS.get(header, header)
