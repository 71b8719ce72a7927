"""Writing events: the chain, what is named and how, and what is never recorded."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.test import RequestFactory

from waypoint.audit.chain import GENESIS, digest
from waypoint.audit.details import UnsafeDetails
from waypoint.audit.log import Target, record
from waypoint.audit.models import Action, AuditEvent
from waypoint.audit.tests.base import AuditTestCase
from waypoint.audit.verify import verify_chain
from waypoint.orgs.models import Membership, Organisation


class ChainTests(AuditTestCase):
    def test_it_chains_each_event_to_the_one_before(self) -> None:
        first, second, third = self.some_events(3)
        self.assertEqual([first.sequence, second.sequence, third.sequence], [1, 2, 3])
        self.assertEqual(first.previous_hash, GENESIS)
        self.assertEqual(second.previous_hash, first.hash)
        self.assertEqual(third.previous_hash, second.hash)
        self.assertEqual(len({first.hash, second.hash, third.hash}), 3)

    def test_it_hashes_what_the_database_gives_back(self) -> None:
        written = record(
            actor=self.amara,
            action=Action.VIEW_RESTRICTED,
            organisation=self.org_a,
            target=self.incident(self.org_b, label="green"),
            details={"fields": ["sources"], "person": "6f1c2c5e-7f43-4a8e-9d5f-0c1e2d3b4a59"},
            justification="Checking a route for the joint investigation «Ruta Sur» — ñ, 中文",
        )
        stored = AuditEvent.objects.get(pk=written.pk)
        self.assertEqual(digest(stored.hashed_fields()), written.hash)
        self.assertTrue(verify_chain().intact)

    def test_it_leaves_no_event_when_the_action_rolls_back(self) -> None:
        with self.assertRaises(RuntimeError), transaction.atomic():
            record(actor=self.bruno, action=Action.CREATE, organisation=self.org_a)
            raise RuntimeError("the action failed after writing its event")
        self.assertFalse(AuditEvent.objects.exists())
        event = record(actor=self.bruno, action=Action.CREATE, organisation=self.org_a)
        self.assertEqual((event.sequence, event.previous_hash), (1, GENESIS))

    def test_it_writes_in_the_callers_transaction(self) -> None:
        with transaction.atomic():
            event = record(actor=self.bruno, action=Action.CREATE, organisation=self.org_a)
            transaction.set_rollback(True)
        self.assertTrue(event.sequence)
        self.assertFalse(AuditEvent.objects.exists())


class NamingTests(AuditTestCase):
    def test_it_names_a_record_by_its_public_id_and_owner(self) -> None:
        incident = self.incident(self.org_a)
        event = record(
            actor=self.bruno, action=Action.CREATE, organisation=self.org_a, target=incident
        )
        self.assertEqual(event.target_type, "incident")
        self.assertEqual(event.target_id, str(incident.public_id))
        self.assertEqual(event.target_organisation, self.org_a)
        self.assertEqual(event.target_organisation_code, "ORG-A")
        self.assertEqual((event.actor, event.actor_username), (self.bruno, "bruno"))
        self.assertEqual(event.organisation_code, "ORG-A")

    def test_it_names_users_by_user_name_and_organisations_by_public_id(self) -> None:
        about_user = record(actor=self.eve, action=Action.USER_DISABLED, target=self.dana)
        about_org = record(actor=self.eve, action=Action.UPDATE, target=self.org_b)
        self.assertEqual((about_user.target_type, about_user.target_id), ("user", "dana"))
        self.assertEqual(about_org.target_id, str(self.org_b.public_id))
        self.assertEqual(about_org.target_organisation, self.org_b)

    def test_it_refuses_a_record_without_a_public_id(self) -> None:
        membership = Membership.objects.get(user=self.amara)
        with self.assertRaisesMessage(TypeError, "has no public id"):
            record(actor=self.eve, action=Action.MEMBERSHIP_CHANGED, target=membership)
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_keeps_the_events_of_a_deleted_user_and_organisation_readable(self) -> None:
        gone = Organisation.objects.create(code="GONE", name="Dissolved", type="ngo", country="ITA")
        leaver = self.make_user("leaver", gone, "reporter")
        event = record(actor=leaver, action=Action.EXPORT, organisation=gone, target=gone)
        leaver.delete()
        gone.delete()
        event = AuditEvent.objects.get(pk=event.pk)
        self.assertEqual((event.actor, event.organisation, event.target_organisation), (None,) * 3)
        self.assertEqual((event.actor_username, event.organisation_code), ("leaver", "GONE"))
        self.assertTrue(verify_chain().intact)

    def test_it_records_the_client_address_and_browser(self) -> None:
        request = RequestFactory().get(
            "/", REMOTE_ADDR="2001:db8:0:0::1", HTTP_USER_AGENT="Firefox\x00/128"
        )
        event = record(actor=self.amara, action=Action.LOGIN, request=request)
        self.assertEqual((event.client_ip, event.user_agent), ("2001:db8::1", "Firefox/128"))


class WhatIsNeverRecordedTests(AuditTestCase):
    def test_it_refuses_details_it_does_not_know_are_safe(self) -> None:
        unsafe: list[dict[str, Any]] = [
            {"narrative": "She crossed at night with her two children"},
            {"changes": {"given_name": ["Amal", "Amel"]}},
            {"fields": {"given_name": "Amel"}},
            {"fields": ["Amel Haddad"]},
            {"to_status": "Amel Haddad"},
            {"partner": "org-b; DROP TABLE"},
            {"partners": ["ORG-B", "Amel"]},
            {"users": ["bruno", 7]},
            {"count": "12"},
            {"count": True},
            {"person": "Amel"},
            {"public": "yes"},
        ]
        for details in unsafe:
            with self.subTest(details=details), self.assertRaises(UnsafeDetails):
                record(actor=self.bruno, action=Action.UPDATE, details=details)
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_keeps_the_names_of_changed_fields_never_their_values(self) -> None:
        event = record(
            actor=self.bruno,
            action=Action.UPDATE,
            organisation=self.org_a,
            details={
                "fields": ["persons[0].given_name", "narrative", "narrative"],
                "count": 2,
                "partners": ["ORG-B", "ORG-A"],
            },
        )
        self.assertEqual(
            event.details,
            {
                "fields": ["narrative", "persons[0].given_name"],
                "count": 2,
                "partners": ["ORG-A", "ORG-B"],
            },
        )
        self.assertEqual(
            event.details_summary(),
            "count: 2; fields: narrative, persons[0].given_name; partners: ORG-A, ORG-B",
        )

    def test_it_requires_a_justification_to_view_restricted_data(self) -> None:
        for action in (Action.VIEW_RESTRICTED, Action.VIEW_FIREWALLED, Action.REVEAL):
            with self.subTest(action=action), self.assertRaisesMessage(ValueError, "justification"):
                record(actor=self.amara, action=action, organisation=self.org_a, justification=" ")
        event = record(
            actor=self.amara,
            action=Action.VIEW_RESTRICTED,
            organisation=self.org_a,
            target=Target("incident", "x", self.org_a),
            justification="Prosecutor's request 2024/117",
        )
        self.assertEqual(event.justification, "Prosecutor's request 2024/117")

    def test_it_refuses_an_unknown_action(self) -> None:
        with self.assertRaises(ValueError):
            record(actor=self.amara, action="peek")
