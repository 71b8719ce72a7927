"""Events cannot be changed or deleted: not through the ORM, not with raw SQL."""

from __future__ import annotations

import unittest
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from waypoint.audit import protection
from waypoint.audit.chain import GENESIS
from waypoint.audit.models import AppendOnlyError, AuditEvent
from waypoint.audit.tests.base import AuditTestCase

UPDATE = f"UPDATE {protection.TABLE} SET {{}} WHERE sequence = %s"


class OrmTests(AuditTestCase):
    def setUp(self) -> None:
        self.event = self.some_events(1)[0]

    def test_it_refuses_to_save_a_recorded_event_again(self) -> None:
        self.event.details = {"fields": ["label"]}
        with self.assertRaises(AppendOnlyError):
            self.event.save()

    def test_it_refuses_to_delete_an_event(self) -> None:
        with self.assertRaises(AppendOnlyError):
            self.event.delete()

    def test_it_refuses_to_update_or_delete_through_a_queryset(self) -> None:
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.update(justification="nothing to see")
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.filter(sequence=1).update(actor=self.chen)
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.filter(sequence=1).delete()
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.bulk_update([self.event], ["details"])
        self.assertEqual(AuditEvent.objects.get().details, {"fields": ["status"]})

    def test_it_refuses_events_written_around_record(self) -> None:
        forged = AuditEvent(
            sequence=2, timestamp=timezone.now(), action="login", previous_hash=GENESIS, hash="0"
        )
        with self.assertRaises(AppendOnlyError):
            forged.save()
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.bulk_create([forged])
        self.assertEqual(AuditEvent.objects.count(), 1)


class DatabaseTests(AuditTestCase):
    def setUp(self) -> None:
        self.event = self.some_events(1)[0]

    def refused(self, sql: str, *params: Any) -> None:
        with (
            self.assertRaisesMessage(IntegrityError, "append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)

    def test_it_has_its_triggers(self) -> None:
        self.assertEqual(protection.missing_triggers(connection), [])

    def test_it_refuses_a_raw_update(self) -> None:
        self.refused(UPDATE.format("details = %s"), '{"fields": ["x"]}', 1)
        self.refused(UPDATE.format("hash = %s"), "f" * 64, 1)

    def test_it_refuses_a_raw_delete(self) -> None:
        self.refused(f"DELETE FROM {protection.TABLE}")
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_it_refuses_to_point_an_event_at_another_user(self) -> None:
        self.refused(UPDATE.format("actor_id = %s"), self.chen.pk, 1)

    def test_it_lets_a_reference_become_null_as_deleting_a_user_does(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(UPDATE.format("actor_id = NULL, organisation_id = NULL"), [1])
        self.event.refresh_from_db()
        self.assertEqual((self.event.actor, self.event.actor_username), (None, "bruno"))

    @unittest.skipUnless(connection.vendor == "postgresql", "TRUNCATE is PostgreSQL's")
    def test_it_refuses_truncate(self) -> None:
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks of this test's inserts, which TRUNCATE
            # would otherwise complain about before the trigger has its say.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.refused(f"TRUNCATE {protection.TABLE}")

    def test_its_update_trigger_covers_every_column(self) -> None:
        columns = {field.column for field in AuditEvent._meta.concrete_fields}
        self.assertEqual(columns, {*protection.FIXED_COLUMNS, *protection.REFERENCES})
