"""The demo's aggregate returns: several organisations over three years, one of which has not
submitted the latest, and reciprocity to show for it."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.test import TestCase

from waypoint.demo.generate import generate
from waypoint.demo.returns import LATE, write_returns
from waypoint.demo.write import ensure_world, write_incidents
from waypoint.returns.actions import findings
from waypoint.returns.models import Return, Status
from waypoint.returns.validation import errors


class DemoReturnsTests(TestCase):
    written: int

    @classmethod
    def setUpTestData(cls) -> None:
        world = ensure_world()
        write_incidents(generate(world, seed=1, count=300, today=datetime.date(2025, 6, 30)))
        cls.written = write_returns(latest_year=2024)

    def test_members_report_three_years_and_one_has_not_submitted_the_latest(self) -> None:
        self.assertEqual(self.written, 12)
        open_ = Return.objects.exclude(status=Status.SUBMITTED)
        self.assertEqual([(r.organisation.code, r.period) for r in open_], [(LATE, "2024")])
        for ret in Return.objects.all():
            with self.subTest(str(ret)):
                self.assertEqual(errors(findings(ret)), [])
        self.assertEqual(write_returns(latest_year=2024), 0)  # never twice

    def test_the_late_organisation_sees_the_others_only_for_the_years_it_submitted(self) -> None:
        amara = User.objects.get(username="amara")  # ITA-POL
        seen = {(r.organisation.code, r.period) for r in Return.objects.visible_to(amara)}
        self.assertIn(("GRC-HP", "2023"), seen)
        self.assertNotIn(("GRC-HP", "2024"), seen)
        chen = User.objects.get(username="chen")  # GRC-HP
        seen = {(r.organisation.code, r.period) for r in Return.objects.visible_to(chen)}
        self.assertIn(("ITA-POL", "2023"), seen)
        self.assertNotIn(("ITA-POL", "2024"), seen)  # a draft stays with its organisation

    def test_the_late_organisations_returns_are_prefilled_from_its_records(self) -> None:
        ret = Return.objects.get(organisation__code=LATE, period="2023")
        derived = ret.values.exclude(derivation="")
        self.assertTrue(derived.exists())
        self.assertEqual(ret.origin, "prefilled")
