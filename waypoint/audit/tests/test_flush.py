"""``waypoint flush`` empties the database, audit log included, outside production only."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from waypoint.analytics import summary_triggers
from waypoint.analytics.models import SummaryState
from waypoint.audit import protection
from waypoint.audit.models import AuditEvent
from waypoint.audit.tests.base import AuditTestCase


class FlushTests(AuditTestCase):
    def setUp(self) -> None:
        self.some_events(2)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def test_it_empties_the_log_and_keeps_it_protected(self) -> None:
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        self.assertFalse(AuditEvent.objects.exists())
        self.assertEqual(protection.missing_triggers(connection), [])

    def test_it_empties_case_data_and_keeps_the_statistics_summary_triggers(self) -> None:
        self.incident(self.org_a, "F-1")
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        # The triggers would have marked the owner of each incident deleted after its owner.
        self.assertFalse(SummaryState.objects.exists())
        self.assertEqual(summary_triggers.missing_triggers(connection), [])

    @override_settings(MODE="production")
    def test_it_refuses_to_erase_the_log_in_production(self) -> None:
        with self.assertRaisesMessage(CommandError, "append-only"):
            call_command("flush", interactive=False, verbosity=0)
        self.assertEqual(AuditEvent.objects.count(), 2)
        self.assertEqual(protection.missing_triggers(connection), [])
