"""``waypoint audit verify`` proves the chain intact or names its first broken link."""

from __future__ import annotations

import json

from django.db import connection

from waypoint.audit import protection
from waypoint.audit.chain import digest
from waypoint.audit.models import Action, AuditEvent
from waypoint.audit.tests.base import AuditTestCase, tampering

SET = f"UPDATE {protection.TABLE} SET {{}} WHERE sequence = %s"


class VerifyTests(AuditTestCase):
    def setUp(self) -> None:
        self.events = self.some_events(5)

    def test_it_reports_an_intact_chain(self) -> None:
        code, out, _ = self.audit("verify")
        self.assertEqual(code, 0)
        self.assertEqual(out.strip(), f"intact: 5 events, last hash {self.events[-1].hash}")

    def test_it_reports_an_empty_chain_as_intact(self) -> None:
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {protection.TABLE}")
            cursor.execute("DELETE FROM audit_chainhead")
        code, out, _ = self.audit("verify", "--no-record")
        self.assertEqual((code, out.strip()), (0, f"intact: 0 events, last hash {'0' * 64}"))

    def test_it_names_the_event_whose_details_were_changed(self) -> None:
        with tampering() as cursor:
            cursor.execute(SET.format("details = %s"), ['{"fields": ["label"]}', 3])
        code, _, error = self.audit("verify")
        self.assertEqual(code, 1)
        self.assertIn("broken link at event 3 (", error)
        self.assertIn("its fields were changed", error)
        found = self.events[2].hash
        expected = digest({**self.events[2].hashed_fields(), "details": {"fields": ["label"]}})
        self.assertIn(f"expected {expected}, found {found}", error)

    def test_it_names_a_deleted_event_as_a_gap(self) -> None:
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {protection.TABLE} WHERE sequence = 3")
        code, _, error = self.audit("verify")
        self.assertEqual(code, 1)
        self.assertIn("broken link at event 3", error)
        self.assertIn("event 3 is missing (deleted?): after event 2 comes event 4", error)

    def test_it_notices_events_cut_from_the_end(self) -> None:
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {protection.TABLE} WHERE sequence >= 4")
        code, _, error = self.audit("verify", "--no-record")
        self.assertEqual(code, 1)
        self.assertIn("events 4 to 5 are missing from the end of the chain", error)

    def test_it_notices_the_last_event_deleted(self) -> None:
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {protection.TABLE} WHERE sequence = 5")
        code, _, error = self.audit("verify", "--no-record")
        self.assertEqual(code, 1)
        self.assertIn("broken link at event 5: event 5 is missing from the end", error)

    def test_it_notices_a_missing_chain_head(self) -> None:
        with tampering() as cursor:
            cursor.execute("DELETE FROM audit_chainhead")
        code, _, error = self.audit("verify", "--no-record")
        self.assertEqual(code, 1)
        self.assertIn("the chain head (the record of the last event) is missing", error)

    def test_it_notices_a_rehashed_event_at_the_next_link(self) -> None:
        forged = {**self.events[2].hashed_fields(), "actor_username": "chen"}
        with tampering() as cursor:
            cursor.execute(
                SET.format("actor_username = %s, hash = %s"), ["chen", digest(forged), 3]
            )
        code, _, error = self.audit("verify")
        self.assertEqual(code, 1)
        self.assertIn("broken link at event 4", error)
        self.assertIn("does not chain to the event before it", error)

    def test_it_catches_a_rewritten_tail_with_an_anchor(self) -> None:
        """A superuser who rewrites the last event and the chain head leaves a chain that is
        consistent in itself; a hash noted outside the database still exposes it."""
        last = self.events[-1]
        forged = {**last.hashed_fields(), "details": {"fields": ["label"]}}
        with tampering() as cursor:
            cursor.execute(
                SET.format("details = %s, hash = %s"),
                [json.dumps(forged["details"]), digest(forged), 5],
            )
            cursor.execute("UPDATE audit_chainhead SET hash = %s", [digest(forged)])
        self.assertEqual(self.audit("verify", "--no-record")[0], 0)
        code, _, error = self.audit("verify", "--anchor", f"5:{last.hash}")
        self.assertEqual(code, 1)
        self.assertIn("broken link at event 5", error)
        self.assertIn("it differs from the anchor", error)

    def test_it_records_each_verification(self) -> None:
        self.audit("verify")
        event = AuditEvent.objects.order_by("sequence").last()
        assert event is not None
        self.assertEqual(event.action, Action.AUDIT_VERIFY)
        self.assertEqual(event.details, {"events": 5, "result": "intact"})
        self.assertEqual(event.target_type, "audit_log")
        self.audit("verify", "--no-record")
        self.assertEqual(AuditEvent.objects.count(), 6)

    def test_it_records_a_failed_verification_too(self) -> None:
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {protection.TABLE} WHERE sequence = 2")
        self.audit("verify")
        event = AuditEvent.objects.order_by("sequence").last()
        assert event is not None
        self.assertEqual(event.details, {"events": 1, "result": "broken", "first_broken": 2})

    def test_it_warns_when_the_triggers_are_missing_and_restores_them(self) -> None:
        protection.remove(connection)
        code, _, error = self.audit("verify", "--no-record")
        self.assertEqual(code, 0)
        self.assertIn("append-only triggers are missing", error)
        code, out, _ = self.audit("protect")
        self.assertEqual(code, 0)
        self.assertTrue(out.startswith("protected: "))
        self.assertEqual(protection.missing_triggers(connection), [])

    def test_it_refuses_a_malformed_anchor(self) -> None:
        code, _, error = self.audit("verify", "--anchor", "5:abc")
        self.assertNotEqual(code, 0)
        self.assertIn("is not NUMBER:HASH", error)
