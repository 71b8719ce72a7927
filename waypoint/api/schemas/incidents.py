"""Incident documents (``waypoint.cases.documents``) as the API reads and writes them.

Codes are checked against the reference data when the incident is written, not here, so that a
rejected code is answered with the closest accepted ones; see ``/reference/…``. Owner-only values
(``narrative``, ``sources``, ``migration_status``, identifier and selector ``value``, stage
``note``) are write-only.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Literal

from ninja import Field, Schema

from waypoint.api.schemas.common import Input, PageQuery, Text

LabelCode = Literal["red", "amber_strict", "amber", "green"]
StatusCode = Literal["draft", "submitted", "validated", "closed", "withdrawn"]
StageCode = Literal["suspected", "arrested", "prosecuted", "convicted", "acquitted", "discontinued"]
Codes = list[Text]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Money = Annotated[decimal.Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False)]
Assets = Annotated[decimal.Decimal, Field(max_digits=16, decimal_places=2, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]
Small = Annotated[int, Field(ge=0, le=32_767)]

WRITE_ONLY = "Write-only (owner-only): never in an answer; kept as stored when left out."
IGNORED = "Read-only: accepted, so that an answer can be sent back, and ignored."
KEPT_BY_ID = (
    "The id of a stored row of this incident, to keep it (and its write-only values) when "
    "replacing the incident; leave it out for a new row."
)

# Requests


class IdentifierIn(Input):
    id: uuid.UUID | None = Field(None, description=KEPT_BY_ID)
    kind: Text | None = Field(None, description="Vocabulary `identifier_kind`.")
    value: Text | None = Field(None, description=WRITE_ONLY)


class VictimisationIn(Input):
    violence_forms: Codes | None = Field(None, description="Vocabulary `violence_form`.")
    exploitation_forms: Codes | None = Field(None, description="Vocabulary `exploitation_form`.")
    sexual_exploitation_types: Codes | None = None
    labour_sectors: Codes | None = None
    means_of_control: Codes | None = None
    perpetrator_relation: Text | None = None
    country_of_exploitation: Text | None = None
    assistance: Codes | None = None
    trafficking_identification: Text | None = None
    identified_by: Text | None = None
    identified_on: datetime.date | None = None
    repatriated_from: Text | None = None
    repatriated_to: Text | None = None
    repatriated_on: datetime.date | None = None


class StageIn(Input):
    id: uuid.UUID | None = Field(None, description=KEPT_BY_ID)
    stage: StageCode
    effective_on: datetime.date | None = None
    note: Text | None = Field(None, description=WRITE_ONLY)


class OffenderIn(Input):
    network_roles: Codes | None = Field(None, description="Vocabulary `network_role`.")
    stage: StageCode | None = Field(None, description="The stage reached: the last of `stages`.")
    charges: Codes | None = Field(None, description="ICCS codes.")
    charge_provisions: Text | None = None
    sentence_type: Text | None = None
    sentence_months: Small | None = None
    fine_amount: Money | None = None
    assets_frozen: Assets | None = None
    assets_seized: Assets | None = None
    assets_confiscated: Assets | None = None
    currency: Text | None = Field(None, description="ISO 4217, for the fine and assets.")
    stages: list[StageIn] | None = Field(
        None,
        description="The criminal-justice history in order. Left out when replacing an "
        "incident, the stored history of the person named by id is kept.",
    )


class PersonIn(Input):
    id: uuid.UUID | None = Field(None, description=KEPT_BY_ID)
    role: Text | None = Field(None, description="Vocabulary `person_role`.")
    sex: Text | None = None
    age: Small | None = None
    age_group: Text | None = None
    citizenship: Text | None = Field(None, description="ISO 3166-1 alpha-3, or `stateless`.")
    other_citizenships: Codes | None = None
    country_of_birth: Text | None = None
    country_of_residence: Text | None = None
    migration_status: Text | None = Field(None, description=f"Firewalled. {WRITE_ONLY}")
    accompaniment: Text | None = None
    travel_group: Small | None = None
    identifiers: list[IdentifierIn] | None = Field(
        None, description=f"Names, dates of birth, documents, contacts. {WRITE_ONLY}"
    )
    victimisation: VictimisationIn | None = None
    offender: OffenderIn | None = None


class LegIn(Input):
    sequence: Small | None = Field(
        None, description="1, 2, 3 … in order; its position if left out."
    )
    from_country: Text | None = None
    from_place: Text | None = None
    from_role: Text | None = Field(None, description="Vocabulary `place_role`.")
    to_country: Text | None = None
    to_place: Text | None = None
    to_role: Text | None = None
    mode: Text | None = Field(None, description="Vocabulary `transport_mode`.")
    conveyance: Text | None = None
    border_crossing_point: Text | None = None
    methods: Codes | None = Field(None, description="Vocabulary `smuggling_method`.")
    departed_on: datetime.date | None = None
    arrived_on: datetime.date | None = None
    fee_amount: Money | None = None
    fee_currency: Text | None = None
    payment_method: Text | None = None
    fee_basis: Text | None = None


class SelectorIn(Input):
    id: uuid.UUID | None = Field(None, description=KEPT_BY_ID)
    kind: Text | None = Field(None, description="Vocabulary `selector_kind`.")
    value: Text | None = Field(None, description=WRITE_ONLY)
    person: Annotated[int, Field(ge=1, le=32_767)] | None = Field(
        None, description="The number of the person it belongs to (1 for the first), if any."
    )


class IncidentIn(Input):
    reference: Text | None = Field(None, description="The owner's own reference; unique for it.")
    owner: Text | None = Field(
        None,
        description="Code of the organisation that records it, when the user records for "
        "several; a replaced incident keeps its owner.",
    )
    label: LabelCode | None = Field(
        None,
        description="TLP label (red unless given). A replaced incident keeps its label: it "
        "changes through a label change request.",
    )
    publish_in_statistics: bool | None = None
    coarsen_for_partners: bool | None = None
    status: StatusCode | None = Field(
        None,
        description="A new incident starts as draft (unless given) or submitted; a replaced "
        "incident keeps its status.",
    )
    kinds: Codes | None = Field(None, description="Vocabulary `incident_kind`; one or more.")
    offence_codes: Codes | None = Field(None, description="ICCS codes.")
    national_provisions: Text | None = None
    date_start: datetime.date | None = None
    date_end: datetime.date | None = None
    date_precision: Text | None = Field(None, description="Vocabulary `date_precision`.")
    country: Text | None = Field(None, description="ISO 3166-1 alpha-3, or `international_waters`.")
    admin_area: Text | None = None
    place: Text | None = None
    latitude: Finite | None = None
    longitude: Finite | None = None
    coordinate_precision: Text | None = None
    detection_context: Text | None = None
    migration_route: Text | None = Field(None, description="Vocabulary `migration_route`.")
    migrants_involved: Count | None = None
    dead: Count | None = None
    missing: Count | None = None
    injured: Count | None = None
    rescued: Count | None = None
    death_causes: Codes | None = None
    aggravating_circumstances: Codes | None = None
    bias_motivations: Codes | None = None
    narrative: Text | None = Field(None, description=f"Personal. {WRITE_ONLY}")
    source_type: Text | None = None
    source_reliability: Text | None = None
    information_credibility: Text | None = None
    verification_status: Text | None = None
    sources: Text | None = Field(None, description=f"Restricted. {WRITE_ONLY}")
    persons: list[PersonIn] | None = None
    legs: list[LegIn] | None = None
    selectors: list[SelectorIn] | None = Field(
        None,
        description=f"Phones, accounts, plates, vessels … {WRITE_ONLY} Left out when replacing "
        "an incident, the stored selectors are kept.",
    )
    id: uuid.UUID | None = Field(None, description=IGNORED)
    created_at: datetime.datetime | None = Field(None, description=IGNORED)
    updated_at: datetime.datetime | None = Field(None, description=IGNORED)
    deidentified: bool | None = Field(None, description=IGNORED)
    coarsened: bool | None = Field(None, description=IGNORED)


# Answers. A field a viewer may not see is left out, not null: partners get the de-identified
# view (no owner-only field, no identifiers, no selectors; coarsened where the owner asks).


class IdentifierOut(Schema):
    id: uuid.UUID
    kind: str


class VictimisationOut(Schema):
    violence_forms: list[str] | None = None
    exploitation_forms: list[str] | None = None
    sexual_exploitation_types: list[str] | None = None
    labour_sectors: list[str] | None = None
    means_of_control: list[str] | None = None
    perpetrator_relation: str | None = None
    country_of_exploitation: str | None = None
    assistance: list[str] | None = None
    trafficking_identification: str | None = None
    identified_by: str | None = None
    identified_on: datetime.date | None = None
    repatriated_from: str | None = None
    repatriated_to: str | None = None
    repatriated_on: datetime.date | None = None


class StageOut(Schema):
    id: uuid.UUID
    stage: StageCode
    effective_on: datetime.date | None = None


class OffenderOut(Schema):
    network_roles: list[str] | None = None
    stage: StageCode | None = None
    charges: list[str] | None = None
    charge_provisions: str | None = None
    sentence_type: str | None = None
    sentence_months: int | None = None
    fine_amount: decimal.Decimal | None = None
    assets_frozen: decimal.Decimal | None = None
    assets_seized: decimal.Decimal | None = None
    assets_confiscated: decimal.Decimal | None = None
    currency: str | None = None
    stages: list[StageOut]


class PersonOut(Schema):
    id: uuid.UUID
    role: str | None = None
    sex: str | None = None
    age: int | None = None
    age_group: str | None = None
    citizenship: str | None = None
    other_citizenships: list[str] | None = None
    country_of_birth: str | None = None
    country_of_residence: str | None = None
    accompaniment: str | None = None
    travel_group: int | None = None
    identifiers: list[IdentifierOut] | None = Field(
        None, description="Owner only: kinds and ids, never values."
    )
    victimisation: VictimisationOut | None
    offender: OffenderOut | None


class LegOut(Schema):
    sequence: int | None = None
    from_country: str | None = None
    from_place: str | None = None
    from_role: str | None = None
    to_country: str | None = None
    to_place: str | None = None
    to_role: str | None = None
    mode: str | None = None
    conveyance: str | None = None
    border_crossing_point: str | None = None
    methods: list[str] | None = None
    departed_on: datetime.date | None = None
    arrived_on: datetime.date | None = None
    fee_amount: decimal.Decimal | None = None
    fee_currency: str | None = None
    payment_method: str | None = None
    fee_basis: str | None = None


class SelectorOut(Schema):
    id: uuid.UUID
    kind: str
    person: int | None = Field(description="The number of the person it belongs to, if any.")


class IncidentSummaryOut(Schema):
    id: uuid.UUID = Field(description="The incident's public id.")
    owner: str = Field(description="Code of the owner organisation.")
    label: LabelCode
    deidentified: bool = Field(description="True for partners: the de-identified view.")
    coarsened: bool = Field(
        description="Dates shown to the month (first day) and no precise places."
    )
    reference: str | None = None
    publish_in_statistics: bool | None = None
    coarsen_for_partners: bool | None = None
    status: StatusCode | None = None
    kinds: list[str] | None = None
    offence_codes: list[str] | None = None
    national_provisions: str | None = None
    date_start: datetime.date | None = None
    date_end: datetime.date | None = None
    date_precision: str | None = None
    country: str | None = None
    admin_area: str | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    coordinate_precision: str | None = None
    detection_context: str | None = None
    migration_route: str | None = None
    migrants_involved: int | None = None
    dead: int | None = None
    missing: int | None = None
    injured: int | None = None
    rescued: int | None = None
    death_causes: list[str] | None = None
    aggravating_circumstances: list[str] | None = None
    bias_motivations: list[str] | None = None
    source_type: str | None = None
    source_reliability: str | None = None
    information_credibility: str | None = None
    verification_status: str | None = None
    created_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None


class IncidentOut(IncidentSummaryOut):
    persons: list[PersonOut]
    legs: list[LegOut]
    selectors: list[SelectorOut] | None = Field(
        None, description="Owner only: kinds and ids, never values."
    )


class IncidentPage(Schema):
    items: list[IncidentSummaryOut]
    count: int = Field(description="How many incidents match, on every page.")


RouteText = Annotated[Text, Field(pattern=r"^[A-Za-z]{3}(-[A-Za-z]{3})?$")]


class IncidentQuery(PageQuery):
    year: Annotated[int, Field(ge=1, le=9999)] | None = Field(
        None, description="Year of the incident's date (or start of its period)."
    )
    kind: Text | None = Field(None, description="An `incident_kind` code.")
    country: Text | None = Field(
        None, description="Where it happened: ISO 3166-1 alpha-3 or `international_waters`."
    )
    route: RouteText | None = Field(
        None,
        description="`LBY`: a leg of the route leaves from or arrives in this country; "
        "`LBY-ITA`: a leg goes from the first country to the second.",
    )
    label: LabelCode | None = None
    q: Annotated[Text, Field(min_length=1, max_length=200)] | None = Field(
        None,
        description="Text in the reference, national provisions, administrative area or (where "
        "the viewer sees it) place; never in protected fields.",
    )
    ordering: Literal[
        "date_start", "-date_start", "reference", "-reference", "created_at", "-created_at"
    ] = "-date_start"
