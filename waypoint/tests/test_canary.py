"""A unique string seeded into every protected field of an organisation's records never reaches
anybody through the pages: every persona crawls every page it can reach by following links."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from django.test import tag

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
PAGE_LIMIT = 60


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
