from __future__ import annotations

import unittest

from waypoint.lib import ages
from waypoint.lib.workflow import TransitionError, Workflow


class AgeTests(unittest.TestCase):
    def test_it_places_every_age_in_exactly_one_detailed_group(self) -> None:
        for age in range(0, ages.MAX_AGE + 1):
            groups = [g for g in ages.DETAILED_GROUPS if ages.group_contains(g, age)]
            self.assertEqual(groups, [ages.age_group_for(age)])

    def test_it_tells_minors_from_adults_by_age_or_group(self) -> None:
        self.assertTrue(ages.is_minor(17, "unknown"))
        self.assertFalse(ages.is_minor(None, "18-24"))
        self.assertTrue(ages.is_minor(None, "child"))
        self.assertIsNone(ages.is_minor(None, "not_stated"))


class WorkflowTests(unittest.TestCase):
    flow = Workflow.of({"a": ["b"], "b": ["c", "a"]}, initial=["a"])

    def test_it_allows_listed_transitions_only(self) -> None:
        self.assertTrue(self.flow.allows("a", "b"))
        self.assertFalse(self.flow.allows("a", "c"))
        self.assertTrue(self.flow.allows(None, "a"))

    def test_it_names_the_allowed_states_when_refusing(self) -> None:
        with self.assertRaisesRegex(TransitionError, "allowed: a, c"):
            self.flow.check("b", "b")

    def test_it_knows_all_states(self) -> None:
        self.assertEqual(self.flow.states(), {"a", "b", "c"})
