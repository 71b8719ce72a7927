from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from ninja import Field, Schema

from waypoint.api.actions import MAX_NAME
from waypoint.api.schemas.common import Input, Text


class TokenIn(Input):
    name: Annotated[Text, Field(min_length=1, max_length=MAX_NAME)] = Field(
        description="What the token is for, e.g. the script that uses it."
    )
    expires_at: datetime.datetime | None = Field(
        None, description="When the token stops working (in the future); none: it never expires."
    )


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="The start of the token, `wpt_<prefix>_…`, to recognise it.")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None = Field(description="To the minute.")
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    usable: bool = Field(description="Neither revoked nor expired.")


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself, `wpt_<prefix>_<secret>`: shown only now.")


class TokenPage(Schema):
    items: list[TokenOut]
    count: int
