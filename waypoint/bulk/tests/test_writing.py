"""The bulk writer an import goes through stores what its rows hold, whether a column's values
are bound for each row or, being the same number, flag, nothing or default text in every row,
written into the statement once."""

from __future__ import annotations

import datetime
import uuid

from django.db import connection
from django.utils import timezone

from waypoint.bulk.tests.test_native import ImportTestCase, row
from waypoint.cases import instances, writing
from waypoint.cases.models import Incident, Person
from waypoint.test import BaseTestCase
from waypoint.vault import reveal
from waypoint.vault.sealing import BulkSealer


class StatementTests(BaseTestCase):
    def queued(self, *values: dict[str, object]) -> list[list[object]]:
        """Incident rows with the given values, queued in ``self.table``."""
        table = writing.Table(Incident, BulkSealer())
        for given in values:
            incident = instances.build(Incident, {"owner_id": self.org_a.pk, **given})
            table.add(incident.__dict__, self.org_a.pk)
        self.table = table
        return table.rows

    def test_it_writes_what_every_row_shares_into_the_statement(self) -> None:
        rows = self.queued(
            {"reference": "A", "dead": 0, "publish_in_statistics": True},
            {"reference": "B", "dead": 0, "publish_in_statistics": True},
        )
        sql, bound = self.table._statement(rows)
        self.assertIn("NULL", sql)
        self.assertIn("'unknown'", sql)
        self.assertLess(len(bound[0]), len(rows[0]))
        self.assertIn("A", bound[0])

    def test_it_binds_what_differs_and_text_read_from_a_file(self) -> None:
        rows = self.queued(
            {"reference": "A", "dead": 0, "place": "Lampedusa"},
            {"reference": "B", "dead": False, "place": "Lampedusa"},
        )
        sql, bound = self.table._statement(rows)
        self.assertNotIn("Lampedusa", sql)
        self.assertIn("Lampedusa", bound[0])
        self.assertIn(0, bound[0])
        self.assertIs(bound[1][bound[0].index(0)], False)

    def test_it_binds_every_value_of_a_single_row_the_same_way(self) -> None:
        with connection.cursor() as cursor:
            table = writing.Table(Incident, BulkSealer())
            now = timezone.now()
            values = {"owner_id": self.org_a.pk, "reference": "ONE", "dead": 3}
            incident = instances.build(Incident, {**values, "created_at": now, "updated_at": now})
            table.add(incident.__dict__, self.org_a.pk)
            table.flush(cursor)
        incident = Incident.objects.get(reference="ONE")
        self.assertEqual((incident.dead, incident.country, incident.kinds), (3, "unknown", []))


class StoredTests(ImportTestCase):
    def test_it_stores_shared_and_differing_values_alike(self) -> None:
        shared = {"dead": "0", "publish_in_statistics": "yes", "migrants_involved": "3"}
        path = self.rows(
            "shared.csv",
            row(reference="S-1", **shared),
            row(reference="S-2", **shared, person_age="40"),
            row(reference="S-3", dead="1", migrants_involved="3", person_sex="male"),
        )
        self.imported(path)
        incidents = Incident.objects.order_by("reference")
        self.assertEqual(
            [
                (i.reference, i.dead, i.publish_in_statistics, i.migrants_involved, i.date_end)
                for i in incidents
            ],
            [("S-1", 0, True, 3, None), ("S-2", 0, True, 3, None), ("S-3", 1, False, 3, None)],
        )
        self.assertEqual(
            list(Person.objects.order_by("incident__reference").values_list("age", "sex")),
            [(23, "female"), (40, "female"), (23, "male")],
        )
        self.assertEqual(
            {reveal(person, "migration_status") for person in Person.objects.all()}, {"unknown"}
        )
        self.assertEqual(incidents[0].date_start, datetime.date(2024, 3, 1))


class PublicIdTests(ImportTestCase):
    def test_public_ids_are_random_version_4_uuids_never_repeated(self) -> None:
        drawn = [instances.uuid4() for _ in range(2000)]
        self.assertEqual(len(set(drawn)), len(drawn))
        for public_id in drawn[:50]:
            self.assertEqual((public_id.version, public_id.variant), (4, uuid.RFC_4122))
            self.assertEqual(uuid.UUID(str(public_id)), public_id)
            self.assertEqual(uuid.UUID(hex=public_id.hex).int, public_id.int)

    def test_built_instances_draw_their_own_public_id(self) -> None:
        first, second = instances.build(Person), instances.build(Person)
        self.assertIsInstance(first.public_id, uuid.UUID)
        self.assertNotEqual(first.public_id, second.public_id)
