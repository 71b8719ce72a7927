"""Revealing a protected value: only the owner, only on purpose, always recorded."""

from __future__ import annotations

from typing import Any

from waypoint.audit.models import Action, AuditEvent
from waypoint.cases.models import Label, Person, PersonIdentifier, Selector
from waypoint.orgs.models import SharingAgreement
from waypoint.test import BaseTestCase

REASON = "Checking the victim's name against the shelter's referral"


class RevealTests(BaseTestCase):
    record: Any
    victim: Any
    name: Any
    phone: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        cls.record = cls.incident(
            cls.org_a,
            "R-1",
            label=Label.AMBER,
            narrative="She was held in a flat in Castel Volturno",
        )
        cls.victim = Person.objects.create(
            incident=cls.record, role="smuggled_migrant", migration_status="asylum_seeker"
        )
        cls.name = PersonIdentifier.objects.create(
            person=cls.victim, kind="full_name", value="Blessing Okafor"
        )
        cls.phone = Selector.objects.create(
            incident=cls.record, kind="phone", value="+218 91 234 5678"
        )

    def url(self) -> str:
        return f"/incidents/{self.record.public_id}/reveal/"

    def reveal(self, user, target: str, field: str, reason: str = REASON):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return self.client.post(
            self.url(), {"target": target, "field": field, "justification": reason}
        )

    def test_it_shows_the_owner_a_narrative_and_records_why(self) -> None:
        response = self.reveal(self.amara, "incident", "narrative")
        self.assertContains(response, "Castel Volturno")
        event = AuditEvent.objects.filter(action=Action.REVEAL).get()
        self.assertEqual(event.actor_username, "amara")
        self.assertEqual(event.justification, REASON)
        self.assertNotIn("Castel", str(event.details))

    def test_it_reveals_an_identifier_a_selector_and_a_migration_status(self) -> None:
        self.assertContains(
            self.reveal(self.amara, f"identifier:{self.name.public_id}", "value"), "Blessing Okafor"
        )
        self.assertContains(
            self.reveal(self.amara, f"selector:{self.phone.public_id}", "value"), "+218 91 234 5678"
        )
        self.assertContains(
            self.reveal(self.amara, f"person:{self.victim.public_id}", "migration_status"),
            "Asylum seeker",
        )

    def test_it_requires_a_reason(self) -> None:
        response = self.reveal(self.amara, "incident", "narrative", reason="")
        self.assertContains(response, "This field is required")
        self.assertNotContains(response, "Castel Volturno")
        self.assertFalse(AuditEvent.objects.filter(action=Action.REVEAL).exists())

    def test_it_never_reveals_to_a_partner(self) -> None:
        response = self.reveal(self.chen, "incident", "narrative")
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Castel", status_code=404)
        self.assertFalse(AuditEvent.objects.filter(action=Action.REVEAL).exists())

    def test_it_reveals_only_protected_fields_of_this_incident(self) -> None:
        self.assertEqual(self.reveal(self.amara, "incident", "reference").status_code, 404)
        other = self.incident(self.org_a, "R-2")
        stranger = Person.objects.create(incident=other, role="witness")
        response = self.reveal(self.amara, f"person:{stranger.public_id}", "migration_status")
        self.assertEqual(response.status_code, 404)

    def test_it_links_withheld_fields_to_the_reveal_page_for_owners_only(self) -> None:
        self.client.force_login(self.amara)
        page = self.client.get(f"/incidents/{self.record.public_id}/")
        self.assertContains(page, "/reveal/?target=incident&amp;field=narrative")
        self.client.force_login(self.chen)
        page = self.client.get(f"/incidents/{self.record.public_id}/")
        self.assertNotContains(page, "/reveal/")
