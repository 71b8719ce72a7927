"""The standard statistical tables as the API lists and answers them.

A table's answer is ``waypoint.analytics.answers.as_json`` of the protected table: the same
columns as the CSV and XLSX files and ``waypoint stats``. A suppressed figure is null with
``"suppressed": true``, never 0.
"""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Schema

from waypoint.api.schemas.common import Text

LabelCode = Literal["red", "amber_strict", "amber", "green"]
StatsFormat = Literal["json", "csv", "xlsx"]
# Codes are plain text of a known shape; the reference data decides whether they exist.
CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{3}$")]
KindCode = Annotated[str, Field(pattern=r"^[a-z_]{1,60}$")]
RouteCode = Annotated[str, Field(pattern=r"^([a-z_]{1,60}|([A-Z]{3}|unknown)>([A-Z]{3}|unknown))$")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
# Narrower than the 1900–2999 that ``StatSpec`` takes: every year of the range is a category, and
# a millennium of them makes answers of tens of megabytes for anyone holding a token.
Year = Annotated[int, Field(ge=1900, le=2100)]
#: Any text: an unknown id answers 404, not 422.
TableId = Annotated[
    str,
    # ``example``, not ``examples``: django-ninja copies it to the parameter, where OpenAPI wants
    # ``examples`` to be a map.
    Field(
        description="A table's id, as the list gives it.",
        json_schema_extra={"example": "victims_by_sex_age_year"},
    ),
]
#: A cell of a row: a dimension's category code, a figure (null when suppressed) or a flag.
Value = str | int | float | bool | None


class StatsTableSummaryOut(Schema):
    id: str = Field(description="The table's stable id, e.g. `victims_by_sex_age_year`.")
    title: str
    description: str = Field(description="What the table counts, in one sentence.")
    unit: str = Field(description="What each count counts: victims, offenders, incidents, …")
    dimensions: list[str] = Field(description="The dimensions, as the answer's columns name them.")
    measures: list[str] = Field(description="The measures besides the count of contributors.")


class StatsTablePage(Schema):
    items: list[StatsTableSummaryOut]
    count: int


class StatsQuery(Schema):
    year_from: Year | None = Field(
        None, description="The first year counted (inclusive; 1900 to 2100)."
    )
    year_to: Year | None = Field(
        None, description="The last year counted (inclusive; 1900 to 2100)."
    )
    country: list[CountryCode] = Field(
        [], description="ISO 3166-1 alpha-3 code of the incident's country (repeatable)."
    )
    region: list[RegionCode] = Field(
        [],
        description="UN M49 code of a region, sub-region or intermediate region where the "
        "incident happened (repeatable).",
    )
    kind: list[KindCode] = Field(
        [], description="An `incident_kind` code (repeatable; an incident may have several)."
    )
    label: list[LabelCode] = Field([], description="A sharing label (repeatable).")
    route: list[RouteCode] = Field(
        [],
        description="A named migration route (`central_mediterranean`) or the ends of the route, "
        "`ORIGIN>DESTINATION` such as `AFG>ITA` (repeatable).",
    )
    currency: CurrencyCode | None = Field(
        None,
        description="Fee tables: the ISO 4217 currency of the fees (by default the one most "
        "fees were paid in).",
    )
    public: bool = Field(
        False,
        description="The public release: only incidents whose owners agreed to their use in "
        "published statistics, with the stricter public threshold.",
    )
    threshold: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="A stricter suppression threshold than configured (a lower one is refused).",
    )
    epsilon: float | None = Field(
        None,
        gt=0,
        le=1_000_000,
        allow_inf_nan=False,
        description="Differential privacy (with `public` and `dataset`): the ε to spend.",
    )
    dataset: Text | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Differential privacy: the dataset whose privacy budget pays for the release.",
    )
    format: StatsFormat = Field(
        "json", description="`json` (the answer below), or a `csv` or `xlsx` file."
    )


class CategoryOut(Schema):
    code: str
    label: str


class DimensionOut(Schema):
    name: str = Field(description="The dimension's column in `rows`.")
    label: str
    categories: list[CategoryOut] = Field(
        description="In display order; `unknown` wherever the records do not say. Each "
        "dimension's margin is named `total` in `rows`."
    )


class ProtectionOut(Schema):
    method: Literal["suppression", "differential_privacy"] = Field(
        description="Small-cell suppression, or noise for a differentially private release."
    )
    public: bool
    threshold: int | None = Field(description="The suppression threshold applied.")
    suppressed_cells: int = Field(description="Cells hidden as small or to protect them.")
    dataset: str | None = Field(description="Differential privacy: the dataset that paid.")
    epsilon: float | None = Field(description="Differential privacy: the ε spent.")


class StatsTableOut(Schema):
    table: str = Field(description="The table's id.")
    title: str
    unit: str
    dimensions: list[DimensionOut]
    measures: list[str] = Field(description="`count` (distinct contributors) and the others.")
    protection: ProtectionOut
    footnotes: list[str] = Field(description="What was counted and how it was protected.")
    rows: list[dict[str, Value]] = Field(
        description="One object per cell, margins included: a column per dimension (the "
        "category's code, or `total`), `count`, the table's other measures, `suppressed`, and "
        "`margin` (the half-width of the 95 % error interval) for differentially private "
        "figures. A suppressed cell has null figures and `suppressed: true`, never 0."
    )


SubjectCode = Literal["incidents", "victims", "offenders", "persons"]
BreakdownCode = Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]


class ExplorerQuery(StatsQuery):
    subject: SubjectCode = Field(
        "incidents",
        description="What is counted: `incidents` (with the migrants, dead, missing, injured "
        "and rescued in them), `victims`, `offenders` or `persons` in every role.",
    )
    by: list[BreakdownCode] = Field(
        ...,
        min_length=1,
        max_length=3,
        description="One to three breakdowns, in the order of the table (repeatable): `year`, "
        "`country`, `kind`, `route`, `path`, `origin`, `transit`, `destination`, `label`, "
        "`detection_context`, `bias_motivation`, `death_cause`; for persons also `role`, `sex`, "
        "`age_group`, `citizenship`; for victims `exploitation`, `violence_form`, "
        "`country_of_exploitation`; for offenders `stage`, `network_role`.",
    )
