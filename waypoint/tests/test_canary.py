"""A unique string seeded into every protected field of an organisation's records never reaches
anybody through the pages or the REST API: every persona crawls every page it can reach by
following links, and every API answer it can reach by following ids."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from django.core.cache import cache
from django.test import override_settings, tag

from waypoint.api.actions import create_token
from waypoint.cases.actions import record_incident
from waypoint.cases.models import (
    Incident,
    IncidentStatusChange,
    Label,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    StageChange,
    Victimisation,
)
from waypoint.cases.validation import IncidentDraft, PersonDraft, SelectorDraft, StageStep
from waypoint.lib.fieldclasses import OWNER_ONLY
from waypoint.orgs.models import Organisation, SharingAgreement
from waypoint.test import BaseTestCase
from waypoint.tests.test_authorization import PERSONAS, RELATIONS, staff_routes
from waypoint.vault.fields import BlindIndexField

CANARY = "CANARY-91c4e7"
LINK = re.compile(r'href="(/[^"#]*)"')
NEVER_FOLLOW = ("/logout/", "/static/", "/i18n/")
PAGE_LIMIT = 80


def protected_fields() -> dict[Any, list[str]]:
    """Every protected field of the case models, but blind indexes (keyed hashes, derived)."""
    models = [
        Incident, IncidentStatusChange, Person, PersonIdentifier, Victimisation, OffenderRecord,
        StageChange, RouteLeg, Selector,
    ]  # fmt: skip
    return {
        model: [
            name
            for name, klass in model.field_classes.items()  # type: ignore[attr-defined]
            if klass in OWNER_ONLY and not isinstance(model._meta.get_field(name), BlindIndexField)
        ]
        for model in models
    }


@tag("slow")
@override_settings(WAYPOINT_API_RATE="100000/min")
class CanaryTests(BaseTestCase):
    users: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        other = Organisation.objects.create(
            code="ORG-D", name="Organisation D", type="ngo", country="LBY"
        )
        orgs = {"own": cls.org_a, "partner": cls.org_b, "other": other}
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        cls.users = {}
        for persona in PERSONAS:
            if persona.relation in RELATIONS:
                cls.users[persona.name] = cls.make_user(
                    persona.name, orgs[persona.relation], persona.role
                )
        cls.users["no_org"] = cls.dana
        cls.users["platform"] = cls.eve
        recorder = cls.users["own_reporter"]
        for number, label in enumerate([Label.GREEN, Label.AMBER, Label.RED]):
            record_incident(
                actor=recorder,
                organisation=cls.org_a,
                draft=cls.seeded(number, label),
                reason=f"{CANARY} status reason",
            )

    @classmethod
    def seeded(cls, number: int, label: str) -> IncidentDraft:
        draft = cls.draft(
            reference=f"C-{number}",
            label=label,
            kinds=["smuggling_of_migrants"],
            narrative=f"{CANARY} narrative",
            sources=f"{CANARY} sources",
        )
        migrant = Person(
            role="smuggled_migrant", sex="female", citizenship="ERI", migration_status="irregular"
        )
        draft.persons = [
            PersonDraft(
                migrant,
                identifiers=[
                    PersonIdentifier(kind="full_name", value=f"{CANARY} name"),
                    PersonIdentifier(kind="phone", value=f"+291 {CANARY}"),
                    PersonIdentifier(kind="address", value=f"{CANARY} street"),
                ],
                victimisation=Victimisation(violence_forms=["extortion"]),
            ),
            PersonDraft(
                Person(role="offender", sex="male"),
                offender=OffenderRecord(stage="arrested"),
                stages=[StageStep("arrested", note=f"{CANARY} note")],
            ),
        ]
        draft.legs = [RouteLeg(sequence=1, from_country="LBY", to_country="ITA", mode="sea")]
        draft.selectors = [SelectorDraft(Selector(kind="phone", value=f"+218 {CANARY}"), 0)]
        return draft

    def test_it_seeds_every_protected_field(self) -> None:
        seeded = {
            Incident: ["narrative", "sources"],
            IncidentStatusChange: ["reason"],
            StageChange: ["note"],
            PersonIdentifier: ["value"],
            Selector: ["value"],
        }
        for model, names in protected_fields().items():
            for name in names:
                self.assertTrue(
                    name in seeded.get(model, []) or (model, name) == (Person, "migration_status"),
                    f"{model.__name__}.{name} is protected but not seeded with the canary",
                )

    def test_it_never_shows_the_canary_to_anybody(self) -> None:
        leaks: list[str] = []
        visited: dict[str, list[str]] = {}
        for name, user in self.users.items():
            self.client.logout()
            self.client.force_login(user)
            visited[name] = []
            for url, body in self.crawl():
                visited[name].append(url)
                if CANARY in body:
                    leaks.append(f"{name}: {url}")
        self.assertEqual(leaks, [])
        # The crawl reached the records: all three for the owner (with the reveal forms), the
        # shared two for the partner, the GREEN one for an unrelated organisation.
        records = {
            name: {u for u in urls if re.fullmatch(r"/incidents/[0-9a-f-]{36}/", u)}
            for name, urls in visited.items()
        }
        self.assertEqual(len(records["own_analyst"]), 3)
        self.assertEqual(len(records["partner_analyst"]), 2)
        self.assertEqual(len(records["other_analyst"]), 1)
        self.assertTrue(any("/reveal/" in url for url in visited["own_analyst"]))

    def test_it_never_sends_the_canary_through_the_api(self) -> None:
        cache.clear()  # the API's rate-limit counters
        leaks: list[str] = []
        records: dict[str, set[str]] = {}
        for name, user in self.users.items():
            if name in ("no_org", "platform"):
                continue  # they hold no token: the API answers them 401 and nothing else
            token = create_token(actor=user, name="canary")[1]
            records[name] = set()
            for url, body in self.crawl_api(token):
                if CANARY in body:
                    leaks.append(f"{name}: {url}")
                if re.fullmatch(r"/api/v1/incidents/[0-9a-f-]{36}", url):
                    records[name].add(url)
        self.assertEqual(leaks, [])
        self.assertEqual(len(records["own_analyst"]), 3)
        self.assertEqual(len(records["partner_analyst"]), 2)
        self.assertEqual(len(records["other_analyst"]), 1)

    def test_it_keeps_the_canary_out_of_the_answer_to_a_write(self) -> None:
        token = create_token(actor=self.users["own_reporter"], name="canary")[1]
        headers = {"Authorization": f"Bearer {token}"}
        for incident in Incident.objects.visible_to(self.users["own_reporter"]):
            url = f"/api/v1/incidents/{incident.public_id}"
            answer = self.client.get(url, headers=headers).json()
            response = self.client.put(
                url, answer, content_type="application/json", headers=headers
            )
            self.assertEqual(response.status_code, 200, response.content)
            self.assertNotIn(CANARY, response.content.decode())

    def crawl_api(self, token: str):  # type: ignore[no-untyped-def]
        """Every list of the API, then every incident and statistical table its lists name."""
        headers = {"Authorization": f"Bearer {token}"}
        queue = deque(
            [
                "/api/v1/incidents?limit=500",
                f"/api/v1/incidents?limit=500&q={CANARY}",
                "/api/v1/tokens",
                "/api/v1/reference/vocabularies?limit=500",
                "/api/v1/openapi.json",
                "/api/v1/stats",
            ]
        )
        while queue:
            url = queue.popleft()
            response = self.client.get(url, headers=headers)
            self.assertEqual(response.status_code, 200, url)
            body = response.content.decode("utf-8")
            yield url, body
            if url.startswith("/api/v1/incidents?"):
                queue.extend(f"/api/v1/incidents/{item['id']}" for item in response.json()["items"])
            if url == "/api/v1/stats":
                queue.extend(f"{url}/{item['id']}" for item in response.json()["items"])

    def crawl(self):  # type: ignore[no-untyped-def]
        start = [route for route, _ in staff_routes() if "<" not in route]
        queue = deque("/" + route for route in start)
        seen: set[str] = set()
        while queue and len(seen) < PAGE_LIMIT:
            url = queue.popleft()
            if url in seen or url.startswith(NEVER_FOLLOW):
                continue
            seen.add(url)
            response = self.client.get(url)
            body = response.content.decode("utf-8", "replace")
            yield url, body
            queue.extend(link.replace("&amp;", "&") for link in LINK.findall(body))
