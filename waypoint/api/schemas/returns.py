"""Aggregate returns as the API reads and writes them (``/returns``).

A figure is named by its indicator and its categories (breakdown → category code; none for the
indicator's total). A censored figure has no value and says only that it is fewer than
``censored_below``; it is never 0. Codes are checked by the return's checks, not here, so that a
draft may hold what is not right yet; the checks' findings name each figure as
``indicator[key]``, where the key is the categories as sorted ``name=code`` pairs joined by ``;``.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import model_validator

from waypoint.api.schemas.common import Input, PageQuery, Text
from waypoint.returns.models import ReturnValue

StatusCode = Literal["draft", "awaiting_approval", "submitted"]
Code = Annotated[Text, Field(min_length=1, max_length=60)]
Value = Annotated[
    decimal.Decimal, Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False)
]
#: The longest key a figure's categories may make (the column that stores it).
MAX_KEY = 300
MAX_FIGURES = 20_000

# Requests


class ReturnIn(Input):
    questionnaire: Code = Field(description="The questionnaire's code, e.g. `annual`.")
    period: Annotated[Text, Field(min_length=1, max_length=20)] = Field(
        description="`2024`, `2024-Q2` or `2024-03`, of the kind the questionnaire asks for."
    )
    owner: Code | None = Field(
        None,
        description="Code of the organisation the return is for; needed only when you record "
        "for several.",
    )


class FigureIn(Input):
    indicator: Code = Field(description="The indicator's code.")
    categories: dict[Code, Code] = Field(
        default_factory=dict,
        description='Breakdown name → category code (`{"sex": "female"}`); empty for the '
        "indicator's total.",
    )
    value: Value | None = Field(
        None, description="The figure; null when censored or not available."
    )
    censored_below: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = Field(
        None, description="The figure is fewer than this (published censored); give no value."
    )
    note: Annotated[Text, Field(max_length=2000)] = ""

    @model_validator(mode="after")
    def _short_key(self) -> FigureIn:
        if len(ReturnValue.key_of(self.categories)) > MAX_KEY:
            raise ValueError(f"The categories make a key longer than {MAX_KEY} characters.")
        return self


class FiguresIn(Input):
    figures: list[FigureIn] = Field(
        max_length=MAX_FIGURES,
        description="Every figure of the draft: they replace the figures it had.",
    )


class RevisionIn(Input):
    reason: Annotated[Text, Field(min_length=1, max_length=2000)] = Field(
        description="Why the submitted return is corrected; kept with the new version."
    )


class ReturnQuery(PageQuery):
    questionnaire: Code | None = Field(None, description="A questionnaire's code.")
    period: Annotated[Text, Field(max_length=20)] | None = Field(None, description="`2024`.")
    organisation: Code | None = Field(None, description="An organisation's code.")
    status: StatusCode | None = None


# Answers


class FigureOut(Schema):
    indicator: str
    categories: dict[str, str]
    key: str = Field(description="The categories as sorted `name=code` pairs joined by `;`.")
    value: decimal.Decimal | None
    censored_below: int | None
    note: str
    derivation: str = Field(description="For a prefilled figure, how it was derived.")


class FindingOut(Schema):
    path: str = Field(description="`indicator[key]` (`indicator` for its total); `period`.")
    indicator: str
    key: str
    message: str
    code: str = Field(description="The check's stable code, e.g. `sum`, `code`, `change`.")
    severity: Literal["error", "warning"]


class ReturnSummaryOut(Schema):
    id: uuid.UUID
    owner: str = Field(description="Code of the organisation.")
    questionnaire: str
    period: str
    version: int
    status: StatusCode
    reason: str = Field(description="Why this version replaces the previous one.")
    origin: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    created_by: str | None = Field(None, description="For the organisation's members only.")
    submitted_by: str | None = Field(None, description="For the organisation's members only.")
    approved_by: str | None = Field(None, description="For the organisation's members only.")


class ReturnOut(ReturnSummaryOut):
    figures: list[FigureOut]
    findings: list[FindingOut] | None = Field(
        None,
        description="What the checks find, while the return is in the works (for the "
        "organisation's members only): errors stop a submission, warnings do not.",
    )


class ReturnPage(Schema):
    items: list[ReturnSummaryOut]
    count: int
