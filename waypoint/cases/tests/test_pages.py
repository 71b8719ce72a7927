"""The incident pages show each user exactly what they may see."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from waypoint.cases.models import (
    Label,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    Victimisation,
)
from waypoint.orgs.models import SharingAgreement
from waypoint.test import BaseTestCase

CANARY = "CANARY-7f3a9c"


class IncidentPageTests(BaseTestCase):
    shared: Any
    secret: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        cls.shared = cls.incident(
            cls.org_a,
            "AMB-1",
            label=Label.AMBER,
            kinds=["trafficking_in_persons"],
            date_start=datetime.date(2024, 5, 17),
            place="Safe house near the port",
            narrative=f"Told by the victim {CANARY}",
            sources=f"Informant {CANARY}",
        )
        victim = Person.objects.create(
            incident=cls.shared,
            role="victim",
            sex="female",
            age=19,
            citizenship="NGA",
            migration_status="irregular",
        )
        PersonIdentifier.objects.create(person=victim, kind="full_name", value=f"Ada {CANARY}")
        PersonIdentifier.objects.create(person=victim, kind="phone", value=f"+234 {CANARY}")
        Victimisation.objects.create(
            person=victim, exploitation_forms=["sexual_exploitation"], country_of_exploitation="ITA"
        )
        offender = Person.objects.create(incident=cls.shared, role="offender", sex="male")
        OffenderRecord.objects.create(person=offender, stage="arrested")
        Selector.objects.create(incident=cls.shared, kind="phone", value=f"+218 {CANARY}")
        RouteLeg.objects.create(
            incident=cls.shared,
            sequence=1,
            from_country="NGA",
            to_country="ITA",
            from_place="Benin City",
        )
        cls.secret = cls.incident(cls.org_a, "RED-1", label=Label.RED)

    def get(self, user, path):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return self.client.get(path)

    def test_it_shows_the_owner_the_record_with_protected_fields_withheld(self) -> None:
        response = self.get(self.amara, f"/incidents/{self.shared.public_id}/")
        self.assertContains(response, "Incident AMB-1 of ORG-A")
        self.assertContains(response, "Sexual exploitation")
        self.assertContains(response, "withheld")
        self.assertNotContains(response, CANARY)

    def test_it_shows_a_partner_the_de_identified_view(self) -> None:
        response = self.get(self.chen, f"/incidents/{self.shared.public_id}/")
        self.assertContains(response, "De-identified view")
        self.assertContains(response, "Nigeria")
        self.assertNotContains(response, CANARY)
        self.assertNotContains(response, "Migration status")
        self.assertNotContains(response, "Narrative")
        self.assertNotContains(response, "selector withheld")
        self.assertNotContains(response, "personal identifier")

    def test_it_coarsens_date_and_place_for_partners_when_the_owner_asks(self) -> None:
        self.shared.coarsen_for_partners = True
        self.shared.save()
        partner = self.get(self.chen, f"/incidents/{self.shared.public_id}/")
        self.assertContains(partner, "coarsened")
        self.assertNotContains(partner, "2024-05-17")
        self.assertContains(partner, "May 2024")
        self.assertNotContains(partner, "Safe house")
        owner = self.get(self.amara, f"/incidents/{self.shared.public_id}/")
        self.assertContains(owner, "May 17, 2024")

    def test_it_answers_a_hidden_record_exactly_like_a_missing_one(self) -> None:
        hidden = self.get(self.chen, f"/incidents/{self.secret.public_id}/")
        missing = self.get(self.chen, f"/incidents/{uuid.uuid4()}/")
        self.assertEqual(hidden.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(hidden.content, missing.content)

    def test_it_lists_only_visible_incidents(self) -> None:
        owner = self.get(self.amara, "/incidents/")
        self.assertContains(owner, "2 incidents you may see")
        partner = self.get(self.chen, "/incidents/")
        self.assertContains(partner, "1 incident you may see")
        self.assertNotContains(partner, "RED-1")

    def test_it_sends_signed_out_visitors_to_the_login_page(self) -> None:
        response = self.client.get(f"/incidents/{self.shared.public_id}/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/"))

    def test_it_keeps_the_list_query_count_fixed(self) -> None:
        for number in range(5):
            self.incident(self.org_a, f"X-{number}")
        self.client.force_login(self.amara)
        self.client.get("/incidents/")
        # Session, user and device; the organisations offered as owners; count and page; the
        # user's organisations; saved filters; the roles behind the navigation.
        with self.assertNumQueries(9):
            self.client.get("/incidents/")
