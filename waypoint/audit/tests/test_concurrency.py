"""Appends from many connections at once still make one unbroken chain (PostgreSQL; SQLite runs
one writer at a time by design)."""

from __future__ import annotations

import threading
import unittest

from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from waypoint.audit.log import Target, record
from waypoint.audit.models import Action, AuditEvent
from waypoint.audit.verify import verify_chain

WRITERS = 8
EACH = 15


@unittest.skipUnless(connection.vendor == "postgresql", "needs concurrent writers")
class ConcurrentAppendTests(TransactionTestCase):
    # Reference data comes from data migrations; restore it after this test's flush.
    serialized_rollback = True

    def write(self, number: int, errors: list[BaseException]) -> None:
        try:
            for step in range(EACH):
                with transaction.atomic():
                    record(
                        actor=None,
                        action=Action.UPDATE,
                        target=Target("incident", f"writer-{number}-{step}"),
                        details={"fields": ["status"]},
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def test_it_never_chains_two_events_to_the_same_predecessor(self) -> None:
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=self.write, args=(number, errors)) for number in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        total = WRITERS * EACH
        sequences = list(AuditEvent.objects.values_list("sequence", flat=True))
        self.assertEqual(sequences, list(range(1, total + 1)))
        verdict = verify_chain()
        self.assertTrue(verdict.intact, verdict.broken)
        self.assertEqual(verdict.events, total)
