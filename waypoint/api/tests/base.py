"""What the API tests share: tokens for the personas and requests that carry them."""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.test import override_settings

from waypoint.api.actions import create_token
from waypoint.test import BaseTestCase
from waypoint.web.tests.helpers import quiet

CANARY = "CANARY-5e02b1"


def document(**fields: Any) -> dict[str, Any]:
    """A minimal valid incident document to build on."""
    values: dict[str, Any] = {
        "reference": "API-1",
        "kinds": ["smuggling_of_migrants"],
        "date_start": "2024-05-17",
        "date_precision": "day",
        "country": "ITA",
    }
    values.update(fields)
    return values


def full_document(**fields: Any) -> dict[str, Any]:
    """A document with something in every part: persons with identifiers, victimisation and an
    offender's history, a route, a selector and every write-only value (holding ``CANARY``)."""
    values = document(
        reference="API-FULL",
        label="amber",
        kinds=["smuggling_of_migrants", "trafficking_in_persons"],
        migrants_involved=12,
        dead=1,
        death_causes=["drowning"],
        place="Harbour of Zuwara",
        admin_area="Sicily",
        narrative=f"{CANARY} narrative",
        sources=f"{CANARY} sources",
        persons=[
            {
                "role": "victim",
                "sex": "female",
                "age": 19,
                "citizenship": "NGA",
                "migration_status": "irregular",
                "identifiers": [{"kind": "full_name", "value": f"Ada {CANARY}"}],
                "victimisation": {
                    "exploitation_forms": ["sexual_exploitation"],
                    "country_of_exploitation": "ITA",
                },
            },
            {
                "role": "offender",
                "sex": "male",
                "citizenship": "LBY",
                "offender": {
                    "stage": "prosecuted",
                    "stages": [
                        {"stage": "arrested", "effective_on": "2024-05-18", "note": CANARY},
                        {"stage": "prosecuted", "effective_on": "2024-08-02"},
                    ],
                },
            },
        ],
        legs=[
            {
                "from_country": "LBY",
                "from_place": "Zuwara",
                "to_country": "ITA",
                "mode": "sea",
                "departed_on": "2024-05-16",
                "arrived_on": "2024-05-17",
                "fee_amount": "1500.00",
                "fee_currency": "USD",
            }
        ],
        selectors=[{"kind": "phone", "value": f"+218 {CANARY}", "person": 2}],
    )
    values.update(fields)
    return values


@override_settings(WAYPOINT_API_RATE="100000/min")
class ApiTestCase(BaseTestCase):
    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tokens = {}
        for user in (cls.amara, cls.bruno, cls.chen):
            cls.tokens[user.username] = create_token(actor=user, name="tests")[1]

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the rate-limit counters
        # django.request reports every 4xx answer; these tests ask for many on purpose.
        quieted = quiet("django.request")
        quieted.__enter__()
        self.addCleanup(quieted.__exit__, None, None, None)

    def api(
        self,
        method: str,
        path: str,
        data: Any = None,
        *,
        token: str | None = None,
        as_user: Any = None,
        **extra: Any,
    ) -> Any:
        """Send a request to the API with a persona's token (or ``token``, or none)."""
        if as_user is not None:
            token = self.tokens[as_user.username]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = json.dumps(data) if data is not None else ""
        return self.client.generic(
            method,
            f"/api/v1{path}",
            body,
            content_type="application/json",
            headers=headers,
            **extra,
        )

    def assertError(self, response: Any, status: int, code: str) -> dict[str, Any]:
        """The answer is the stable error shape with this status and code."""
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        error = response.json()["error"]
        self.assertEqual(set(error), {"code", "message", "details"})
        self.assertEqual(error["code"], code)
        self.assertTrue(error["message"])
        return error
