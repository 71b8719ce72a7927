"""Signing in, failing to and signing out leave events."""

from __future__ import annotations

import json

from waypoint.audit.models import Action, AuditEvent
from waypoint.audit.tests.base import AuditTestCase
from waypoint.test import PASSWORD


class SessionEventTests(AuditTestCase):
    def last(self) -> AuditEvent:
        event = AuditEvent.objects.order_by("sequence").last()
        assert event is not None
        return event

    def test_it_records_a_sign_in(self) -> None:
        self.client.post(
            "/login/", {"username": "amara", "password": PASSWORD}, HTTP_USER_AGENT="Firefox/128"
        )
        event = self.last()
        self.assertEqual(event.action, Action.LOGIN)
        self.assertEqual((event.actor, event.organisation), (self.amara, self.org_a))
        self.assertEqual((event.target_type, event.target_id), ("user", "amara"))
        self.assertEqual((event.client_ip, event.user_agent), ("127.0.0.1", "Firefox/128"))

    def test_it_records_a_failed_sign_in_with_the_typed_name_only(self) -> None:
        self.client.post("/login/", {"username": "amara", "password": "Tr0ub4dor&3-guess"})
        event = self.last()
        self.assertEqual(event.action, Action.LOGIN_FAILED)
        self.assertEqual((event.actor, event.actor_username), (None, ""))
        self.assertEqual(event.details, {"username": "amara"})
        self.assertEqual((event.target_id, event.target_organisation), ("amara", self.org_a))
        everything = json.dumps(list(AuditEvent.objects.values()), default=str)
        self.assertNotIn("Tr0ub4dor", everything)

    def test_it_names_no_account_when_the_typed_name_is_unknown(self) -> None:
        self.client.post("/login/", {"username": "correct horse", "password": "battery"})
        event = self.last()
        self.assertEqual((event.target_type, event.target_id), ("user", ""))
        self.assertEqual(event.details, {"username": "correct horse"})
        self.assertNotIn("battery", json.dumps(list(AuditEvent.objects.values()), default=str))

    def test_it_records_a_sign_out(self) -> None:
        self.client.post("/login/", {"username": "chen", "password": PASSWORD})
        self.client.post("/logout/")
        event = self.last()
        self.assertEqual(event.action, Action.LOGOUT)
        self.assertEqual((event.actor_username, event.organisation_code), ("chen", "ORG-B"))
        self.assertEqual(
            list(AuditEvent.objects.by("chen").values_list("action", flat=True)),
            [Action.LOGIN, Action.LOGOUT],
        )
