"""What every router shares: text without control characters, pages, the error answer."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict


def _clean_text(value: str) -> str:
    # NUL cannot be stored by PostgreSQL, and an unpaired surrogate is not text at all.
    if "\x00" in value:
        raise ValueError("Text cannot hold the NUL character.")
    if any("\ud800" <= character <= "\udfff" for character in value):
        raise ValueError("Text cannot hold unpaired surrogates.")
    return value


#: Any text a request gives.
Text = Annotated[str, AfterValidator(_clean_text)]

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000_000


class Input(Schema):
    """A request body: unknown fields are refused, so a misspelt field is never ignored."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} items per page."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class ProblemOut(Schema):
    path: str = Field(
        description="Where the rejected value is in the request, e.g. `persons[2].age` "
        "(lists count from 1); empty for the request as a whole."
    )
    message: str
    code: str = Field(description="The rule's stable code, e.g. `invalid_code`, `missing`.")


class ErrorBody(Schema):
    code: str = Field(
        description="Stable: bad_request, not_authenticated, forbidden, not_found, "
        "method_not_allowed, too_large, invalid, rate_limited, server_error."
    )
    message: str
    details: list[ProblemOut]


class ErrorOut(Schema):
    error: ErrorBody


def errors(*statuses: int) -> dict[int, Any]:
    """The error answers an operation documents, all in the one shape."""
    return dict.fromkeys(statuses, ErrorOut)


def links(status: int, **operations: tuple[str, str, str]) -> dict[str, Any]:
    """OpenAPI links from one answer to the operations its values feed, for ``openapi_extra``:
    ``links(201, GetIncident=("get_incident", "incident_id", "$response.body#/id"))``."""
    return {
        "responses": {
            # The status as django-ninja keys it (an int), so that the two merge.
            status: {
                "links": {
                    name: {"operationId": operation, "parameters": {parameter: value}}
                    for name, (operation, parameter, value) in operations.items()
                }
            }
        }
    }
