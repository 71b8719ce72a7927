"""Every generated incident passes the rules a reporting officer's entry must pass."""

from __future__ import annotations

from django.utils import timezone

from waypoint.cases.validation import validate
from waypoint.demo.generate import generate
from waypoint.demo.records import as_draft
from waypoint.demo.write import ensure_world
from waypoint.test import BaseTestCase


class GeneratedIncidentsTests(BaseTestCase):
    def test_it_generates_only_valid_incidents(self) -> None:
        world = ensure_world()
        today = timezone.localdate()
        checked = 0
        for record in generate(world, seed=21, count=300, today=today):
            problems = validate(as_draft(record))
            self.assertEqual(problems, [], f"{record.scenario}: {record.incident['reference']}")
            checked += 1
        self.assertEqual(checked, 300)
